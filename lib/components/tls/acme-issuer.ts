import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { Component } from '../../core/component';
import { constructPath, fail, reportProblem } from '../../core/errors';
import { urlCredentialsProblem } from '../../core/grammar';
import { valuesSecretProblems } from '../../core/secret-inputs';
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
      reportProblem(this, `email "${String(props.email)}" is not an email address`, 'Give the address the CA writes to about the account, e.g. "certificates@example.com"');
    }
    const server = props.server ?? 'production';
    this.server = this.directory(server);
    this.name = props.name ?? (typeof server === 'string' ? `letsencrypt-${server}` : id);
    const nameIsValid = typeof this.name === 'string' && isDnsSubdomain(this.name) && this.name.length <= 63;
    if (!nameIsValid) reportProblem(this, `ClusterIssuer name "${String(this.name)}" is not an object name`, 'Use at most 63 lowercase letters, digits, "-" and "."');
    const solver = props.solver ?? { http01: {} };
    if (solver.dns01 !== undefined && solver.http01 !== undefined) {
      reportProblem(this, 'solver has both http01 and dns01', 'Choose one');
    }
    this.issuesWildcards = solver.dns01 !== undefined;
    // With a name that is reported already, the solver's Secrets get a valid stand-in prefix, so that
    // construction goes on and every other mistake is reported too.
    const solverSpec = solver.dns01 !== undefined ? this.dns01(scope, solver.dns01, nameIsValid ? this.name : 'issuer') : this.http01(solver.http01 ?? {});

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

  /**
   * The ACME directory URL of `server`. A URL that carries a credential is refused without echoing it: it
   * would be written to Git and the ClusterIssuer's status in plain text (an ACME account is identified
   * by its key, which cert-manager keeps in a Secret; EAB credentials go through a Secret too).
   */
  private directory(server: AcmeIssuerProps['server']): string {
    if (server === 'production' || server === 'staging') return LETS_ENCRYPT[server];
    const url = typeof server === 'object' && server !== null ? (server as { url?: unknown }).url : undefined;
    const credentials = typeof url === 'string' ? urlCredentialsProblem(url) : undefined;
    if (credentials) {
      reportProblem(this, `server.url holds a credential (${credentials}), which would be written to the output in plain text`, 'Give the directory URL without credentials; an ACME account is identified by the key cert-manager keeps in a Secret');
    } else if (typeof url === 'string' && /^https:\/\/[^\s/]+\/\S*$/.test(url)) {
      return url;
    } else {
      const shown = typeof url === 'string' ? `"${url.slice(0, 100)}"` : typeof server === 'string' ? `"${server}"` : JSON.stringify(server)?.slice(0, 100);
      reportProblem(this, `server ${shown} is not an ACME directory`, 'Use "production", "staging" or { url: "https://.../directory" }');
    }
    return LETS_ENCRYPT.production;
  }

  private http01(options: Http01Solver): Record<string, unknown> {
    const ingressClassName = options.ingressClassName ?? 'traefik';
    if (typeof ingressClassName !== 'string' || !isDnsSubdomain(ingressClassName)) {
      reportProblem(this, `solver.http01.ingressClassName "${String(ingressClassName)}" is not an IngressClass name`, 'Name the IngressClass of the ingress controller, e.g. "traefik"');
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

  private dns01(scope: Component, provider: IDns01Provider, secretPrefix: string): Record<string, unknown> {
    if (typeof provider?.bind !== 'function') {
      reportProblem(this, 'solver.dns01 is not a DNS provider', 'Use Dns01.cloudflare(...), Dns01.route53(...) or an IDns01Provider of your own');
      return { dns01: {} };
    }
    const config = provider.bind(scope, secretPrefix);
    // A provider of the user's own may put its API key into the solver: the ClusterIssuer is written to
    // Git as it is. The credential belongs in a Secret of cert-manager's namespace, referenced by name.
    for (const p of valuesSecretProblems(constructPath(this), config, `solver.dns01 (${String(provider.description)})`)) {
      reportProblem(this, p.problem, 'Declare the credential with certManager.addBootstrapSecret(name, { key: <SecretValue> }) in bind and reference it by name and key (e.g. apiKeySecretRef: { name, key })');
    }
    return { dns01: config };
  }
}
