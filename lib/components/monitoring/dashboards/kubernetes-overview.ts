import type { DashboardModel } from '../grafana-dashboard';
import { buildDashboard, q } from './layout';

/** What the Kubernetes overview dashboard is built from. */
export interface KubernetesOverviewInputs {
  /** The uid of the Prometheus datasource every panel queries. */
  readonly datasourceUid: string;
}

export const KUBERNETES_OVERVIEW_UID = 'ballast-kubernetes';

/**
 * The cluster, one namespace, and the nodes: CPU and memory from cAdvisor (`container_*`, the kubelet's),
 * requests and pod states from kube-state-metrics (`kube_*`), node usage from node-exporter (`node_*`).
 * Containers are counted once: cAdvisor's per-pod cgroup series (no `container` label) and the pause
 * container are left out.
 */
export function kubernetesOverviewDashboard(inputs: KubernetesOverviewInputs): DashboardModel {
  const containers = 'container!="", container!="POD", image!=""';
  const ns = 'namespace="$namespace"';
  const realFs = 'fstype!~"tmpfs|overlay|squashfs|nsfs", mountpoint="/"';
  const share = (used: string, total: string) => `${used} / ${total}`;
  return buildDashboard({
    uid: KUBERNETES_OVERVIEW_UID,
    title: 'Kubernetes overview',
    description: 'Cluster, namespace and node usage: CPU, memory, pods.',
    tags: ['ballast', 'kubernetes'],
    datasourceUid: inputs.datasourceUid,
    variables: [{ name: 'namespace', label: 'Namespace', query: 'label_values(kube_pod_info, namespace)' }],
    rows: [
      {
        title: 'Cluster',
        panels: [
          { title: 'Nodes', kind: 'stat', queries: [q('count(kube_node_info)', 'nodes')] },
          { title: 'Running pods', kind: 'stat', queries: [q('sum(kube_pod_status_phase{phase="Running"})', 'pods')] },
          { title: 'CPU used', kind: 'stat', unit: 'percentunit', queries: [q('1 - avg(rate(node_cpu_seconds_total{mode="idle"}[$__rate_interval]))', 'CPU')] },
          { title: 'Memory used', kind: 'stat', unit: 'percentunit', queries: [q(share('sum(node_memory_MemTotal_bytes - node_memory_MemAvailable_bytes)', 'sum(node_memory_MemTotal_bytes)'), 'memory')] },
          { title: 'CPU requested', kind: 'stat', unit: 'percentunit', queries: [q(share('sum(kube_pod_container_resource_requests{resource="cpu"})', 'sum(kube_node_status_allocatable{resource="cpu"})'), 'requests')] },
          {
            title: 'Memory requested',
            kind: 'stat',
            unit: 'percentunit',
            queries: [q(share('sum(kube_pod_container_resource_requests{resource="memory"})', 'sum(kube_node_status_allocatable{resource="memory"})'), 'requests')],
          },
          { title: 'CPU by namespace', unit: 'cores', queries: [q(`sum by (namespace) (rate(container_cpu_usage_seconds_total{${containers}}[$__rate_interval]))`, '{{namespace}}')] },
          { title: 'Memory by namespace', unit: 'bytes', queries: [q(`sum by (namespace) (container_memory_working_set_bytes{${containers}})`, '{{namespace}}')] },
          { title: 'Pods by phase', queries: [q('sum by (phase) (kube_pod_status_phase)', '{{phase}}')] },
          { title: 'Container restarts (1h)', queries: [q('sum by (namespace) (increase(kube_pod_container_status_restarts_total[1h])) > 0', '{{namespace}}')] },
        ],
      },
      {
        title: 'Namespace $namespace',
        panels: [
          {
            title: 'CPU by pod',
            unit: 'cores',
            queries: [
              q(`sum by (pod) (rate(container_cpu_usage_seconds_total{${ns}, ${containers}}[$__rate_interval]))`, '{{pod}}'),
              q(`sum(kube_pod_container_resource_requests{${ns}, resource="cpu"})`, 'requests'),
            ],
          },
          {
            title: 'Memory by pod',
            unit: 'bytes',
            queries: [
              q(`sum by (pod) (container_memory_working_set_bytes{${ns}, ${containers}})`, '{{pod}}'),
              q(`sum(kube_pod_container_resource_requests{${ns}, resource="memory"})`, 'requests'),
            ],
          },
          { title: 'Pods by phase', queries: [q(`sum by (phase) (kube_pod_status_phase{${ns}})`, '{{phase}}')] },
          { title: 'Container restarts (1h)', queries: [q(`sum by (pod) (increase(kube_pod_container_status_restarts_total{${ns}}[1h]))`, '{{pod}}')] },
          {
            title: 'Network',
            unit: 'Bps',
            queries: [
              q(`sum by (pod) (rate(container_network_receive_bytes_total{${ns}}[$__rate_interval]))`, '{{pod}} received'),
              q(`sum by (pod) (rate(container_network_transmit_bytes_total{${ns}}[$__rate_interval]))`, '{{pod}} sent'),
            ],
          },
          { title: 'CPU throttling', unit: 'percentunit', queries: [q(`sum by (pod) (rate(container_cpu_cfs_throttled_periods_total{${ns}}[$__rate_interval])) / sum by (pod) (rate(container_cpu_cfs_periods_total{${ns}}[$__rate_interval]))`, '{{pod}}')] },
        ],
      },
      {
        title: 'Nodes',
        panels: [
          { title: 'CPU used by node', unit: 'percentunit', queries: [q('1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[$__rate_interval]))', '{{instance}}')] },
          { title: 'Memory used by node', unit: 'percentunit', queries: [q('1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes', '{{instance}}')] },
          { title: 'Root filesystem used by node', unit: 'percentunit', queries: [q(`1 - node_filesystem_avail_bytes{${realFs}} / node_filesystem_size_bytes{${realFs}}`, '{{instance}}')] },
          { title: 'Pods by node', queries: [q('sum by (node) (kube_pod_info)', '{{node}}'), q('max by (node) (kube_node_status_allocatable{resource="pods"})', '{{node}} allocatable')] },
          { title: 'Load (1 min) by node', queries: [q('node_load1', '{{instance}}')] },
          {
            title: 'Network by node',
            unit: 'Bps',
            queries: [
              q('sum by (instance) (rate(node_network_receive_bytes_total{device!="lo"}[$__rate_interval]))', '{{instance}} received'),
              q('sum by (instance) (rate(node_network_transmit_bytes_total{device!="lo"}[$__rate_interval]))', '{{instance}} sent'),
            ],
          },
        ],
      },
    ],
  });
}
