// The chart tier: every Helm release of the default platform, of either backend, rendered by the pinned
// helm from its real chart with the values exactly as synthesized, applied to a real kube-apiserver in the
// order Terraform and Flux install them (CRDs first), then ballast's objects; then every reference ballast
// makes (routes, monitors, secret keys, output URLs) is checked against what the charts really create.
//
// Charts come from the chart cache ($BALLAST_CHART_CACHE or ~/.cache/ballast/charts), or `helm pull` into
// it. Where a chart can be had neither way (no network), this tier says so loudly, reports each release of
// that chart as a skipped test (counted in the closing summary line, never passed), and renders the rest.
import * as path from 'path';
import { CatalogChart, componentsOf } from '../../lib/internal';
import { chartCacheDir, chartLabel, findCachedChart, pullArgs } from '../../scripts/reference/chart-archive';
import { helmError, runHelm } from '../../scripts/reference/helm';
import { rollOutWithCharts, ChartRolloutResult } from '../support/charts/chart-rollout';
import { missingDependencies } from '../support/charts/incomplete-charts';
import { crossReferences, outputUrlsOf, runtimeObjectsOf } from '../support/charts/cross-references';
import { KUBE_1_34_API_VERSIONS, renderRelease } from '../support/charts/render';
import { releaseLabel, SynthesizedRelease, synthesizedReleases } from '../support/charts/synthesized-releases';
import { ApiServer } from '../support/e2e/api-server';
import { rolloutOrder } from '../support/e2e/rollout';
import { ServerSideApply } from '../support/e2e/server-side-apply';
import { defaultPlan, synthToTemp, terraformJson } from '../support/synth';
import { gatedTests } from '../support/not-run';
import { needsReferenceData } from '../support/reference-gate';
import { toolPath } from '../support/tools';

const helm = toolPath('helm');
const { platform, plan } = defaultPlan();
const dist = synthToTemp(platform);
const fluxDir = path.join(dist, 'flux');
const stack = terraformJson(path.join(dist, 'cdktf'));
const charts = plan.components.flatMap((c) => (c.helmChart ? [c.helmChart.chart] : []));
const releases: SynthesizedRelease[] = synthesizedReleases(stack, rolloutOrder(plan, fluxDir), charts);

/**
 * Charts this tier never has: flux-operator and flux-instance are published under the AGPL, which the
 * project does not vendor in any form. Their releases are reported as skipped by name; the rollout goes on
 * without them (the CRDs their groups declare come from the reference data).
 */
const LEFT_OUT_BY_NAME = new Set(['flux-operator', 'flux-instance']);

/** Each chart from the cache, or pulled into it now; the reason when neither works. */
const cache = chartCacheDir();
const found = new Map<CatalogChart, string>();
const missing: string[] = [];
for (const chart of new Set(releases.map((r) => r.chart))) {
  if (LEFT_OUT_BY_NAME.has(chart.chart) && !findCachedChart(chart, cache)) {
    missing.push(`${chartLabel(chart)}: left out by name (AGPL, never vendored)`);
    continue;
  }
  let where = findCachedChart(chart, cache);
  let reason = 'not in the cache';
  if (!where) {
    const pulled = runHelm(helm, pullArgs(chart, cache), { timeoutMs: 60_000 });
    where = pulled.status === 0 ? findCachedChart(chart, cache) : undefined;
    reason = `not in the cache, and helm pull from ${chart.repository.url} failed: ${helmError(pulled)}`;
  }
  const lacking = where ? missingDependencies(where) : [];
  if (where && lacking.length > 0) missing.push(`${chartLabel(chart)}: incomplete at ${where}: its dependencies ${lacking.join(', ')} are not in its charts/ folder`);
  else if (where) found.set(chart, where);
  else missing.push(`${chartLabel(chart)}: ${reason}`);
}
const chartPath = (chart: CatalogChart) => found.get(chart);
// What the rollout cannot do without (charts left out by name are not needed for it).
const missingCharts = [...new Set(releases.map((r) => r.chart))].filter((c) => !found.has(c) && !LEFT_OUT_BY_NAME.has(c.chart)).map(chartLabel);
// The rollout applies every release it has a chart for, in install order; a release without its chart is
// left out (reported as skipped), and the CRDs of the groups it declares come from the reference data, as
// the Flux toolkit CRDs that the FluxInstance installs at run time do.
const rollout = needsReferenceData('Helm releases rendered from their real charts and applied (the Flux CRDs)');
// The cross-references need every object the charts create: every chart but those left out by name.
const everyChart = gatedTests(missingCharts.length === 0, 'chart', missingCharts.join(', '));

test('the tier covers every release of both backends', () => {
  expect(releases.map((r) => r.backend).sort()).toEqual([...plan.terraform.releases.map(() => 'terraform'), ...plan.flux.filter((p) => p.chart).map(() => 'flux')].sort());
});

if (missing.length > 0) {
  const banner = [
    `CHART TIER INCOMPLETE: ${missing.length} of ${found.size + missing.length} charts could not be had, so their releases were NOT rendered or applied:`,
    ...missing.map((m) => `  - ${m}`),
    `Fill the chart cache (${cache}) with the <chart>-<version>.tgz archives or unpacked chart folders,`,
    'or run this tier where the chart repositories are reachable (`helm pull` fills the cache).',
  ].join('\n');
  process.stderr.write(`\n${banner}\n\n`);
}

let server: ApiServer;
let result: ChartRolloutResult;
rollout.beforeAll(async () => {
  server = await ApiServer.start();
  result = await rollOutWithCharts({ helm, ssa: new ServerSideApply(server), plan, fluxDir, stack, chartPath });
}, 600_000);
afterAll(() => server?.stop());

for (const release of releases) {
  const label = releaseLabel(release);
  const applied = `${label}: rendered and applied, CRDs first, without a rejection or warning`;
  if (!found.has(release.chart)) {
    // Skipped, named after its chart: never counted as passed.
    gatedTests(false, 'chart', chartLabel(release.chart)).test(applied, () => undefined);
  } else if (!rollout.available) {
    // What can be checked without the reference data: the chart renders with ballast's values.
    test(`${label} renders with helm template (not applied: no reference data)`, () => {
      expect(renderRelease(helm, release, chartPath(release.chart)!, KUBE_1_34_API_VERSIONS).length).toBeGreaterThan(0);
    });
  } else {
    rollout.test(applied, () => {
      const installed = result.releases.find((r) => releaseLabel(r.release) === label);
      expect(installed?.objects).toBeGreaterThan(0);
      expect(result.problems.filter((p) => p.startsWith(label))).toEqual([]);
    });
  }
}

rollout.test("ballast's own objects apply after the charts, without a rejection or warning", () => {
  expect(result.problems).toEqual([]);
});

(rollout.available ? everyChart : rollout).test('every reference ballast makes resolves to what the charts create', () => {
  const urls = outputUrlsOf(componentsOf(platform));
  expect(urls.length).toBeGreaterThan(0);
  expect(crossReferences(result.applied, urls, runtimeObjectsOf(releases))).toEqual([]);
});
