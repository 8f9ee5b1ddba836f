// The chart tier: every Helm release of the default platform, of either backend, rendered by the pinned
// helm from its real chart with the values exactly as synthesized, applied to a real kube-apiserver in the
// order Terraform and Flux install them (CRDs first), then ballast's objects; then every reference ballast
// makes (routes, monitors, secret keys, output URLs) is checked against what the charts really create.
//
// Charts come from the chart cache ($BALLAST_CHART_CACHE or ~/.cache/ballast/charts), or `helm pull` into
// it. Where a chart can be had neither way (no network), this tier says so loudly and checks what it can.
import * as path from 'path';
import { CatalogChart, componentsOf } from '../../lib/internal';
import { chartCacheDir, chartLabel, findCachedChart, pullArgs } from '../../scripts/reference/chart-archive';
import { helmError, runHelm } from '../../scripts/reference/helm';
import { rollOutWithCharts, ChartRolloutResult } from '../support/charts/chart-rollout';
import { crossReferences, outputUrlsOf } from '../support/charts/cross-references';
import { renderRelease } from '../support/charts/render';
import { releaseLabel, SynthesizedRelease, synthesizedReleases } from '../support/charts/synthesized-releases';
import { ApiServer } from '../support/e2e/api-server';
import { rolloutOrder } from '../support/e2e/rollout';
import { ServerSideApply } from '../support/e2e/server-side-apply';
import { defaultPlan, synthToTemp, terraformJson } from '../support/synth';
import { toolPath } from '../support/tools';

const helm = toolPath('helm');
const { platform, plan } = defaultPlan();
const dist = synthToTemp(platform);
const fluxDir = path.join(dist, 'flux');
const stack = terraformJson(path.join(dist, 'cdktf'));
const charts = plan.components.flatMap((c) => (c.helmChart ? [c.helmChart.chart] : []));
const releases: SynthesizedRelease[] = synthesizedReleases(stack, rolloutOrder(plan, fluxDir), charts);

/** Each chart from the cache, or pulled into it now; the reason when neither works. */
const cache = chartCacheDir();
const found = new Map<CatalogChart, string>();
const missing: string[] = [];
for (const chart of new Set(releases.map((r) => r.chart))) {
  let where = findCachedChart(chart, cache);
  let reason = 'not in the cache';
  if (!where) {
    const pulled = runHelm(helm, pullArgs(chart, cache), { timeoutMs: 60_000 });
    where = pulled.status === 0 ? findCachedChart(chart, cache) : undefined;
    reason = `not in the cache, and helm pull from ${chart.repository.url} failed: ${helmError(pulled)}`;
  }
  if (where) found.set(chart, where);
  else missing.push(`${chartLabel(chart)}: ${reason}`);
}
const chartPath = (chart: CatalogChart) => found.get(chart)!;

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

  test(`NOT CHECKED (no chart): ${missing.map((m) => m.split(':')[0]).join(', ')}`, () => {
    console.warn(banner);
  });

  // What can be checked without the others: each available chart renders with ballast's values.
  for (const release of releases.filter((r) => found.has(r.chart))) {
    test(`${releaseLabel(release)} renders with helm template (not applied: the other charts are missing)`, () => {
      expect(renderRelease(helm, release, chartPath(release.chart), []).length).toBeGreaterThan(0);
    });
  }
} else {
  let server: ApiServer;
  let result: ChartRolloutResult;
  beforeAll(async () => {
    server = await ApiServer.start();
    result = await rollOutWithCharts({ helm, ssa: new ServerSideApply(server), plan, fluxDir, stack, chartPath });
  }, 600_000);
  afterAll(() => server?.stop());

  test.each(releases.map((r) => [releaseLabel(r)] as const))('%s: rendered and applied, CRDs first, without a rejection or warning', (label) => {
    const installed = result.releases.find((r) => releaseLabel(r.release) === label);
    expect(installed?.objects).toBeGreaterThan(0);
    expect(result.problems.filter((p) => p.startsWith(label))).toEqual([]);
  });

  test("ballast's own objects apply after the charts, without a rejection or warning", () => {
    expect(result.problems).toEqual([]);
  });

  test('every reference ballast makes resolves to what the charts create', () => {
    const urls = outputUrlsOf(componentsOf(platform));
    expect(urls.length).toBeGreaterThan(0);
    expect(crossReferences(result.applied, urls)).toEqual([]);
  });
}
