import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { reportProblem } from '../../core/errors';
import { isDnsSubdomain, requireDnsLabel } from '../../core/names';
import { TLS_DISABLED_ANNOTATION } from '../../core/tls';
import { RouteTls, routeTls } from '../tls/route-tls';
import { MiddlewareRef } from './middleware';
import { enclosingComponent } from '../../core/components-of';

/** The backend an IngressRoute sends traffic to. */
export interface RouteBackend {
  /** Service name, or a TraefikService such as `api@internal`. */
  readonly name: string;
  /** Service port, by number or name. Not used for TraefikServices. @default none */
  readonly port?: number | string;
  /** @default 'Service' */
  readonly kind?: 'Service' | 'TraefikService';
}

/** Properties of an IngressRoute. */
export interface IngressRouteProps {
  /** Object name. @default the construct id */
  readonly name?: string;
  /** Fully qualified host the route answers, e.g. `grafana.example.com`. */
  readonly host: string;
  /** Only requests whose path starts with this prefix. @default every path */
  readonly pathPrefix?: string;
  readonly backend: RouteBackend;
  /** Applied in order. @default none */
  readonly middlewares?: readonly MiddlewareRef[];
  /** @default ['websecure'] (TLS, as the Traefik chart enables it on that entry point) */
  readonly entryPoints?: string[];
  /**
   * The route's certificate: a cert-manager Certificate of the host in the route's namespace (shared with
   * the other routes of the host there), or `{ disabled: '<reason>' }` for none, on purpose.
   * @default a certificate of the host from the platform's issuer (`Platform.useIssuer`); synth fails when there is none
   */
  readonly tls?: RouteTls;
}

/** A Traefik IngressRoute (`traefik.io/v1alpha1`) for one host, with its certificate. */
export class IngressRoute extends Construct {
  public readonly host: string;

  constructor(scope: Construct, id: string, props: IngressRouteProps) {
    super(scope, id);
    const hostIsValid = isDnsSubdomain(props.host);
    if (!hostIsValid) {
      reportProblem(this, `host "${props.host}" is not a DNS name`, 'Use a lowercase host name such as "grafana.example.com"');
    }
    if (props.pathPrefix !== undefined && !/^\/[^\s`]*$/.test(props.pathPrefix)) {
      reportProblem(this, `pathPrefix "${props.pathPrefix}" does not start with "/"`, 'Use a path such as "/api"');
    }
    const kind = props.backend.kind ?? 'Service';
    if (kind === 'Service' && props.backend.port === undefined) {
      reportProblem(this, `backend Service "${props.backend.name}" has no port`, 'Set backend.port to the Service port name or number');
    }
    this.host = props.host;
    const name = requireDnsLabel(this, 'IngressRoute name', props.name ?? id);
    const match = [`Host(\`${props.host}\`)`, ...(props.pathPrefix ? [`PathPrefix(\`${props.pathPrefix}\`)`] : [])].join(' && ');
    // No certificate is derived from a host that is reported already: its problems would only repeat it.
    const tls = hostIsValid ? routeTls(this, props.host, props.tls) : { disabled: 'the host is not a DNS name' };
    // Its Certificate may be proven over ACME HTTP-01, through the ingress controller to cert-manager's solver pods.
    if (!('disabled' in tls)) enclosingComponent(this)?.network.admitAcmeSolvers();

    new ApiObject(this, 'resource', {
      apiVersion: 'traefik.io/v1alpha1',
      kind: 'IngressRoute',
      metadata: { name, ...('disabled' in tls ? { annotations: { [TLS_DISABLED_ANNOTATION]: tls.disabled } } : {}) },
      spec: {
        entryPoints: props.entryPoints ?? ['websecure'],
        routes: [
          {
            kind: 'Rule',
            match,
            ...(props.middlewares?.length
              ? { middlewares: props.middlewares.map((m) => ({ name: m.name, namespace: m.namespace })) }
              : {}),
            services: [
              kind === 'TraefikService'
                ? { kind, name: props.backend.name }
                : { kind, name: props.backend.name, port: props.backend.port },
            ],
          },
        ],
        ...('secretName' in tls ? { tls: { secretName: tls.secretName } } : {}),
      },
    });
  }
}
