// Helm itself checks ballast's values against each chart's values.schema.json: for every release in
// either backend whose chart ships a schema, a chart is assembled from the pinned Chart.yaml, values.yaml
// and schema (no templates), and `helm template` must accept the values. Charts without a schema are
// checked by the unit tier.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { HelmChartSpec, HelmValues } from '../../lib/internal';
import { needsReferenceData } from '../support/reference-gate';
import { chartDir, hasSharedFile, sharedFile } from '../support/shared-data';
import { defaultPlan, tempDir } from '../support/synth';
import { toolPath } from '../support/tools';

const helm = toolPath('helm');
const work = tempDir('ballast-helm-');
const { plan } = defaultPlan();
const releases: { backend: 'flux' | 'terraform'; release: HelmChartSpec }[] = [
  ...plan.flux.flatMap((p) => (p.chart ? [{ backend: 'flux' as const, release: p.chart }] : [])),
  ...plan.terraform.releases.map((r) => ({ backend: 'terraform' as const, release: r.chart })),
];
// The charts' Chart.yaml, values.yaml and schema come from the reference data. Without it every release is
// listed as a skipped check: which of them ship a schema is not known then.
const schemas = needsReferenceData("Helm values against each chart's values.schema.json, by helm template");
const withSchema = schemas.available ? releases.filter(({ release }) => hasSharedFile(`charts/${release.chart.chart}/values.schema.json`)) : releases;

/** A template-less copy of the pinned chart; dependencies are dropped, so their charts are not needed. */
function assembleChart(chart: string): string {
  const dir = fs.mkdtempSync(path.join(work, `${chart}-`));
  const meta = parse(sharedFile(`charts/${chart}/Chart.yaml`)) as Record<string, unknown>;
  delete meta.dependencies;
  fs.writeFileSync(path.join(dir, 'Chart.yaml'), stringify(meta));
  for (const f of ['values.yaml', 'values.schema.json']) fs.writeFileSync(path.join(dir, f), sharedFile(`charts/${chart}/${f}`));
  return dir;
}

/**
 * `helm template` with ballast's values; sensitive values go in as `--set-string <path>=test-<variable>`,
 * the path syntax both backends hand to Helm (Terraform's set_wo, Flux's valuesFrom targetPath).
 */
function helmTemplate(release: HelmChartSpec, values: HelmValues = release.values): void {
  const chart = release.chart.chart;
  const dir = assembleChart(chart);
  const valuesFile = path.join(dir, 'ballast-values.yaml');
  fs.writeFileSync(valuesFile, stringify(values));
  const sensitive = (release.sensitiveValues ?? []).flatMap((s) => ['--set-string', `${s.path}=test-${s.value.variable}`]);
  const args = ['template', release.releaseName, dir, '-f', valuesFile, ...sensitive, '--kube-version', '1.34.0'];
  // Helm's own config, cache and data stay in the test's folder: nothing is read from or left in $HOME.
  const env = { ...process.env, HELM_CONFIG_HOME: work, HELM_CACHE_HOME: work, HELM_DATA_HOME: work };
  const result = spawnSync(helm, args, { encoding: 'utf8', env });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`helm rejects ballast's values for chart ${chart} (release ${release.releaseName}, exit ${result.status}):\n${result.stderr.trim()}`);
  }
}

schemas.test('every release has reference data, and the ones with a schema are found', () => {
  // A chart missing from the reference data must fail here, not drop out of the schema check unseen.
  releases.forEach(({ release }) => chartDir(release.chart.chart));
  expect(withSchema.map(({ backend, release }) => `${backend}: ${release.chart.chart}`).sort()).toEqual([
    'flux: cert-manager',
    'flux: cloudnative-pg',
    'flux: k6-operator',
    'flux: sonarqube',
    'terraform: flux-instance',
    'terraform: flux-operator',
    'terraform: traefik',
  ]);
});

schemas.test.each(withSchema.map(({ backend, release }) => [release.chart.chart, backend, release] as const))(
  'helm template %s (%s) accepts the values',
  (_chart, _backend, release) => {
    expect(() => helmTemplate(release)).not.toThrow();
  },
);

schemas.describe('helm rejects values the chart schema forbids, naming the chart and the value', () => {
  const traefik = releases.find(({ release }) => release.chart.chart === 'traefik')!.release;

  test('a top-level key traefik does not know (additionalProperties: false)', () => {
    expect(() => helmTemplate(traefik, { ...traefik.values, replicaCount: 2 })).toThrow(
      /chart traefik[\s\S]*additional properties 'replicaCount' not allowed/,
    );
  });

  test('a value of the wrong type', () => {
    expect(() => helmTemplate(traefik, { ...traefik.values, deployment: { replicas: 'two' } })).toThrow(/chart traefik[\s\S]*replicas/);
  });
});
