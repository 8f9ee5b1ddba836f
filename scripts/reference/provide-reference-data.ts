import { ReferenceCandidate, referenceCacheDir, referenceCandidates, ReferenceData, referenceSources } from '../../lib/internal';
import { chartCacheDir } from './chart-archive';
import { fillReferenceCache } from './fill-reference-cache';

/** How the tests (or `npm run reference`) get their reference data. */
export interface ProvideOptions {
  /** The pinned helm, resolved only when a download is needed. */
  readonly helm: () => string;
  /** Do not download (the candidates only). @default false */
  readonly offline?: boolean;
  /** @default none */
  readonly log?: (line: string) => void;
}

const ORIGIN_NAMES: Record<ReferenceCandidate['origin'], string> = {
  BALLAST_SCHEMAS: '$BALLAST_SCHEMAS',
  shared: '../shared/schemas beside the checkout',
  cache: 'the cache filled from upstream',
};

/** The one message of a run without reference data: what was looked at, and the three ways to provide it. */
export function missingReferenceMessage(candidates: readonly ReferenceCandidate[], download: string): string {
  const lines = candidates.map((c) =>
    c.origin === 'cache' ? `${ORIGIN_NAMES[c.origin]}: ${c.dir}: empty; ${download}` : `${ORIGIN_NAMES[c.origin]}: ${c.dir}: no reference data there (no README.md)`,
  );
  if (!candidates.some((c) => c.origin === 'BALLAST_SCHEMAS')) lines.unshift(`${ORIGIN_NAMES.BALLAST_SCHEMAS}: not set`);
  const tried = lines.map((line, i) => `  ${i + 1}. ${line}`);
  return [
    'ballast needs reference data (upstream CRDs, chart values.yaml and values.schema.json) to run its tests, and found none:',
    ...tried,
    'Provide it in one of three ways:',
    '  - set BALLAST_SCHEMAS to a folder of reference data (crds/, charts/, README.md);',
    '  - put the shared reference data beside the checkout, as ../shared/schemas;',
    '  - give this machine access to the chart repositories and GitHub release assets: the tests (or `npm run reference`) then fill the cache.',
  ].join('\n');
}

/**
 * The reference data to use: `$BALLAST_SCHEMAS` when set (and only it), else `../shared/schemas`, else the
 * cache, filled from upstream when it is empty. Throws one message that names what is missing otherwise.
 */
export async function provideReferenceData(options: ProvideOptions): Promise<ReferenceData> {
  const candidates = referenceCandidates();
  const explicit = candidates.find((c) => c.origin === 'BALLAST_SCHEMAS');
  if (explicit) {
    if (explicit.present) return explicit;
    throw new Error(missingReferenceMessage([explicit], 'not used while BALLAST_SCHEMAS is set'));
  }
  const found = candidates.find((c) => c.present);
  if (found) return found;
  if (options.offline) {
    throw new Error(missingReferenceMessage(candidates, 'downloading was not tried (BALLAST_REFERENCE_OFFLINE is set)'));
  }
  const target = referenceCacheDir();
  try {
    await fillReferenceCache({ helm: options.helm(), sources: referenceSources(), target, chartCache: chartCacheDir(), log: options.log });
  } catch (err) {
    throw new Error(missingReferenceMessage(candidates, `filling it from upstream failed: ${(err as Error).message}`));
  }
  return { origin: 'cache', dir: target };
}
