// The plan's check of values the consumers refuse, on the plan's final objects: one problem per object with
// every violation, an object another check refused not reported twice, and the rules it applies by hand
// (the API server's HPA behavior and data keys), where there is no CRD to read them from.
import { JsonPatch } from 'cdk8s';
import { CERT_MANAGER_GROUP } from '../../lib/core/tls';
import { Flux, planPlatform, Traefik, WebService } from '../../lib/internal';
import { hpaBehaviorViolations, integerProblem, POLICY_PERIOD, STABILIZATION_WINDOW } from '../../lib/model/hpa-behavior';
import { bytes, dataKeyProblem } from '../../lib/plan/object-limits';
import { testPlatform } from '../support/platforms';
import { problemOf } from '../support/problems';

test('every violation of one object is in one problem: the CRD, Flux and the semver grammar together', () => {
  const platform = testPlatform();
  const flux = new Flux(platform, 'flux');
  const api = new WebService(platform, 'api', { image: 'ghcr.io/acme/api:1.0.0', metricsPath: false, imageAutomation: { flux, semverRange: '^1.0.0' } });
  api.patchObject('ImagePolicy', 'api', JsonPatch.replace('/spec/policy/semver/range', 'newest'), JsonPatch.add('/spec/filterTag', { pattern: '^v' }));
  api.patchObject('ImageRepository', 'api', JsonPatch.replace('/spec/interval', '0m'), JsonPatch.add('/spec/timeout', 'soon'));
  const lines = problemOf(() => planPlatform(platform)).split('\n');
  expect(lines).toEqual([
    'ballast/api: ImageRepository "api" /spec/timeout is "soon", which does not match the CRD\'s pattern (the image.toolkit.fluxcd.io CRD says string, matching ^([0-9]+(\\.[0-9]+)?(ms|s|m))+$); /spec/interval is "0m", which is not a duration above zero (Flux reads it with Go\'s time.ParseDuration and waits that long between runs). Set /spec/timeout to a string matching ^([0-9]+(\\.[0-9]+)?(ms|s|m))+$; set /spec/interval to a duration such as "10m", in the props or the patch that sets it (patchObject, patchHelmRelease).',
    expect.stringMatching(/^ballast\/api: ImagePolicy "api" \/spec\/filterTag is not a field the CRD knows, so the API server would drop it \(the image\.toolkit\.fluxcd\.io CRD says the fields there are .*\); \/spec\/policy\/semver\/range is not a semver range: "newest" is not a list of constraints such as ">=1\.0\.0 <2\.0\.0" \(Flux reads it with Masterminds\/semver\)\. Remove \/spec\/filterTag or correct its name; use a Masterminds semver range/),
  ]);
});

// Mutation: checking every object, also those another check has refused (no `reported` filter), adds a
// second line here: "Certificate ... /spec/issuerRef is missing".
test('an object another check of the plan refused is not reported again', () => {
  const platform = testPlatform({}, { issuer: false });
  platform.assumeInstalled({ crdGroups: [CERT_MANAGER_GROUP] });
  new Traefik(platform, 'traefik');
  const lines = problemOf(() => planPlatform(platform)).split('\n');
  expect(lines).toEqual([expect.stringMatching(/^ballast\/traefik: Certificate "traefik-example-com" \(traefik\.example\.com\) names no issuer/)]);
});

test("the HPA behavior rules are Kubernetes' own (validation.go): 0..3600 s of stabilization, 1..1800 s periods, policies above 0", () => {
  expect([integerProblem(0, STABILIZATION_WINDOW), integerProblem(3600, STABILIZATION_WINDOW), integerProblem(3601, STABILIZATION_WINDOW), integerProblem(-1, STABILIZATION_WINDOW)]).toEqual([undefined, undefined, 'is above 3600', 'is below 0']);
  expect([integerProblem(1, POLICY_PERIOD), integerProblem(1800, POLICY_PERIOD), integerProblem(0, POLICY_PERIOD), integerProblem('60', POLICY_PERIOD)]).toEqual([undefined, undefined, 'is below 1', 'is not a whole number']);
  const behavior = { scaleUp: { selectPolicy: 'Fastest', policies: [{ type: 'Pods', value: 0, periodSeconds: 15 }, { type: 'Replicas', value: 2, periodSeconds: 15 }] }, scaleDown: { stabilizationWindowSeconds: 300 } };
  expect(hpaBehaviorViolations(behavior, '/spec/behavior').map((v) => `${v.pointer} ${v.what} (${v.allowed})`)).toEqual([
    '/spec/behavior/scaleUp/selectPolicy is "Fastest" (one of Max, Min, Disabled)',
    '/spec/behavior/scaleUp/policies/0/value is 0, which is below 1 (a whole number of at least 1)',
    '/spec/behavior/scaleUp/policies/1/type is "Replicas" (one of Pods, Percent)',
  ]);
});

test('ConfigMap and Secret keys follow IsConfigMapKey; sizes are said in KiB or MiB', () => {
  expect(['a', 'config.yaml', '.hidden', 'a-b_c.d', 'x'.repeat(253)].map(dataKeyProblem)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  expect(['../x', 'a/b', 'a b', '.', '..', '..data', 'x'.repeat(254), ''].map((k) => dataKeyProblem(k) !== undefined)).toEqual([true, true, true, true, true, true, true, true]);
  expect([bytes(900 * 1024), bytes(2 * 1024 * 1024)]).toEqual(['900 KiB', '2.0 MiB']);
});
