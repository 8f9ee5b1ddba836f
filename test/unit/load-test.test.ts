import { Duration } from 'cdk8s';
// Load tests as the LoadTest construct writes them, and what it refuses.
import * as path from 'path';
import {
  K6MetricsMode,
  k6MetricsEnv,
  k6Series,
  K6Operator,
  KubePrometheusStack,
  LoadTest,
  LoadTestProps,
  loadTestOverview,
  Manifest,
  packageRoot,
  planPlatform,
  Platform,
  renderFluxRepository,
  Traefik,
  WebService,
} from '../../lib/internal';
import { App } from 'cdk8s';
import { testConfig, testPlatform } from '../support/platforms';
import { panelsOf } from '../support/promql';
import { problemOf } from '../support/problems';

const script = path.join(packageRoot(), 'loadtests', 'articles-crawl.ts');

function setup(k6Metrics: K6MetricsMode = 'native-histograms', platform: Platform = testPlatform({ k6Metrics, nodePools: [{ name: 'loadgen', labels: { pool: 'loadgen' }, taints: [{ key: 'pool', value: 'loadgen', effect: 'NoSchedule' }] }] })) {
  const monitoring = new KubePrometheusStack(platform, 'monitoring', { ingress: new Traefik(platform, 'traefik') });
  const api = new WebService(platform, 'api', { image: 'ghcr.io/acme/api:1.0.0', route: { host: 'api.example.com' } });
  const operator = new K6Operator(platform, 'k6-operator');
  const test = (id: string, props: Partial<LoadTestProps> = {}) =>
    new LoadTest(platform, id, { script, target: api, prometheus: monitoring, options: { vus: 10, duration: Duration.minutes(1) }, nodePool: 'loadgen', ...props } as LoadTestProps);
  return { platform, monitoring, api, operator, test };
}
const objectOf = (c: LoadTest, kind: string) => (c.manifests() as Manifest[]).find((m) => m.kind === kind) as any;

test('a Job runs the official k6 image on the script ConfigMap, writes to remoteWriteUrl with testid, never retries, on the runner pool', () => {
  const { test, monitoring } = setup();
  const t = test('smoke');
  const job = objectOf(t, 'Job');
  const pod = job.spec.template.spec;
  expect(job.spec.backoffLimit).toBe(0);
  expect(job.spec.ttlSecondsAfterFinished).toBeGreaterThan(0);
  expect(pod.containers[0].image).toMatch(/^grafana\/k6:\d+\.\d+\.\d+$/);
  expect(pod.containers[0].args).toEqual(['run', '-o', 'experimental-prometheus-rw', '--tag', 'testid=smoke', '/scripts/articles-crawl.js']);
  expect(pod.containers[0].env).toEqual(
    expect.arrayContaining([
      { name: 'K6_PROMETHEUS_RW_SERVER_URL', value: monitoring.remoteWriteUrl },
      { name: 'TARGET_URL', value: 'https://api.example.com' },
      { name: 'K6_OPTIONS', value: '{"vus":10,"duration":"1m"}' },
    ]),
  );
  expect(pod.nodeSelector).toEqual({ pool: 'loadgen' });
  expect(pod.tolerations).toEqual([{ key: 'pool', operator: 'Equal', value: 'loadgen', effect: 'NoSchedule' }]);
  expect(pod.volumes).toEqual([{ name: 'scripts', configMap: { name: 'k6-smoke' } }]);
  expect(Object.keys(objectOf(t, 'ConfigMap').data)).toEqual(['articles-crawl.js']);
});

test('a TestRun splits the run over parallelism pods with the same script and settings, and cleans up', () => {
  const { test, operator } = setup();
  const run = objectOf(test('big', { runner: 'testrun', operator, parallelism: 4 }), 'TestRun');
  expect(run.spec).toMatchObject({
    parallelism: 4,
    script: { configMap: { name: 'k6-big', file: 'articles-crawl.js' } },
    arguments: '-o experimental-prometheus-rw --tag testid=big',
    cleanup: 'post',
    runner: { nodeSelector: { pool: 'loadgen' } },
  });
});

test.each(['native-histograms', 'trend-stats'] as const)(
  'k6Metrics %s: the Job selects that output mode, and every k6 series the dashboards query is one that mode writes',
  (mode) => {
    const { test } = setup(mode);
    expect(objectOf(test('smoke'), 'Job').spec.template.spec.containers[0].env).toEqual(expect.arrayContaining(k6MetricsEnv(mode)));
    const dashboard = loadTestOverview({ datasourceUid: 'prometheus', k6Metrics: mode }) as any;
    const queried = new Set(panelsOf(dashboard).flatMap((p) => (p.targets ?? []).flatMap((t) => t.expr?.match(/\bk6_[a-z0-9_]+/g) ?? [])));
    expect(queried.size).toBeGreaterThan(3);
    [...queried].forEach((metric) => expect(k6Series(mode)).toContain(metric));
  },
);

test('load tests go to loadtests/<name>/, which no Flux Kustomization reconciles; their namespace comes with apps', () => {
  const { platform, test } = setup();
  test('smoke');
  const files = renderFluxRepository(planPlatform(platform)).files;
  expect([...files.keys()].filter((f) => f.startsWith('loadtests/'))).toEqual(['loadtests/smoke/kustomization.yaml', 'loadtests/smoke/smoke.yaml']);
  expect(files.get('apps/namespace-loadtests.yaml')).toContain('kind: Namespace');
  const clusters = [...files.entries()].filter(([f]) => f.startsWith('clusters/')).map(([, c]) => c).join();
  expect(clusters).not.toContain('loadtests');
});

test.each([
  ['a runner pool that does not exist', () => setup('native-histograms', testPlatform()).test('x'), 'ballast/x: unknown node pool "loadgen". Use one of the pools in the platform config (monitor) or add "loadgen" to nodePools.'],
  [
    'a threshold on something that is not a metric name',
    () => setup().test('x', { options: { vus: 1, duration: Duration.minutes(1), thresholds: { 'http req duration': ['p(95)<700'] } } }),
    expect.stringMatching(/^ballast\/x: a threshold names the metric "http req duration", which is not a k6 metric name\. Use a metric name of letters, digits and "_" \(k6's own: checks, .*selector\.$/),
  ],
  ['a threshold that is not an expression', () => setup().test('x', { options: { vus: 1, duration: Duration.minutes(1), thresholds: { http_req_duration: ['95% under 700ms'] } } }), 'ballast/x: threshold "95% under 700ms" of http_req_duration is not a k6 threshold expression. Write it like "p(95)<700" or "rate<0.01".'],
  [
    'a target that is not a WebService of this platform',
    () => {
      const { test } = setup();
      const other = new Platform(new App(), 'other', testConfig());
      test('x', { target: new WebService(other, 'api', { image: 'ghcr.io/acme/api:1.0.0' }) });
    },
    'ballast/x: its target other/api is not a Service in a component of this platform. Target a WebService, or a Service created inside a Component of the same Platform.',
  ],
  ['a parallelism below 1', () => setup().test('x', { runner: 'testrun', operator: setup().operator, parallelism: 0 }), 'ballast/x: parallelism 0 is not 1 or more. Run at least one pod.'],
  ['parallelism without the operator', () => setup().test('x', { parallelism: 3 }), "ballast/x: parallelism needs the k6 operator. Use runner: 'testrun' with an operator."],
])('%s is refused at synth', (_name, build, message) => {
  expect(problemOf(build)).toEqual(message);
});
