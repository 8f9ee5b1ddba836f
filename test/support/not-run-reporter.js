// @ts-check
// A Jest reporter (plain CommonJS: Jest loads reporters without transforming them). After Jest's own
// summary it prints one closing line per kind of missing input, counting the tests that were skipped for
// it and naming what they would have checked; with BALLAST_REQUIRE_REFERENCE=1 a test skipped for lack of
// reference data fails the run (CI has the data, so such a skip there is a fault, not a machine's limit).

/**
 * The marker `test/support/not-run.ts` appends to the name of a skipped test (keep the two in step):
 * ` [not run without <kind>: <what>]`.
 */
const MARKER = / \[not run without (reference data|chart): ([^\]]+)\]$/;

/**
 * @typedef {{ tests: number, what: Set<string> }} Tally
 * @typedef {import('@jest/reporters').AggregatedResult} AggregatedResult
 */

class NotRunReporter {
  constructor() {
    /** @type {Error | undefined} */
    this.error = undefined;
  }

  /**
   * @param {unknown} _contexts
   * @param {AggregatedResult} results
   */
  onRunComplete(_contexts, results) {
    const tally = notRunTally(results);
    const lines = [];
    const reference = tally.get('reference data');
    if (reference) {
      lines.push(referenceLine(reference));
      if (process.env.BALLAST_REQUIRE_REFERENCE === '1') {
        this.error = new Error('tests were skipped for lack of reference data while BALLAST_REQUIRE_REFERENCE=1');
      }
    }
    const charts = tally.get('chart');
    if (charts) lines.push(chartLine(charts));
    // Jest's own summary reporter always comes last and prints synchronously: writing on the next turn
    // of the event loop puts these lines under it, closing the output, where they are seen.
    if (lines.length > 0) setImmediate(() => process.stderr.write(`\n${lines.map(loud).join('\n')}\n`));
  }

  /** Jest fails the run when a reporter returns an error here. */
  getLastError() {
    return this.error;
  }
}

/**
 * The skipped tests that carry the marker, by kind. A marker on a describe block counts for each test in it.
 * @param {AggregatedResult} results
 * @returns {Map<string, Tally>}
 */
function notRunTally(results) {
  /** @type {Map<string, Tally>} */
  const tally = new Map();
  for (const file of results.testResults) {
    for (const t of file.testResults) {
      if (t.status !== 'pending' && t.status !== 'skipped') continue;
      const marked = [t.title, ...t.ancestorTitles].map((name) => MARKER.exec(name)).find((m) => m !== null);
      if (!marked) continue;
      const [, kind, what] = marked;
      const entry = tally.get(kind) ?? { tests: 0, what: new Set() };
      entry.tests += 1;
      // A test that needs several charts names them all, separated by commas.
      for (const one of kind === 'chart' ? what.split(', ') : [what]) entry.what.add(one);
      tally.set(kind, entry);
    }
  }
  return tally;
}

/** @param {Tally} t */
function referenceLine(t) {
  const why = process.env.BALLAST_REFERENCE_MISSING ?? 'no reference data found';
  const required =
    process.env.BALLAST_REQUIRE_REFERENCE === '1' ? ' BALLAST_REQUIRE_REFERENCE=1: this run FAILS.' : '';
  return (
    `ballast: ${count(t.tests)} NOT RUN without reference data, so these were not checked: ${[...t.what].sort().join('; ')}. ` +
    `${why}. Provide it: set BALLAST_SCHEMAS to a folder of reference data, put it beside the checkout as ` +
    `../shared/schemas, or run \`npm run reference\` with access to the chart repositories.${required}`
  );
}

/** @param {Tally} t */
function chartLine(t) {
  return (
    `ballast: ${count(t.tests)} NOT RUN without their chart (${[...t.what].sort().join(', ')}), so those releases were not ` +
    'rendered or applied. Fill the chart cache, or run where the chart repositories are reachable (docs/testing.md, "The chart tier"). ' +
    'Charts are not reference data: their absence does not fail the run.'
  );
}

/** @param {number} n */
function count(n) {
  return n === 1 ? '1 test' : `${n} tests`;
}

/** Bold yellow on a terminal, so the line stands out under Jest's summary; plain text in logs. @param {string} line */
function loud(line) {
  return process.stderr.isTTY ? `\u001b[1;33m${line}\u001b[0m` : line;
}

module.exports = NotRunReporter;
