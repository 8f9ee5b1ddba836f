import type { DashboardModel } from '../grafana-dashboard';
import { buildDashboard, q } from './layout';

/** What a PostgreSQL cluster's dashboard is built from. */
export interface PostgresDashboardInputs {
  /** The uid of the Prometheus datasource every panel queries. */
  readonly datasourceUid: string;
  /** Dashboard uid (fixed per cluster). */
  readonly uid: string;
  readonly namespace: string;
  /** The CloudNativePG `Cluster`'s name; its instances are the pods `<cluster>-<n>`. */
  readonly cluster: string;
}

/**
 * One CloudNativePG cluster from its instances' exporter. The metric names are the exporter's: its
 * built-in `cnpg_collector_*` series, and `cnpg_<query>_<column>` for each query of the operator's default
 * monitoring queries (cloudnative-pg chart 0.29.0, `values.yaml` `monitoringQueriesConfigMap.queries`,
 * the operator's `config/manager/default-monitoring.yaml`): `backends`, `backends_waiting`, `pg_database`,
 * `pg_replication`, `pg_replication_slots`, `pg_stat_archiver`, `pg_stat_database`, `pg_stat_replication`,
 * `pg_settings`. Every instance reports the databases it serves, so per-database values take the max.
 */
export function postgresDashboard(inputs: PostgresDashboardInputs): DashboardModel {
  const sel = `namespace="${inputs.namespace}", pod=~"${inputs.cluster}-[0-9]+"`;
  const byDb = (metric: string) => `sum by (datname) (rate(${metric}{${sel}}[$__rate_interval]))`;
  return buildDashboard({
    uid: inputs.uid,
    title: `PostgreSQL ${inputs.namespace}/${inputs.cluster}`,
    description: `CloudNativePG cluster ${inputs.cluster} in ${inputs.namespace}: instances, replication, connections, transactions, size, WAL.`,
    tags: ['ballast', 'postgresql', 'cloudnative-pg'],
    datasourceUid: inputs.datasourceUid,
    rows: [
      {
        title: 'Instances',
        panels: [
          { title: 'Instances up', kind: 'stat', queries: [q(`sum(cnpg_collector_up{${sel}})`, 'up')] },
          { title: 'Primaries', kind: 'stat', description: 'Instances not in recovery: one, always.', queries: [q(`count(cnpg_pg_replication_in_recovery{${sel}} == 0)`, 'primary')] },
          { title: 'Streaming replicas', kind: 'stat', queries: [q(`max(cnpg_pg_replication_streaming_replicas{${sel}})`, 'replicas')] },
          { title: 'Replication lag (max)', kind: 'stat', unit: 's', queries: [q(`max(cnpg_pg_replication_lag{${sel}})`, 'lag')] },
          { title: 'Connections', kind: 'stat', queries: [q(`sum(cnpg_backends_total{${sel}})`, 'backends')] },
          { title: 'Database size', kind: 'stat', unit: 'bytes', queries: [q(`sum(max by (datname) (cnpg_pg_database_size_bytes{${sel}}))`, 'size')] },
          {
            title: 'Role by instance',
            description: '1 for the primary, 0 for a replica.',
            queries: [q(`1 - max by (pod) (cnpg_pg_replication_in_recovery{${sel}})`, '{{pod}}')],
          },
          { title: 'WAL receiver up (replicas)', queries: [q(`max by (pod) (cnpg_pg_replication_is_wal_receiver_up{${sel}})`, '{{pod}}')] },
        ],
      },
      {
        title: 'Replication',
        panels: [
          { title: 'Replication lag by instance', unit: 's', queries: [q(`max by (pod) (cnpg_pg_replication_lag{${sel}})`, '{{pod}}')] },
          { title: 'Replay lag seen by the primary', unit: 's', queries: [q(`max by (application_name) (cnpg_pg_stat_replication_replay_lag_seconds{${sel}})`, '{{application_name}}')] },
          { title: 'WAL not yet replayed', unit: 'bytes', queries: [q(`max by (application_name) (cnpg_pg_stat_replication_replay_diff_bytes{${sel}})`, '{{application_name}}')] },
          { title: 'WAL kept by replication slots', unit: 'bytes', queries: [q(`max by (pod, slot_name) (cnpg_pg_replication_slots_pg_wal_lsn_diff{${sel}})`, '{{pod}} {{slot_name}}')] },
        ],
      },
      {
        title: 'Connections and transactions',
        panels: [
          {
            title: 'Connections by state',
            queries: [q(`sum by (state) (cnpg_backends_total{${sel}})`, '{{state}}'), q(`max(cnpg_pg_settings_setting{${sel}, name="max_connections"})`, 'max_connections')],
          },
          { title: 'Connections by database', queries: [q(`sum by (datname) (cnpg_backends_total{${sel}})`, '{{datname}}'), q(`sum(cnpg_backends_waiting_total{${sel}})`, 'waiting on locks')] },
          { title: 'Transactions', unit: 'ops', queries: [q(byDb('cnpg_pg_stat_database_xact_commit'), '{{datname}} commits'), q(byDb('cnpg_pg_stat_database_xact_rollback'), '{{datname}} rollbacks')] },
          {
            title: 'Rows written',
            unit: 'rowsps',
            queries: [
              q(byDb('cnpg_pg_stat_database_tup_inserted'), '{{datname}} inserted'),
              q(byDb('cnpg_pg_stat_database_tup_updated'), '{{datname}} updated'),
              q(byDb('cnpg_pg_stat_database_tup_deleted'), '{{datname}} deleted'),
            ],
          },
          {
            title: 'Cache hit ratio',
            unit: 'percentunit',
            queries: [q(`${byDb('cnpg_pg_stat_database_blks_hit')} / (${byDb('cnpg_pg_stat_database_blks_hit')} + ${byDb('cnpg_pg_stat_database_blks_read')})`, '{{datname}}')],
          },
          { title: 'Longest transaction', unit: 's', queries: [q(`max by (pod) (cnpg_backends_max_tx_duration_seconds{${sel}})`, '{{pod}}')] },
          { title: 'Deadlocks and conflicts', queries: [q(byDb('cnpg_pg_stat_database_deadlocks'), '{{datname}} deadlocks'), q(byDb('cnpg_pg_stat_database_conflicts'), '{{datname}} conflicts')] },
          { title: 'Temporary files written', unit: 'Bps', queries: [q(byDb('cnpg_pg_stat_database_temp_bytes'), '{{datname}}')] },
        ],
      },
      {
        title: 'Storage and WAL',
        panels: [
          { title: 'Database size', unit: 'bytes', queries: [q(`max by (datname) (cnpg_pg_database_size_bytes{${sel}})`, '{{datname}}')] },
          { title: 'WAL files by instance', queries: [q(`max by (pod) (cnpg_collector_pg_wal{${sel}, value="count"})`, '{{pod}}')] },
          {
            title: 'WAL archiving',
            unit: 'ops',
            queries: [q(`sum(rate(cnpg_pg_stat_archiver_archived_count{${sel}}[$__rate_interval]))`, 'archived'), q(`sum(rate(cnpg_pg_stat_archiver_failed_count{${sel}}[$__rate_interval]))`, 'failed')],
          },
          {
            title: 'WAL waiting to be archived',
            queries: [q(`max by (pod) (cnpg_collector_pg_wal_archive_status{${sel}, value="ready"})`, '{{pod}}'), q(`min(cnpg_pg_stat_archiver_seconds_since_last_archival{${sel}})`, 'seconds since last archival')],
          },
          { title: 'Transaction ID age', queries: [q(`max by (datname) (cnpg_pg_database_xid_age{${sel}})`, '{{datname}}')] },
        ],
      },
    ],
  });
}
