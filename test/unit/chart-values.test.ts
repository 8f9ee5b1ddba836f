// Every Helm release's values against the pinned chart: its values.schema.json when it ships one (the
// check synth itself runs), and the keys of its values.yaml (a path the chart does not know is an error).
import { catalog, checkChartValues, HelmChartSpec, HelmValues, locateReferenceData } from '../../lib/internal';
import { chartDefaults, unknownValuePaths } from '../support/chart-values';
import * as fs from 'fs';
import * as path from 'path';
import { needsReferenceData } from '../support/reference-gate';
import { chartVersion, sharedFile } from '../support/shared-data';
import { tempDir } from '../support/synth';
import { defaultPlan } from '../support/synth';

const { plan } = defaultPlan();
const releases: HelmChartSpec[] = [
  ...plan.flux.flatMap((p) => (p.chart ? [p.chart] : [])),
  ...plan.terraform.releases.map((r) => r.chart),
];
const cases = releases.map((r) => [r.chart.chart, r] as const);

// The charts' files come from the reference data; without it these checks are skipped and named as such.
const versions = needsReferenceData('catalog chart versions against the reference charts');
const keys = needsReferenceData("Helm values against each chart's values.yaml keys");
const schemas = needsReferenceData("Helm values against each chart's values.schema.json");

test('the default platform has releases in both backends', () => {
  expect(plan.flux.some((p) => p.chart)).toBe(true);
  expect(plan.terraform.releases.length).toBeGreaterThan(0);
});

versions.test.each(cases)('%s: the catalog pins the version of the reference chart', (chart, release) => {
  expect(release.chart.version).toBe(chartVersion(chart));
});

/**
 * Value paths a chart reads but documents only in a comment of its values.yaml (so they are not in the
 * parsed defaults). Each is checked to be there, commented, under its parent key.
 */
const DOCUMENTED_IN_COMMENTS: Record<string, string[]> = {
  'kube-prometheus-stack': ['grafana.sidecar.datasources.url'],
  sonarqube: ['monitoringPasscodeSecretName', 'monitoringPasscodeSecretKey', 'jdbcOverwrite.jdbcSecretName', 'jdbcOverwrite.jdbcSecretPasswordKey'],
};

keys.test.each(cases)('%s: every value path exists in the chart', (chart, release) => {
  const documented = DOCUMENTED_IN_COMMENTS[chart] ?? [];
  expect(unknownValuePaths(chartDefaults(chart), release.values).filter((p) => !documented.includes(p))).toEqual([]);
});

keys.test.each(Object.entries(DOCUMENTED_IN_COMMENTS).flatMap(([chart, paths]) => paths.map((p) => [chart, p] as const)))(
  '%s documents %s in a comment of its values.yaml',
  (chart, valuePath) => {
    const keys = valuePath.split('.');
    const text = sharedFile(`charts/${chart}/values.yaml`);
    // The parent keys in order, then the key itself commented out at a deeper indentation.
    let at = 0;
    for (const [depth, key] of keys.slice(0, -1).entries()) {
      at = text.indexOf(`\n${'  '.repeat(depth)}${key}:`, at);
      expect(at).toBeGreaterThanOrEqual(0);
    }
    const last = keys[keys.length - 1];
    expect(text.slice(at)).toMatch(new RegExp(`\\n\\s*# ${last}:`));
  },
);

const reference = locateReferenceData();
const withSchema = ['cert-manager', 'cloudnative-pg', 'flux-instance', 'flux-operator', 'k6-operator', 'sonarqube', 'traefik'];

schemas.test.each(cases)('%s: the values satisfy the chart schema (if it ships one)', (chart, release) => {
  expect(checkChartValues(release, reference)).toEqual(
    withSchema.includes(chart) ? { status: 'valid' } : { status: 'unchecked', reason: 'the chart ships no values.schema.json' },
  );
});

keys.test('an unknown value path is reported with its full path', () => {
  const defaults = chartDefaults('kube-prometheus-stack');
  expect(
    unknownValuePaths(defaults, {
      prometheus: { prometheusSpec: { enableRemoteWriteReciever: true, nodeSelector: { any: 'label' } } },
      grafana: { adminPasword: 'x', nodeSelector: { a: 'b' } },
    }),
  ).toEqual(['prometheus.prometheusSpec.enableRemoteWriteReciever', 'grafana.adminPasword']);
});

const traefik = (values: HelmValues): HelmChartSpec => ({ chart: catalog.traefik, releaseName: 'traefik', values });

test('the schema check says why it did not check without reference data', () => {
  expect(checkChartValues(traefik({}), undefined)).toEqual({ status: 'unchecked', reason: 'no reference data' });
});

schemas.describe('the schema check', () => {
  test('reports a value of the wrong type and a key the chart does not know, by value path', () => {
    expect(checkChartValues(traefik({ deployment: { replicas: 'two' }, notAValue: true }), reference)).toEqual({
      status: 'invalid',
      errors: ['deployment.replicas: instance type "string" is invalid, expected "integer", "null"', 'notAValue is not a value the chart knows'],
    });
  });

  test('checks the values merged over the chart defaults, as Helm does', () => {
    // ports.web.port is set in values.yaml; only ports.web.expose is given here, and the merge keeps both.
    expect(checkChartValues(traefik({ ports: { web: { expose: { default: false } } } }), reference)).toEqual({ status: 'valid' });
  });

  test('remembers values that passed (in ballast cache, never the output), not values that failed', () => {
    const cache = tempDir('ballast-cache-');
    const before = process.env.BALLAST_CACHE;
    process.env.BALLAST_CACHE = cache;
    try {
      expect(checkChartValues(traefik({ deployment: { replicas: 3 } }), reference).status).toBe('valid');
      expect(checkChartValues(traefik({ deployment: { replicas: 'three' } }), reference).status).toBe('invalid');
      expect(fs.readdirSync(path.join(cache, 'values-checks'))).toHaveLength(1);
    } finally {
      if (before === undefined) delete process.env.BALLAST_CACHE;
      else process.env.BALLAST_CACHE = before;
    }
  });

  test('says why it did not check: another chart version', () => {
    const other = { chart: { ...catalog.traefik, version: '1.0.0' }, releaseName: 'traefik', values: {} };
    expect(checkChartValues(other, reference)).toEqual({ status: 'unchecked', reason: 'the reference data holds version 41.3.0 of the chart' });
  });
});
