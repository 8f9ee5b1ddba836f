import { ApiObject, ApiObjectMetadataDefinition, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import type { ContainerResources, ScalingTarget, ServicePort } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Component, ComponentOptions } from '../../core/component';
import { NetworkPeer, PodGroup } from '../../core/network';
import { checkDuration } from '../../core/durations';
import { fail, reportProblem } from '../../core/errors';
import { describePort, isPort } from '../../core/grammar';
import { isDnsSubdomain, requireDnsLabel } from '../../core/names';
import type { SecretValue } from '../../core/secret';
import { DatabaseConnection } from '../database/database-connection';
import { IDashboardHost, IPostgresCluster, IScalableWorkload, IServiceTarget } from '../../core/interfaces';
import { IngressRoute } from '../ingress/ingress-route';
import { MiddlewareRef } from '../ingress/middleware';
import type { RouteTls } from '../tls/route-tls';
import { ServiceMonitor } from '../monitoring/service-monitor';
import { dashboardUid, GrafanaDashboard } from '../monitoring/grafana-dashboard';
import { webServiceDashboard } from '../monitoring/dashboards/web-service';
import { checkContainerResources } from './container-resources';
import { requestsOf } from '../../core/resource-checks';
import { EnvValue, webServiceEnvironment } from './web-service-env';
import { webServiceDeployment, webServiceService } from './web-service-pod';
import { automateImage, WebServiceImageAutomation } from './web-service-image-automation';

export type { WebServiceImageAutomation } from './web-service-image-automation';

export type { EnvValue } from './web-service-env';

/** Where the service is routed from outside. */
export interface WebServiceRoute {
  /** Host, e.g. `articles.example.com`. */
  readonly host: string;
  /** Only this path prefix. @default every path */
  readonly pathPrefix?: string;
  /** @default none */
  readonly middlewares?: MiddlewareRef[];
  /** The route's certificate, or `{ disabled: '<reason>' }`. @default a certificate of the host from the platform's issuer */
  readonly tls?: RouteTls;
}

/** A database this service gets from a PostgresCluster, and the variables it reads it from. */
export interface WebServiceDatabase {
  readonly cluster: IPostgresCluster;
  /** Database name (also the role's, unless `user`). */
  readonly name: string;
  /** @default the database name */
  readonly user?: string;
  /**
   * The role's password. Needed for a cluster of `PostgresCluster.fromExisting` (its owners created the
   * role). @default the cluster's: a Terraform variable or a generated value
   */
  readonly password?: SecretValue;
  /**
   * The variables that carry the connection, from the connection ballast creates, e.g.
   * `(c) => ({ ConnectionStrings__DefaultConnection: c.npgsql })`. The password variable comes first.
   */
  readonly env: (connection: DatabaseConnection) => Record<string, string>;
}

/** HTTP probes on the container port. */
export interface WebServiceProbes {
  /** No traffic until this answers 2xx. @default '/healthz' */
  readonly readinessPath?: string;
  /** Restart when this stops answering. @default the readiness path */
  readonly livenessPath?: string;
  /**
   * How long a slow starter gets before liveness counts (a startup probe on the readiness path), in
   * whole seconds up to an hour. @default no startup probe
   */
  readonly startupTimeout?: Duration;
}


/** Properties of a WebService. */
export interface WebServiceProps extends ComponentOptions {
  /** Image with a pinned tag or digest, e.g. `ghcr.io/acme/api:1.4.2`. */
  readonly image: string;
  /** The one container port; the Service, probes, monitor and route all use it by its name `http`. @default 8080 */
  readonly port?: number;
  /** Port of the Service. @default 80 */
  readonly servicePort?: number;
  /** Replicas when no autoscaler manages the Deployment. @default 2 */
  readonly replicas?: number;
  /**
   * The container's CPU (`Cpu.millis(250)`) and memory (`Size.mebibytes(256)`), as cdk8s-plus takes them.
   * @default requests Cpu.millis(100) / Size.mebibytes(128), limit Size.mebibytes(256) of memory
   */
  readonly resources?: ContainerResources;
  /** @default no route */
  readonly route?: WebServiceRoute;
  /** @default { readinessPath: '/healthz' } */
  readonly probes?: WebServiceProbes;
  /** Path of the Prometheus metrics on the container port; a ServiceMonitor scrapes it. @default '/metrics'; `false` for none */
  readonly metricsPath?: string | false;
  /** @default none */
  readonly env?: Record<string, EnvValue>;
  /** @default none */
  readonly database?: WebServiceDatabase;
  /** Secret (type dockerconfigjson, in the namespace) to pull the image with. @default none */
  readonly imagePullSecret?: string;
  /** @default any node */
  readonly nodePool?: string;
  /**
   * How long a stopping pod keeps serving while endpoints and proxies drop it (a `preStop` sleep), in
   * whole seconds up to an hour; `terminationGracePeriodSeconds` is 30 s above it. @default Duration.seconds(10)
   */
  readonly drain?: Duration;
  /** Root filesystem read-only (an emptyDir is mounted on /tmp). @default true */
  readonly readOnlyRootFilesystem?: boolean;
  /**
   * An ImageRepository and ImagePolicy (`image.toolkit.fluxcd.io/v1`) for the image, and the setter marker
   * on the image line of the Deployment, naming that policy (an ImageUpdateAutomation then commits new tags).
   * @default none
   */
  readonly imageAutomation?: WebServiceImageAutomation;
  /**
   * The Grafana that shows its dashboard (requests, errors and latency as Traefik sees them when it is
   * routed; replicas, CPU and memory), which ballast writes beside it in folder `Applications`.
   * @default none
   */
  readonly dashboardsIn?: IDashboardHost;
}

const DEFAULT_RESOURCES: ContainerResources = {
  cpu: { request: kplus.Cpu.millis(100) },
  memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) },
};

/**
 * A stateless HTTP service: a cdk8s-plus Deployment and Service, optional IngressRoute and a
 * ServiceMonitor, with the container port declared once and used by name everywhere. Zero-downtime by
 * default: readiness probe, a preStop pause before SIGTERM, rolling updates that never go below the
 * desired count, a PodDisruptionBudget when more than one replica can run, requests and limits, and a
 * restricted security context. An autoscaler (HorizontalAutoscaler, KedaScaler, or cdk8s-plus's own)
 * takes `spec.replicas` off the Deployment. It is an `IScalable` (through its Deployment) and an
 * `IServiceTarget` (through its Service), like a team's own cdk8s-plus workload.
 */
export class WebService extends Component implements IScalableWorkload, IServiceTarget {
  /** The name of the Deployment, Service and pods' `app.kubernetes.io/name`. */
  public readonly name: string;
  public readonly podLabels: Record<string, string>;
  /** `<name>.<namespace>.svc.cluster.local`. */
  public readonly host: string;
  public readonly servicePort: number;
  public readonly containerPort: number;
  /** In-cluster URL of the Service. */
  public readonly url: string;
  /** The public URL, when routed. */
  public readonly publicUrl?: string;
  /** The container's CPU and memory (without the values that were refused). */
  public readonly resources: ContainerResources;
  public readonly connection?: DatabaseConnection;
  /** The Traefik service label of the route's backend (`<namespace>-<service>-<port>@kubernetescrd`). */
  public readonly traefikService?: string;
  /** The cdk8s-plus Deployment: add containers, volumes or patches to it as to any cdk8s-plus workload. */
  public readonly deployment: kplus.Deployment;
  /** The cdk8s-plus Service in front of the pods. */
  public readonly service: kplus.Service;
  /** Its pods, as a peer of connections (`other.network.allowTo(service.pods, ...)`). */
  public readonly pods: PodGroup;
  private scaler?: { kind: string; by: Construct; minReplicas: number; maxReplicas: number };
  private readonly fixedReplicas: number;

  constructor(scope: Construct, id: string, props: WebServiceProps) {
    super(scope, id, { namespace: props.namespace ?? id, deployWith: props.deployWith, secrets: props.secrets, allowReservedNamespace: props.allowReservedNamespace, networkPolicies: props.networkPolicies, podSecurity: props.podSecurity, tier: 'apps' });
    this.name = requireDnsLabel(this, 'service name', id);
    if (!/^[^\s:@]+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/.test(props.image) || !/(:[^/]+|@sha256:[a-f0-9]{64})$/.test(props.image)) {
      reportProblem(this, `image "${props.image}" has no pinned tag or digest`, 'Name a version, e.g. "ghcr.io/acme/api:1.4.2"');
    }
    if (/:latest$/.test(props.image)) reportProblem(this, `image "${props.image}" uses the tag latest`, 'Pin a version so that a re-apply installs the same thing');
    this.containerPort = props.port ?? 8080;
    this.servicePort = props.servicePort ?? 80;
    for (const [what, port] of [['port', this.containerPort], ['servicePort', this.servicePort]] as const) {
      if (!isPort(port)) reportProblem(this, `${what} ${port} is not a port`, describePort);
    }
    this.fixedReplicas = props.replicas ?? 2;
    if (!Number.isInteger(this.fixedReplicas) || this.fixedReplicas < 1) reportProblem(this, `replicas ${this.fixedReplicas} is not a positive whole number`, 'Use 1 or more');
    this.podLabels = { 'app.kubernetes.io/name': this.name, 'app.kubernetes.io/part-of': 'ballast' };
    // Its egress is all known: the cluster DNS, its database, and what `network.allowTo` adds.
    this.pods = this.network.addPods(this.name, this.podLabels, { egress: 'declared' });
    this.declarePodSecurity({ level: 'restricted', reason: 'non-root, no privilege escalation, every capability dropped, seccomp RuntimeDefault' });
    this.host = `${this.name}.${this.namespace}.svc.cluster.local`;
    this.url = this.addOutputUrl('url', `http://${this.host}${this.servicePort === 80 ? '' : `:${this.servicePort}`}`);
    this.resources = checkContainerResources(this, props.resources ?? DEFAULT_RESOURCES);
    // A refused value is reported; building goes on with the default, and nothing is rendered.
    const drainMs = checkDuration(this, 'drain', props.drain ?? Duration.seconds(10), { min: 0, max: 3600 }, 'Duration.seconds(10)');
    const startupMs = props.probes?.startupTimeout === undefined ? undefined : checkDuration(this, 'probes.startupTimeout', props.probes.startupTimeout, { min: 1, max: 3600 }, 'Duration.seconds(60), or leave it out');
    for (const [what, path] of [['readinessPath', props.probes?.readinessPath], ['livenessPath', props.probes?.livenessPath]] as const) {
      if (path !== undefined && !/^\/[\x21-\x7e]*$/.test(path)) reportProblem(this, `probes.${what} "${path}" is not an HTTP path`, 'Use a path starting with "/", e.g. "/healthz"');
    }
    if (props.imagePullSecret !== undefined && !isDnsSubdomain(props.imagePullSecret)) {
      reportProblem(this, `imagePullSecret "${props.imagePullSecret}" is not a Secret name`, 'Use the name of a Secret of type kubernetes.io/dockerconfigjson in the namespace: lowercase letters, digits, "-" and "."');
    }
    if (props.imagePullSecret !== undefined) this.referenceSecret(props.imagePullSecret, 'imagePullSecret');
    const readiness = props.probes?.readinessPath ?? '/healthz';

    const host = { referenceSecret: (name: string, what: string) => this.referenceSecret(name, what), addSecret: (name: string, values: Parameters<Component['addBootstrapSecret']>[1]) => void this.addBootstrapSecret(name, values) };
    let env = webServiceEnvironment(this, this.name, props.env ?? {}, host);
    if (props.database) {
      const connection = props.database.cluster.addDatabase(this, props.database.name, { user: props.database.user, password: props.database.password });
      this.connection = connection;
      // The password variable first: later values expand $(DATABASE_PASSWORD).
      env = [...connection.env(props.database.env(connection)), ...env];
      // A cluster of this platform is installed first; one that runs already needs no order.
      if (Component.isComponent(props.database.cluster)) this.deployAfter(props.database.cluster);
    }

    this.claimCapacity({ pool: props.nodePool, what: this.name, replicas: () => this.maxReplicas, requests: requestsOf(this.resources) });
    this.deployment = webServiceDeployment(this, {
      name: this.name,
      labels: this.podLabels,
      image: props.image,
      containerPort: this.containerPort,
      replicas: this.fixedReplicas,
      resources: this.resources,
      env,
      readinessPath: readiness,
      livenessPath: props.probes?.livenessPath ?? readiness,
      drainSeconds: (drainMs ?? 10_000) / 1000,
      startupSeconds: startupMs === undefined ? undefined : startupMs / 1000,
      readOnlyRootFilesystem: props.readOnlyRootFilesystem ?? true,
      imagePullSecret: props.imagePullSecret,
      scheduling: this.scheduling(props.nodePool),
    });
    this.service = webServiceService(this, this.name, this.podLabels, this.servicePort, this.containerPort);
    if (this.fixedReplicas > 1) this.addDisruptionBudget();
    if (props.metricsPath !== false) {
      new ServiceMonitor(this, 'metrics', { name: this.name, service: this, port: 'http', path: props.metricsPath ?? '/metrics' });
      this.network.allowFrom(NetworkPeer.role('scraper'), { ports: [{ port: this.containerPort }], why: `scrapes ${props.metricsPath ?? '/metrics'}` });
    }
    if (props.imageAutomation) automateImage(this, props.image, props.imageAutomation, props.imagePullSecret);
    if (props.route) {
      this.publicUrl = this.addOutputUrl('publicUrl', `https://${props.route.host}${props.route.pathPrefix ?? ''}`);
      new IngressRoute(this, 'route', {
        name: this.name,
        host: props.route.host,
        pathPrefix: props.route.pathPrefix,
        backend: { name: this.name, port: this.servicePort },
        middlewares: props.route.middlewares,
        tls: props.route.tls,
      });
      this.traefikService = `${this.namespace}-${this.name}-${this.servicePort}@kubernetescrd`;
      this.network.allowFrom(NetworkPeer.role('ingress'), { ports: [{ port: this.containerPort }], why: `routes ${this.publicUrl}` });
    }
    if (props.dashboardsIn) {
      new GrafanaDashboard(this, 'dashboard', {
        name: `${this.name}-dashboard`,
        folder: 'Applications',
        dashboard: webServiceDashboard({
          datasourceUid: props.dashboardsIn.datasourceUid,
          uid: dashboardUid('ballast-app', this.namespace, this.name),
          title: `${this.name} (${this.namespace})`,
          namespace: this.namespace,
          deployment: this.deployment.name,
          traefikService: this.traefikService,
        }),
      });
    }
  }

  /** The replica count when no autoscaler manages it. */
  public get replicas(): number {
    return this.fixedReplicas;
  }

  /** The autoscaler that manages the Deployment, if any. */
  public get autoscaler(): { readonly kind: string; readonly path: string; readonly minReplicas: number; readonly maxReplicas: number } | undefined {
    const s = this.scaler;
    return s && { kind: s.kind, path: s.by.node.path, minReplicas: s.minReplicas, maxReplicas: s.maxReplicas };
  }

  /**
   * Hands the Deployment's replica count to an autoscaler: the Deployment then carries no `spec.replicas`,
   * and the capacity check and the disruption budget count its maximum. A workload has one autoscaler,
   * HPA or KEDA, never both.
   */
  public markAutoscaled(by: Construct, kind: string, minReplicas: number, maxReplicas: number): void {
    if (this.scaler) {
      fail(by, `${this.node.path} is already scaled by the ${this.scaler.kind} ${this.scaler.by.node.path}`, 'Keep one autoscaler per workload: an HPA or a KEDA ScaledObject, not both');
    }
    this.scaler = { kind, by, minReplicas, maxReplicas };
    this.deployment.markHasAutoscaler();
    if (maxReplicas > 1) this.addDisruptionBudget();
  }

  /** `IScalable`: true once an autoscaler manages the Deployment. */
  public get hasAutoscaler(): boolean {
    return this.deployment.hasAutoscaler;
  }

  /** `IScalable` (for cdk8s-plus's own HorizontalPodAutoscaler): the Deployment leaves replicas to it. */
  public markHasAutoscaler(): void {
    this.deployment.markHasAutoscaler();
  }

  /** `IScalable`: the Deployment, with its containers (an autoscaler on CPU reads their requests). */
  public toScalingTarget(): ScalingTarget {
    return this.deployment.toScalingTarget();
  }

  /** `IServiceTarget`: the Service's labels and namespace. */
  public get metadata(): ApiObjectMetadataDefinition {
    return this.service.metadata;
  }

  /** `IServiceTarget`: its pods and container port, for the policies of those that call it. */
  public get backend(): { readonly pods: PodGroup; readonly port: number } {
    return { pods: this.pods, port: this.containerPort };
  }

  /** `IServiceTarget`: the Service's ports. */
  public get ports(): ServicePort[] {
    return this.service.ports;
  }

  /**
   * More than one replica can run (fixed, or an autoscaler's maximum): voluntary disruptions (node drains)
   * take one pod at a time. `maxUnavailable: 1` allows a disruption at any count, the minimum included,
   * so a drain never blocks on it.
   */
  private addDisruptionBudget(): void {
    if (this.node.tryFindChild('pdb')) return;
    new ApiObject(this, 'pdb', {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: this.name, labels: this.podLabels },
      spec: { maxUnavailable: 1, selector: { matchLabels: this.podLabels } },
    });
  }

  /** The most replicas that can run: the autoscaler's maximum, or the fixed count. */
  public get maxReplicas(): number {
    return this.scaler?.maxReplicas ?? this.fixedReplicas;
  }
}
