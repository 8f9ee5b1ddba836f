// The chart tier's machinery, proven with the fixture chart: a release of either backend renders from its
// chart archive and applies to the real API server after its CRDs, and the cross-reference check fails
// for each kind of broken reference, naming both ends.
import * as path from 'path';
import { catalog, CatalogChart, componentsOf, planPlatform, Platform } from '../../lib/internal';
import { findCachedChart } from '../../scripts/reference/chart-archive';
import { rollOutWithCharts } from '../support/charts/chart-rollout';
import { crossReferences, Located, outputUrlsOf } from '../support/charts/cross-references';
import { fixturePlatform } from '../support/charts/fixture-platform';
import { renderRelease } from '../support/charts/render';
import { synthesizedReleases } from '../support/charts/synthesized-releases';
import { rolloutOrder } from '../support/e2e/rollout';
import { apiServerForFile } from '../support/e2e/server-side-apply';
import { buildFixtureRepository, fixtureCatalogChart } from '../support/fixture-chart';
import { needsReferenceData } from '../support/reference-gate';
import { synthToTemp, tempDir, terraformJson } from '../support/synth';
import { toolPath } from '../support/tools';

const helm = toolPath('helm');
// A chart cache holding the packaged fixture chart, as `helm pull` leaves it.
const chartCache = tempDir('ballast-chart-cache-');
buildFixtureRepository(helm, chartCache, 'http://127.0.0.1:1/unused');
const chart: CatalogChart = fixtureCatalogChart('https://charts.example.com');
const chartPath = (c: CatalogChart) => {
  const found = findCachedChart(c, chartCache);
  if (!found) throw new Error(`${c.chart} ${c.version} is not in the chart cache`);
  return found;
};

// The fixture platform has no Flux bootstrap: its namespace and the toolkit CRDs are there beforehand.
const FLUX_BOOTSTRAP = { namespaces: ['flux-system'], crdGroups: catalog.fluxInstance.crdGroups };
// Those CRDs, and the ones the fixture declares for Traefik and Prometheus, come from the reference data:
// without it the rollouts are skipped; the broken-reference checks, which apply nothing, still run.
const rollouts = needsReferenceData('releases rendered from a chart and applied after their CRDs (the fixture chart)');

const api = apiServerForFile();

const outputUrls = (platform: Platform) =>
  outputUrlsOf(componentsOf(platform));

/** Everything a platform and its charts would create, without applying it: for the failure cases. */
async function platformObjects(platform: Platform): Promise<Located[]> {
  const dist = synthToTemp(platform);
  const plan = planPlatform(platform);
  const rollout = rolloutOrder(plan, path.join(dist, 'flux'));
  const releases = synthesizedReleases(terraformJson(path.join(dist, 'cdktf')), rollout, [chart]);
  const apiVersions = await api.ssa.servedApiVersions();
  return [...rollout, ...releases.flatMap((r) => renderRelease(helm, r, chartPath(r.chart), apiVersions))];
}

rollouts.test('releases of both backends render from the cached chart and apply after their CRDs; every reference holds', async () => {
  const platform = fixturePlatform(chart, {}, {});
  const dist = synthToTemp(platform);
  const result = await rollOutWithCharts({
    helm,
    ssa: api.ssa,
    plan: planPlatform(platform),
    fluxDir: path.join(dist, 'flux'),
    stack: terraformJson(path.join(dist, 'cdktf')),
    chartPath,
    preinstalled: FLUX_BOOTSTRAP,
  });
  expect(result.problems).toEqual([]);
  expect(result.releases.map((r) => `${r.release.backend} ${r.release.namespace}/${r.release.releaseName}: ${r.objects}`)).toEqual([
    'terraform fixture-tf/fixture: 6',
    'flux fixture/fixture: 6',
  ]);
  const applied = result.applied.map((l) => `${l.object.kind} ${l.object.metadata.namespace ?? ''}/${l.object.metadata.name}`);
  // CRD, Deployment, Service, the Secret made of the secret value, the datasource and the subchart's
  // ConfigMaps; CRDs "installed at run time".
  expect(applied).toEqual(
    expect.arrayContaining([
      'CustomResourceDefinition /widgets.fixtures.ballast.dev',
      'CustomResourceDefinition /ingressroutes.traefik.io',
      'CustomResourceDefinition /podmonitors.monitoring.coreos.com',
      'ConfigMap fixture/fixture-greeting',
      'Secret fixture/fixture-token',
      'Deployment fixture-tf/fixture-web',
      'IngressRoute fixture/web',
      'PodMonitor fixture/metrics',
    ]),
  );
  // The secret values reached the chart: Flux through valuesFrom, Terraform through set_wo.
  const token = (ns: string) => (result.applied.find((l) => l.object.kind === 'Secret' && l.object.metadata.name === 'fixture-token' && l.object.metadata.namespace === ns)?.object as { stringData?: { token: string } })?.stringData?.token;
  expect([token('fixture'), token('fixture-tf')]).toEqual(['test-fixture_token', 'test-fixture_tf_token']);
  expect(crossReferences(result.applied, outputUrls(platform))).toEqual([]);
});

describe('each broken reference fails the check and names both ends', () => {
  test('a route to a port the Service does not have', async () => {
    const platform = fixturePlatform(chart, { routePort: 8081 });
    expect(crossReferences(await platformObjects(platform), outputUrls(platform))).toEqual([
      expect.stringMatching(
        /^dist\/flux\/infrastructure\/configs\/fixture\.yaml: IngressRoute fixture\/web -> Service fixture\/fixture-web port 8081: ballast-fixture 0\.1\.0 \(flux release fixture\/fixture\): ballast-fixture\/templates\/service\.yaml: Service fixture\/fixture-web has no such port \(its ports: http 80\)$/,
      ),
    ]);
  });

  test('a monitor whose selector matches no pod', async () => {
    const platform = fixturePlatform(chart, { monitorSelector: { 'app.kubernetes.io/name': 'fixture' } });
    expect(crossReferences(await platformObjects(platform), outputUrls(platform))).toEqual([
      expect.stringMatching(/PodMonitor fixture\/metrics selects pods \{app\.kubernetes\.io\/name=fixture\}, which no workload has \(pods there: Deployment fixture-web \{app\.kubernetes\.io\/name=ballast-fixture, app\.kubernetes\.io\/instance=fixture\}\)$/),
    ]);
  });

  test('a secret key the bootstrap secret does not have', async () => {
    const platform = fixturePlatform(chart, { secretKey: 'pass' });
    expect(crossReferences(await platformObjects(platform), outputUrls(platform))).toEqual([
      expect.stringMatching(/Deployment fixture\/fixture-web container web env PASSWORD -> Secret fixture\/fixture-credentials key pass: dist\/cdktf \(Terraform secret\): Secret fixture\/fixture-credentials has no such key \(its keys: password\)$/),
    ]);
  });

  test('an output URL to a port no Service has', async () => {
    const platform = fixturePlatform(chart, { urlPort: 9090 });
    expect(crossReferences(await platformObjects(platform), outputUrls(platform))).toEqual([
      'ballast/fixture output url (http://fixture-web.fixture.svc.cluster.local:9090) -> Service fixture/fixture-web port 9090: ballast-fixture 0.1.0 (flux release fixture/fixture): ballast-fixture/templates/service.yaml: Service fixture/fixture-web has no such port (its ports: http 80)',
    ]);
  });

  test('a connection URL a pod gets as an env value, to a port no Service has', async () => {
    const platform = fixturePlatform(chart, { upstreamPort: 8080 });
    expect(crossReferences(await platformObjects(platform), outputUrls(platform))).toEqual([
      expect.stringMatching(/Deployment fixture\/fixture-web container web env UPSTREAM_URL \(http:\/\/fixture-web\.fixture\.svc\.cluster\.local:8080\/api\) -> Service fixture\/fixture-web port 8080: .* has no such port \(its ports: http 80\)$/),
    ]);
  });

  test('a dashboard in a namespace the dashboard sidecar does not search', async () => {
    const platform = fixturePlatform(chart, { sidecarNamespaces: 'monitoring' });
    expect(crossReferences(await platformObjects(platform), outputUrls(platform))).toEqual([
      expect.stringMatching(/ConfigMap fixture\/dashboard is loaded by no dashboard sidecar \(sidecars: .*Deployment fixture\/fixture-web container dashboards LABEL=grafana_dashboard LABEL_VALUE=1 NAMESPACE=monitoring\)$/),
    ]);
  });

  test('a dashboard on a datasource no chart provisions', async () => {
    const platform = fixturePlatform(chart, { dashboardDatasource: 'thanos' });
    expect(crossReferences(await platformObjects(platform), outputUrls(platform))).toEqual([
      expect.stringMatching(/ConfigMap fixture\/dashboard dashboard\.json -> datasource thanos: no chart provisions a datasource with that uid \(provisioned: prometheus\)$/),
    ]);
  });

  test('a template that fails to render', async () => {
    await expect(platformObjects(fixturePlatform(chart, { values: { broken: true } }))).rejects.toThrow(
      'helm template ballast-fixture 0.1.0 (flux release fixture/fixture) failed: Error: execution error at (ballast-fixture/templates/deployment.yaml:2:4): ballast-fixture: the value broken is set, so this chart refuses to render',
    );
  });

  rollouts.test('an object the chart renders that the API server rejects', async () => {
    const platform = fixturePlatform(chart, { values: { replicas: -1 } });
    const dist = synthToTemp(platform);
    const result = await rollOutWithCharts({ helm, ssa: api.ssa, plan: planPlatform(platform), fluxDir: path.join(dist, 'flux'), stack: terraformJson(path.join(dist, 'cdktf')), chartPath, preinstalled: FLUX_BOOTSTRAP });
    expect(result.problems).toEqual([
      expect.stringMatching(/^ballast-fixture 0\.1\.0 \(flux release fixture\/fixture\): ballast-fixture\/templates\/deployment\.yaml: Deployment fixture\/fixture-web was rejected: 422: .*spec\.replicas: Invalid value: -1/),
    ]);
  });
});
