import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { ballastCacheDir } from '../core/cache-dir';
import { referenceSources, ReferenceSources } from '../reference-sources';

/**
 * Reference data: upstream CRDs and chart `values.yaml` / `values.schema.json`, laid out as
 * `crds/<folder>/*.yaml` and `charts/<chart>/{Chart.yaml,values.yaml,values.schema.json}`, with a
 * `README.md` that marks the folder complete. Synth checks chart values with it when it is there; the
 * tests need it.
 */

/** Where a reference folder came from, in the order they are tried. */
export type ReferenceOrigin = 'BALLAST_SCHEMAS' | 'shared' | 'cache';

/** One place reference data may be. */
export interface ReferenceCandidate {
  readonly origin: ReferenceOrigin;
  readonly dir: string;
  /** True when the folder holds complete reference data (its README.md is written last). */
  readonly present: boolean;
}

/** A folder of complete reference data. */
export interface ReferenceData {
  readonly origin: ReferenceOrigin;
  readonly dir: string;
}


/**
 * The cache folder of the reference data built from `sources`. Its name is a digest of the sources, so a
 * bumped chart version gets a folder of its own instead of stale data.
 */
export function referenceCacheDir(sources: ReferenceSources = referenceSources()): string {
  const digest = crypto.createHash('sha256').update(JSON.stringify(sources)).digest('hex').slice(0, 16);
  return path.join(ballastCacheDir(), 'reference', digest);
}

/** The folder of ballast's package.json (the checkout, or the installed package). */
export function packageRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

/** Every place reference data is looked for, in order: `$BALLAST_SCHEMAS`, `../shared/schemas`, the cache. */
export function referenceCandidates(): ReferenceCandidate[] {
  const complete = (dir: string) => fs.existsSync(path.join(dir, 'README.md'));
  const out: ReferenceCandidate[] = [];
  const fromEnv = process.env.BALLAST_SCHEMAS;
  if (fromEnv) out.push({ origin: 'BALLAST_SCHEMAS', dir: path.resolve(fromEnv), present: complete(path.resolve(fromEnv)) });
  const shared = path.resolve(packageRoot(), '..', 'shared', 'schemas');
  out.push({ origin: 'shared', dir: shared, present: complete(shared) });
  const cache = referenceCacheDir();
  out.push({ origin: 'cache', dir: cache, present: complete(cache) });
  return out;
}

/**
 * The first complete reference folder, or undefined. `$BALLAST_SCHEMAS`, when set, is the only place
 * looked at: a user who points at a folder means that folder, and a wrong path must not be papered over.
 */
export function locateReferenceData(): ReferenceData | undefined {
  const candidates = referenceCandidates();
  const chosen = candidates[0].origin === 'BALLAST_SCHEMAS' ? [candidates[0]] : candidates;
  const found = chosen.find((c) => c.present);
  return found ? { origin: found.origin, dir: found.dir } : undefined;
}

/** How a user provides reference data, for messages. */
export const REFERENCE_HOW_TO =
  'set BALLAST_SCHEMAS to a folder of reference data, put the shared data beside the checkout (../shared/schemas), ' +
  'or let `npm run reference` fill the cache from the chart repositories and release assets (needs network access)';
