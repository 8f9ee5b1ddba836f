import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { ballastCacheDir, CatalogChart } from '../../lib/internal';
import { helmError, runHelmAsync } from './helm';

/**
 * The chart cache: `$BALLAST_CHART_CACHE`, else `~/.cache/ballast/charts`. It holds `<chart>-<version>.tgz`
 * archives (as `helm pull` writes them) or unpacked chart folders (`<chart>-<version>/` or `<chart>/`).
 */
export function chartCacheDir(): string {
  return process.env.BALLAST_CHART_CACHE ?? path.join(ballastCacheDir(), 'charts');
}

/** `traefik 41.3.0`, for messages. */
export function chartLabel(chart: CatalogChart): string {
  return `${chart.chart} ${chart.version}`;
}

function unpackedVersion(dir: string): string | undefined {
  const meta = path.join(dir, 'Chart.yaml');
  if (!fs.existsSync(meta)) return undefined;
  return String((parse(fs.readFileSync(meta, 'utf8')) as { version?: unknown }).version);
}

/** The cached archive or folder of `chart` at its pinned version, or undefined. */
export function findCachedChart(chart: CatalogChart, cacheDir: string = chartCacheDir()): string | undefined {
  const archive = path.join(cacheDir, `${chart.chart}-${chart.version}.tgz`);
  if (fs.existsSync(archive)) return archive;
  for (const dir of [path.join(cacheDir, `${chart.chart}-${chart.version}`), path.join(cacheDir, chart.chart)]) {
    if (unpackedVersion(dir) === chart.version) return dir;
  }
  return undefined;
}

/** The arguments of `helm pull` for a chart of an index or OCI repository. */
export function pullArgs(chart: CatalogChart, destination: string): string[] {
  const repo = chart.repository;
  const ref = repo.type === 'oci' ? `${repo.url.replace(/\/$/, '')}/${chart.chart}` : chart.chart;
  return ['pull', ref, ...(repo.type === 'oci' ? [] : ['--repo', repo.url]), '--version', chart.version, '--destination', destination];
}

/**
 * The chart from the cache, or pulled into it with `helm pull` (index or OCI repository, as the catalog
 * says). Throws with the chart, its repository and helm's reason when it can be had neither way.
 */
export async function obtainChart(helm: string, chart: CatalogChart, cacheDir: string = chartCacheDir(), timeoutMs = 120_000): Promise<string> {
  const cached = findCachedChart(chart, cacheDir);
  if (cached) return cached;
  fs.mkdirSync(cacheDir, { recursive: true });
  const result = await runHelmAsync(helm, pullArgs(chart, cacheDir), { timeoutMs });
  const archive = path.join(cacheDir, `${chart.chart}-${chart.version}.tgz`);
  if (result.status !== 0 || !fs.existsSync(archive)) {
    throw new Error(`helm pull ${chartLabel(chart)} from ${chart.repository.url} failed: ${helmError(result)}`);
  }
  return archive;
}
