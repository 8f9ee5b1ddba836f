// The duration grammars of Go and Flux, for duration text ballast reads rather than builds: Flux fields
// of objects read from files and chart values (lib/plan/consumer-grammar.ts) and k6 options. Public
// props take a cdk8s Duration instead (lib/core/durations.ts renders it). Pure, and imports nothing.

/** One sentence saying what a Go duration looks like. */
export const describeGoDuration = 'Use a Go duration such as "30s", "5m" or "1h30m" (units ns, us, ms, s, m and h)';
/** One sentence saying what a duration Flux accepts looks like. */
export const describeFluxDuration = 'Use a duration such as "1m", "10m30s" or "1.5h": numbers with a unit of ms, s, m or h, with no sign and no days';
const GO_UNIT_NS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n, // U+00B5 micro sign
  'μs': 1_000n, // U+03BC Greek small letter mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const TWO_63 = 1n << 63n;

/** Nanoseconds of a Go duration, following `time.ParseDuration` (src/time/format.go) step by step. */
function parseGoDuration(text: string): bigint | undefined {
  let s = text;
  let negative = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n; // the only number allowed without a unit
  if (s === '') return undefined;
  let total = 0n;
  while (s !== '') {
    const m = /^([0-9]*)(?:\.([0-9]*))?/.exec(s);
    const whole = m?.[1] ?? '';
    const fraction = m?.[2];
    if (whole === '' && (fraction === undefined || fraction === '')) return undefined; // ".s", "-.s", "s"
    s = s.slice((m?.[0] ?? '').length);
    const unitLength = s.search(/[0-9.]/);
    const unit = unitLength < 0 ? s : s.slice(0, unitLength);
    if (unit === '') return undefined; // a number without a unit
    const ns = GO_UNIT_NS[unit];
    if (ns === undefined) return undefined;
    s = s.slice(unit.length);
    let v = whole === '' ? 0n : BigInt(whole);
    if (v > TWO_63 / ns) return undefined; // overflow
    v *= ns;
    // Go adds the fraction through a float64; exact arithmetic differs only in the last nanosecond.
    if (fraction) v += (BigInt(fraction) * ns) / 10n ** BigInt(fraction.length);
    total += v;
    if (total > TWO_63) return undefined;
  }
  if (!negative && total > TWO_63 - 1n) return undefined;
  return negative ? -total : total;
}

/**
 * True when `value` is a Go duration: `time.ParseDuration` (src/time/format.go). A possibly signed
 * sequence of decimal numbers, each with an optional fraction and a unit (`ns`, `us`, `µs`, `μs`, `ms`,
 * `s`, `m`, `h`), such as `300ms`, `-1.5h` or `2h45m`; `0` alone needs no unit; at most about 292 years.
 * Kubernetes' metav1.Duration parses with it.
 */
export function isGoDuration(value: string): boolean {
  return parseGoDuration(value) !== undefined;
}

/** True when `value` is a Go duration (see isGoDuration) longer than zero, as intervals and timeouts must be. */
export function isPositiveGoDuration(value: string): boolean {
  const ns = parseGoDuration(value);
  return ns !== undefined && ns > 0n;
}

/**
 * True when Flux accepts `value` as an interval, timeout or retry interval. These fields are
 * metav1.Duration (so time.ParseDuration must read them), and Flux's CRDs also constrain them with the
 * OpenAPI pattern `^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$` (fluxcd source-controller, kustomize-controller,
 * helm-controller config/crd/bases): no sign, no `0` alone, no `ns`/`us`, no `.5s` or `1.s`.
 */
export function isFluxDuration(value: string): boolean {
  return /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/.test(value) && isGoDuration(value);
}

/** True when `value` is a Flux duration (see isFluxDuration) longer than zero: an interval or timeout that can tick. */
export function isPositiveFluxDuration(value: unknown): boolean {
  return typeof value === 'string' && isFluxDuration(value) && isPositiveGoDuration(value);
}
