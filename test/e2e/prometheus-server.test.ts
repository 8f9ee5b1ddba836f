// The URLs ballast hands to other components work against the real Prometheus: started with the flags
// the synthesized kube-prometheus-stack values ask for, it accepts samples pushed to remoteWriteUrl's path
// by a remote-write client, answers queries at queryUrl's path, evaluates ballast's recording rules on
// them, and answers the load-test dashboard's queries.
import * as path from 'path';
import { pushTimeseries } from 'prometheus-remote-write';
import { HelmValues, KubePrometheusStack } from '../../lib/internal';
import { PrometheusServer } from '../support/e2e/prometheus-server';
import { defaultPlan, fluxObjects, synthToTemp } from '../support/synth';

const { platform, plan } = defaultPlan();
const monitoring = platform.node.findChild('monitoring') as KubePrometheusStack;
const ruleGroups = fluxObjects(path.join(synthToTemp(), 'flux'))
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
