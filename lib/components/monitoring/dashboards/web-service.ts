import type { DashboardModel } from '../grafana-dashboard';
import { buildDashboard, PanelSpec, q } from './layout';

/** What a web service's dashboard is built from. */
export interface WebServiceDashboardInputs {
  /** The uid of the Prometheus datasource every panel queries. */
  readonly datasourceUid: string;
  /** Dashboard uid (fixed per service). */
  readonly uid: string;
  /** Dashboard title. */
  readonly title: string;
  readonly namespace: string;
  /** The Deployment's name. */
  readonly deployment: string;
  /** Traefik's label of the service (`<namespace>-<service>-<port>@kubernetescrd`). @default not routed: no request panels */
  readonly traefikService?: string;
}

/**
 * One web service: its requests as Traefik sees them (rate by status code, share of 5xx, duration
 * quantiles from `traefik_service_*`), then its Deployment's replicas and its pods' CPU and memory
 * against their requests and limits (kube-state-metrics and cAdvisor).
 */
export function webServiceDashboard(inputs: WebServiceDashboardInputs): DashboardModel {
  const ns = `namespace="${inputs.namespace}"`;
  const deploy = `${ns}, deployment="${inputs.deployment}"`;
  // A Deployment's pods are `<deployment>-<replicaset hash>-<suffix>`.
  const pods = `${ns}, pod=~"${inputs.deployment}-[a-z0-9]+-[a-z0-9]+"`;
  const containers = `${pods}, container!="", container!="POD"`;
  const svc = inputs.traefikService === undefined ? undefined : `service="${inputs.traefikService}"`;
  const rate = (sel: string, by = '') => `sum${by ? ` by (${by})` : ''} (rate(traefik_service_requests_total{${sel}}[$__rate_interval]))`;
  const quantile = (sel: string, p: number) => `histogram_quantile(${p}, sum by (le) (rate(traefik_service_request_duration_seconds_bucket{${sel}}[$__rate_interval])))`;
  const requests: PanelSpec[] =
    svc === undefined
      ? []
      : [
          { title: 'Requests per second', kind: 'stat', unit: 'reqps', width: 6, queries: [q(rate(svc), 'req/s')] },
          { title: '5xx share', kind: 'stat', unit: 'percentunit', width: 6, queries: [q(`(${rate(`${svc}, code=~"5.."`)} or vector(0)) / ${rate(svc)}`, '5xx')] },
          { title: 'p95 duration', kind: 'stat', unit: 's', width: 6, queries: [q(quantile(svc, 0.95), 'p95')] },
          { title: 'Ready replicas', kind: 'stat', width: 6, queries: [q(`sum(kube_deployment_status_replicas_ready{${deploy}})`, 'ready')] },
          { title: 'Requests by status code', unit: 'reqps', queries: [q(rate(svc, 'code'), '{{code}}')] },
          { title: 'Requests by method', unit: 'reqps', queries: [q(rate(svc, 'method'), '{{method}}')] },
          { title: 'Errors (5xx share)', unit: 'percentunit', queries: [q(`${rate(`${svc}, code=~"5.."`)} / ${rate(svc)}`, '5xx'), q(`${rate(`${svc}, code=~"4.."`)} / ${rate(svc)}`, '4xx')] },
          { title: 'Request duration', unit: 's', queries: [q(quantile(svc, 0.5), 'p50'), q(quantile(svc, 0.95), 'p95'), q(quantile(svc, 0.99), 'p99')] },
        ];
  return buildDashboard({
    uid: inputs.uid,
    title: inputs.title,
    description: `${inputs.namespace}/${inputs.deployment}: requests through Traefik, replicas, CPU and memory.`,
    tags: ['ballast', 'application'],
    datasourceUid: inputs.datasourceUid,
    rows: [
      ...(requests.length > 0 ? [{ title: 'Requests (Traefik)', panels: requests }] : []),
      {
        title: 'Replicas and resources',
        panels: [
          {
            title: 'Replicas',
            queries: [
              q(`sum(kube_deployment_spec_replicas{${deploy}})`, 'desired'),
              q(`sum(kube_deployment_status_replicas_ready{${deploy}})`, 'ready'),
              q(`sum(kube_deployment_status_replicas_unavailable{${deploy}})`, 'unavailable'),
            ],
          },
          { title: 'Container restarts (1h)', queries: [q(`sum by (pod) (increase(kube_pod_container_status_restarts_total{${pods}}[1h]))`, '{{pod}}')] },
          {
            title: 'CPU per pod',
            unit: 'cores',
            queries: [
              q(`sum by (pod) (rate(container_cpu_usage_seconds_total{${containers}}[$__rate_interval]))`, '{{pod}}'),
              q(`max(kube_pod_container_resource_requests{${pods}, resource="cpu"})`, 'request'),
            ],
          },
          {
            title: 'Memory per pod',
            unit: 'bytes',
            queries: [
              q(`sum by (pod) (container_memory_working_set_bytes{${containers}})`, '{{pod}}'),
              q(`max(kube_pod_container_resource_requests{${pods}, resource="memory"})`, 'request'),
              q(`max(kube_pod_container_resource_limits{${pods}, resource="memory"})`, 'limit'),
            ],
          },
        ],
      },
    ],
  });
}
