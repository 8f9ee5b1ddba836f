// The semver range of a Flux ImagePolicy, as image-reflector-controller reads it: with
// github.com/Masterminds/semver/v3 `NewConstraint` (constraints.go). Its grammar differs from npm's
// (`semver` on npm accepts `1.0.0 - 2` and `>=1 <2` alike, but also `1.x || >=2.5.0 <3 || 4`, and reads
// `~1` and `*` slightly differently), so this follows the Go code, step by step:
//
//   1. `a - b` ranges are rewritten to `>= a, <= b` (constraintRangeRegex: versions around ` - `);
//   2. the text is split at `||`;
//   3. each part must match validConstraintRegex: one or more `<op> <version>`, separated by spaces or
//      commas, where <op> is one of `= != > < >= => <= =< ~ ~> ^` or nothing;
//   4. each `<op> <version>` is parsed: a version is `v?` then 1 to 3 dot-separated parts, each digits or
//      one of `x X *`, then an optional `-prerelease` and `+build` (dot-separated [0-9A-Za-z-]
//      identifiers); NewVersion refuses a numeric prerelease identifier with a leading zero.

const OP = '(?:!=|>=|=>|<=|=<|~>|>|<|=|~|\\^)?';
const PART = '[0-9xX*]+';
const IDENTIFIERS = '[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*';
/** A version of a constraint (cvRegex), capturing its parts. */
const VERSION = `v?(${PART})(?:\\.(${PART}))?(?:\\.(${PART}))?(?:-(${IDENTIFIERS}))?(?:\\+(${IDENTIFIERS}))?`;
const VERSION_PLAIN = `v?${PART}(?:\\.${PART})?(?:\\.${PART})?(?:-${IDENTIFIERS})?(?:\\+${IDENTIFIERS})?`;
const RANGE = new RegExp(`\\s*(${VERSION_PLAIN})\\s+-\\s+(${VERSION_PLAIN})\\s*`, 'g');
const SEGMENT = new RegExp(`^(\\s*${OP}\\s*${VERSION_PLAIN}\\s*)((?:\\s+|,\\s*)${OP}\\s*${VERSION_PLAIN}\\s*)*$`);
const CONSTRAINT = new RegExp(`(${OP})\\s*${VERSION}`, 'g');

/** One sentence saying what a range looks like, for a fix. */
export const describeSemverRange = 'Use a Masterminds semver range as Flux reads it, e.g. "^1.2.0", "~1.2", "1.x", ">=1.0.0 <2.0.0" or "1.2.0 - 1.4.0"';

const isWildcard = (part: string | undefined) => part === 'x' || part === 'X' || part === '*';

/** What is wrong with one version of a constraint, or undefined. */
function versionProblem(text: string, parts: readonly (string | undefined)[], prerelease: string | undefined): string | undefined {
  // parseConstraint reads the parts up to the first wildcard or missing one (the rest become 0).
  for (const part of parts) {
    if (part === undefined || isWildcard(part)) break;
    if (!/^[0-9]+$/.test(part)) return `"${text}" has the version part "${part}", which is neither a number nor x, X or *`;
  }
  const leadingZero = (prerelease ?? '').split('.').find((id) => /^0[0-9]+$/.test(id));
  if (leadingZero) return `"${text}" has the prerelease part "${leadingZero}", a number with a leading zero`;
  return undefined;
}

/**
 * What is wrong with `range` as the semver range of an ImagePolicy, as one sentence without a trailing
 * period, or undefined when Flux accepts it.
 */
export function semverRangeProblem(range: unknown): string | undefined {
  if (typeof range !== 'string') return `it is a ${range === null ? 'null' : typeof range}, not a range`;
  if (range.trim() === '') return 'it is empty';
  const rewritten = range.replace(RANGE, (_m, a: string, b: string) => `>= ${a}, <= ${b} `);
  for (const part of rewritten.split('||')) {
    if (!SEGMENT.test(part)) return `"${part.trim()}" is not a list of constraints such as ">=1.0.0 <2.0.0"`;
    for (const m of part.matchAll(CONSTRAINT)) {
      const problem = versionProblem(m[0].trim(), [m[2], m[3], m[4]], m[5]);
      if (problem) return problem;
    }
  }
  return undefined;
}
