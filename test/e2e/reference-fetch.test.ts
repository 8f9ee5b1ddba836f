// The reference data can come from upstream: charts pulled with helm from their repository, CRD files
// downloaded from release assets. Proven against a chart repository on loopback that this test builds
// from the fixture chart (`helm package`, `helm repo index`), and a CRD file served beside it.
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { checkChartValues, CrdAsset, ReferenceSources } from '../../lib/internal';
import { findCachedChart } from '../../scripts/reference/chart-archive';
import { fillReferenceCache } from '../../scripts/reference/fill-reference-cache';
import { StaticServer } from '../support/e2e/static-server';
import { buildFixtureRepository, fixtureCatalogChart } from '../support/fixture-chart';
import { tempDir } from '../support/synth';
import { toolPath } from '../support/tools';

const helm = toolPath('helm');
let server: StaticServer;
let sources: ReferenceSources;
const served = tempDir('ballast-repo-');

const ASSET_CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: gadgets.assets.ballast.dev }
spec:
  group: assets.ballast.dev
  scope: Namespaced
  names: { kind: Gadget, listKind: GadgetList, plural: gadgets, singular: gadget }
  versions: [{ name: v1, served: true, storage: true, schema: { openAPIV3Schema: { type: object } } }]
---
apiVersion: v1
kind: Namespace
metadata: { name: not-a-crd }
`;

beforeAll(async () => {
  server = await StaticServer.start(served);
  buildFixtureRepository(helm, path.join(served, 'charts'), `${server.url}/charts`);
  fs.mkdirSync(path.join(served, 'releases', 'v0.1.0'), { recursive: true });
  fs.writeFileSync(path.join(served, 'releases', 'v0.1.0', 'gadgets.crds.yaml'), ASSET_CRD);
  const asset: CrdAsset = { project: 'gadgets', version: 'v0.1.0', url: `${server.url}/releases/v0.1.0/gadgets.crds.yaml`, folder: 'gadgets' };
  sources = { charts: [fixtureCatalogChart(`${server.url}/charts`)], crdAssets: [asset] };
});
afterAll(() => server?.stop());

const files = (dir: string) => {
  const out: string[] = [];
  const walk = (d: string) =>
    fs.readdirSync(d, { withFileTypes: true }).forEach((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : out.push(path.relative(dir, path.join(d, e.name)))));
  walk(dir);
  return out.sort();
};

test('a chart pulled from an index repository gives values, schema, subcharts and CRDs; release assets give CRDs', async () => {
  const work = tempDir('ballast-ref-');
  const target = path.join(work, 'reference');
  const chartCache = path.join(work, 'charts');
  await fillReferenceCache({ helm, sources, target, chartCache, timeoutMs: 20_000 });
  expect(files(target)).toEqual([
    'README.md',
    'charts/ballast-fixture/Chart.yaml',
    'charts/ballast-fixture/values.schema.json',
    'charts/ballast-fixture/values.yaml',
    'charts/fixture-sub/Chart.yaml',
    'charts/fixture-sub/values.yaml',
    'crds/ballast-fixture/fixtures.ballast.dev_widgets.yaml',
    'crds/gadgets/assets.ballast.dev_gadgets.yaml',
  ]);
  expect(server.requests).toEqual(expect.arrayContaining(['/charts/index.yaml', '/charts/ballast-fixture-0.1.0.tgz', '/releases/v0.1.0/gadgets.crds.yaml']));
  expect(parse(fs.readFileSync(path.join(target, 'crds/gadgets/assets.ballast.dev_gadgets.yaml'), 'utf8')).spec.names.kind).toBe('Gadget');
  // The pulled archive stays in the chart cache, where the chart tier finds it.
  expect(findCachedChart(sources.charts[0], chartCache)).toBe(path.join(chartCache, 'ballast-fixture-0.1.0.tgz'));
  // The folder is real reference data: synth's schema check reads it.
  const release = (values: object) => ({ chart: sources.charts[0], releaseName: 'fixture', values: values as never });
  const reference = { origin: 'cache' as const, dir: target };
  expect(checkChartValues(release({ replicas: 2 }), reference)).toEqual({ status: 'valid' });
  expect(checkChartValues(release({ replicas: 'two' }), reference)).toEqual({
    status: 'invalid',
    errors: ['replicas: instance type "string" is invalid, expected "integer"'],
  });
});

test('a chart already in the chart cache is not downloaded again', async () => {
  const work = tempDir('ballast-ref-');
  const chartCache = path.join(work, 'charts');
  await fillReferenceCache({ helm, sources, target: path.join(work, 'a'), chartCache, timeoutMs: 20_000 });
  server.requests.length = 0;
  await fillReferenceCache({ helm, sources, target: path.join(work, 'b'), chartCache, timeoutMs: 20_000 });
  expect(server.requests).toEqual(['/releases/v0.1.0/gadgets.crds.yaml']);
});

test('a chart the repository does not have fails with the chart, the repository and helm\'s reason, and leaves nothing', async () => {
  const work = tempDir('ballast-ref-');
  const target = path.join(work, 'reference');
  const missing = { ...sources, charts: [{ ...sources.charts[0], version: '9.9.9' }] };
  await expect(fillReferenceCache({ helm, sources: missing, target, chartCache: path.join(work, 'charts'), timeoutMs: 20_000 })).rejects.toThrow(
    new RegExp(`^helm pull ballast-fixture 9\\.9\\.9 from ${server.url}/charts failed: Error: .*9\\.9\\.9`),
  );
  expect(fs.readdirSync(work).filter((f) => f.startsWith('reference'))).toEqual([]);
});

test('a CRD asset that cannot be downloaded fails with its URL, and leaves nothing', async () => {
  const work = tempDir('ballast-ref-');
  const target = path.join(work, 'reference');
  server.missing.add('/releases/v0.1.0/gadgets.crds.yaml');
  try {
    await expect(fillReferenceCache({ helm, sources, target, chartCache: path.join(work, 'charts'), timeoutMs: 20_000 })).rejects.toThrow(
      `download of gadgets v0.1.0 CRDs from ${server.url}/releases/v0.1.0/gadgets.crds.yaml failed: HTTP 404`,
    );
  } finally {
    server.missing.clear();
  }
  expect(fs.readdirSync(work).filter((f) => f.startsWith('reference'))).toEqual([]);
});
