import type { ApiObjectMetadataDefinition } from 'cdk8s';
import type { IScalable, ServicePort } from 'cdk8s-plus-27';
import type { IConstruct } from 'constructs';
import type { Component } from './component';
import type { SecretValue } from './secret';
import type { INetworkPeer } from './network';

// The interfaces one component uses another through. A ballast component implements them, and so does an
// importer of what already runs in the cluster (`Traefik.fromExisting`, `KubePrometheusStack.fromExisting`),
// so that a platform can build on add-ons it does not install itself. Each extends IConstruct: an
// importer returns a construct, so that messages name where it was declared and it has a place in the tree.

/** An ingress controller that routes can go through (Traefik's IngressRoute CRDs). */
export interface IIngressController extends IConstruct {
  /** Where it is, for messages: a construct path or `existing Traefik in <namespace>`. */
  readonly description: string;
  /** The middleware that admits only the admin networks (Grafana, dashboards). */
  readonly allowAdminNetworks?: MiddlewareRef;
  /** The middlewares of an admin route: admin networks, then a login. Empty means the route is open. */
  readonly adminMiddlewares: readonly MiddlewareRef[];
}

/** A Prometheus that answers queries and takes remote writes. */
export interface IPrometheus extends IConstruct {
  readonly description: string;
  /** In-cluster URL of the query API, e.g. `http://prometheus.monitoring.svc.cluster.local:9090`. */
  readonly queryUrl: string;
  /** In-cluster URL of the remote-write receiver (`.../api/v1/write`). */
  readonly remoteWriteUrl: string;
  /**
   * Its pods and the port of both URLs, for the connections of the components that query it or write to
   * it (their NetworkPolicies). @default unknown: those components' policies cannot name it
   */
  readonly server?: { readonly pods: INetworkPeer; readonly port: number };
}

/**
 * A Grafana whose dashboard sidecar picks up ballast's dashboards (ConfigMaps in any namespace, see
 * GrafanaDashboard): a component builds its own dashboard against the host's datasource and keeps it
 * beside its data.
 */
export interface IDashboardHost extends IConstruct {
  readonly description: string;
  /** The uid of the Prometheus datasource that dashboards query. */
  readonly datasourceUid: string;
  /**
   * Opt-in: provisions a dashboard from grafana.com, which Grafana downloads when its pod starts (needs
   * internet access then; a synth note says so).
   */
  addCommunityDashboard(dashboard: CommunityDashboard): void;
}

/**
 * A workload an autoscaler (HorizontalAutoscaler, KedaScaler) can scale: cdk8s-plus's `IScalable`, which
 * its `Deployment` and `StatefulSet` implement (a team's own workload), and so does a WebService. The
 * autoscaler reads the containers' requests from `toScalingTarget()` and takes `spec.replicas` off the
 * workload with `markHasAutoscaler()`.
 */
export interface IScalableWorkload extends IScalable, IConstruct {}

/**
 * A Service in the cluster that a ServiceMonitor scrapes and a LoadTest sends requests to: a cdk8s-plus
 * `Service` is one, and so is a WebService. Its namespace is its metadata's, or else its component's.
 */
export interface IServiceTarget extends IConstruct {
  /** The Service's name. */
  readonly name: string;
  /** Its labels (a ServiceMonitor selects the Service by them) and namespace. */
  readonly metadata: ApiObjectMetadataDefinition;
  /** Its ports; a monitor names one, a load test uses the first. */
  readonly ports: readonly ServicePort[];
  /** Where users reach it through the ingress, when it is routed. @default not routed */
  readonly publicUrl?: string;
  /**
   * The pods behind it and their port, for the NetworkPolicies of those that call it.
   * @default every pod of its namespace, on the Services' target ports
   */
  readonly backend?: { readonly pods: INetworkPeer; readonly port: number };
}

/** Options of `addDatabase`. */
export interface AddDatabaseOptions {
  /** Role that owns the database and logs in. @default the database name */
  readonly user?: string;
  /**
   * The role's password; it must be URL-safe (see DATABASE_PASSWORD_RULE), since connection strings embed it.
   * @default the sensitive Terraform variable `<database>_db_password` (validated by that rule), or a
   * generated value of that name when the cluster's secrets go to Git (`secrets: 'sops'`)
   */
  readonly password?: SecretValue;
}

/** A PostgreSQL cluster that hands out databases. */
export interface IPostgresCluster extends IConstruct {
  readonly description: string;
  /** A database and its owner role for `consumer`, with the connection it reads them with. */
  addDatabase(consumer: Component, name: string, options?: AddDatabaseOptions): DatabaseConnection;
}

/**
 * A dashboard from grafana.com, pinned to a revision; Grafana downloads it when its pod starts (the
 * chart's `download-dashboards` init container, which needs egress to grafana.com). Without a revision
 * the chart would download revision 1. The revisions below are the newest seen in public configurations
 * when they were pinned; grafana.com lists newer ones as they come.
 */
export interface CommunityDashboard {
  /** File name under the `community` provider, e.g. `k8s-views-global`. */
  readonly name: string;
  /** grafana.com dashboard id. */
  readonly id: number;
  /** Pinned revision: a newer one is a deliberate change here. */
  readonly revision: number;
  /** The dashboard's datasource input, replaced by the platform datasource's uid. @default 'DS_PROMETHEUS' */
  readonly datasourceInput?: string;
}

/** A reference to a Traefik Middleware, as IngressRoutes name it. */
export interface MiddlewareRef {
  readonly name: string;
  readonly namespace: string;
}

/**
 * How an application reaches one database of a `PostgresCluster`: names, hosts, the Secret with its
 * credentials and ready connection strings. The password is never inside a string: the strings refer to
 * the environment variable `passwordEnv`, which Kubernetes expands (`$(NAME)` in an env value) from the
 * Secret at container start. `env()` gives a container the variables in the right order.
 */
export interface DatabaseConnection {
  readonly database: string;
  readonly user: string;
  /** The Secret (in the consumer's namespace) with the role's credentials, `kubernetes.io/basic-auth`. */
  readonly secret: { readonly name: string; readonly usernameKey: 'username'; readonly passwordKey: 'password' };
  /** The primary's Service, read and write: `<cluster>-rw.<namespace>.svc.cluster.local`. */
  readonly readWriteHost: string;
  /** The replicas' Service, read only (`<cluster>-ro...`). Fails when the cluster has no read replica. */
  readonly readOnlyHost: string;
  readonly port: number;
  /** The environment variable that holds the password in a consumer's container. */
  readonly passwordEnv: string;
  /** `jdbc:postgresql://<rw host>:<port>/<database>` (user and password are passed apart, as JDBC clients take them). */
  readonly jdbcUrl: string;
  /** The JDBC URL of the read replicas. */
  readonly jdbcReadOnlyUrl: string;
  /** libpq URI to the primary: `postgresql://<user>:$(<passwordEnv>)@<rw host>:<port>/<database>`. */
  readonly uri: string;
  /** libpq URI to the read replicas. */
  readonly readOnlyUri: string;
  /** Npgsql connection string to the primary (`ConnectionStrings__DefaultConnection` of the demo API). */
  readonly npgsql: string;
  /** Npgsql connection string to the read replicas (`ConnectionStrings__DefaultRoConnection`). */
  readonly npgsqlReadOnly: string;
  /**
   * Container environment: the password from the Secret first (so that later values can expand it), then
   * `extra` name -> value pairs, whose values may use `$(passwordEnv)`.
   */
  env(extra?: Record<string, string>): ContainerEnv[];
}

/** A container environment variable as the Kubernetes API takes it. */
export type ContainerEnv =
  | { name: string; value: string }
  | { name: string; valueFrom: { secretKeyRef: { name: string; key: string } } };
