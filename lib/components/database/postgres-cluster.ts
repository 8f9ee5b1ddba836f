import { ApiObject, Lazy, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ContainerResources, renderResources, requestsOf, requireResources } from '../../core/resource-checks';
import { Component, ComponentOptions } from '../../core/component';
import { fail, reportProblem } from '../../core/errors';
import { binaryQuantity, describeSize, sizeProblem } from '../../core/quantities';
import { isPostgresIdentifier, requireDnsLabel } from '../../core/names';
import { PRUNE_DISABLED } from '../../model/manifest';
import { dashboardUid, GrafanaDashboard } from '../monitoring/grafana-dashboard';
import { postgresDashboard } from '../monitoring/dashboards/postgres';
import { AddDatabaseOptions, IDashboardHost, IPostgresCluster } from '../../core/interfaces';

export type { AddDatabaseOptions } from '../../core/interfaces';
import { PodMonitor } from '../monitoring/pod-monitor';
import { PrometheusRule } from '../monitoring/prometheus-rule';
import { postgresAlerts } from './postgres-alerts';
import { DatabaseConnection, databaseConnection, INSTANCE_MANAGER_PORT, METRICS_PORT, POSTGRES_PORT } from './database-connection';
import { NetworkPeer, PodGroup } from '../../core/network';
import { ExistingPostgresCluster, ExistingPostgresClusterOptions } from './existing-postgres-cluster';
import { PostgresBackup, PostgresBackupProps } from './postgres-backup';
import { PostgresRestore, PostgresRestoreProps } from './postgres-restore';

/** Properties of a PostgreSQL cluster. */
export interface PostgresClusterProps extends ComponentOptions {
  /** Name of the `Cluster`, and prefix of its Services (`<name>-rw`, `<name>-ro`). @default 'postgres' */
  readonly clusterName?: string;
  /** Read replicas beside the primary (`instances = 1 + replicas`). @default 1 */
  readonly replicas?: number;
  /** Volume size of each instance. @default Size.gibibytes(20) */
  readonly storageSize?: Size;
  /** @default the cluster's default storage class */
  readonly storageClassName?: string;
  /** @default CPU request Cpu.millis(500), memory request Size.gibibytes(1) and limit Size.gibibytes(2) */
  readonly resources?: ContainerResources;
  /** PostgreSQL parameters (`postgresql.conf`). @default max_connections 200, shared_buffers 256MB */
  readonly parameters?: Record<string, string>;
  /**
   * Node pool of the instances; the primary and each replica run on different nodes of it (required
   * anti-affinity on the host name), so the pool needs at least `1 + replicas` nodes.
   * @default any node
   */
  readonly nodePool?: string;
  /** PostgreSQL image. @default the operator's default image (PostgreSQL 18 for operator 1.30) */
  readonly imageName?: string;
  /**
   * A PodMonitor on the instances' `metrics` port, and the cluster's alerts (PostgresClusterDown,
   * PostgresInstanceDown, PostgresReplicaLagging; with backups also archiving and backup failures) (needs a component that installs the prometheus-operator
   * CRDs, such as KubePrometheusStack).
   * @default true
   */
  readonly metrics?: boolean;
  /**
   * The Grafana that shows this cluster's dashboard (instances, replication lag, connections,
   * transactions, size, WAL), which ballast writes beside the cluster as a ConfigMap in folder
   * `Databases`. CloudNativePG's own grafana.com dashboard stays available as an opt-in
   * (`addCommunityDashboard(CLOUDNATIVE_PG_DASHBOARD)`, downloaded at Grafana's start).
   * @default none
   */
  readonly dashboardsIn?: IDashboardHost;
  /**
   * WAL archiving, scheduled base backups and retention in an S3-compatible store, through the Barman
   * Cloud plugin (add a BarmanCloudPlugin to the platform).
   * @default no backups
   */
  readonly backup?: PostgresBackupProps;
  /**
   * Makes this cluster from another cluster's backups (optionally up to a point in time) instead of an
   * empty one. Only the first start reads it: CloudNativePG bootstraps a cluster once.
   * @default a new, empty cluster
   */
  readonly restoreFrom?: PostgresRestoreProps;
}

interface Role {
  readonly name: string;
  readonly secretName: string;
}

const DEFAULT_RESOURCES: ContainerResources = { cpu: { request: Cpu.millis(500) }, memory: { request: Size.gibibytes(1), limit: Size.gibibytes(2) } };
/**
 * Kubernetes expands `$(DATABASE_PASSWORD)` into the connection strings as it is: a password with `/`,
 * `#`, `?`, `%`, `@`, `:` or `;` would break a URI or an Npgsql string. Passwords are therefore letters,
 * digits and `-._~` (URL-safe), and long; Terraform refuses any other.
 */
export const DATABASE_PASSWORD_RULE = {
  pattern: '^[A-Za-z0-9._~-]{16,}$',
  message: 'Use at least 16 letters, digits or "-._~": the password is put into connection strings as it is (no escaping).',
};

/**
 * PostgreSQL with one primary and `replicas` read replicas, run by CloudNativePG (a `Cluster` of
 * `postgresql.cnpg.io/v1`). It holds data, so it is `stateful`: the Cluster and every Database carry
 * Flux's prune-disabled annotation, its namespace is never pruned or destroyed, and the databases are
 * retained when their objects go. `addDatabase` gives a consumer its own database, role and credentials.
 */
export class PostgresCluster extends Component implements IPostgresCluster {
  /**
   * A CloudNativePG cluster that already runs and that this platform does not own (a construct `id`
   * under `scope` that renders nothing). Its `addDatabase` connects to a database and role the cluster's
   * owners created, with the role's password; it cannot add a managed role to a Cluster it does not own.
   */
  public static fromExisting(scope: Construct, id: string, options: ExistingPostgresClusterOptions): IPostgresCluster {
    return new ExistingPostgresCluster(scope, id, options);
  }

  public readonly clusterName: string;
  public readonly replicas: number;
  /** `<cluster>-rw.<namespace>.svc.cluster.local`: the primary. */
  public readonly readWriteHost: string;
  /** `<cluster>-ro.<namespace>.svc.cluster.local`: the read replicas. */
  public readonly readOnlyHost: string;
  public readonly port = POSTGRES_PORT;
  /** Its instances' pods, primary and replicas. */
  public readonly instances: PodGroup;
  /** Its backups, when `backup` is set. */
  public readonly backup?: PostgresBackup;
  /** Where its data came from, when `restoreFrom` is set. */
  public readonly restore?: PostgresRestore;
  private readonly roles: Role[] = [];
  private readonly databases = new Map<string, Construct>();

  constructor(scope: Construct, id: string, props: PostgresClusterProps = {}) {
    super(scope, id, { namespace: props.namespace ?? 'database', deployWith: props.deployWith, secrets: props.secrets, allowReservedNamespace: props.allowReservedNamespace, networkPolicies: props.networkPolicies, podSecurity: props.podSecurity });
    this.stateful = true;
    this.clusterName = requireDnsLabel(this, 'clusterName', props.clusterName ?? 'postgres');
    this.replicas = props.replicas ?? 1;
    if (!Number.isInteger(this.replicas) || this.replicas < 0) {
      reportProblem(this, `replicas ${this.replicas} is not a whole number of read replicas`, 'Use 0 or more, e.g. 1');
    }
    const storageSize = props.storageSize ?? Size.gibibytes(20);
    // Kubernetes refuses a volume of 0 bytes (ValidatePersistentVolumeClaimSpec: a positive quantity).
    const storageProblem = sizeProblem(storageSize);
    if (storageProblem) reportProblem(this, `storageSize ${storageProblem}`, describeSize);
    const scheduling = this.scheduling(props.nodePool);
    const services = `${this.namespace}.svc.cluster.local`;
    this.readWriteHost = `${this.clusterName}-rw.${services}`;
    this.readOnlyHost = `${this.clusterName}-ro.${services}`;

    // Every instance: the primary today may be a replica after a failover, so consumers may reach all of them.
    this.instances = this.network.addPods(this.clusterName, { 'cnpg.io/cluster': this.clusterName });
    this.network.allowFrom(this.instances, { ports: [{ port: POSTGRES_PORT }, { port: INSTANCE_MANAGER_PORT }], why: 'replicas stream from the primary; instances reach each other\'s instance manager' });
    this.network.allowFrom(NetworkPeer.role('postgres-operator'), { ports: [{ port: INSTANCE_MANAGER_PORT }], why: 'the operator reads and drives each instance through its instance manager' });
    this.declarePodSecurity({ level: 'restricted', reason: 'CloudNativePG runs every instance non-root, without privilege escalation, capabilities or host access, with seccomp RuntimeDefault' });

    if (props.backup) this.backup = new PostgresBackup(this, 'backup', this.clusterName, this.instances, props.backup);
    if (props.restoreFrom) this.restore = new PostgresRestore(this, 'restore', this.clusterName, this.instances, props.restoreFrom);
    if (this.backup && this.restore && this.backup.store.destinationPath === this.restore.store.destinationPath && this.restore.sourceCluster === this.clusterName) {
      reportProblem(this, `it would archive its WAL into ${this.backup.store.destinationPath}/${this.clusterName}, the backups it restores from`, 'Give the restored cluster another clusterName, or its backups another store path');
    }

    const resources = requireResources(this, props.resources ?? DEFAULT_RESOURCES);
    this.claimCapacity({ pool: props.nodePool, what: `PostgreSQL ${this.clusterName}`, replicas: () => 1 + this.replicas, requests: requestsOf(resources), onePerNode: true });
    new ApiObject(this, 'cluster', {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: { name: this.clusterName, annotations: PRUNE_DISABLED },
      spec: {
        instances: 1 + this.replicas,
        ...(props.imageName ? { imageName: props.imageName } : {}),
        postgresql: { parameters: props.parameters ?? { max_connections: '200', shared_buffers: '256MB' } },
        storage: { size: binaryQuantity(storageSize), ...(props.storageClassName ? { storageClass: props.storageClassName } : {}) },
        resources: renderResources(resources),
        ...(this.backup ? { plugins: [this.backup.pluginEntry] } : {}),
        ...(this.restore ? { bootstrap: this.restore.bootstrap, externalClusters: this.restore.externalClusters } : {}),
        affinity: {
          enablePodAntiAffinity: true,
          podAntiAffinityType: 'required',
          topologyKey: 'kubernetes.io/hostname',
          ...scheduling,
        },
        // Roles are declared by addDatabase, after the Cluster object is created.
        managed: Lazy.any({
          produce: () =>
            this.roles.length === 0
              ? undefined
              : { roles: this.roles.map((r) => ({ name: r.name, ensure: 'present', login: true, passwordSecret: { name: r.secretName } })) },
        }),
      },
    });
    // The operator's exporter listens on the instances' `metrics` port (spec.monitoring.enablePodMonitor is deprecated).
    if (props.metrics ?? true) {
      new PodMonitor(this, 'metrics', { name: this.clusterName, selector: { ...this.instances.labels }, port: 'metrics' });
      new PrometheusRule(this, 'alerts', { name: `${this.clusterName}-alerts`, groups: [postgresAlerts(this, { namespace: this.namespace, clusterName: this.clusterName, backups: props.backup !== undefined })] });
      this.network.allowFrom(NetworkPeer.role('scraper'), { to: this.instances, ports: [{ port: METRICS_PORT }], why: 'scrapes the instances\' exporter' });
    }
    if (props.dashboardsIn) {
      new GrafanaDashboard(this, 'dashboard', {
        name: `${this.clusterName}-dashboard`,
        folder: 'Databases',
        dashboard: postgresDashboard({
          datasourceUid: props.dashboardsIn.datasourceUid,
          uid: dashboardUid('ballast-postgres', this.namespace, this.clusterName),
          namespace: this.namespace,
          cluster: this.clusterName,
        }),
      });
    }
  }

  /**
   * A database and its owner role for `consumer`: a `Database` object, a managed role whose password
   * comes from a bootstrap secret (`kubernetes.io/basic-auth`, here for CloudNativePG and in the
   * consumer's namespace for the consumer), and the connection.
   */
  public addDatabase(consumer: Component, name: string, options: AddDatabaseOptions = {}): DatabaseConnection {
    const user = options.user ?? name;
    for (const [what, value] of [['database name', name], ['role name', user]] as const) {
      if (!isPostgresIdentifier(value)) {
        fail(consumer, `${what} "${value}" is not a PostgreSQL identifier`, 'Use lowercase letters, digits and "_", starting with a letter, at most 63 characters, not starting with "pg_"');
      }
    }
    const claimed = this.databases.get(name);
    if (claimed) {
      fail(consumer, `database "${name}" of ${this.node.path} is already used by ${claimed.node.path}`, 'Give each consumer its own database');
    }
    if (this.roles.some((r) => r.name === user)) {
      fail(consumer, `role "${user}" of ${this.node.path} already owns another database`, 'Give each database its own user');
    }
    this.databases.set(name, consumer);
    // A consumer that declares no pods of its own is let in as its whole namespace.
    const from = consumer.network.mainPods ?? NetworkPeer.pods(consumer.namespace);
    this.network.allowFrom(from, { to: this.instances, ports: [{ port: POSTGRES_PORT }], why: `${consumer.node.id} uses database ${name}` });
    // The default cluster name keeps the short name (`app_db_password`); another cluster's databases get
    // its name in front, so that two clusters with a database of the same name never share a password.
    const prefix = this.clusterName === 'postgres' ? '' : `${this.clusterName.replace(/-/g, '_')}_`;
    const password = options.password ?? this.defaultSecret(`${prefix}${name}_db_password`, `Password of the PostgreSQL role "${user}".`, DATABASE_PASSWORD_RULE);
    const secretName = objectName(this.clusterName, user, 'credentials');
    const basicAuth = { type: 'kubernetes.io/basic-auth', plainData: { username: user } };
    // CloudNativePG reads the role's password here and, with the reload label, rolls a changed password.
    this.addBootstrapSecret(secretName, { password }, { ...basicAuth, labels: { 'cnpg.io/reload': 'true' } });
    if (consumer.namespace !== this.namespace) consumer.addBootstrapSecret(secretName, { password }, basicAuth);
    this.roles.push({ name: user, secretName });

    new ApiObject(this, `database-${name}`, {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Database',
      metadata: { name: objectName(this.clusterName, name), annotations: PRUNE_DISABLED },
      spec: { name, owner: user, cluster: { name: this.clusterName }, ensure: 'present', databaseReclaimPolicy: 'retain' },
    });
    this.addOutputUrl(`${name} (read-write)`, `postgresql://${this.readWriteHost}:${POSTGRES_PORT}/${name}`);
    if (this.replicas > 0) this.addOutputUrl(`${name} (read-only)`, `postgresql://${this.readOnlyHost}:${POSTGRES_PORT}/${name}`);
    return this.connection(consumer, name, user, secretName);
  }

  private connection(consumer: Component, database: string, user: string, secretName: string): DatabaseConnection {
    const readOnlyHost = (): string => {
      if (this.replicas === 0) {
        fail(consumer, `it asks for a read-only connection to ${this.node.path}, which has no read replica`, 'Give the cluster replicas >= 1, or use the read-write connection');
      }
      return this.readOnlyHost;
    };
    return databaseConnection({ database, user, secretName, readWriteHost: this.readWriteHost, readOnlyHost });
  }
}

/**
 * A Kubernetes object name made of a cluster name and PostgreSQL identifiers: `_` becomes `-`, and runs of
 * `-` and a leading or trailing one (from `_app` or `app_`) are dropped, so every part the user may write
 * gives a valid name.
 */
function objectName(...parts: string[]): string {
  return parts
    .map((p) => p.replace(/_/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, ''))
    .filter((p) => p !== '')
    .join('-');
}
