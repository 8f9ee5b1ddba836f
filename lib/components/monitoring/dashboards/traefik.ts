import type { DashboardModel } from '../grafana-dashboard';
import { buildDashboard, q } from './layout';

/** What the Traefik dashboard is built from. */
export interface TraefikDashboardInputs {
  /** The uid of the Prometheus datasource every panel queries. */
  readonly datasourceUid: string;
}

export const TRAEFIK_DASHBOARD_UID = 'ballast-traefik';

/**
 * Traefik as its Prometheus metrics show it (Traefik v3's names: `traefik_entrypoint_*` and
 * `traefik_service_*` with their entry point and service labels, on by default, and the global
 * `traefik_open_connections`): request rates, status codes and durations per entry point and per
 * service. The service label of an IngressRoute backend is `<namespace>-<service>-<port>@kubernetescrd`.
 */
export function traefikDashboard(inputs: TraefikDashboardInputs): DashboardModel {
  const ep = 'entrypoint=~"$entrypoint"';
  const svc = 'service=~"$service"';
  const quantile = (metric: string, by: string, sel: string, p: number) => `histogram_quantile(${p}, sum by (${by}, le) (rate(${metric}_bucket{${sel}}[$__rate_interval])))`;
  return buildDashboard({
    uid: TRAEFIK_DASHBOARD_UID,
    title: 'Traefik',
    description: 'Requests, status codes, durations and connections per entry point and per service.',
    tags: ['ballast', 'traefik', 'ingress'],
    datasourceUid: inputs.datasourceUid,
    variables: [
      { name: 'entrypoint', label: 'Entry point', query: 'label_values(traefik_entrypoint_requests_total, entrypoint)', multi: true },
      { name: 'service', label: 'Service', query: 'label_values(traefik_service_requests_total, service)', multi: true },
    ],
    rows: [
      {
        title: 'Overview',
        panels: [
          { title: 'Requests per second', kind: 'stat', unit: 'reqps', width: 6, queries: [q(`sum(rate(traefik_entrypoint_requests_total{${ep}}[$__rate_interval]))`, 'req/s')] },
          {
            title: '5xx answers',
            kind: 'stat',
            unit: 'percentunit',
            width: 6,
            queries: [q(`sum(rate(traefik_entrypoint_requests_total{${ep}, code=~"5.."}[$__rate_interval])) / sum(rate(traefik_entrypoint_requests_total{${ep}}[$__rate_interval]))`, '5xx')],
          },
          { title: 'Open connections', kind: 'stat', width: 6, queries: [q(`sum(traefik_open_connections{${ep}})`, 'connections')] },
          { title: 'Configuration reloads (1h)', kind: 'stat', width: 6, queries: [q('sum(increase(traefik_config_reloads_total[1h]))', 'reloads')] },
        ],
      },
      {
        title: 'Entry points',
        panels: [
          { title: 'Requests by entry point', unit: 'reqps', queries: [q(`sum by (entrypoint) (rate(traefik_entrypoint_requests_total{${ep}}[$__rate_interval]))`, '{{entrypoint}}')] },
          { title: 'Requests by status code', unit: 'reqps', queries: [q(`sum by (code) (rate(traefik_entrypoint_requests_total{${ep}}[$__rate_interval]))`, '{{code}}')] },
          {
            title: 'Request duration by entry point',
            unit: 's',
            queries: [q(quantile('traefik_entrypoint_request_duration_seconds', 'entrypoint', ep, 0.5), '{{entrypoint}} p50'), q(quantile('traefik_entrypoint_request_duration_seconds', 'entrypoint', ep, 0.95), '{{entrypoint}} p95')],
          },
          { title: 'Open connections', queries: [q(`sum by (entrypoint, protocol) (traefik_open_connections{${ep}})`, '{{entrypoint}} {{protocol}}')] },
        ],
      },
      {
        title: 'Services',
        panels: [
          { title: 'Requests by service', unit: 'reqps', queries: [q(`sum by (service) (rate(traefik_service_requests_total{${svc}}[$__rate_interval]))`, '{{service}}')] },
          {
            title: '5xx share by service',
            unit: 'percentunit',
            queries: [q(`sum by (service) (rate(traefik_service_requests_total{${svc}, code=~"5.."}[$__rate_interval])) / sum by (service) (rate(traefik_service_requests_total{${svc}}[$__rate_interval]))`, '{{service}}')],
          },
          { title: 'Request duration p95 by service', unit: 's', queries: [q(quantile('traefik_service_request_duration_seconds', 'service', svc, 0.95), '{{service}}')] },
          {
            title: 'Bytes by service',
            unit: 'Bps',
            queries: [
              q(`sum by (service) (rate(traefik_service_requests_bytes_total{${svc}}[$__rate_interval]))`, '{{service}} in'),
              q(`sum by (service) (rate(traefik_service_responses_bytes_total{${svc}}[$__rate_interval]))`, '{{service}} out'),
            ],
          },
        ],
      },
    ],
  });
}
