import type { Component } from './component';
import type { DatabaseConnection } from '../components/database/database-connection';
import type { SecretValue } from './secret';
import type { CommunityDashboard } from '../components/monitoring/community-dashboards';
import type { MiddlewareRef } from '../components/ingress/middleware';

// The interfaces one component uses another through. A ballast component implements them, and so does an
// importer of what already runs in the cluster (`Traefik.fromExisting`, `KubePrometheusStack.fromExisting`),
// so that a platform can build on add-ons it does not install itself.

/** An ingress controller that routes can go through (Traefik's IngressRoute CRDs). */
export interface IIngressController {
  /** Where it is, for messages: a construct path or `existing Traefik in <namespace>`. */
  readonly description: string;
  /** The middleware that admits only the admin networks (Grafana, dashboards). */
  readonly allowAdminNetworks?: MiddlewareRef;
  /** The middlewares of an admin route: admin networks, then a login. Empty means the route is open. */
  readonly adminMiddlewares: readonly MiddlewareRef[];
}

/** A Prometheus that answers queries and takes remote writes. */
export interface IPrometheus {
  readonly description: string;
  /** In-cluster URL of the query API, e.g. `http://prometheus.monitoring.svc.cluster.local:9090`. */
  readonly queryUrl: string;
  /** In-cluster URL of the remote-write receiver (`.../api/v1/write`). */
  readonly remoteWriteUrl: string;
}

/** A Grafana that takes dashboards from grafana.com by id. */
export interface IDashboardHost {
  readonly description: string;
  /** Provisions a dashboard from grafana.com (once, however often it is asked for). */
  addCommunityDashboard(dashboard: CommunityDashboard): void;
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
export interface IPostgresCluster {
  readonly description: string;
  /** A database and its owner role for `consumer`, with the connection it reads them with. */
  addDatabase(consumer: Component, name: string, options?: AddDatabaseOptions): DatabaseConnection;
}
