// Every Helm release's values against the pinned chart: its values.schema.json when it ships one, and
// the keys of its values.yaml (a path the chart does not know is an error).
import { HelmChartSpec } from '../../lib';
import { chartDefaults, schemaErrors, unknownValuePaths } from '../support/chart-values';
import { chartVersion } from '../support/shared-data';
import { defaultPlan } from '../support/synth';

const { plan } = defaultPlan();
const releases: HelmChartSpec[] = [
  ...plan.flux.flatMap((p) => (p.chart ? [p.chart] : [])),
  ...plan.terraform.releases.map((r) => r.chart),
];
const cases = releases.map((r) => [r.chart.chart, r] as const);

test('the default platform has releases in both backends', () => {
  expect(plan.flux.some((p) => p.chart)).toBe(true);
  expect(plan.terraform.releases.length).toBeGreaterThan(0);
});

test.each(cases)('%s: the catalog pins the version of the reference chart', (chart, release) => {
  expect(release.chart.version).toBe(chartVersion(chart));
});

test.each(cases)('%s: every value path exists in the chart', (chart, release) => {
  expect(unknownValuePaths(chartDefaults(chart), release.values)).toEqual([]);
});

test.each(cases)('%s: the values satisfy the chart schema (if it ships one)', (chart, release) => {
  expect(schemaErrors(chart, release.values)).toEqual([]);
});

test('an unknown value path is reported with its full path', () => {
  const defaults = chartDefaults('kube-prometheus-stack');
  expect(
    unknownValuePaths(defaults, {
      prometheus: { prometheusSpec: { enableRemoteWriteReciever: true, nodeSelector: { any: 'label' } } },
      grafana: { adminPasword: 'x', nodeSelector: { a: 'b' } },
    }),
  ).toEqual(['prometheus.prometheusSpec.enableRemoteWriteReciever', 'grafana.adminPasword']);
});

test('a value the schema forbids is reported', () => {
  expect(schemaErrors('traefik', { deployment: { replicas: 'two' } }).join()).toMatch(/replicas/);
  expect(schemaErrors('traefik', { notAValue: true }).join()).toMatch(/notAValue/);
});
