import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { Component } from '../../core/component';
import { constructPath, fail } from '../../core/errors';
import { isDnsSubdomain } from '../../core/names';
import { IIssuer, registerIssuer } from '../../core/tls';
import { IDns01Provider } from './dns01';

/** Let's Encrypt's ACME directories. */
export const LETS_ENCRYPT = {
  production: 'https://acme-v02.api.letsencrypt.org/directory',
  staging: 'https://acme-staging-v02.api.letsencrypt.org/directory',
} as const;

/** HTTP-01: the CA fetches a token from `http://<host>/.well-known/acme-challenge/` on port 80. */
export interface Http01Solver {
  /**
   * IngressClass of the Ingress cert-manager creates for each challenge. The Ingress is bound to Traefik's
   * `web` entry point, whose HTTPS redirect ranks below it (see `Traefik`), so the token is served on
   * plain HTTP while everything else is still redirected.
   * @default 'traefik'
   */
  readonly ingressClassName?: string;
}

/** How the CA checks that the platform controls a name: HTTP-01 through the ingress, or DNS-01 through a DNS provider. */
export type AcmeSolver =
  | { readonly http01: Http01Solver; readonly dns01?: never }
  | { readonly dns01: IDns01Provider; readonly http01?: never };

/** Properties of an ACME ClusterIssuer. */
export interface AcmeIssuerProps {
  /** Contact of the ACME account, e.g. `certificates@example.com`. */
  readonly email: string;
  /**
   * Let's Encrypt's `production` directory (trusted certificates, strict rate limits) or `staging` (the
   * same flow with untrusted certificates and generous limits: try a new platform there first), or
   * another ACME CA by its directory URL.
   * @default 'production'
   */
  readonly server?: 'production' | 'staging' | { readonly url: string };
  /**
   * How the CA validates names. HTTP-01 needs each host to reach Traefik on port 80 from the internet;
   * DNS-01 works for hosts that do not and is the only way to wildcard names.
   * @default { http01: {} }: HTTP-01 through Traefik
   */
  readonly solver?: AcmeSolver;
  /** Name of the ClusterIssuer. @default `letsencrypt-<server>` for Let's Encrypt, else the construct id */
  readonly name?: string;
}

/**
 * A cert-manager ClusterIssuer that signs certificates through ACME (Let's Encrypt by default). Build it
 * in a `CertManager` (or a component in the namespace of the cluster's own cert-manager): DNS-01
 * credentials become Secrets there, where cert-manager reads a ClusterIssuer's Secrets. The ACME account
 * key is created by cert-manager at run time, in the Secret `<name>-account-key`.
 */
export class AcmeIssuer extends Construct implements IIssuer {
  public readonly kind = 'ClusterIssuer';
  public readonly name: string;
  /** The ACME directory URL. */
  public readonly server: string;
  public readonly issuesWildcards: boolean;

  constructor(scope: Component, id: string, props: AcmeIssuerProps) {
    super(scope, id);
    if (!Component.isComponent(scope)) fail(this, 'an AcmeIssuer is built in a component', 'Build it in the CertManager: new AcmeIssuer(certManager, ...)');
    if (typeof props.email !== 'string' || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(props.email)) {
      fail(this, `email "${String(props.email)}" is not an email address`, 'Give the address the CA writes to about the account, e.g. "certificates@example.com"');
    }
    const server = props.server ?? 'production';
    if (server === 'production' || server === 'staging') {
      this.server = LETS_ENCRYPT[server];
    } else if (typeof server === 'object' && server !== null && typeof server.url === 'string' && /^https:\/\/[^\s/]+\/\S*$/.test(server.url)) {
      this.server = server.url;
    } else {
      fail(this, `server ${JSON.stringify(server)} is not an ACME directory`, 'Use "production", "staging" or { url: "https://.../directory" }');
    }
    this.name = props.name ?? (typeof server === 'string' ? `letsencrypt-${server}` : id);
    if (!isDnsSubdomain(this.name) || this.name.length > 63) {
      fail(this, `ClusterIssuer name "${this.name}" is not an object name`, 'Use at most 63 lowercase letters, digits, "-" and "."');
    }
    const solver = props.solver ?? { http01: {} };
    if (solver.dns01 !== undefined && solver.http01 !== undefined) {
      fail(this, 'solver has both http01 and dns01', 'Choose one');
    }
    this.issuesWildcards = solver.dns01 !== undefined;
    const solverSpec = solver.dns01 !== undefined ? this.dns01(scope, solver.dns01) : this.http01(solver.http01 ?? {});

    const issuer = new ApiObject(this, 'resource', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'ClusterIssuer',
      metadata: { name: this.name },
      spec: {
        acme: {
          email: props.email,
          server: this.server,
          privateKeySecretRef: { name: `${this.name}-account-key` },
          solvers: [solverSpec],
        },
      },
    });
    // A ClusterIssuer has no namespace; cdk8s gives every object of a chart the chart's.
    issuer.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    registerIssuer(this, this);
  }

  /** What the issuer is, for messages. */
  public get description(): string {
    return `the ClusterIssuer "${this.name}" of ${constructPath(this)}`;
  }

  private http01(options: Http01Solver): Record<string, unknown> {
    const ingressClassName = options.ingressClassName ?? 'traefik';
    if (typeof ingressClassName !== 'string' || !isDnsSubdomain(ingressClassName)) {
      fail(this, `solver.http01.ingressClassName "${String(ingressClassName)}" is not an IngressClass name`, 'Name the IngressClass of the ingress controller, e.g. "traefik"');
    }
    return {
      http01: {
        ingress: {
          ingressClassName,
          // ClusterIP: the solver is reached through the ingress only; cert-manager's default NodePort would open a port on every node.
          serviceType: 'ClusterIP',
          // Only on Traefik's plain-HTTP entry point, where the CA asks (other ingress controllers ignore the annotation).
          ingressTemplate: { metadata: { annotations: { 'traefik.ingress.kubernetes.io/router.entrypoints': 'web' } } },
        },
      },
    };
  }

  private dns01(scope: Component, provider: IDns01Provider): Record<string, unknown> {
    if (typeof provider?.bind !== 'function') {
      fail(this, 'solver.dns01 is not a DNS provider', 'Use Dns01.cloudflare(...), Dns01.route53(...) or an IDns01Provider of your own');
    }
    return { dns01: provider.bind(scope, this.name) };
  }
}
