// Helm itself checks ballast's values against each chart's values.schema.json: for every release in
// either backend whose chart ships a schema, a chart is assembled from the pinned Chart.yaml, values.yaml
// and schema (no templates), and `helm template` must accept the values.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { HelmChartSpec, HelmValues } from '../../lib';
import { hasSharedFile, sharedFile } from '../support/shared-data';
import { defaultPlan, tempDir } from '../support/synth';
import { toolPath } from '../support/tools';

const helm = toolPath('helm');
const { plan } = defaultPlan();
const releases: HelmChartSpec[] = [
  ...plan.flux.flatMap((p) => (p.chart ? [p.chart] : [])),
  ...plan.terraform.releases.map((r) => r.chart),
];
const withSchema = releases.filter((r) => hasSharedFile(`charts/${r.chart.chart}/values.schema.json`));

/** A template-less copy of the pinned chart; dependencies are dropped (their charts are not needed). */
function assembleChart(chart: string): string {
  const dir = path.join(tempDir('ballast-chart-'), chart);
  fs.mkdirSync(dir);
  const meta = parse(sharedFile(`charts/${chart}/Chart.yaml`)) as Record<string, unknown>;
  delete meta.dependencies;
  fs.writeFileSync(path.join(dir, 'Chart.yaml'), stringify(meta));
  for (const f of ['values.yaml', 'values.schema.json']) fs.writeFileSync(path.join(dir, f), sharedFile(`charts/${chart}/${f}`));
  return dir;
}

function helmTemplate(chart: string, release: string, values: HelmValues): void {
  const dir = assembleChart(chart);
  const valuesFile = path.join(path.dirname(dir), 'ballast-values.yaml');
  fs.writeFileSync(valuesFile, stringify(values));
  try {
    execFileSync(helm, ['template', release, dir, '-f', valuesFile, '--kube-version', '1.34.0'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    throw new Error(`helm rejects ballast's values for chart ${chart}:\n${(err as { stderr?: string }).stderr ?? (err as Error).message}`);
  }
}

test('the releases with a chart schema include both backends', () => {
  expect(withSchema.map((r) => r.chart.chart).sort()).toEqual(['flux-instance', 'flux-operator', 'traefik']);
});

test.each(withSchema.map((r) => [r.chart.chart, r] as const))('helm template %s accepts the values', (chart, release) => {
  expect(() => helmTemplate(chart, release.releaseName, release.values)).not.toThrow();
});

test('helm rejects a value the chart schema forbids, naming it', () => {
  expect(() => helmTemplate('traefik', 'traefik', { deployment: { replicas: 'two' } })).toThrow(/traefik[\s\S]*replicas/);
  expect(() => helmTemplate('flux-instance', 'flux', { instance: { sync: { kind: 'Git' } } })).toThrow(/kind/);
});
