import * as fs from 'fs';
import * as path from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { locateReferenceData, REFERENCE_HOW_TO } from '../../lib/internal';
import { toolPath } from './tools';

/**
 * The upstream reference data (CRDs, chart values and schemas) the tests check against: the folder the
 * global setup chose (`$BALLAST_SCHEMAS`, `../shared/schemas` or the cache filled from upstream). Every
 * read goes through here and fails loudly when the data is missing: a check without its data must not pass.
 */
export function schemasDir(): string {
  const found = locateReferenceData();
  if (!found) {
    throw new Error(`no reference data: ${REFERENCE_HOW_TO}`);
  }
  return found.dir;
}

/** A file of the reference data, by path relative to the schemas folder; throws when it is missing. */
export function sharedFile(rel: string): string {
  const file = path.join(schemasDir(), rel);
  if (!fs.existsSync(file)) throw new Error(`reference data file missing: ${file}`);
  return fs.readFileSync(file, 'utf8');
}

/** True when the reference data has `rel` (for optional files such as a chart's values.schema.json). */
export function hasSharedFile(rel: string): boolean {
  return fs.existsSync(path.join(schemasDir(), rel));
}

/** A chart's folder in the reference data; throws when the chart is not there. */
export function chartDir(chart: string): string {
  const dir = path.join(schemasDir(), 'charts', chart);
  if (!fs.existsSync(path.join(dir, 'values.yaml'))) throw new Error(`no reference data for chart ${chart} at ${dir}`);
  return dir;
}

export function chartValues(chart: string): unknown {
  return parse(sharedFile(`charts/${chart}/values.yaml`));
}

export function chartSchema(chart: string): object | undefined {
  const rel = `charts/${chart}/values.schema.json`;
  return hasSharedFile(rel) ? (JSON.parse(sharedFile(rel)) as object) : undefined;
}

export function chartVersion(chart: string): string {
  return (parse(sharedFile(`charts/${chart}/Chart.yaml`)) as { version: string }).version;
}

/**
 * The CRDs that are not in the reference data but in a pinned upstream module scripts/tools.sh caches:
 * the Barman Cloud plugin's ObjectStore (the plugin publishes no chart the reference data is built from).
 * Throws when the module is not fetched: a check without its data must not pass.
 */
export function moduleCrds(): { file: string; crd: Record<string, any> }[] {
  const file = path.join(toolPath('plugin-barman-cloud'), 'config', 'crd', 'bases', 'barmancloud.cnpg.io_objectstores.yaml');
  return [{ file, crd: parse(fs.readFileSync(file, 'utf8')) }];
}

/** Every CRD document of the reference data, with the file it came from. */
export function allCrds(): { file: string; crd: Record<string, any> }[] {
  const root = path.join(schemasDir(), 'crds');
  const out: { file: string; crd: Record<string, any> }[] = [];
  for (const group of fs.readdirSync(root).sort()) {
    for (const f of fs.readdirSync(path.join(root, group)).sort()) {
      const file = path.join(root, group, f);
      for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
        const crd = doc.toJSON();
        if (crd?.kind === 'CustomResourceDefinition') out.push({ file, crd });
      }
    }
  }
  if (out.length === 0) throw new Error(`no CRDs found under ${root}`);
  return out;
}
