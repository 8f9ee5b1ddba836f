/**
 * Tests that cannot run on this machine because something they check against is missing (the reference
 * data, a chart): registered as skipped, with a marker at the end of the name that says what they need.
 * Jest lists them as skipped (never as passed), and the summary reporter (`not-run-reporter.js`) finds
 * them by that marker to print one closing line and, where required, fail the run.
 *
 * The marker is ` [not run without <kind>: <what>]`; `not-run-reporter.js` parses exactly this form.
 */

/** What a skipped test lacked: the kind of input, and what of it the test would have checked. */
export type MissingKind = 'reference data' | 'chart';

/** A test name with the marker the summary reporter counts. */
export function notRunName(name: string, kind: MissingKind, what: string): string {
  // `%` would be read as a printf placeholder by test.each; `]` would end the marker early.
  if (/[%\]]/.test(what)) throw new Error(`not-run marker text must not contain % or ]: ${what}`);
  return `${name} [not run without ${kind}: ${what}]`;
}

/** `test` and `test.each`, as Jest has them, or as skipped tests with the marker. */
export type GatedTest = ((name: string, fn: jest.ProvidesCallback, timeout?: number) => void) & { each: jest.Each };

/** `describe`, as Jest has it, or as a skipped block with the marker. */
export type GatedDescribe = (name: string, fn: jest.EmptyFunction) => void;

/** The tests of one kind of check. */
export interface GatedTests {
  /** True when the input is here and the tests run. */
  readonly available: boolean;
  readonly test: GatedTest;
  /**
   * A block whose tests all need the input. Its body still runs (Jest collects the skipped tests), so it
   * must read the input only inside hooks and tests.
   */
  readonly describe: GatedDescribe;
  /**
   * `beforeAll` for setup only the gated tests use, left out when they are skipped. (Jest runs a block's
   * hooks whenever one of its tests runs, so a file that mixes gated and plain tests needs this.)
   */
  readonly beforeAll: (fn: jest.ProvidesHookCallback, timeout?: number) => void;
}

/**
 * `test` and `describe` that run when `available`, and are otherwise skipped under a name that says they
 * need `what` of `kind`. Only the plain call and `.each` (with an array table) are offered.
 */
export function gatedTests(available: boolean, kind: MissingKind, what: string): GatedTests {
  if (available) return { available, test, describe, beforeAll };
  const mark = (name: string) => notRunName(name, kind, what);
  const skipped = (name: string, fn: jest.ProvidesCallback, timeout?: number) => test.skip(mark(name), fn, timeout);
  const each = ((table: readonly unknown[]) =>
    (name: string, fn: (...args: any[]) => any, timeout?: number) =>
      test.skip.each(table as any[])(mark(name), fn, timeout)) as unknown as jest.Each;
  return {
    available,
    test: Object.assign(skipped, { each }),
    describe: (name, fn) => describe.skip(mark(name), fn),
    beforeAll: () => undefined,
  };
}
