// Cases of the hostile-input table (test/unit/hostile-input.test.ts) for values a consumer refuses: the
// CRD of a custom resource (its own grammar, generated into lib/model), the API server (HPA behavior,
// ConfigMap keys, object sizes), Flux (durations, semver ranges), Prometheus (PromQL), Helm (the release
// Secret) and DNS (one host, one cluster). Each is refused at synth, where the user typed it (props) or on
// the plan's final object (escape hatches), with every violation of an object at once; valid values pass.
import * as crypto from 'crypto';
import * as path from 'path';
import { App, Duration, JsonPatch } from 'cdk8s';
import {
  CertManager,
  CloudNativePg,
  Fleet,
  Flux,
  GrafanaDashboard,
  HorizontalAutoscaler,
  ImageUpdateAutomation,
  K6Operator,
  Keda,
  KedaScaler,
  KubePrometheusStack,
  LoadTest,
  packageRoot,
  Platform,
  PostgresCluster,
  PrometheusRule,
  ScalingBehavior,
  synthFleet,
  Traefik,
  validateFleet,
  ValidationError,
  WebService,
} from '../../../lib/internal';
import { CERT_MANAGER_GROUP } from '../../../lib/core/tls';
import { STAND_IN_ISSUER } from '../../../lib/testing/stand-in-issuer';
import { Bare, canary, HostileCase, Outcome } from '../../support/hostile';
import { testConfig } from '../../support/platforms';
import { readTree, tempDir, TEST_AGE } from '../../support/synth';
import { accepted, findObject, monitoring, refused, service } from '../../support/hostile-builders';


const find = findObject;

/** A service scaled by KEDA on `query`, its scaler's props over valid ones. */
function keda(platform: Platform, props: Partial<ConstructorParameters<typeof KedaScaler>[2]> = {}, query = 'sum(rate(http_requests_total{service="api"}[1m]))'): WebService {
  new Keda(platform, 'keda');
  const prometheus = monitoring(platform);
  const api = service(platform);
  new KedaScaler(api, 'scaler', { target: api, trigger: { prometheus, query, threshold: 50 }, maxReplicas: 5, ...props });
  return api;
}
/** A service scaled by an HPA with `behavior`. */
function hpa(platform: Platform, behavior?: ScalingBehavior): WebService {
  const api = service(platform);
  new HorizontalAutoscaler(api, 'hpa', { target: api, maxReplicas: 4, cpuUtilization: 70, behavior });
  return api;
}
/** A service whose image Flux follows, its automation's props over valid ones. */
function automated(platform: Platform, automation: { semverRange?: string; interval?: Duration } = {}): WebService {
  const flux = new Flux(platform, 'flux');
  return service(platform, { imageAutomation: { flux, semverRange: '^1.4.0', ...automation } });
}
/** A PrometheusRule of one alert on `expr` in the platform's monitoring. */
function rule(platform: Platform, expr: string): KubePrometheusStack {
  const stack = monitoring(platform);
  new PrometheusRule(stack, 'rules', { groups: [{ name: 'api', rules: [{ alert: 'ApiDown', expr, severity: 'warning', summary: 'the API is down' }] }] });
  return stack;
}
/** A dashboard with one Prometheus panel on `expr`. */
function dashboard(platform: Platform, expr: string): KubePrometheusStack {
  const stack = monitoring(platform);
  new GrafanaDashboard(stack, 'board', {
    dashboard: { uid: 'api', title: 'API', panels: [{ title: 'Requests', type: 'timeseries', datasource: { type: 'prometheus', uid: 'prometheus' }, targets: [{ refId: 'A', expr }] }] },
  });
  return stack;
}
/** A component with one ConfigMap "settings" of `data`. */
function settings(platform: Platform, data: Record<string, string>): Bare {
  return new Bare(platform, 'app', { tier: 'apps' }).object('settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data });
}
/** Text of `bytes` bytes that gzip cannot shrink (hex of random bytes). */
const incompressible = (bytes: number) => crypto.randomBytes(Math.ceil(bytes / 2)).toString('hex').slice(0, bytes);

export const consumerValueCases: HostileCase[] = [];
const add = (name: string, c: Omit<HostileCase, 'name' | 'cls'>) => consumerValueCases.push({ cls: 'consumer values', name, ...c });

// --- KEDA's durations, where the user types the props ------------------------------------------------------------
// Mutation: a checkDuration that takes any Duration lets 500 ms through as pollingInterval 0.5, which the
// KEDA CRD refuses only at the plan, naming /spec/pollingInterval (the strings below then do not match).
add('KEDA pollingInterval of 500 ms', {
  build: (p) => keda(p, { pollingInterval: Duration.millis(500) }),
  expect: refused('ballast/api/scaler: pollingInterval is 500 ms, not a whole number of seconds. Use Duration.seconds(30), a Duration of at least 1 s.'),
});
add('KEDA pollingInterval 0', { build: (p) => keda(p, { pollingInterval: Duration.seconds(0) }), expect: refused('ballast/api/scaler: pollingInterval 0s is below 1 s. Use Duration.seconds(30)') });
// From untyped JavaScript, the number of seconds the prop took before Duration.
add('KEDA cooldownPeriod as the number -1', {
  build: (p) => keda(p, { cooldownPeriod: -1 as unknown as Duration }),
  expect: refused('ballast/api/scaler: cooldownPeriod is the number -1, not a Duration. Use Duration.minutes(5), a Duration of at least 0 s (a string or a number of seconds is not taken).'),
});
add('KEDA cooldownPeriod as the string "5m"', { build: (p) => keda(p, { cooldownPeriod: '5m' as unknown as Duration }), expect: refused('ballast/api/scaler: cooldownPeriod is the string "5m", not a Duration') });
// Mutation: a KedaScaler that skips reportCrdPropsProblems lets this through to the plan, whose message
// names /spec/fallback/... instead of the prop.
add('KEDA fallback failureThreshold -1', {
  build: (p) => keda(p, { fallback: { failureThreshold: -1, replicas: 2 } }),
  expect: refused('ballast/api/scaler: fallback.failureThreshold is -1, below the minimum 0 (the keda.sh CRD says integer, minimum 0)'),
});
add('KEDA: every mistake of the props in one run', {
  build: (p) => keda(p, { pollingInterval: Duration.millis(500), cooldownPeriod: -1 as unknown as Duration, behavior: { scaleDown: { stabilizationWindow: Duration.millis(5500) } } }, 'sum(rate(x[1m]) by (job)'),
  expect: refused(/^ballast\/api\/scaler: the Prometheus query .* does not parse.*\n.*stabilizationWindow is 5500 ms, not a whole number of seconds.*\n.*pollingInterval is 500 ms.*\n.*cooldownPeriod is the number -1/),
});
add('KEDA pollingInterval 30 s and cooldownPeriod 0 (valid)', {
  build: (p) => keda(p, { pollingInterval: Duration.seconds(30), cooldownPeriod: Duration.seconds(0) }),
  expect: accepted((tree) => expect(find(tree, 'ScaledObject', 'api')?.spec).toMatchObject({ pollingInterval: 30, cooldownPeriod: 0 })),
});

// --- The API server's rules for an autoscaling/v2 HPA's behavior (no CRD: Kubernetes' own validation) --------
// Mutation: a checkScalingBehavior that reports nothing lets these through (the plan's check then names
// /spec/behavior/... instead of behavior.<direction>.<field>).
for (const [name, behavior, message] of [
  ['a stabilizationWindow of 30.5 s', { scaleDown: { stabilizationWindow: Duration.millis(30_500) } }, 'behavior.scaleDown.stabilizationWindow is 30500 ms, not a whole number of seconds. Use Duration.minutes(5), a Duration from 0 s to 3600 s.'],
  ['a stabilizationWindow above an hour', { scaleUp: { stabilizationWindow: Duration.seconds(3601) } }, 'behavior.scaleUp.stabilizationWindow 1h1s is above 3600 s'],
  ['a stabilizationWindow in seconds from untyped JavaScript', { scaleDown: { stabilizationWindow: 120 as unknown as Duration } }, 'behavior.scaleDown.stabilizationWindow is the number 120, not a Duration'],
  ['a period of 0', { scaleUp: { pods: 2, period: Duration.seconds(0) } }, 'behavior.scaleUp.period 0s is below 1 s. Use Duration.minutes(1), a Duration from 1 s to 1800 s.'],
  ['a period above 30 minutes', { scaleUp: { pods: 2, period: Duration.minutes(31) } }, 'behavior.scaleUp.period 31m is above 1800 s'],
  ['a policy of 0 pods', { scaleDown: { pods: 0 } }, 'behavior.scaleDown.pods 0 is below 1 (the API server allows a whole number of at least 1'],
  ['a policy of 1.5 percent', { scaleUp: { percent: 1.5 } }, 'behavior.scaleUp.percent 1.5 is not a whole number'],
] as const) {
  add(`HPA ${name}`, { build: (p) => hpa(p, behavior), expect: refused(`ballast/api/hpa: ${message}`) });
}
add('KEDA behavior with a fractional stabilizationWindow (KEDA passes it to its HPA)', {
  build: (p) => keda(p, { behavior: { scaleDown: { stabilizationWindow: Duration.millis(5500) } } }),
  expect: refused('ballast/api/scaler: behavior.scaleDown.stabilizationWindow is 5500 ms, not a whole number of seconds'),
});
add('HPA behavior within the limits (valid)', {
  build: (p) => hpa(p, { scaleDown: { stabilizationWindow: Duration.minutes(5), percent: 50, period: Duration.minutes(1) }, scaleUp: { stabilizationWindow: Duration.seconds(0), pods: 4, period: Duration.minutes(30) } }),
  expect: accepted((tree) => expect(find(tree, 'HorizontalPodAutoscaler', 'api')?.spec.behavior.scaleDown.stabilizationWindowSeconds).toBe(300)),
});

// --- patchObject on an emitted custom resource: the plan checks the final object against its CRD ------------
// Mutation: a checkConsumerValues that checks no object lets every case of this block through (21 cases
// of the table failed with it).
add('patchObject sets a ScaledObject pollingInterval of 0.5', {
  build: (p) => keda(p).patchObject('ScaledObject', 'api', JsonPatch.replace('/spec/pollingInterval', 0.5)),
  expect: refused(
    'ballast/api: ScaledObject "api" /spec/pollingInterval is 0.5, not an integer and below the minimum 1 (the keda.sh CRD says integer, minimum 1). Set /spec/pollingInterval to a whole number of at least 1, in the props or the patch that sets it (patchObject, patchHelmRelease).',
  ),
});
add('patchObject breaks two values of a ScaledObject: both in one problem', {
  build: (p) => keda(p).patchObject('ScaledObject', 'api', JsonPatch.replace('/spec/cooldownPeriod', -1), JsonPatch.replace('/spec/maxReplicaCount', 0)),
  expect: refused(/^ballast\/api: ScaledObject "api" \/spec\/cooldownPeriod is -1, below the minimum 0 \(the keda\.sh CRD says integer, minimum 0\); \/spec\/maxReplicaCount is 0, below the minimum 1 \(the keda\.sh CRD says integer, minimum 1\)\. Set \/spec\/cooldownPeriod to a whole number of at least 0; set \/spec\/maxReplicaCount to a whole number of at least 1/),
});
add('patchObject adds a misspelt ScaledObject field the API server would drop', {
  build: (p) => keda(p).patchObject('ScaledObject', 'api', JsonPatch.add('/spec/pollingInterva', 30)),
  expect: refused('ballast/api: ScaledObject "api" /spec/pollingInterva is not a field the CRD knows, so the API server would drop it (the keda.sh CRD says the fields there are advanced, cooldownPeriod,'),
});
add('patchObject removes the triggers a ScaledObject requires', {
  build: (p) => keda(p).patchObject('ScaledObject', 'api', JsonPatch.remove('/spec/triggers')),
  expect: refused('ballast/api: ScaledObject "api" /spec/triggers is missing (the keda.sh CRD says /spec requires scaleTargetRef, triggers)'),
});
add('patchObject gives a ScaledObject trigger a threshold number where KEDA takes a string', {
  build: (p) => keda(p).patchObject('ScaledObject', 'api', JsonPatch.replace('/spec/triggers/0/metadata/threshold', 50)),
  expect: refused('/spec/triggers/0/metadata/threshold is 50, not a string (the keda.sh CRD says string)'),
});
add('patchObject sets a stabilization window KEDA would pass to its HPA as -1', {
  build: (p) => keda(p, { behavior: { scaleDown: { stabilizationWindow: Duration.minutes(1) } } }).patchObject('ScaledObject', 'api', JsonPatch.replace('/spec/advanced/horizontalPodAutoscalerConfig/behavior/scaleDown/stabilizationWindowSeconds', -1)),
  expect: refused("/spec/advanced/horizontalPodAutoscalerConfig/behavior/scaleDown/stabilizationWindowSeconds is -1, which is below 0 (the API server allows a whole number from 0 to 3600 in an autoscaling/v2 HPA's behavior)"),
});
// Mutation: a plan without behaviorViolations lets this and the KEDA stabilization window above through.
add('patchObject sets an HPA stabilization window of -1 (a core kind: the API server rules)', {
  build: (p) => hpa(p, { scaleDown: { stabilizationWindow: Duration.minutes(1) } }).patchObject('HorizontalPodAutoscaler', 'api', JsonPatch.replace('/spec/behavior/scaleDown/stabilizationWindowSeconds', -1)),
  expect: refused('ballast/api: HorizontalPodAutoscaler "api" /spec/behavior/scaleDown/stabilizationWindowSeconds is -1, which is below 0'),
});
add('patchObject gives an IngressRoute its entry point as a string', {
  build: (p) => {
    new Traefik(p, 'traefik');
    service(p, { route: { host: 'api.example.com' } }).patchObject('IngressRoute', 'api', JsonPatch.replace('/spec/entryPoints', 'websecure'));
  },
  expect: refused('ballast/api: IngressRoute "api" /spec/entryPoints is "websecure", not a list (the traefik.io CRD says array)'),
});
add('patchObject sets a ServiceMonitor interval of "30 seconds"', {
  build: (p) => {
    monitoring(p);
    service(p, { metricsPath: '/metrics' }).patchObject('ServiceMonitor', 'api', JsonPatch.add('/spec/endpoints/0/interval', '30 seconds'));
  },
  expect: refused('ballast/api: ServiceMonitor "api" /spec/endpoints/0/interval is "30 seconds", which does not match the CRD\'s pattern (the monitoring.coreos.com CRD says string, matching ^(0|(([0-9]+)y)?'),
});
add('patchObject sets a PrometheusRule alert for of "5 minutes"', {
  build: (p) => rule(p, 'up == 0').patchObject('PrometheusRule', 'rules', JsonPatch.add('/spec/groups/0/rules/0/for', '5 minutes')),
  expect: refused('ballast/monitoring: PrometheusRule "rules" /spec/groups/0/rules/0/for is "5 minutes", which does not match the CRD\'s pattern'),
});
add('patchObject sets a CNPG Cluster to 0 instances', {
  build: (p) => {
    new CloudNativePg(p, 'cnpg');
    new PostgresCluster(p, 'postgres', { metrics: false }).patchObject('Cluster', 'postgres', JsonPatch.replace('/spec/instances', 0));
  },
  expect: refused('ballast/postgres: Cluster "postgres" /spec/instances is 0, below the minimum 1 (the postgresql.cnpg.io CRD says integer, minimum 1)'),
});
add('patchObject sets a k6 TestRun parallelism of "two"', {
  build: (p) => {
    const prometheus = monitoring(p);
    const target = service(p, { metricsPath: '/metrics' });
    const operator = new K6Operator(p, 'k6-operator');
    new LoadTest(p, 'smoke', { script: path.join(packageRoot(), 'loadtests', 'articles-crawl.ts'), target, prometheus, via: 'service', options: { vus: 1, duration: Duration.minutes(1) }, runner: 'testrun', operator }).patchObject('TestRun', 'k6-smoke', JsonPatch.replace('/spec/parallelism', 'two'));
  },
  expect: refused('ballast/smoke: TestRun "k6-smoke" /spec/parallelism is "two", not an integer (the k6.io CRD says integer)'),
});
add('a raw ScaledObject in a version the KEDA CRD does not serve', {
  build: (p) => {
    new Keda(p, 'keda');
    new Bare(p, 'app', { tier: 'apps' }).object('scaler', { apiVersion: 'keda.sh/v1beta1', kind: 'ScaledObject', metadata: { name: 'x' }, spec: { scaleTargetRef: { name: 'x' }, triggers: [{ type: 'cpu', metadata: { value: '50' } }] } });
  },
  expect: refused('ballast/app: ScaledObject "x" has apiVersion keda.sh/v1beta1, which the keda.sh CRD of the version ballast installs does not serve. Use keda.sh/v1alpha1.'),
});
add('a raw Certificate with an unknown privateKey algorithm', {
  build: (p) => {
    new CertManager(p, 'cert-manager');
    new Bare(p, 'app', { tier: 'apps' }).object('cert', { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'api' }, spec: { secretName: 'api-tls', issuerRef: { name: 'x', kind: 'ClusterIssuer' }, dnsNames: ['api.example.com'], privateKey: { algorithm: 'DSA' } } });
  },
  expect: refused('ballast/app: Certificate "api" /spec/privateKey/algorithm is "DSA", not one of the values the CRD lists (the cert-manager.io CRD says string, one of "RSA", "ECDSA", "Ed25519")'),
});

// --- The Flux HelmRelease after patchHelmRelease ----------------------------------------------------------
add('patchHelmRelease sets an interval of "5 minutes"', {
  build: (p) => new Traefik(p, 'traefik').patchHelmRelease(JsonPatch.replace('/spec/interval', '5 minutes')),
  expect: refused('ballast/traefik: HelmRelease "traefik" /spec/interval is "5 minutes", which does not match the CRD\'s pattern (the helm.toolkit.fluxcd.io CRD says string, matching ^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$)'),
});
add('patchHelmRelease sets a drift detection mode Flux does not have', {
  build: (p) => new Traefik(p, 'traefik').patchHelmRelease(JsonPatch.replace('/spec/driftDetection/mode', 'sometimes')),
  expect: refused('ballast/traefik: HelmRelease "traefik" /spec/driftDetection/mode is "sometimes", not one of the values the CRD lists (the helm.toolkit.fluxcd.io CRD says string, one of "enabled", "warn", "disabled")'),
});
add('patchHelmRelease sets a timeout of 0s (the pattern allows it, Flux cannot wait no time)', {
  build: (p) => new Traefik(p, 'traefik').patchHelmRelease(JsonPatch.replace('/spec/timeout', '0s')),
  expect: refused('ballast/traefik: HelmRelease "traefik" /spec/timeout is "0s", which is not a duration above zero'),
});

// --- Flux image automation: Go durations and Masterminds semver ranges --------------------------------------
// Mutation: a plan without semverViolations lets the four refused ranges through.
// Mutation: an automateImage that writes the interval without checkDuration renders "[object Object]"
// or "0s", which only the plan's CRD check refuses, naming /spec/interval.
add('imageAutomation.interval "5 minutes" from untyped JavaScript', {
  build: (p) => automated(p, { interval: '5 minutes' as unknown as Duration }),
  expect: refused('ballast/api: imageAutomation.interval is the string "5 minutes", not a Duration. Use Duration.minutes(5), a Duration of at least 1 s (a string or a number of seconds is not taken).'),
});
add('imageAutomation.interval of 0', { build: (p) => automated(p, { interval: Duration.seconds(0) }), expect: refused('ballast/api: imageAutomation.interval 0s is below 1 s') });
add('imageAutomation.interval of 90 s (valid, written 1m30s)', {
  build: (p) => automated(p, { interval: Duration.seconds(90) }),
  expect: accepted((tree) => expect(find(tree, 'ImageRepository', 'api')?.spec.interval).toBe('1m30s')),
});
add('ImageUpdateAutomation interval "5 minutes" (a string from JavaScript)', {
  build: (p) => {
    const api = automated(p);
    new ImageUpdateAutomation(p.node.findChild('flux') as Flux, 'image-updates', { author: { name: 'Flux', email: 'flux@example.com' }, interval: '5 minutes' as unknown as Duration, writeCredentials: { username: 'git', password: canary() } });
    void api;
  },
  expect: refused('ballast/flux/image-updates: interval is the string "5 minutes", not a Duration'),
});
add('ImageUpdateAutomation interval of 0', {
  build: (p) => {
    automated(p);
    new ImageUpdateAutomation(p.node.findChild('flux') as Flux, 'image-updates', { author: { name: 'Flux', email: 'flux@example.com' }, interval: Duration.minutes(0), writeCredentials: { username: 'git', password: canary() } });
  },
  expect: refused('ballast/flux/image-updates: interval is zero'),
});
add('a semverRange "latest"', { build: (p) => automated(p, { semverRange: 'latest' }), expect: refused('ballast/api: ImagePolicy "api" /spec/policy/semver/range is not a semver range: "latest" is not a list of constraints such as ">=1.0.0 <2.0.0" (Flux reads it with Masterminds/semver)') });
add('a semverRange with "&&"', { build: (p) => automated(p, { semverRange: '>=1.0.0 && <2.0.0' }), expect: refused('/spec/policy/semver/range is not a semver range: ">=1.0.0 && <2.0.0" is not a list of constraints') });
add('an empty semverRange', { build: (p) => automated(p, { semverRange: '' }), expect: refused('/spec/policy/semver/range is not a semver range: it is empty') });
add('patchObject sets an ImagePolicy range of "1.x.y"', {
  build: (p) => automated(p).patchObject('ImagePolicy', 'api', JsonPatch.replace('/spec/policy/semver/range', '1.2.y')),
  expect: refused('ballast/api: ImagePolicy "api" /spec/policy/semver/range is not a semver range'),
});
for (const range of ['~1.2', '>=1.0.0 <2.0.0', '1.2.3 - 1.4.0', '^1.4.0 || ^2.0.0']) {
  add(`a semverRange ${JSON.stringify(range)} (valid)`, {
    build: (p) => automated(p, { semverRange: range }),
    expect: accepted((tree) => expect(find(tree, 'ImagePolicy', 'api')?.spec.policy.semver.range).toBe(range)),
  });
}

// --- PromQL, parsed with the Prometheus grammar, in every place ballast writes it -----------------------------
// Mutation: a promqlSyntaxError that always returns undefined lets every refused query of this block through.
add('a KEDA query with an unclosed parenthesis', {
  build: (p) => keda(p, {}, 'sum(rate(http_requests_total[1m]) by (service)'),
  expect: refused('ballast/api/scaler: the Prometheus query "sum(rate(http_requests_total[1m]) by (service)" does not parse at character 35 ("by"). Correct the PromQL'),
});
add('a KEDA query calling a function PromQL does not have', {
  build: (p) => keda(p, {}, 'sum(rates(http_requests_total[1m]))'),
  expect: refused('does not parse at character 10 ("(": rates is not a PromQL function)'),
});
add('a KEDA query that ends too early', { build: (p) => keda(p, {}, 'sum(rate(x[1m])) >'), expect: refused('the Prometheus query "sum(rate(x[1m])) >" does not parse at character 19, where it ends before the expression is complete') });
add('patchObject gives a ScaledObject a query that does not parse', {
  build: (p) => keda(p).patchObject('ScaledObject', 'api', JsonPatch.replace('/spec/triggers/0/metadata/query', 'up = 0')),
  expect: refused('ballast/api: ScaledObject "api" /spec/triggers/0/metadata/query query "up = 0" does not parse at character 4 ("=") (the Prometheus grammar)'),
});
add('an alert expr with "=" for "=="', {
  build: (p) => rule(p, 'up{job="api"} = 0'),
  expect: refused('ballast/monitoring/rules: alert "ApiDown" of group "api" has the expr "up{job=\\"api\\"} = 0", which does not parse at character 15 ("="). Correct the PromQL: Prometheus refuses to load a rule file with a query that does not parse.'),
});
add('a recording rule expr with an unknown function', {
  build: (p) => {
    new PrometheusRule(monitoring(p), 'rules', { groups: [{ name: 'api', rules: [{ record: 'job:up:sum', expr: 'summ(up) by (job)' }] }] });
  },
  expect: refused('ballast/monitoring/rules: record "job:up:sum" of group "api" has the expr "summ(up) by (job)", which does not parse at character 5 ("(": summ is not a PromQL function)'),
});
add('patchObject gives a PrometheusRule an expr that does not parse', {
  build: (p) => rule(p, 'up == 0').patchObject('PrometheusRule', 'rules', JsonPatch.replace('/spec/groups/0/rules/0/expr', 'rate(up[5m]')),
  expect: refused('ballast/monitoring: PrometheusRule "rules" /spec/groups/0/rules/0/expr expr "rate(up[5m]" does not parse at character 12, where it ends before the expression is complete (the Prometheus grammar)'),
});
add('a dashboard query that does not parse', {
  build: (p) => dashboard(p, 'sum(rate(http_requests_total[$__rate_interval])) by job'),
  expect: refused('ballast/monitoring/board: the dashboard\'s panel "Requests" target A has the query "sum(rate(http_requests_total[$__rate_interval])) by job", which does not parse at character 53 ("job")'),
});
add('patchObject puts a dashboard query that does not parse into its ConfigMap', {
  build: (p) =>
    dashboard(p, 'up').patchObject('ConfigMap', 'board', JsonPatch.replace('/data/board.json', JSON.stringify({ uid: 'api', title: 'API', panels: [{ title: 'Errors', targets: [{ refId: 'B', expr: 'sum(rate(errors_total[5m])' }] }] }))),
  expect: refused('ballast/monitoring: ConfigMap "board" /data/board.json panel "Errors" target B: query "sum(rate(errors_total[5m])" does not parse at character 27, where it ends before the expression is complete (the Prometheus grammar)'),
});
add('patchObject makes a dashboard ConfigMap hold something other than JSON', {
  build: (p) => dashboard(p, 'up').patchObject('ConfigMap', 'board', JsonPatch.replace('/data/board.json', '{"uid": "api",')),
  expect: refused('ballast/monitoring: ConfigMap "board" /data/board.json is not JSON ('),
});
add('a dashboard query with $__rate_interval, ${namespace} and [[job]] (valid)', {
  build: (p) => dashboard(p, 'sum by (pod) (rate(container_cpu_usage_seconds_total{namespace="${namespace}", job=~"[[job]]"}[$__rate_interval]))'),
  expect: accepted((tree) => expect(find(tree, 'ConfigMap', 'board')?.data['board.json']).toContain('$__rate_interval')),
});
add('PromQL with histogram_quantile, offset and a subquery in every place (valid)', {
  build: (p) => {
    keda(p, {}, 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{service="api"}[5m])))');
    new PrometheusRule(p.node.findChild('monitoring') as KubePrometheusStack, 'rules', { groups: [{ name: 'api', rules: [{ record: 'api:requests:max1h', expr: 'max_over_time(sum(rate(http_requests_total[5m]))[1h:1m]) offset 1d' }] }] });
  },
  expect: accepted((tree) => expect(find(tree, 'PrometheusRule', 'rules')?.spec.groups[0].rules[0].expr).toContain('[1h:1m]')),
});

// --- ConfigMap and Secret keys, object sizes, Helm's release Secret ----------------------------------------
// Mutation: a dataKeyProblem that returns undefined lets the key cases through.
for (const key of ['../etc/app.conf', 'config/app.yaml', 'my key', '..data']) {
  add(`a ConfigMap key ${JSON.stringify(key)}`, { build: (p) => settings(p, { [key]: 'x' }), expect: refused(`ballast/app: ConfigMap "settings" has a key the API server refuses: data key ${JSON.stringify(key)} `) });
}
add('patchObject adds a ConfigMap key with "/"', {
  build: (p) => settings(p, { level: 'info' }).patchObject('ConfigMap', 'settings', JsonPatch.add('/data/nested~1file.conf', 'x')),
  expect: refused('ballast/app: ConfigMap "settings" has a key the API server refuses: data key "nested/file.conf" has characters other than letters, digits, "-", "_" and "."'),
});
add('a bootstrap Secret key with "/"', { build: (p) => new Bare(p, 'app').secret('creds', { 'api/token': canary() }), expect: refused('ballast/app: secret "creds" has the key "api/token", which has characters other than letters, digits') });
add('ConfigMap keys with ".", "-" and "_" (valid)', { build: (p) => settings(p, { 'app.config-v2_final.yaml': 'a: 1', '.hidden': 'x' }), expect: accepted() });
add('a ConfigMap of 2 MiB', { build: (p) => settings(p, { 'big.txt': 'x'.repeat(2 * 1024 * 1024) }), expect: refused('ballast/app: ConfigMap "settings" holds 2.0 MiB of data, above the 1 MiB a ConfigMap can hold. Keep large files out of ConfigMaps') });
add('a ConfigMap of 900 KiB (valid)', { build: (p) => settings(p, { 'big.txt': 'x'.repeat(900 * 1024) }), expect: accepted() });
// Mutation: a checkHelmValuesSize that never refuses loses the second line of the next case.
add('chart values of 10 MB that do not compress', {
  build: (p) => new Traefik(p, 'traefik', { extraValues: { deployment: { podAnnotations: { blob: incompressible(10 * 1000 * 1000) } } } }),
  expect: refused(/^ballast\/traefik: HelmRelease "traefik" is 9\.5 MiB as JSON, above the 1\.5 MiB etcd stores in one object[^\n]*\nballast\/traefik: the values of chart traefik take 6\.\d MiB in the release Secret Helm keeps \(gzipped JSON in base64\), above the 1 MiB a Secret can hold/m),
});
add('chart values of 10 MB of one repeated letter, deployed by Terraform (Helm compresses them: only its limit applies)', {
  build: (p) => new Traefik(p, 'traefik', { deployWith: 'terraform', extraValues: { deployment: { podAnnotations: { blob: 'x'.repeat(10 * 1000 * 1000) } } } }),
  expect: accepted(),
});
add('a raw object of 2 MiB', {
  build: (p) => new Bare(p, 'app', { tier: 'apps' }).object('big', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'big', labels: { app: 'big' } }, spec: { selector: { app: 'big' }, ports: [{ port: 80 }], externalIPs: Array.from({ length: 150_000 }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`) } }),
  expect: refused('ballast/app: Service "big" is 2.'),
});

// --- A fleet: one host, one cluster ---------------------------------------------------------------------------
/**
 * A fleet of two clusters whose API answers `routes[cluster]` (a host, and a path prefix after "/"), each
 * with a domain of its own for the built-in routes, and its own secrets and state files.
 */
function hostFleet(routes: Record<string, string>, dir: string): Fleet<string> {
  return new Fleet({
    clusters: routes,
    platform: (app: App, cluster) => {
      const p = new Platform(app, 'ballast', testConfig({ clusterName: cluster.name, domain: `${cluster.name}.example.com`, sops: { ageRecipients: [TEST_AGE.recipient], secretsFile: path.join(dir, `${cluster.name}.sops.yaml`) }, terraform: { backend: { kind: 'local', path: path.join(dir, `${cluster.name}.tfstate`) } } }));
      p.assumeInstalled({ crdGroups: [CERT_MANAGER_GROUP] });
      p.useIssuer(CertManager.existingIssuer(p, { name: STAND_IN_ISSUER }));
      new Traefik(p, 'traefik');
      const [host, ...prefix] = cluster.settings.split('/');
      service(p, { route: { host, ...(prefix.length > 0 ? { pathPrefix: `/${prefix.join('/')}` } : {}) } });
      return p;
    },
  });
}
/** What planning (or, when it passes, synthesizing) a fleet gives, as a case's outcome. */
function fleetOutcome(routes: Record<string, string>): Outcome {
  const dir = tempDir('ballast-hostile-fleet-');
  const outdir = { fluxDir: path.join(dir, 'flux'), terraformDir: path.join(dir, 'cdktf') };
  try {
    validateFleet(hostFleet(routes, dir), outdir);
    synthFleet(hostFleet(routes, dir), outdir);
  } catch (err) {
    if (err instanceof ValidationError) return { kind: 'refused', message: err.message };
    return { kind: 'crash', error: err instanceof Error ? `${err.name}: ${err.message}\n${err.stack}` : String(err) };
  }
  return { kind: 'accepted', tree: Object.fromEntries(Object.entries(readTree(dir)).map(([f, t]) => [f.startsWith('cdktf/') || f.startsWith('flux/') ? f : `other/${f}`, t])) };
}
// Mutation: a checkFleet without sharedHostProblems lets the first two through.
add('two clusters of a fleet serving one host', {
  run: () => fleetOutcome({ staging: 'api.example.com', production: 'api.example.com' }),
  expect: refused('fleet/production: its IngressRoute "api" of ballast/api answers host "api.example.com", which staging\'s IngressRoute "api" of ballast/api answers too: DNS sends a name to one cluster, and both would order its certificate. Give each cluster hosts of its own'),
});
add('two clusters of a fleet serving one host under different path prefixes (DNS still sends the name to one of them)', {
  run: () => fleetOutcome({ staging: 'api.example.com/v2', production: 'api.example.com/v1' }),
  expect: refused('answers host "api.example.com", which staging\'s IngressRoute "api" of ballast/api answers too'),
});
add('two clusters of a fleet, each with its own host (valid)', { run: () => fleetOutcome({ staging: 'api.staging.example.com', production: 'api.example.com' }), expect: accepted() });

