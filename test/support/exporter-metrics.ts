// The metric names the platform's exporters produce, per exporter, each list derived from an upstream
// source named beside it. Dashboards are checked against these lists (test/unit/dashboard-metrics.test.ts):
// a query that names a metric no exporter of the platform produces draws an empty panel, which no syntax
// check notices. Where the source is machine-readable, test/unit/exporter-metrics-sources.test.ts derives
// the list again from it (when the chart cache or the reference data is there) and compares.
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { dashboardQueryMetricNames, K6MetricsMode, k6Series } from '../../lib/internal';

/**
 * kube-state-metrics, node-exporter, cAdvisor and the kubelet (and the other components the chart
 * scrapes: API server, Prometheus, Alertmanager...): every metric name that the PromQL of the rules and
 * Grafana dashboards of the kube-prometheus-stack chart 88.5.3 selects (`templates/prometheus/rules-1.14/`,
 * `templates/grafana/dashboards-1.14/`), recording rules (names with `:`) left out. Derived by
 * `kubePrometheusStackMetrics` below from the chart in ../shared/charts.
 */
export const KUBE_PROMETHEUS_STACK_METRICS: readonly string[] = [
  'ALERTS', 'aggregator_unavailable_apiservice', 'aggregator_unavailable_apiservice_total', 'alertmanager_alerts',
  'alertmanager_alerts_invalid_total', 'alertmanager_alerts_received_total', 'alertmanager_cluster_failed_peers', 'alertmanager_cluster_members',
  'alertmanager_config_hash', 'alertmanager_config_last_reload_successful', 'alertmanager_notification_latency_seconds_bucket',
  'alertmanager_notification_latency_seconds_count', 'alertmanager_notification_latency_seconds_sum', 'alertmanager_notifications_failed_total',
  'alertmanager_notifications_total', 'apiserver_client_certificate_expiration_seconds_bucket',
  'apiserver_client_certificate_expiration_seconds_count', 'apiserver_request_sli_duration_seconds_bucket',
  'apiserver_request_sli_duration_seconds_count', 'apiserver_request_terminations_total', 'apiserver_request_total',
  'container_cpu_cfs_periods_total', 'container_cpu_cfs_throttled_periods_total', 'container_cpu_usage_seconds_total',
  'container_fs_reads_bytes_total', 'container_fs_reads_total', 'container_fs_writes_bytes_total', 'container_fs_writes_total',
  'container_memory_cache', 'container_memory_rss', 'container_memory_swap', 'container_memory_working_set_bytes',
  'container_network_receive_bytes_total', 'container_network_receive_packets_dropped_total', 'container_network_receive_packets_total',
  'container_network_transmit_bytes_total', 'container_network_transmit_packets_dropped_total', 'container_network_transmit_packets_total',
  'coredns_cache_entries', 'coredns_cache_hits_total', 'coredns_cache_misses_total', 'coredns_cache_size', 'coredns_dns_do_requests_total',
  'coredns_dns_request_count_total', 'coredns_dns_request_do_count_total', 'coredns_dns_request_duration_seconds',
  'coredns_dns_request_duration_seconds_bucket', 'coredns_dns_request_size_bytes', 'coredns_dns_request_size_bytes_bucket',
  'coredns_dns_request_type_count_total', 'coredns_dns_requests_total', 'coredns_dns_response_rcode_count_total', 'coredns_dns_response_size_bytes',
  'coredns_dns_response_size_bytes_bucket', 'coredns_dns_responses_total', 'etcd_disk_backend_commit_duration_seconds_bucket',
  'etcd_disk_wal_fsync_duration_seconds_bucket', 'etcd_mvcc_db_total_size_in_bytes', 'etcd_mvcc_db_total_size_in_use_in_bytes',
  'etcd_network_client_grpc_received_bytes_total', 'etcd_network_client_grpc_sent_bytes_total', 'etcd_network_peer_received_bytes_total',
  'etcd_network_peer_round_trip_time_seconds_bucket', 'etcd_network_peer_sent_bytes_total', 'etcd_network_peer_sent_failures_total',
  'etcd_server_has_leader', 'etcd_server_leader_changes_seen_total', 'etcd_server_proposals_failed_total', 'etcd_server_quota_backend_bytes',
  'go_goroutines', 'grafana_alerting_result_total', 'grafana_build_info', 'grafana_http_request_duration_seconds_bucket',
  'grafana_http_request_duration_seconds_count', 'grafana_http_request_duration_seconds_sum', 'grafana_stat_totals_dashboard',
  'grpc_server_handled_total', 'grpc_server_handling_seconds_bucket', 'grpc_server_started_total', 'kube_daemonset_status_current_number_scheduled',
  'kube_daemonset_status_desired_number_scheduled', 'kube_daemonset_status_number_available', 'kube_daemonset_status_number_misscheduled',
  'kube_daemonset_status_updated_number_scheduled', 'kube_deployment_metadata_generation', 'kube_deployment_spec_replicas',
  'kube_deployment_status_condition', 'kube_deployment_status_observed_generation', 'kube_deployment_status_replicas_available',
  'kube_deployment_status_replicas_updated', 'kube_horizontalpodautoscaler_spec_max_replicas', 'kube_horizontalpodautoscaler_spec_min_replicas',
  'kube_horizontalpodautoscaler_status_current_replicas', 'kube_horizontalpodautoscaler_status_desired_replicas', 'kube_job_failed',
  'kube_job_owner', 'kube_job_status_active', 'kube_job_status_start_time', 'kube_node_info', 'kube_node_role', 'kube_node_spec_taint',
  'kube_node_spec_unschedulable', 'kube_node_status_allocatable', 'kube_node_status_capacity', 'kube_node_status_condition',
  'kube_persistentvolume_status_phase', 'kube_persistentvolumeclaim_access_mode', 'kube_persistentvolumeclaim_labels', 'kube_pod_container_info',
  'kube_pod_container_resource_limits', 'kube_pod_container_resource_requests', 'kube_pod_container_status_waiting_reason', 'kube_pod_info',
  'kube_pod_owner', 'kube_pod_status_phase', 'kube_pod_status_ready', 'kube_pod_status_reason',
  'kube_pod_windows_container_resource_cpu_cores_limit', 'kube_pod_windows_container_resource_cpu_cores_request',
  'kube_pod_windows_container_resource_memory_limit', 'kube_pod_windows_container_resource_memory_request',
  'kube_poddisruptionbudget_status_current_healthy', 'kube_poddisruptionbudget_status_desired_healthy', 'kube_replicaset_owner',
  'kube_resourcequota', 'kube_state_metrics_list_total', 'kube_state_metrics_shard_ordinal', 'kube_state_metrics_total_shards',
  'kube_state_metrics_watch_total', 'kube_statefulset_metadata_generation', 'kube_statefulset_replicas', 'kube_statefulset_status_current_revision',
  'kube_statefulset_status_observed_generation', 'kube_statefulset_status_replicas_ready', 'kube_statefulset_status_replicas_updated',
  'kube_statefulset_status_update_revision', 'kubelet_certificate_manager_client_expiration_renew_errors',
  'kubelet_certificate_manager_client_ttl_seconds', 'kubelet_certificate_manager_server_ttl_seconds',
  'kubelet_cgroup_manager_duration_seconds_bucket', 'kubelet_cgroup_manager_duration_seconds_count', 'kubelet_evictions',
  'kubelet_node_config_error', 'kubelet_node_name', 'kubelet_pleg_relist_duration_seconds_bucket', 'kubelet_pleg_relist_duration_seconds_count',
  'kubelet_pleg_relist_interval_seconds_bucket', 'kubelet_pod_start_duration_seconds_bucket', 'kubelet_pod_start_duration_seconds_count',
  'kubelet_pod_worker_duration_seconds_bucket', 'kubelet_pod_worker_duration_seconds_count', 'kubelet_running_containers', 'kubelet_running_pods',
  'kubelet_runtime_operations_duration_seconds_bucket', 'kubelet_runtime_operations_errors_total', 'kubelet_runtime_operations_total',
  'kubelet_server_expiration_renew_errors', 'kubelet_volume_stats_available_bytes', 'kubelet_volume_stats_capacity_bytes',
  'kubelet_volume_stats_inodes', 'kubelet_volume_stats_inodes_free', 'kubelet_volume_stats_inodes_used', 'kubelet_volume_stats_used_bytes',
  'kubeproxy_network_programming_duration_seconds_bucket', 'kubeproxy_network_programming_duration_seconds_count',
  'kubeproxy_sync_proxy_rules_duration_seconds_bucket', 'kubeproxy_sync_proxy_rules_duration_seconds_count', 'kubernetes_build_info',
  'node_bonding_active', 'node_bonding_slaves', 'node_cpu_seconds_total', 'node_disk_io_time_seconds_total',
  'node_disk_io_time_weighted_seconds_total', 'node_disk_read_bytes_total', 'node_disk_written_bytes_total', 'node_filefd_allocated',
  'node_filefd_maximum', 'node_filesystem_avail_bytes', 'node_filesystem_files', 'node_filesystem_files_free', 'node_filesystem_readonly',
  'node_filesystem_size_bytes', 'node_load1', 'node_load15', 'node_load5', 'node_md_disks', 'node_md_disks_required', 'node_memory_Buffers_bytes',
  'node_memory_Cached_bytes', 'node_memory_MemAvailable_bytes', 'node_memory_MemFree_bytes', 'node_memory_MemTotal_bytes', 'node_memory_Slab_bytes',
  'node_memory_available_bytes', 'node_memory_compressed_bytes', 'node_memory_internal_bytes', 'node_memory_purgeable_bytes',
  'node_memory_total_bytes', 'node_memory_wired_bytes', 'node_netstat_TcpExt_TCPSynRetrans', 'node_netstat_Tcp_OutSegs',
  'node_netstat_Tcp_RetransSegs', 'node_network_receive_bytes_total', 'node_network_receive_drop_total', 'node_network_receive_errs_total',
  'node_network_receive_packets_total', 'node_network_transmit_bytes_total', 'node_network_transmit_drop_total', 'node_network_transmit_errs_total',
  'node_network_transmit_packets_total', 'node_network_up', 'node_nf_conntrack_entries', 'node_nf_conntrack_entries_limit',
  'node_systemd_service_restart_total', 'node_systemd_unit_state', 'node_textfile_scrape_error', 'node_timex_maxerror_seconds',
  'node_timex_offset_seconds', 'node_timex_sync_status', 'node_vmstat_pgmajfault', 'process_cpu_seconds_total', 'process_resident_memory_bytes',
  'process_start_time_seconds', 'prometheus_build_info', 'prometheus_config_last_reload_successful', 'prometheus_engine_queries',
  'prometheus_engine_queries_concurrent_max', 'prometheus_engine_query_duration_seconds', 'prometheus_engine_query_duration_seconds_count',
  'prometheus_notifications_alertmanagers_discovered', 'prometheus_notifications_errors_total', 'prometheus_notifications_queue_capacity',
  'prometheus_notifications_queue_length', 'prometheus_notifications_sent_total', 'prometheus_operator_list_operations_failed_total',
  'prometheus_operator_list_operations_total', 'prometheus_operator_managed_resources', 'prometheus_operator_node_address_lookup_errors_total',
  'prometheus_operator_ready', 'prometheus_operator_reconcile_errors_total', 'prometheus_operator_reconcile_operations_total',
  'prometheus_operator_status_update_errors_total', 'prometheus_operator_status_update_operations_total', 'prometheus_operator_syncs',
  'prometheus_operator_watch_operations_failed_total', 'prometheus_operator_watch_operations_total',
  'prometheus_remote_storage_dropped_samples_total', 'prometheus_remote_storage_enqueue_retries_total',
  'prometheus_remote_storage_failed_samples_total', 'prometheus_remote_storage_pending_samples',
  'prometheus_remote_storage_queue_highest_sent_timestamp_seconds', 'prometheus_remote_storage_queue_highest_timestamp_seconds',
  'prometheus_remote_storage_retried_samples_total', 'prometheus_remote_storage_samples_dropped_total',
  'prometheus_remote_storage_samples_failed_total', 'prometheus_remote_storage_samples_in_total', 'prometheus_remote_storage_samples_pending',
  'prometheus_remote_storage_samples_retried_total', 'prometheus_remote_storage_samples_total', 'prometheus_remote_storage_shard_capacity',
  'prometheus_remote_storage_shards', 'prometheus_remote_storage_shards_desired', 'prometheus_remote_storage_shards_max',
  'prometheus_remote_storage_shards_min', 'prometheus_remote_storage_succeeded_samples_total', 'prometheus_rule_evaluation_failures_total',
  'prometheus_rule_group_iterations_missed_total', 'prometheus_rule_group_rules', 'prometheus_sd_discovered_targets',
  'prometheus_sd_kubernetes_failures_total', 'prometheus_sd_refresh_failures_total', 'prometheus_target_interval_length_seconds_count',
  'prometheus_target_interval_length_seconds_sum', 'prometheus_target_metadata_cache_entries',
  'prometheus_target_scrape_pool_exceeded_label_limits_total', 'prometheus_target_scrape_pool_exceeded_target_limit_total',
  'prometheus_target_scrapes_exceeded_body_size_limit_total', 'prometheus_target_scrapes_exceeded_sample_limit_total',
  'prometheus_target_scrapes_sample_duplicate_timestamp_total', 'prometheus_target_scrapes_sample_out_of_bounds_total',
  'prometheus_target_scrapes_sample_out_of_order_total', 'prometheus_target_sync_failed_total', 'prometheus_target_sync_length_seconds_sum',
  'prometheus_tsdb_compactions_failed_total', 'prometheus_tsdb_head_chunks', 'prometheus_tsdb_head_samples_appended_total',
  'prometheus_tsdb_head_series', 'prometheus_tsdb_reloads_failures_total', 'prometheus_tsdb_wal_segment_current',
  'prometheus_wal_watcher_current_segment', 'reloader_last_reload_successful', 'rest_client_request_duration_seconds_bucket',
  'rest_client_requests_total', 'scheduler_pod_scheduling_sli_duration_seconds_bucket', 'scheduler_pod_scheduling_sli_duration_seconds_count',
  'scheduler_scheduling_algorithm_duration_seconds_bucket', 'scheduler_scheduling_algorithm_duration_seconds_count',
  'scheduler_scheduling_attempt_duration_seconds_bucket', 'scheduler_scheduling_attempt_duration_seconds_count',
  'scheduler_volume_scheduling_duration_seconds_bucket', 'scheduler_volume_scheduling_duration_seconds_count',
  'storage_operation_duration_seconds_bucket', 'storage_operation_duration_seconds_count', 'storage_operation_errors_total', 'up',
  'volume_manager_total_volumes', 'windows_container_available', 'windows_container_cpu_usage_seconds_total',
  'windows_container_memory_usage_commit_bytes', 'windows_container_memory_usage_private_working_set_bytes',
  'windows_container_network_receive_bytes_total', 'windows_container_network_received_bytes_total',
  'windows_container_network_transmit_bytes_total', 'windows_container_network_transmitted_bytes_total',
  'windows_container_private_working_set_usage', 'windows_container_total_runtime', 'windows_cpu_time_total', 'windows_logical_disk_free_bytes',
  'windows_logical_disk_read_bytes_total', 'windows_logical_disk_read_seconds_total', 'windows_logical_disk_size_bytes',
  'windows_logical_disk_write_bytes_total', 'windows_logical_disk_write_seconds_total', 'windows_memory_available_bytes',
  'windows_memory_cache_bytes', 'windows_memory_modified_page_list_bytes', 'windows_memory_standby_cache_core_bytes',
  'windows_memory_standby_cache_normal_priority_bytes', 'windows_memory_standby_cache_reserve_bytes', 'windows_memory_swap_page_operations_total',
  'windows_net_bytes_total', 'windows_net_packets_outbound_discarded_total', 'windows_net_packets_received_discarded_total',
  'windows_os_visible_memory_bytes', 'windows_pod_container_available', 'windows_system_boot_time_timestamp_seconds', 'workqueue_adds_total',
  'workqueue_depth', 'workqueue_queue_duration_seconds_bucket', 'x',
];

/**
 * kube-state-metrics' series that the chart's rules and dashboards happen not to use, from its metric
 * documentation (kubernetes/kube-state-metrics `docs/metrics/workload/deployment-metrics.md` and
 * `pod-metrics.md`, STABLE metrics).
 */
export const KUBE_STATE_METRICS_DOCUMENTED: readonly string[] = [
  'kube_deployment_status_replicas_ready',
  'kube_deployment_status_replicas_unavailable',
  'kube_pod_container_status_restarts_total',
];

/**
 * CloudNativePG's instance exporter, its own collector: the `cnpg_collector_*` series that the
 * operator project's cluster dashboard queries (cloudnative-pg chart 0.29.0,
 * `charts/cluster/grafana-dashboard.json`).
 */
export const CNPG_COLLECTOR_METRICS: readonly string[] = [
  'cnpg_collector_collection_duration_seconds',
  'cnpg_collector_first_recoverability_point',
  'cnpg_collector_last_available_backup_timestamp',
  'cnpg_collector_last_collection_error',
  'cnpg_collector_pg_wal',
  'cnpg_collector_pg_wal_archive_status',
  'cnpg_collector_postgres_version',
  'cnpg_collector_up',
];

/**
 * CloudNativePG's default monitoring queries: `cnpg_<query>_<column>` for each column that is not a label,
 * the query's `name` in place of its key where it has one. The queries are the operator's
 * `config/manager/default-monitoring.yaml`, as the cloudnative-pg chart 0.29.0 ships them in `values.yaml`
 * (`monitoringQueriesConfigMap.queries`); `cnpgQueryMetrics` derives the list from that text.
 */
export const CNPG_QUERY_METRICS: readonly string[] = [
  'cnpg_backends_max_tx_duration_seconds',
  'cnpg_backends_total',
  'cnpg_backends_waiting_total',
  'cnpg_pg_database_mxid_age',
  'cnpg_pg_database_size_bytes',
  'cnpg_pg_database_xid_age',
  'cnpg_pg_extensions_update_available',
  'cnpg_pg_postmaster_start_time',
  'cnpg_pg_replication_in_recovery',
  'cnpg_pg_replication_is_wal_receiver_up',
  'cnpg_pg_replication_lag',
  'cnpg_pg_replication_slots_active',
  'cnpg_pg_replication_slots_pg_wal_lsn_diff',
  'cnpg_pg_replication_streaming_replicas',
  'cnpg_pg_settings_setting',
  'cnpg_pg_stat_archiver_archived_count',
  'cnpg_pg_stat_archiver_failed_count',
  'cnpg_pg_stat_archiver_last_archived_time',
  'cnpg_pg_stat_archiver_last_archived_wal_start_lsn',
  'cnpg_pg_stat_archiver_last_failed_time',
  'cnpg_pg_stat_archiver_last_failed_wal_start_lsn',
  'cnpg_pg_stat_archiver_seconds_since_last_archival',
  'cnpg_pg_stat_archiver_seconds_since_last_failure',
  'cnpg_pg_stat_archiver_stats_reset_time',
  'cnpg_pg_stat_bgwriter_buffers_alloc',
  'cnpg_pg_stat_bgwriter_buffers_backend',
  'cnpg_pg_stat_bgwriter_buffers_backend_fsync',
  'cnpg_pg_stat_bgwriter_buffers_checkpoint',
  'cnpg_pg_stat_bgwriter_buffers_clean',
  'cnpg_pg_stat_bgwriter_checkpoint_sync_time',
  'cnpg_pg_stat_bgwriter_checkpoint_write_time',
  'cnpg_pg_stat_bgwriter_checkpoints_req',
  'cnpg_pg_stat_bgwriter_checkpoints_timed',
  'cnpg_pg_stat_bgwriter_maxwritten_clean',
  'cnpg_pg_stat_bgwriter_stats_reset_time',
  'cnpg_pg_stat_checkpointer_buffers_written',
  'cnpg_pg_stat_checkpointer_checkpoints_req',
  'cnpg_pg_stat_checkpointer_checkpoints_timed',
  'cnpg_pg_stat_checkpointer_restartpoints_done',
  'cnpg_pg_stat_checkpointer_restartpoints_req',
  'cnpg_pg_stat_checkpointer_restartpoints_timed',
  'cnpg_pg_stat_checkpointer_stats_reset_time',
  'cnpg_pg_stat_checkpointer_sync_time',
  'cnpg_pg_stat_checkpointer_write_time',
  'cnpg_pg_stat_database_blk_read_time',
  'cnpg_pg_stat_database_blk_write_time',
  'cnpg_pg_stat_database_blks_hit',
  'cnpg_pg_stat_database_blks_read',
  'cnpg_pg_stat_database_conflicts',
  'cnpg_pg_stat_database_deadlocks',
  'cnpg_pg_stat_database_temp_bytes',
  'cnpg_pg_stat_database_temp_files',
  'cnpg_pg_stat_database_tup_deleted',
  'cnpg_pg_stat_database_tup_fetched',
  'cnpg_pg_stat_database_tup_inserted',
  'cnpg_pg_stat_database_tup_returned',
  'cnpg_pg_stat_database_tup_updated',
  'cnpg_pg_stat_database_xact_commit',
  'cnpg_pg_stat_database_xact_rollback',
  'cnpg_pg_stat_replication_backend_start',
  'cnpg_pg_stat_replication_backend_xmin_age',
  'cnpg_pg_stat_replication_flush_diff_bytes',
  'cnpg_pg_stat_replication_flush_lag_seconds',
  'cnpg_pg_stat_replication_replay_diff_bytes',
  'cnpg_pg_stat_replication_replay_lag_seconds',
  'cnpg_pg_stat_replication_sent_diff_bytes',
  'cnpg_pg_stat_replication_write_diff_bytes',
  'cnpg_pg_stat_replication_write_lag_seconds',
];

/** A Prometheus histogram's series. */
const histogram = (name: string) => [`${name}_bucket`, `${name}_sum`, `${name}_count`];
/** Traefik's per-entry-point, per-router and per-service series share their shape. */
const traefikHttp = (scope: string) => [
  `traefik_${scope}_requests_total`,
  `traefik_${scope}_requests_tls_total`,
  ...histogram(`traefik_${scope}_request_duration_seconds`),
  `traefik_${scope}_requests_bytes_total`,
  `traefik_${scope}_responses_bytes_total`,
];

/**
 * Traefik v3 (the traefik chart 41.3.0 runs v3.7): the Prometheus names of Traefik's documentation,
 * "Observability > Metrics > Overview" (doc.traefik.io/traefik/observability/metrics/overview/): the
 * global metrics, and the entry point, router and service metrics (router ones only with
 * `addRoutersLabels`), services adding retries and server state.
 */
export const TRAEFIK_METRICS: readonly string[] = [
  'traefik_config_reloads_total',
  'traefik_config_last_reload_success',
  'traefik_open_connections',
  'traefik_tls_certs_not_after',
  ...traefikHttp('entrypoint'),
  ...traefikHttp('router'),
  ...traefikHttp('service'),
  'traefik_service_retries_total',
  'traefik_service_server_up',
];

/**
 * The KEDA operator (2.20), from KEDA's documentation "Integrate with Prometheus"
 * (keda.sh/docs/latest/integrations/prometheus/, operator metrics; the names since 2.14's renames).
 */
export const KEDA_METRICS: readonly string[] = [
  'keda_build_info',
  'keda_scaler_active',
  'keda_scaled_object_paused',
  'keda_scaler_metrics_value',
  ...histogram('keda_scaler_metrics_latency_seconds'),
  'keda_scaler_metrics_latency_seconds',
  'keda_scaler_detail_errors_total',
  'keda_scaled_object_errors_total',
  'keda_scaled_job_errors_total',
  'keda_resource_registered_total',
  'keda_trigger_registered_total',
  'keda_internal_scale_loop_latency_seconds',
];

/**
 * cert-manager's controller (v1.21.1): its certificate collector, `internal/collectors/certificate_collector.go`
 * of the module github.com/cert-manager/cert-manager (the per-certificate series the alerts read).
 */
export const CERT_MANAGER_METRICS: readonly string[] = [
  'certmanager_certificate_expiration_timestamp_seconds',
  'certmanager_certificate_renewal_timestamp_seconds',
  'certmanager_certificate_ready_status',
];

/**
 * The Barman Cloud plugin (v0.15.0), which the instances' exporter serves for it:
 * `internal/cnpgi/instance/metrics.go` of github.com/cloudnative-pg/plugin-barman-cloud (the plugin's name,
 * `barman-cloud.cloudnative-pg.io`, with "." and "-" as "_", in front).
 */
export const BARMAN_CLOUD_METRICS: readonly string[] = [
  'barman_cloud_cloudnative_pg_io_first_recoverability_point',
  'barman_cloud_cloudnative_pg_io_last_available_backup_timestamp',
  'barman_cloud_cloudnative_pg_io_last_failed_backup_timestamp',
];

/** Prometheus itself (v3.16, module v0.316.0): the HTTP handler counter of `web/web.go`, which counts remote writes. */
export const PROMETHEUS_METRICS: readonly string[] = ['prometheus_http_requests_total', 'up'];

/** Every metric the default platform's exporters produce, with k6's remote write in `mode`, by exporter. */
export function exporterMetrics(mode: K6MetricsMode): Record<string, readonly string[]> {
  return {
    'kube-prometheus-stack (kube-state-metrics, node-exporter, cAdvisor, kubelet)': [...KUBE_PROMETHEUS_STACK_METRICS, ...KUBE_STATE_METRICS_DOCUMENTED],
    cloudnativepg: [...CNPG_COLLECTOR_METRICS, ...CNPG_QUERY_METRICS],
    'barman cloud plugin': BARMAN_CLOUD_METRICS,
    'cert-manager': CERT_MANAGER_METRICS,
    prometheus: PROMETHEUS_METRICS,
    traefik: TRAEFIK_METRICS,
    keda: KEDA_METRICS,
    [`k6 remote write (${mode})`]: k6Series(mode),
  };
}

/** The names of `exporterMetrics(mode)`, as one set. */
export function knownMetrics(mode: K6MetricsMode): Set<string> {
  return new Set(Object.values(exporterMetrics(mode)).flat());
}

/** Every `expr` of a chart's templates: `expr: ...` of rules (inline or a block) and `"expr": "..."` of dashboards. */
function templateExpressions(text: string): string[] {
  const out = [...text.matchAll(/"expr"\s*:\s*"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`) as string);
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)(?:- )?expr:\s*(.*)$/.exec(lines[i]);
    if (!m) continue;
    if (!['|', '|-', '>-'].includes(m[2])) {
      out.push(m[2]);
      continue;
    }
    const block: string[] = [];
    while (i + 1 < lines.length && (lines[i + 1].trim() === '' || lines[i + 1].search(/\S/) > m[1].length)) block.push(lines[++i]);
    out.push(block.join('\n'));
  }
  return out;
}

/** The files under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/**
 * The metric names the rules and dashboards of the kube-prometheus-stack chart at `chartDir` select
 * (Helm's `{{ range }}...{{ end }}` and other actions replaced before parsing), recording rules left out.
 */
export function kubePrometheusStackMetrics(chartDir: string): string[] {
  const names = new Set<string>();
  for (const file of filesUnder(path.join(chartDir, 'templates')).filter((f) => /\.(ya?ml|json)$/.test(f))) {
    for (const expr of templateExpressions(fs.readFileSync(file, 'utf8'))) {
      const plain = expr.replace(/\{\{-?\s*range[^}]*\}\}.*?\{\{-?\s*end\s*-?\}\}/g, '').replace(/\{\{[^}]*\}\}/g, 'x');
      dashboardQueryMetricNames(plain).forEach((n) => names.add(n));
    }
  }
  return [...names].filter((n) => !n.includes(':')).sort();
}

/** `cnpg_<query>_<column>` for every non-label column of CloudNativePG monitoring queries (their YAML text). */
export function cnpgQueryMetrics(queriesYaml: string): string[] {
  const queries = parse(queriesYaml) as Record<string, { name?: string; metrics: Record<string, { usage: string }>[] }>;
  const names = new Set<string>();
  for (const [key, query] of Object.entries(queries)) {
    for (const column of query.metrics) {
      for (const [name, spec] of Object.entries(column)) if (!['LABEL', 'DISCARD'].includes(spec.usage)) names.add(`cnpg_${query.name ?? key}_${name}`);
    }
  }
  return [...names].sort();
}
