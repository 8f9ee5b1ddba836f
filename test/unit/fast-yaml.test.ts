// The fast YAML path writes exactly what the yaml package writes, or declines.
import { testPlatform } from '../support/platforms';
import { stringify } from 'yaml';
import { fastYaml, HorizontalAutoscaler, KubePrometheusStack, Manifest, planPlatform, Platform, Traefik, WebService } from '../../lib/internal';
import { defaultPlan } from '../support/synth';

const OPTIONS = { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false, indent: 2 } as const;

function objectsOf(platform: Platform): Manifest[] {
  const plan = planPlatform(platform);
  return [...plan.flux.flatMap((p) => [...p.manifests, ...(p.chart ? [p.chart.values as Manifest] : [])]), ...plan.terraform.manifests.map((m) => m.manifest), ...plan.manual.flatMap((m) => m.manifests)];
}

test('every object of the default platform and of many WebServices: same bytes as yaml, or declined', () => {
  const platform = testPlatform({ clusterName: 'bench', nodePools: [] });
  const traefik = new Traefik(platform, 'traefik', { metrics: true });
  new KubePrometheusStack(platform, 'monitoring', { ingress: traefik });
  for (let i = 0; i < 20; i++) {
    const s = new WebService(platform, `svc${i}`, { image: 'ghcr.io/acme/api:1.0.0', route: { host: `svc${i}.example.com` } });
    new HorizontalAutoscaler(s, 'hpa', { target: s, maxReplicas: 4, cpuUtilization: 70 });
  }
  const objects = [...objectsOf(defaultPlan().platform), ...objectsOf(platform)];
  let fast = 0;
  for (const o of objects) {
    const mine = fastYaml(o, OPTIONS);
    if (mine === undefined) continue;
    fast++;
    expect(mine).toBe(stringify(o, OPTIONS));
  }
  // Most objects take the fast path (the ones with multi-line strings, such as dashboards, do not).
  expect(fast / objects.length).toBeGreaterThan(0.8);
});

test('tricky values: quoted words and numbers, URLs, empty collections, nested lists, or declined', () => {
  const strings = ['yes', 'No', 'on', 'y', 'null', '~', '0755', '1e3', '1.5', '.inf', '12:30', '2026-01-01', 'a: b', 'x #y', '-x', '@x', '*x', '&x', '!x', '%x', '`x`', ' lead', 'trail ', '', 'it\'s', 'quote"d', 'http://a:80/x', 'Host(`a`) && PathPrefix(`/api`)', '$(DATABASE_PASSWORD)', 'ENC[AES256_GCM,data:x]', 'é', '{x}', '[x]', '#x', 'a,b', '?x', 'x?', 'key:', '- x'];
  const value = {
    strings,
    map: Object.fromEntries(strings.map((s, i) => [`k${i}`, s])),
    nested: [[1, [2, []]], [{}], [{ a: [{ b: {} }] }], []],
    numbers: [0, -1, 42, 9007199254740991],
    flags: [true, false, null],
    empty: {},
    list: [],
  };
  const mine = fastYaml(value, OPTIONS);
  expect(mine).toBe(stringify(value, OPTIONS));
  for (const declined of [{ 'a b': 1 }, { y: 1 }, { x: 'two\nlines' }, { x: 1.5 }, { x: 1e21 }, ['top-level list']]) {
    expect(fastYaml(declined, OPTIONS)).toBeUndefined();
  }
});
