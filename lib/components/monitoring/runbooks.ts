import { IConstruct } from 'constructs';
import { platformOf } from '../../core/platform-context';

/** What the on-call reads when one of ballast's alerts reaches them. */
export interface Runbook {
  /** What the alert means, in one paragraph. */
  readonly meaning: string;
  /** What to look at first, in order. */
  readonly check: readonly string[];
  /** How it is usually fixed. */
  readonly fix: readonly string[];
  /** A query that shows the alert's signal over time, graphed beside the text. */
  readonly signal: string;
}

/**
 * The runbook of every alert ballast writes, by alert name. The rules link them (`runbookUrl`), and
 * KubePrometheusStack provisions each as a Grafana dashboard, so the text is there without internet access
 * and changes with the alerts it explains.
 */
export const RUNBOOKS = {
  ScrapeTargetDown: {
    meaning: 'Prometheus has not reached a scrape target for 5 minutes. Its metrics are missing, so its dashboards are empty and any autoscaler or alert that reads them is blind.',
    check: ['The target in Prometheus (Status > Targets): the error says whether the connection is refused, times out or answers with an error.', 'The pod behind `{{instance}}`: `kubectl -n <namespace> get pods -o wide`, its events and logs.', "The namespace's NetworkPolicies: the pod's `<pods>-ingress` policy must admit the scraper on the metrics port."],
    fix: ['Restart or fix the pod; a CrashLoopBackOff shows its cause in `kubectl logs --previous`.', "A port or label that changed in a chart upgrade: correct the component's monitor (ServiceMonitor / PodMonitor) and its declared pods."],
    signal: 'count by (job) (up == 0)',
  },
  RemoteWriteReceiverErrors: {
    meaning: 'Prometheus refuses more than 5% of the samples pushed to its remote-write receiver. Load-test metrics (k6) are being lost, and the load-test dashboards under-report.',
    check: ["Prometheus' log for `remote write` errors: out-of-order samples, too old samples, or native histograms the receiver does not accept.", "The k6 runner's log: its remote-write output names the status it gets back."],
    fix: ["Out-of-order or duplicate samples: every k6 runner needs its own `instance` (the LoadTest sets one); don't run two tests with the same testid at once.", 'Native histograms refused: set the platform\'s `k6Metrics` to what this Prometheus accepts.'],
    signal: 'sum by (code) (rate(prometheus_http_requests_total{handler="/api/v1/write"}[5m]))',
  },
  VolumeFillingUp: {
    meaning: 'A persistent volume has less than 10% free space (warning) or less than 3% (critical). A full volume stops PostgreSQL from writing WAL, Prometheus from ingesting, SonarQube from indexing.',
    check: ['Which claim: the labels `namespace` and `persistentvolumeclaim`.', 'What grows: PostgreSQL WAL that is not archived (see PostgresWalArchivingFailing), Prometheus retention longer than the volume holds, or data growth.'],
    fix: ["Grow the volume: raise the component's `storageSize` (PostgresCluster, KubePrometheusStack) and apply; the storage class must allow volume expansion.", 'Prometheus: shorten `retention`. PostgreSQL: fix WAL archiving first, then the volume.'],
    signal: 'min by (namespace, persistentvolumeclaim) (kubelet_volume_stats_available_bytes / kubelet_volume_stats_capacity_bytes)',
  },
  HorizontalAutoscalerAtMax: {
    meaning: 'An autoscaler (an HPA, or the HPA KEDA made for a ScaledObject) has run at its maximum replicas for 15 minutes. The workload may need more than it is allowed, and its latency grows.',
    check: ["The workload's latency and error rate (its dashboard); whether the load is expected (a load test) or not.", 'Whether the node pool has room: pending pods mean the cluster, not the limit, is the bottleneck.'],
    fix: ["Raise `maxReplicas` of the WebService's autoscaler (or KedaScaler) if the pool has capacity; otherwise add nodes to the pool first.", 'An unexpected load: find its source before raising the limit.'],
    signal: 'max by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_status_current_replicas) / max by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_spec_max_replicas)',
  },
  PostgresClusterDown: {
    meaning: 'No instance of the PostgreSQL cluster reports PostgreSQL up for 2 minutes: every application that uses the cluster fails its writes, and its reads too when no replica is up.',
    check: ['`kubectl -n <namespace> get cluster,pods -l cnpg.io/cluster=<cluster>`: the Cluster\'s phase and its pods.', "The operator's log (`cnpg-system`): failover, fencing, a volume that cannot be attached.", 'Events of the instance pods: scheduling (the storage pool full), volumes, image pulls.'],
    fix: ['A full volume: grow `storageSize` (see VolumeFillingUp).', 'Lost volumes and no instance left: restore from the backup store (README, "Backups and restore").'],
    signal: 'sum by (namespace, cluster) (cnpg_collector_up)',
  },
  PostgresInstanceDown: {
    meaning: 'One instance of the PostgreSQL cluster reports PostgreSQL down for 5 minutes. The cluster still serves, with less redundancy; a replica that is down serves no reads.',
    check: ['`kubectl -n <namespace> get pods -l cnpg.io/cluster=<cluster>` and the instance\'s log.', 'Whether the instance is being recreated (a node drain, an upgrade).'],
    fix: ['An instance that does not come back: delete its pod and PVC (`kubectl cnpg destroy`); the operator clones a new replica from the primary.'],
    signal: 'min by (namespace, pod) (cnpg_collector_up)',
  },
  PostgresReplicaLagging: {
    meaning: 'A replica replays the primary\'s changes more than 30 seconds late for 5 minutes. Reads from the read-only service return stale data.',
    check: ["The replica's WAL receiver (`cnpg_pg_replication_is_wal_receiver_up`) and log.", "The primary's load: long transactions or a bulk write make replicas fall behind."],
    fix: ['A stuck receiver: restart the replica pod. A replica that never catches up: recreate it (`kubectl cnpg destroy` on the instance).', 'Reads that must be current go to the read-write service.'],
    signal: 'max by (namespace, pod) (cnpg_pg_replication_lag)',
  },
  PostgresWalArchivingFailing: {
    meaning: "WAL segments are waiting to be archived to the backup store for 10 minutes: point-in-time recovery stops at the last archived segment, and the segments fill the instance's volume.",
    check: ["The instance's log for `barman-cloud-wal-archive` errors: credentials, endpoint, bucket.", 'The ObjectStore and its credentials Secret; whether the store is reachable from the database namespace (its NetworkPolicy egress).'],
    fix: ['Correct the store\'s endpoint or credentials; archiving resumes by itself and the waiting segments are sent.'],
    signal: 'max by (namespace, pod) (cnpg_collector_pg_wal_archive_status{value="ready"})',
  },
  PostgresBackupFailing: {
    meaning: 'The last base backup of the PostgreSQL cluster failed after the last one that succeeded. Restores start from an older backup and replay more WAL, or fail when WAL is missing.',
    check: ['`kubectl -n <namespace> get backups` and the failed Backup\'s status message.', "The instance manager's log on the primary for the backup attempt."],
    fix: ['Correct the cause (store credentials, endpoint, space) and take a backup now: `kubectl cnpg backup <cluster> --method plugin --plugin-name barman-cloud.cloudnative-pg.io`.'],
    signal: 'max by (namespace, pod) (barman_cloud_cloudnative_pg_io_last_failed_backup_timestamp - barman_cloud_cloudnative_pg_io_last_available_backup_timestamp)',
  },
  CertificateExpiring: {
    meaning: 'A certificate expires in less than 14 days (warning) or 3 days (critical). cert-manager renews 30 days ahead, so its renewals are failing; clients will refuse the host when it expires.',
    check: ['`kubectl -n <namespace> describe certificate <name>`, then its CertificateRequest and Order: the ACME challenge states why it fails.', 'HTTP-01: the host must resolve to the ingress, and the solver pod must be reachable (its NetworkPolicy admits the ingress controller).'],
    fix: ['Correct DNS or the issuer; `cmctl renew <name>` (or deleting the Certificate\'s secret) retries at once.', "Let's Encrypt rate limits: wait, or use the staging server while fixing."],
    signal: 'min by (exported_namespace, name) (certmanager_certificate_expiration_timestamp_seconds - time()) / 86400',
  },
  CertificateNotReady: {
    meaning: 'A certificate has not been Ready for 15 minutes: a new host serves no valid certificate, or a renewal has not completed.',
    check: ['`kubectl -n <namespace> describe certificate <name>` and the events of its CertificateRequest, Order and Challenge.'],
    fix: ['Correct the cause the Challenge names (DNS, reachability of the solver, the issuer\'s credentials).'],
    signal: 'max by (exported_namespace, name) (certmanager_certificate_ready_status{condition="False"})',
  },
  KedaScalerErrors: {
    meaning: "A KEDA scaler fails to read its metric. The ScaledObject keeps the replicas it has (or its fallback), so the workload no longer follows its load.",
    check: ["The KEDA operator's log for the ScaledObject named in the alert.", "The trigger's source: a Prometheus trigger's serverAddress and query (run it in Prometheus), and the NetworkPolicy that lets the KEDA operator reach Prometheus."],
    fix: ['Correct the query or address of the KedaScaler; the errors stop at the next polling interval.'],
    signal: 'sum by (exported_namespace, scaledObject) (rate(keda_scaler_detail_errors_total[5m]))',
  },
} satisfies Record<string, Runbook>;

/** The name of an alert ballast writes, each with its runbook. */
export type BallastAlert = keyof typeof RUNBOOKS;

/** The uid of an alert's runbook dashboard, and the last part of its URL: `runbook-postgres-cluster-down`. */
export function runbookUid(alert: BallastAlert): string {
  return `runbook-${alert.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}`;
}

/** The URL an alert links for its runbook, under the platform's `runbookBaseUrl`. */
export function runbookUrl(scope: IConstruct, alert: BallastAlert): string {
  return `${platformOf(scope).runbookBaseUrl}/${runbookUid(alert)}`;
}
