import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { catalog } from '../../catalog';
import { Component, ComponentOptions } from '../../core/component';
import { fail } from '../../core/errors';
import { IIngressController } from '../../core/interfaces';
import { platformOf } from '../../core/platform-context';
import { HelmValues, mergeValues } from '../../core/helm-chart';
import { ReleasePolicy } from '../../core/release-policy';
import { ContainerResources, renderResources, requestsOf } from '../../core/resource-checks';
import { SecretValue } from '../../core/secret';
import { IngressRoute } from './ingress-route';
import type { RouteTls } from '../tls/route-tls';
import { Middleware, MiddlewareRef } from './middleware';
import { TraefikEntryPointPorts, traefikServiceValues, TraefikServiceType } from './traefik-service';
import { PodMonitor } from '../monitoring/pod-monitor';
import { PrometheusRule } from '../monitoring/prometheus-rule';
import { NetworkPeer } from '../../core/network';

/**
 * Series recorded from Traefik's per-service metrics (with `metrics: true`), by Traefik service label
 * (`<namespace>-<service>-<port>@kubernetescrd` for an IngressRoute backend). Autoscalers scale on these.
 */
export const TRAEFIK_RECORDED = {
  /** Requests per second over the last minute. */
  requestRate: 'service:traefik_service_requests:rate1m',
  /** Share of 5xx answers over the last minute. */
  errorRatio: 'service:traefik_service_requests_errors:ratio_rate1m',
  /** 95th percentile of the request duration over the last minute, in seconds. */
  durationP95: 'service:traefik_service_request_duration_seconds:p95_1m',
} as const;

/** What each Traefik proxy asks for and may use. */
const RESOURCES: ContainerResources = { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) } };

/** Properties of the Traefik ingress controller. */
export interface TraefikProps extends ComponentOptions {
  /** Proxy replicas; more than one also gets a PodDisruptionBudget. @default 2 */
  readonly replicas?: number;
  /** Node pool the proxies run on. @default any node */
  readonly nodePool?: string;
  /**
   * Client networks allowed to reach the admin routes (dashboard, Grafana...), as CIDRs.
   * @default the private ranges 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16
   */
  readonly adminSourceRange?: string[];
  /**
   * htpasswd lines (`user:$apr1$...`) of the users allowed on the admin routes.
   * @default the sensitive Terraform variable `traefik_admin_users`
   */
  readonly adminUsers?: SecretValue;
  /** Host of the Traefik dashboard. @default `traefik.<domain>` */
  readonly dashboardHost?: string;
  /**
   * Scrape Traefik's Prometheus metrics with a PodMonitor (needs a component that installs the
   * prometheus-operator CRDs, such as KubePrometheusStack).
   * @default false
   */
  readonly metrics?: boolean;
  /** Chart values deep-merged over ballast's. @default none */
  readonly extraValues?: HelmValues;
  /** Secret chart values by dotted value path, passed by reference (see `ChartComponentOptions.sensitiveValues`). @default none */
  readonly sensitiveValues?: Record<string, SecretValue>;
  /**
   * The type of Traefik's Service. A `LoadBalancer` gets its address from the cluster's load-balancer
   * controller (a cloud's, MetalLB, k3s' servicelb), which bare metal and kind lack; Kubernetes still
   * gives it node ports. Terraform's helm provider waits for that address unless the release policy says
   * `wait: false` (the default platform does).
   * @default 'LoadBalancer'
   */
  readonly serviceType?: TraefikServiceType;
  /**
   * The node ports of the entry points (the cluster's node port range, 30000-32767 unless changed), for a
   * `NodePort` or `LoadBalancer` Service.
   * @default chosen by Kubernetes
   */
  readonly nodePorts?: TraefikEntryPointPorts;
  /**
   * Ports of its node each proxy binds its entry points to (`{ web: 80, websecure: 443 }` on bare metal
   * without a load balancer): one proxy per node, so the pool needs a node per replica, and an update
   * stops a proxy before starting its replacement.
   * @default none
   */
  readonly hostPorts?: TraefikEntryPointPorts;
  /** How its Helm release is installed, upgraded and kept, over the platform's (`ChartComponentOptions.releasePolicy`). @default the platform's */
  readonly releasePolicy?: ReleasePolicy;
  /** The certificate of the dashboard route (issuer, wildcard, or `{ disabled: '<reason>' }`). @default a Certificate of its host from the platform's issuer */
  readonly dashboardTls?: RouteTls;
}

/**
 * Traefik as the platform's ingress controller, with its dashboard behind the two Middlewares every admin
 * route uses: an IP allow-list and basic auth from a bootstrap secret.
 */
/** Options of `Traefik.fromExisting`. */
export interface ExistingTraefikOptions {
  /** Namespace it runs in, for messages. @default 'traefik' */
  readonly namespace?: string;
  /**
   * The middlewares admin routes (Grafana, dashboards) go through, existing in the cluster: typically an
   * IP allow list, then a login. Say `[]` to leave admin routes open, on purpose.
   */
  readonly adminMiddlewares: readonly MiddlewareRef[];
  /** Its CRD groups are installed (they are, with Traefik). @default catalog.traefik's groups */
  readonly crdGroups?: readonly string[];
}

export class Traefik extends Component implements IIngressController {
  /**
   * A Traefik that already runs in the cluster, for routes to go through: its CRD groups are assumed
   * installed (`Platform.assumeInstalled`), and admin routes use the middlewares named here. It is a
   * construct of its own (`id` under `scope`) that renders nothing.
   */
  public static fromExisting(scope: Construct, id: string, options: ExistingTraefikOptions): IIngressController {
    if (!Array.isArray(options?.adminMiddlewares)) fail(scope, 'Traefik.fromExisting needs adminMiddlewares', 'Name the middlewares admin routes go through, or [] to leave them open on purpose');
    platformOf(scope).assumeInstalled({ crdGroups: options.crdGroups ?? catalog.traefik.crdGroups ?? [] });
    return Object.assign(new Construct(scope, id), {
      description: `the existing Traefik in namespace ${options.namespace ?? 'traefik'}`,
      allowAdminNetworks: options.adminMiddlewares[0],
      adminMiddlewares: [...options.adminMiddlewares],
    });
  }

  /** Lets only `adminSourceRange` through. */
  public readonly allowAdminNetworks: Middleware;
  /** Asks for the admin users' credentials. */
  public readonly requireAdminLogin: Middleware;
  /** The dashboard route. */
  public readonly dashboard: IngressRoute;

  constructor(scope: Construct, id: string, props: TraefikProps = {}) {
    super(scope, id, { namespace: props.namespace ?? 'traefik', deployWith: props.deployWith, secrets: props.secrets, allowReservedNamespace: props.allowReservedNamespace, networkPolicies: props.networkPolicies, podSecurity: props.podSecurity });
    const replicas = props.replicas ?? 2;
    const scheduling = this.scheduling(props.nodePool);

    this.addChart(
      catalog.traefik,
      mergeValues({
        // A fixed instance label lets ballast's PodMonitor select the pods without guessing the chart's format.
        instanceLabelOverride: 'traefik',
        deployment: { replicas },
        podDisruptionBudget: replicas > 1 ? { enabled: true, maxUnavailable: 1 } : { enabled: false },
        // Admin routes live next to the apps they protect and use the Middlewares of this namespace.
        providers: {
          kubernetesCRD: { enabled: true, allowCrossNamespace: true },
          kubernetesIngress: { enabled: true },
        },
        // Plain HTTP only redirects to HTTPS, except ACME HTTP-01 challenges. The redirect is a router on
        // `web`, by default of the highest priority, so it would also catch the Ingress cert-manager creates
        // for a challenge (on `web`, /.well-known/acme-challenge/<token>). At priority 1 every router on `web`
        // outranks it; ballast's IngressRoutes are on `websecure` only, so what stays on `web` is the
        // challenges, and every other request is still redirected.
        ports: { web: { http: { redirections: { entryPoint: { to: 'websecure', scheme: 'https', permanent: true, priority: 1 } } } } },
        // The chart's own dashboard route is unprotected; ballast creates a protected one below.
        ingressRoute: { dashboard: { enabled: false } },
        resources: renderResources(RESOURCES),
        // Per-service request metrics are what the platform's recording rules and autoscalers read.
        ...(props.metrics ? { metrics: { prometheus: { addServicesLabels: true } } } : {}),
        ...scheduling,
      }, traefikServiceValues(this, props)),
      { releaseName: 'traefik', extraValues: props.extraValues, userSensitiveValues: props.sensitiveValues, releasePolicy: props.releasePolicy },
    );

    const pods = this.network.addPods('traefik', { 'app.kubernetes.io/name': 'traefik', 'app.kubernetes.io/instance': 'traefik' }, { roles: ['ingress'] });
    // Clients reach the entry points through the load balancer or a node port, from addresses outside the pod network.
    this.network.allowFrom(NetworkPeer.anywhere(), { to: pods, ports: [{ port: 8000 }, { port: 8443 }], why: 'clients reach the web and websecure entry points' });
    if (props.metrics) this.network.allowFrom(NetworkPeer.role('scraper'), { to: pods, ports: [{ port: 9100 }], why: 'scrapes the metrics entry point' });
    this.claimCapacity({ pool: props.nodePool, what: 'Traefik', replicas: () => replicas, requests: requestsOf(RESOURCES) });
    const authSecret = this.addBootstrapSecret('traefik-admin-users', {
      users: props.adminUsers ?? SecretValue.fromVariable('traefik_admin_users', 'htpasswd lines of the users allowed on admin routes (Traefik dashboard, Grafana).'),
    });

    this.allowAdminNetworks = Middleware.ipAllowList(this, 'admin-networks', {
      name: 'admin-networks',
      sourceRange: props.adminSourceRange ?? ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'],
    });
    this.requireAdminLogin = Middleware.basicAuth(this, 'admin-login', {
      name: 'admin-login',
      secretName: authSecret.name,
    });
    if (props.metrics) {
      // The chart serves Prometheus metrics on the `metrics` port by default and labels its pods so.
      new PodMonitor(this, 'metrics', {
        name: 'traefik',
        selector: { ...pods.labels },
        port: 'metrics',
      });
      const requests = 'traefik_service_requests_total';
      new PrometheusRule(this, 'request-rates', {
        name: 'traefik-request-rates',
        groups: [
          {
            name: 'traefik.services',
            rules: [
              { record: TRAEFIK_RECORDED.requestRate, expr: `sum by (service) (rate(${requests}[1m]))` },
              {
                record: TRAEFIK_RECORDED.errorRatio,
                expr: `sum by (service) (rate(${requests}{code=~"5.."}[1m])) / sum by (service) (rate(${requests}[1m]))`,
              },
              {
                record: TRAEFIK_RECORDED.durationP95,
                expr: 'histogram_quantile(0.95, sum by (service, le) (rate(traefik_service_request_duration_seconds_bucket[1m])))',
              },
            ],
          },
        ],
      });
    }
    this.dashboard = new IngressRoute(this, 'dashboard', {
      host: props.dashboardHost ?? `traefik.${this.platform.domain}`,
      backend: { kind: 'TraefikService', name: 'api@internal' },
      middlewares: this.adminMiddlewares,
      tls: props.dashboardTls,
    });
  }

  /** The Middlewares an admin route puts in front of its backend, in order. */
  public get adminMiddlewares(): Middleware[] {
    return [this.allowAdminNetworks, this.requireAdminLogin];
  }
}
