import type { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { reportProblem } from './errors';
import { describeValue, isWhole } from './quantities';

// cdk8s Durations as the duration text of the programs ballast writes for: Go and Flux (`time.Duration`,
// metav1.Duration), Prometheus (model.Duration) and a whole number of seconds (Terraform's helm_release).
// A Duration refuses a negative amount when it is made; what it cannot refuse (NaN, a fraction of a
// millisecond, zero where something must tick, a length beyond an int64 of nanoseconds, or a plain string
// from a JavaScript caller) is a problem phrase here. The renderers expect a checked Duration.

/** What a duration must be beyond its type. */
export interface DurationRule {
  /** Zero is refused (an interval that never ticks, a timeout that is over at once). @default true */
  readonly positive?: boolean;
  /** The smallest step the consumer counts in: milliseconds (Go, Flux, Prometheus) or whole seconds (Terraform). @default 'ms' */
  readonly step?: 'ms' | 's';
}

/** One sentence saying how to give a duration. */
export const describeDuration = 'Use a cdk8s Duration of whole milliseconds, e.g. Duration.minutes(10) or Duration.seconds(30)';

const MS_PER: Readonly<Record<'d' | 'h' | 'm' | 's' | 'ms', number>> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };
/** Go's time.Duration and Prometheus' model.Duration are int64 nanoseconds: at most 2^63-1 ns, about 292 years. */
const MAX_MS = Number(((1n << 63n) - 1n) / 1_000_000n);

/**
 * What is wrong with `value` as a duration, as a phrase that follows the setting's name (`interval is
 * NaN ms`), without a trailing period; undefined when it is fine.
 */
export function durationProblem(value: unknown, rule: DurationRule = {}): string | undefined {
  if (!isDuration(value)) return `is ${describeValue(value)}, not a Duration`;
  const ms = rawMillis(value);
  if (!Number.isFinite(ms)) return `is ${ms} ms, not a finite length of time`;
  if (ms < 0) return `is ${ms} ms, which is negative`;
  if ((rule.positive ?? true) && ms === 0) return 'is zero';
  if (ms > MAX_MS) return `is ${Math.round(ms / MS_PER.d)} days, longer than a Go or Prometheus duration holds (about 292 years)`;
  if (!isWhole(ms)) return `is ${ms} ms, not a whole number of milliseconds`;
  if (rule.step === 's' && !isWhole(ms / 1000)) return `is ${ms} ms, not a whole number of seconds`;
  return undefined;
}

/**
 * Reports on `scope` what is wrong with the duration `value` of the setting `what` (`reportProblem`, so
 * that every mistake is listed together). Returns true when it is fine.
 */
export function requireDuration(scope: IConstruct, what: string, value: unknown, rule: DurationRule = {}): boolean {
  const problem = durationProblem(value, rule);
  if (problem === undefined) return true;
  const fix = rule.step === 's' ? 'Use a cdk8s Duration of whole seconds, e.g. Duration.minutes(10) or Duration.seconds(90)' : describeDuration;
  reportProblem(scope, `${what} ${problem}`, fix);
  return false;
}

/** The range of a duration prop that the API takes in (whole) seconds, for `checkDuration`. */
export interface DurationRange {
  /** Fewest seconds. */
  readonly min: number;
  /** Most seconds. @default no limit */
  readonly max?: number;
  /** The field takes whole seconds (an integer in the API). @default true */
  readonly wholeSeconds?: boolean;
}

/**
 * The milliseconds of `value`, or undefined after reporting on `scope` why `what` cannot be used: not a
 * Duration, not whole seconds where the API takes integers, or outside `range` (probes, grace periods,
 * autoscaler windows, KEDA's polling). `example` is a Duration that fits, for the fix.
 */
export function checkDuration(scope: IConstruct, what: string, value: unknown, range: DurationRange, example: string): number | undefined {
  const within = range.max === undefined ? `of at least ${range.min} s` : `from ${range.min} s to ${range.max} s`;
  const fix = `Use ${example}, a Duration ${within}`;
  const problem = durationProblem(value, { positive: false, step: range.wholeSeconds ?? true ? 's' : 'ms' });
  if (problem !== undefined) {
    reportProblem(scope, `${what} ${problem}`, isDuration(value) ? fix : `${fix} (a string or a number of seconds is not taken)`);
    return undefined;
  }
  const ms = durationMillis(value as Duration);
  const bound = ms < range.min * 1000 ? `below ${range.min} s` : range.max !== undefined && ms > range.max * 1000 ? `above ${range.max} s` : undefined;
  if (bound) {
    reportProblem(scope, `${what} ${goDurationOfMillis(ms)} is ${bound}`, fix);
    return undefined;
  }
  return ms;
}

/**
 * A duration as Go's `time.ParseDuration` and Flux's CRD pattern `^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$` read
 * it: hours, minutes, seconds and milliseconds, largest first, the ones that are zero left out (`10m`,
 * `1h30m`, `30s`, `1s500ms`, `36h`; `0s` for zero). Go has no days.
 */
export function goDuration(duration: Duration): string {
  return compose(duration, ['h', 'm', 's', 'ms']);
}

/** Whole milliseconds as a Go duration, as `goDuration` writes it (for a value `checkDuration` returned). */
export function goDurationOfMillis(ms: number): string {
  return millisText(ms, ['h', 'm', 's', 'ms']);
}

/**
 * A duration as Prometheus' `model.ParseDuration` reads it (retention, rule `for` and `interval`): days,
 * hours, minutes, seconds and milliseconds, largest first, each once (`15d`, `1d12h`, `5m`; `0s` for
 * zero). Prometheus also knows `w` and `y`; they are left out so that 15 days reads `15d`, not `2w1d`.
 */
export function prometheusDuration(duration: Duration): string {
  return compose(duration, ['d', 'h', 'm', 's', 'ms']);
}

/** A duration in whole seconds (Terraform's helm_release `timeout`). */
export function wholeSeconds(duration: Duration): number {
  return Math.round(durationMillis(duration) / 1000);
}

/** A duration in whole milliseconds (0 when it is not a Duration: its problem is reported where it is given). */
function durationMillis(duration: Duration): number {
  if (!isDuration(duration)) return 0;
  const ms = rawMillis(duration);
  return Number.isFinite(ms) ? Math.round(ms) : 0;
}

function compose(duration: Duration, units: readonly (keyof typeof MS_PER)[]): string {
  // An unchecked value renders as itself, never as a wrong duration: its problem fails the synth anyway.
  if (durationProblem(duration, { positive: false }) !== undefined) return String(isDuration(duration) ? rawMillis(duration) : duration);
  return millisText(durationMillis(duration), units);
}

function millisText(ms: number, units: readonly (keyof typeof MS_PER)[]): string {
  let rest = ms;
  if (rest === 0) return '0s';
  let text = '';
  for (const unit of units) {
    const count = Math.floor(rest / MS_PER[unit]);
    if (count > 0) text += `${count}${unit}`;
    rest -= count * MS_PER[unit];
  }
  return text;
}

function isDuration(value: unknown): value is Duration {
  return typeof value === 'object' && value !== null && typeof (value as { toMilliseconds?: unknown }).toMilliseconds === 'function';
}

function rawMillis(duration: Duration): number {
  try {
    // `integral: false`: a Duration made in seconds or minutes with a fraction is still exact in ms.
    return duration.toMilliseconds({ integral: false });
  } catch {
    return Number.NaN; // an object that only looks like a Duration
  }
}
