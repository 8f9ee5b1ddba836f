// Escape hatches, as a user reaches for them: patch an object a component emits, patch the Flux
// HelmRelease or override the Terraform helm_release of its chart, write a one-chart component without a
// subclass. Patches apply after ballast's own fields, show in diff, and pass the same checks.
import { JsonPatch } from 'cdk8s';
import { formatDiff, HelmComponent, KubePrometheusStack, Manifest, planAgainstOutput, SecretValue, Traefik, WebService } from '../../lib/internal';
import { synthShape, workspace } from '../support/day2';
import { testPlatform } from '../support/platforms';
import { problemOf } from '../support/problems';
import { fluxObjects, plannedAndSaved, synthToTemp, terraformJson } from '../support/synth';
import * as path from 'path';

const podinfo = { chart: 'podinfo', version: '6.7.1', repository: { name: 'podinfo', url: 'https://stefanprodan.github.io/podinfo', type: 'default' as const } };
const objectIn = (dir: string, kind: string, name: string) => fluxObjects(path.join(dir, 'flux')).find((o) => o.object.kind === kind && o.object.metadata.name === name)?.object as Manifest & Record<string, any>;

test('patchObject: an annotation on the Deployment of a WebService, in the output and through the checks', () => {
  const platform = testPlatform();
  const api = new WebService(platform, 'api', { image: 'ghcr.io/acme/api:1.0.0', metricsPath: false });
  api.patchObject('Deployment', 'api', JsonPatch.add('/metadata/annotations', { 'acme.example/owner': 'team-a' }), JsonPatch.replace('/spec/revisionHistoryLimit', 2));
  const dir = synthToTemp(platform);
  const deployment = objectIn(dir, 'Deployment', 'api');
  expect(deployment.metadata.annotations).toEqual({ 'acme.example/owner': 'team-a' });
  expect(deployment.spec.revisionHistoryLimit).toBe(2);
});

test('patchObject names what it can patch when the object is not there (reported with the synth\'s other problems)', () => {
  const platform = testPlatform();
  const api = new WebService(platform, 'api', { image: 'ghcr.io/acme/api:1.0.0', metricsPath: false });
  api.patchObject('Deployment', 'web', JsonPatch.remove('/spec/replicas'));
  expect(problemOf(() => plannedAndSaved(platform))).toBe(
    'ballast/api: it emits no Deployment "web" to patch. Patch one of its objects (Deployment "api", Service "api", PodDisruptionBudget "api"); its chart\'s objects are patched through patchHelmRelease values.',
  );
});

test('a patched object still goes through the plan: a Secret patched into it is refused', () => {
  const platform = testPlatform();
  const api = new WebService(platform, 'api', { image: 'ghcr.io/acme/api:1.0.0', metricsPath: false });
  api.patchObject('Service', 'api', JsonPatch.add('/metadata/annotations', { x: 'y' }), JsonPatch.add('/spec/template', { apiVersion: 'v1', kind: 'Secret', stringData: { token: 'x' } }));
  expect(problemOf(() => plannedAndSaved(platform))).toBe(
    'ballast/api: Service "api" (v1) holds a Secret at spec.template, whose values would be written to the output. Declare the Secret with addBootstrapSecret and SecretValue inputs instead.',
  );
});

test('patchHelmRelease: interval, timeout and a value of the Flux HelmRelease, after ballast\'s own', () => {
  const platform = testPlatform();
  const monitoring = new KubePrometheusStack(platform, 'monitoring', { ingress: new Traefik(platform, 'traefik') });
  monitoring.patchHelmRelease(JsonPatch.replace('/spec/interval', '5m'), JsonPatch.add('/spec/timeout', '15m'), JsonPatch.add('/spec/values/prometheus/prometheusSpec/scrapeInterval', '15s'));
  const release = objectIn(synthToTemp(platform), 'HelmRelease', 'kube-prometheus-stack');
  expect(release.spec.interval).toBe('5m');
  expect(release.spec.timeout).toBe('15m');
  expect(release.spec.values.prometheus.prometheusSpec.scrapeInterval).toBe('15s');
  // ballast's own values are still there.
  expect(release.spec.values.prometheus.prometheusSpec.enableRemoteWriteReceiver).toBe(true);
});

test.each([
  ['a path the HelmRelease does not have', [JsonPatch.replace('/spec/nothing/here', 1)], /^ballast\/monitoring: a patchHelmRelease patch does not apply to its HelmRelease: .*\. Patch paths of the HelmRelease as diff shows it/],
  ['a rename', [JsonPatch.replace('/metadata/name', 'prom')], 'ballast/monitoring: a patchHelmRelease patch changes metadata.name, which say what the object is and where it lives. Rename the release with releaseName'],
  ['a password as a value', [JsonPatch.add('/spec/values/grafana/adminPassword', 'hunter2')], 'ballast/monitoring: patchHelmRelease /spec/values/grafana.adminPassword holds a secret ("adminPassword") as plain text'],
] as const)('patchHelmRelease refuses %s', (_, patches, message) => {
  const platform = testPlatform();
  new KubePrometheusStack(platform, 'monitoring', { ingress: new Traefik(platform, 'traefik') }).patchHelmRelease(...patches);
  const problem = problemOf(() => plannedAndSaved(platform));
  if (typeof message === 'string') expect(problem).toContain(message);
  else expect(problem).toMatch(message);
});

test('overrideHelmRelease: attributes of the Terraform helm_release; what decides what is installed is refused', () => {
  const platform = testPlatform();
  const traefik = new Traefik(platform, 'traefik', { deployWith: 'terraform' });
  traefik.overrideHelmRelease('timeout', 900);
  traefik.overrideHelmRelease('max_history', 5);
  const release = Object.values(terraformJson(path.join(synthToTemp(platform), 'cdktf')).resource.helm_release)[0] as Record<string, unknown>;
  expect(release).toEqual(expect.objectContaining({ timeout: 900, max_history: 5, name: 'traefik' }));

  const other = testPlatform();
  const t = new Traefik(other, 'traefik', { deployWith: 'terraform' });
  t.overrideHelmRelease('version', '1.0.0');
  t.overrideHelmRelease('lifecycle.prevent_destroy', false);
  // An allow-list, not a deny-list: an attribute nobody thought to refuse (count, postrender) is refused too.
  // Mutation: accepting any attribute not in a deny-list lets "count" through and fails this test.
  t.overrideHelmRelease('count', 0);
  t.overrideHelmRelease('postrender', { binary_path: '/bin/sh' });
  t.overrideHelmRelease('timeout', '900');
  expect(problemOf(() => plannedAndSaved(other)).split('\n').map((l) => l.slice(0, l.indexOf('. ') + 1))).toEqual([
    'ballast/traefik: overrideHelmRelease sets "version", which is not among the helm_release attributes it may set.',
    'ballast/traefik: overrideHelmRelease sets "lifecycle.prevent_destroy", which is not among the helm_release attributes it may set.',
    'ballast/traefik: overrideHelmRelease sets "count", which is not among the helm_release attributes it may set.',
    'ballast/traefik: overrideHelmRelease sets "postrender", which is not among the helm_release attributes it may set.',
    'ballast/traefik: overrideHelmRelease sets timeout to a string, not a whole number of seconds above 0.',
  ]);
});

test('each hatch is for its backend', () => {
  const platform = testPlatform();
  const terraformTraefik = new Traefik(platform, 'traefik', { deployWith: 'terraform' });
  expect(problemOf(() => terraformTraefik.patchHelmRelease(JsonPatch.add('/spec/timeout', '1m')))).toBe('ballast/traefik: patchHelmRelease patches the Flux HelmRelease, but Terraform deploys this component. Use overrideHelmRelease for its helm_release.');
  const api = new WebService(platform, 'api', { image: 'ghcr.io/acme/api:1.0.0', metricsPath: false });
  expect(problemOf(() => api.patchHelmRelease(JsonPatch.add('/spec/timeout', '1m')))).toBe('ballast/api: patchHelmRelease needs a Helm release, and this component installs no chart. Patch its objects with patchObject.');
});

test('a patch shows in diff as a change of its release', () => {
  const ws = workspace();
  synthShape(ws);
  const plan = planAgainstOutput(() => {
    const platform = (require('../support/day2') as typeof import('../support/day2')).shapedPlatform(ws);
    (platform.node.findChild('monitoring') as KubePrometheusStack).patchHelmRelease(JsonPatch.replace('/spec/interval', '5m'));
    return platform;
  }, { fluxDir: ws.flux, terraformDir: ws.terraform });
  const { text, exitCode } = formatDiff(plan, true);
  expect(text).toContain('~ release/monitoring/kube-prometheus-stack changed');
  expect(exitCode).toBe(1);
});

test('HelmComponent: a one-chart component without a subclass, its secret values by reference', () => {
  const platform = testPlatform();
  new HelmComponent(platform, 'podinfo', {
    chart: podinfo,
    namespace: 'podinfo',
    tier: 'apps',
    values: { replicaCount: 2 },
    extraValues: { ui: { message: 'hello' } },
    sensitiveValues: { 'redis.password': SecretValue.fromVariable('podinfo_redis_password', 'Password of the podinfo cache.') },
  });
  const dir = synthToTemp(platform);
  const release = objectIn(dir, 'HelmRelease', 'podinfo');
  expect(release.spec.values).toEqual({ replicaCount: 2, ui: { message: 'hello' } });
  expect(release.spec.valuesFrom).toEqual([{ kind: 'Secret', name: 'podinfo-sensitive-values', valuesKey: 'redis.password', targetPath: 'redis.password' }]);
  expect(Object.keys(terraformJson(path.join(dir, 'cdktf')).variable)).toContain('podinfo_redis_password');
});
