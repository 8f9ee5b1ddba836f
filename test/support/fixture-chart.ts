import * as fs from 'fs';
import * as path from 'path';
import { CatalogChart } from '../../lib/internal';
import { helmError, runHelm } from '../../scripts/reference/helm';

/** The test chart written for ballast's tests (a Deployment, a Service, a CRD and a subchart). */
export const FIXTURE_CHART_DIR = path.resolve(__dirname, '..', 'fixtures', 'charts', 'ballast-fixture');

/** The fixture chart as a catalog entry of a chart repository at `url`. */
export function fixtureCatalogChart(url: string): CatalogChart {
  return {
    chart: 'ballast-fixture',
    version: '0.1.0',
    repository: { name: 'ballast-fixtures', url, type: 'default' },
    crdGroups: ['fixtures.ballast.dev'],
  };
}

/** `helm package` of the fixture chart into `dir`, then `helm repo index` for `url`: a chart repository. */
export function buildFixtureRepository(helm: string, dir: string, url: string): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const args of [['package', FIXTURE_CHART_DIR, '--destination', dir], ['repo', 'index', dir, '--url', url]]) {
    const result = runHelm(helm, args);
    if (result.status !== 0) throw new Error(`helm ${args.join(' ')}: ${helmError(result)}`);
  }
}
