import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { CatalogChart, CrdAsset, ReferenceSources } from '../../lib/internal';
import { chartLabel, obtainChart } from './chart-archive';
import { helmError, runHelm } from './helm';

/** How to fill a reference folder. */
export interface FillReferenceOptions {
  /** The pinned helm binary. */
  readonly helm: string;
  readonly sources: ReferenceSources;
  /** The folder to create (its parent is created when missing; an existing folder is replaced). */
  readonly target: string;
  /** Where chart archives are looked for and pulled to. */
  readonly chartCache: string;
  /** Time limit of each download. @default 120 s */
  readonly timeoutMs?: number;
  /** Progress lines. @default none */
  readonly log?: (line: string) => void;
}

interface Crd {
  readonly spec: { group: string; names: { plural: string } };
}

/** Unpacks a chart archive (or takes a chart folder as it is); returns the chart's folder. */
function chartFolder(chartPath: string, work: string): string {
  if (fs.statSync(chartPath).isDirectory()) return chartPath;
  const into = fs.mkdtempSync(path.join(work, 'chart-'));
  execFileSync('tar', ['xzf', chartPath, '-C', into]);
  const [top] = fs.readdirSync(into);
  return path.join(into, top);
}

/** Chart.yaml, values.yaml and values.schema.json of a chart folder, copied to `charts/<name>/`. */
function copyChartFiles(from: string, target: string): string {
  const name = String((parse(fs.readFileSync(path.join(from, 'Chart.yaml'), 'utf8')) as { name: unknown }).name);
  const to = path.join(target, 'charts', name);
  fs.mkdirSync(to, { recursive: true });
  for (const f of ['Chart.yaml', 'values.yaml', 'values.schema.json']) {
    if (fs.existsSync(path.join(from, f))) fs.copyFileSync(path.join(from, f), path.join(to, f));
  }
  return name;
}

/** Subchart folders inside a chart (`charts/<dir>/` or `charts/*.tgz`), unpacked. */
function subcharts(chartDir: string, work: string): string[] {
  const dir = path.join(chartDir, 'charts');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const p = path.join(dir, entry);
      if (fs.statSync(p).isDirectory()) return fs.existsSync(path.join(p, 'Chart.yaml')) ? [p] : [];
      return entry.endsWith('.tgz') ? [chartFolder(p, work)] : [];
    });
}

/** Writes each CRD of a YAML stream to `crds/<folder>/<group>_<plural>.yaml`; returns how many. */
function writeCrds(stream: string, target: string, folder: string, origin: string): number {
  let count = 0;
  for (const doc of parseAllDocuments(stream)) {
    if (doc.errors.length > 0) throw new Error(`${origin}: ${doc.errors[0].message}`);
    const object = doc.toJSON() as (Crd & { kind?: string }) | null;
    if (object?.kind !== 'CustomResourceDefinition') continue;
    const dir = path.join(target, 'crds', folder);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${object.spec.group}_${object.spec.names.plural}.yaml`), stringify(object));
    count++;
  }
  return count;
}

/** The CRDs a chart installs with its default values: its crds/ folders and CRD templates. */
function chartCrds(helm: string, chart: CatalogChart, chartDir: string, target: string): number {
  const result = runHelm(helm, ['template', 'ballast-reference', chartDir, '--include-crds', '--kube-version', '1.34.0', '--namespace', 'reference']);
  if (result.status !== 0) throw new Error(`helm template ${chartLabel(chart)} with its default values failed: ${helmError(result)}`);
  return writeCrds(result.stdout, target, chart.chart, chartLabel(chart));
}

async function download(asset: CrdAsset, timeoutMs: number): Promise<string> {
  let response: Response;
  try {
    response = await fetch(asset.url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause?.message;
    throw new Error(`download of ${asset.project} ${asset.version} CRDs from ${asset.url} failed: ${cause ?? (err as Error).message}`);
  }
  if (!response.ok) throw new Error(`download of ${asset.project} ${asset.version} CRDs from ${asset.url} failed: HTTP ${response.status}`);
  return response.text();
}

/**
 * Builds a reference folder from upstream: each chart (from the chart cache, or `helm pull`) gives its and
 * its subcharts' Chart.yaml, values.yaml and values.schema.json, and the CRDs it installs; each CRD asset
 * is downloaded. The folder is assembled aside and renamed into place with its README.md, so a failed or
 * interrupted fill never leaves a folder that looks complete.
 */
export async function fillReferenceCache(options: FillReferenceOptions): Promise<string> {
  const log = options.log ?? (() => undefined);
  const timeoutMs = options.timeoutMs ?? 120_000;
  fs.mkdirSync(path.dirname(options.target), { recursive: true });
  const partial = `${options.target}.partial-${process.pid}`;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ballast-reference-'));
  fs.rmSync(partial, { recursive: true, force: true });
  fs.mkdirSync(partial);
  const rows: string[] = [];
  try {
    for (const chart of options.sources.charts) {
      const chartPath = await obtainChart(options.helm, chart, options.chartCache, timeoutMs);
      const dir = chartFolder(chartPath, work);
      copyChartFiles(dir, partial);
      const subs = subcharts(dir, work).map((sub) => copyChartFiles(sub, partial));
      const crds = chartCrds(options.helm, chart, dir, partial);
      log(`${chartLabel(chart)}: values${subs.length ? ` (+ subcharts ${subs.join(', ')})` : ''}, ${crds} CRDs`);
      rows.push(`| chart ${chart.chart} | ${chart.version} | ${chart.repository.url} | values, schema${subs.length ? `, subcharts ${subs.join(', ')}` : ''}, ${crds} CRDs |`);
    }
    for (const asset of options.sources.crdAssets) {
      const crds = writeCrds(await download(asset, timeoutMs), partial, asset.folder, asset.url);
      log(`${asset.project} ${asset.version}: ${crds} CRDs`);
      rows.push(`| CRDs of ${asset.project} | ${asset.version} | ${asset.url} | ${crds} CRDs |`);
    }
    fs.writeFileSync(
      path.join(partial, 'README.md'),
      [
        '# Reference data, filled from upstream by ballast',
        '',
        'Written by `npm run reference` (or the first test run). Delete this folder to fetch it again.',
        '',
        '| source | version | from | what |',
        '|---|---|---|---|',
        ...rows,
        '',
      ].join('\n'),
    );
    fs.rmSync(options.target, { recursive: true, force: true });
    fs.renameSync(partial, options.target);
    return options.target;
  } finally {
    fs.rmSync(partial, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  }
}
