// The URLs ballast hands to other components work against the real Prometheus: started with the flags
// the synthesized kube-prometheus-stack values ask for, it accepts samples pushed to remoteWriteUrl's path
// by a remote-write client, answers queries at queryUrl's path, evaluates ballast's recording rules on
// them, and answers the load-test dashboard's queries; the k6 results and the API dashboards' queries
// return data for the series k6 and Traefik write.
import * as path from 'path';
import { pushTimeseries } from 'prometheus-remote-write';
import { dashboardQueryMetricNames, HelmValues, KubePrometheusStack, WebService } from '../../lib/internal';
import { dashboardsOf, panelsOf } from '../support/promql';
import { PrometheusServer } from '../support/e2e/prometheus-server';
import { defaultPlan, fluxObjects, synthToTemp } from '../support/synth';

const { platform, plan } = defaultPlan();
const monitoring = platform.node.findChild('monitoring') as KubePrometheusStack;
const flux = fluxObjects(path.join(synthToTemp(), 'flux'));
const ruleGroups = flux
  .filter((o) => o.object.kind === 'PrometheusRule')
  .flatMap((o) => (o.object.spec as { groups: unknown[] }).groups);

/** The Prometheus flags that the operator derives from the release's prometheusSpec. */
function flagsOf(values: HelmValues): string[] {
  const spec = ((values.prometheus as HelmValues)?.prometheusSpec ?? {}) as { enableRemoteWriteReceiver?: boolean; enableFeatures?: string[] };
  return [...(spec.enableRemoteWriteReceiver ? ['--web.enable-remote-write-receiver'] : []), ...(spec.enableFeatures ?? []).map((f) => `--enable-feature=${f}`)];
}
const release = plan.flux.find((p) => p.chart?.chart.chart === 'kube-prometheus-stack')!.chart!;

async function push(server: PrometheusServer, series: { labels: Record<string, string> & { __name__: string }; samples: { value: number; timestamp: number }[] }[]) {
  return pushTimeseries(series, { url: server.at(monitoring.remoteWriteUrl), fetch: globalThis.fetch as never, timeout: 10_000 });
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not there after 20 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

let server: PrometheusServer;
beforeAll(async () => {
  server = await PrometheusServer.start(flagsOf(release.values), ruleGroups);
}, 90_000);
afterAll(() => server?.stop());

test('the synthesized values turn the remote-write receiver on', () => {
  expect(flagsOf(release.values)).toEqual(['--web.enable-remote-write-receiver']);
  expect(new URL(monitoring.remoteWriteUrl).pathname).toBe('/api/v1/write');
});

test('samples pushed to remoteWriteUrl come back through queryUrl, and ballast recording rules run on them', async () => {
  const now = Date.now();
  const at = (secondsAgo: number, value: number) => ({ value, timestamp: now - secondsAgo * 1000 });
  const result = await push(server, [
    { labels: { __name__: 'traefik_service_requests_total', service: 'apps-api-80@kubernetescrd', code: '200' }, samples: [at(60, 0), at(30, 60), at(0, 120)] },
    { labels: { __name__: 'k6_vus', testid: 'smoke' }, samples: [at(0, 25)] },
    { labels: { __name__: 'k6_http_reqs_total', testid: 'smoke' }, samples: [at(60, 0), at(0, 600)] },
  ]);
  expect(result.status).toBe(204);
  const vus = await server.query(monitoring.queryUrl, 'sum(k6_vus{testid=~"smoke"})');
  expect(vus.map((r) => r.value[1])).toEqual(['25']);
  // The Traefik recording rule, evaluated every second by this Prometheus, over the pushed counter.
  const rate = await eventually('service:traefik_service_requests:rate1m', async () => {
    const r = await server.query(monitoring.queryUrl, 'service:traefik_service_requests:rate1m');
    return r.length > 0 ? r : undefined;
  });
  expect(rate[0].metric.service).toBe('apps-api-80@kubernetescrd');
  expect(Number(rate[0].value[1])).toBeCloseTo(2, 1);
});

test('a push to another path is refused', async () => {
  const result = await pushTimeseries([{ labels: { __name__: 'x' }, samples: [{ value: 1, timestamp: Date.now() }] }], {
    url: `${server.at(monitoring.queryUrl)}/api/v1/writ`,
    fetch: globalThis.fetch as never,
  });
  expect(result.status).toBe(404);
});

test('without the flag the values ask for, Prometheus refuses remote writes', async () => {
  const plain = await PrometheusServer.start(flagsOf({ prometheus: { prometheusSpec: { enableRemoteWriteReceiver: false } } }));
  try {
    const result = await pushTimeseries([{ labels: { __name__: 'x' }, samples: [{ value: 1, timestamp: Date.now() }] }], {
      url: plain.at(monitoring.remoteWriteUrl),
      fetch: globalThis.fetch as never,
    });
    expect(result.status).toBe(404);
  } finally {
    await plain.stop();
  }
}, 90_000);

test("the k6 results and the API dashboards' queries return data for the series k6's remote write and Traefik produce", async () => {
  const api = platform.node.findChild('articles-api') as WebService;
  const now = Date.now();
  const counter = (per30s: number) => [60, 30, 0].map((ago, i) => ({ value: i * per30s, timestamp: now - ago * 1000 }));
  const gauge = (value: number) => [60, 30, 0].map((ago) => ({ value, timestamp: now - ago * 1000 }));
  const k6 = (name: string, samples: { value: number; timestamp: number }[], labels: Record<string, string> = {}) => ({ labels: { __name__: name, testid: 'dash', ...labels }, samples });
  const traefik = (name: string, samples: { value: number; timestamp: number }[], labels: Record<string, string>) => ({ labels: { __name__: name, service: api.traefikService!, method: 'GET', ...labels }, samples });
  const series = [
    k6('k6_vus', gauge(20)),
    k6('k6_vus_max', gauge(50)),
    k6('k6_http_reqs_total', counter(300), { name: 'list' }),
    k6('k6_http_req_failed_rate', gauge(0.01)),
    k6('k6_checks_rate', gauge(1), { check: 'status is 200' }),
    k6('k6_data_sent_total', counter(30_000)),
    k6('k6_data_received_total', counter(900_000)),
    k6('k6_iterations_total', counter(100)),
    k6('k6_dropped_iterations_total', counter(1)),
    ...['200', '404', '500'].map((code) => traefik('traefik_service_requests_total', counter(code === '200' ? 600 : 6), { code })),
    ...['0.1', '0.5', '+Inf'].map((le, i) => traefik('traefik_service_request_duration_seconds_bucket', counter(400 + i * 100), { code: '200', le })),
  ];
  expect((await push(server, series)).status).toBe(204);
  const pushed = new Set(series.map((x) => x.labels.__name__));
  const dashboards = dashboardsOf(flux).filter((d) => ['ballast-k6', `ballast-app-articles-${api.name}`].includes(d.json.uid));
  expect(dashboards).toHaveLength(2);
  // The queries whose every series was pushed (the others need kube-state-metrics, cAdvisor, or k6's
  // trends), with Grafana's variables as Grafana fills them in.
  const queries = dashboards.flatMap((d) =>
    panelsOf(d.json).flatMap((p) => (p.targets ?? []).map((t) => ({ where: `${d.json.uid} panel "${p.title}"`, expr: t.expr! }))),
  ).filter((q) => dashboardQueryMetricNames(q.expr).every((m) => pushed.has(m)));
  expect(queries.length).toBeGreaterThanOrEqual(20);
  const empty: string[] = [];
  for (const q of queries) {
    const expr = q.expr.replace(/\$__rate_interval/g, '1m').replace(/\$__range/g, '5m').replace(/\$testid/g, 'dash');
    if ((await server.query(monitoring.queryUrl, expr)).length === 0) empty.push(`${q.where}: ${q.expr}`);
  }
  expect(empty).toEqual([]);
});
