import { locateReferenceData } from '../../lib/internal';
import { gatedTests, GatedTests } from './not-run';

/**
 * True when the tests have reference data: the folder the global setup chose (`$BALLAST_SCHEMAS`,
 * `../shared/schemas` or the filled cache). Asked of the same lookup the data helpers read through, so a
 * test never runs without its data, nor is skipped while the data is there.
 */
export function referenceAvailable(): boolean {
  return locateReferenceData() !== undefined;
}

/**
 * The tests that check `what` against the reference data (a few words, listed in the closing summary
 * line as not checked when they are skipped, e.g. "custom resources against their CRDs"):
 *
 * ```ts
 * const crds = needsReferenceData('custom resources against their CRDs');
 * crds.test('every custom resource matches its CRD schema', () => { ... });
 * ```
 *
 * With the data they are Jest's own `test` and `describe`; without it they are skipped, named with the
 * marker the summary reporter counts. Tests that need no reference data use Jest's `test` directly.
 */
export function needsReferenceData(what: string): GatedTests {
  return gatedTests(referenceAvailable(), 'reference data', what);
}
