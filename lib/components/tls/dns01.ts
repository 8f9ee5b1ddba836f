import { fail } from '../../core/errors';
import { SecretValue } from '../../core/secret';
import type { Component } from '../../core/component';

/** A provider block of a cert-manager `dns01` solver, as JSON (`{ cloudflare: { apiTokenSecretRef: ... } }`). */
export type Dns01SolverConfig = Readonly<Record<string, unknown>>;

/**
 * A DNS provider that cert-manager writes ACME DNS-01 records with. `bind` returns its part of the
 * solver and declares the credentials as a Secret of `certManager` (cert-manager reads the Secrets of a
 * ClusterIssuer in its own namespace), so that no credential is written into the output. Implement it
 * for a provider ballast has no factory for.
 */
export interface IDns01Provider {
  /** The provider, for messages, e.g. `Cloudflare`. */
  readonly description: string;
  /** The solver's provider block; `secretPrefix` starts the names of the Secrets it declares on `certManager`. */
  bind(certManager: Component, secretPrefix: string): Dns01SolverConfig;
}

/** Cloudflare: an API token with Zone:Read and DNS:Edit on the zones of the certificates. */
export interface CloudflareDns01Options {
  /** The API token (never an API key: a token can be limited to DNS edits). */
  readonly apiToken: SecretValue;
}

/** Amazon Route 53: the hosted zones of the certificates' names. */
export interface Route53Dns01Options {
  /** AWS region of the API calls, e.g. `eu-central-1`. */
  readonly region: string;
  /** Limit cert-manager to this hosted zone. @default every zone the credentials may change */
  readonly hostedZoneId?: string;
  /**
   * An access key of an IAM user allowed `route53:ChangeResourceRecordSets` and `route53:GetChange`.
   * @default cert-manager's ambient credentials (IAM roles for service accounts, the instance profile)
   */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: SecretValue };
}

function requireSecretValue(what: string, value: unknown): SecretValue {
  if (!SecretValue.isSecretValue(value)) {
    fail(what, `${what} is a ${value === null ? 'null' : typeof value}, not a SecretValue, and would be written to the output as it is`, 'Pass SecretValue.fromVariable("...", "...") (or fromEnv, fromFile)');
  }
  return value;
}

/** DNS-01 providers for `AcmeIssuer`'s `solver: { dns01: ... }`. */
export class Dns01 {
  /** Cloudflare, with an API token from a Secret `<issuer>-cloudflare` (key `api-token`). */
  public static cloudflare(options: CloudflareDns01Options): IDns01Provider {
    const apiToken = requireSecretValue('Dns01.cloudflare apiToken', options?.apiToken);
    return {
      description: 'Cloudflare',
      bind: (certManager, prefix) => {
        const secret = certManager.addBootstrapSecret(`${prefix}-cloudflare`, { 'api-token': apiToken });
        return { cloudflare: { apiTokenSecretRef: { name: secret.name, key: 'api-token' } } };
      },
    };
  }

  /** Amazon Route 53, with an access key from a Secret `<issuer>-route53` (key `secret-access-key`), or ambient credentials. */
  public static route53(options: Route53Dns01Options): IDns01Provider {
    if (typeof options?.region !== 'string' || !/^[a-z]{2}(-[a-z]+)+-[0-9]+$/.test(options.region)) {
      fail('Dns01.route53', `region "${String(options?.region)}" is not an AWS region`, 'Use a region such as "eu-central-1"');
    }
    if (options.hostedZoneId !== undefined && !/^[A-Z0-9]{1,32}$/.test(options.hostedZoneId)) {
      fail('Dns01.route53', `hostedZoneId "${options.hostedZoneId}" is not a Route 53 zone id`, 'Use the id of the hosted zone, e.g. "Z0123456789ABCDEFGHIJ"');
    }
    const credentials = options.credentials;
    if (credentials !== undefined && (typeof credentials.accessKeyId !== 'string' || !/^[A-Z0-9]{16,128}$/.test(credentials.accessKeyId))) {
      fail('Dns01.route53', 'credentials.accessKeyId is not an AWS access key id', 'Give the id of the access key (it is not secret; its secretAccessKey is a SecretValue)');
    }
    const secretAccessKey = credentials && requireSecretValue('Dns01.route53 credentials.secretAccessKey', credentials.secretAccessKey);
    return {
      description: 'Route 53',
      bind: (certManager, prefix) => {
        const keys = secretAccessKey && {
          accessKeyID: credentials!.accessKeyId,
          secretAccessKeySecretRef: { name: certManager.addBootstrapSecret(`${prefix}-route53`, { 'secret-access-key': secretAccessKey }).name, key: 'secret-access-key' },
        };
        return { route53: { region: options.region, ...(options.hostedZoneId ? { hostedZoneID: options.hostedZoneId } : {}), ...keys } };
      },
    };
  }
}
