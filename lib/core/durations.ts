import type { Duration } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { reportProblem } from './errors';

// Props take cdk8s `Duration`s; the objects take whole seconds (probes, grace periods, autoscaler
// windows) or Go/Prometheus duration strings (intervals, k6). A Duration cannot be negative, but a
// fractional one (`Duration.millis(1500)` where whole seconds are needed) or, from untyped JavaScript, a
// string or number in its place can: each is reported on the construct instead of a crash inside cdk8s.

/** The limits a duration prop is checked against, in seconds. */
export interface DurationRule {
  readonly min: number;
  readonly max?: number;
  /** The field takes whole seconds (an integer in the API). @default true */
  readonly wholeSeconds?: boolean;
}

/** A cdk8s Duration (by its shape: two copies of cdk8s each have their own class). */
export function isDuration(value: unknown): value is Duration {
  return typeof value === 'object' && value !== null && typeof (value as Duration).toMilliseconds === 'function' && typeof (value as Duration).toHumanString === 'function';
}

/** How a Duration reads in a message: `90s`, `1m30s`, `1500ms`; whatever else was given, as JSON. */
export function describeDuration(value: unknown): string {
  if (!isDuration(value)) return `${JSON.stringify(value) ?? String(value)} (not a Duration)`;
  const ms = value.toMilliseconds({ integral: false });
  return Number.isInteger(ms) && ms >= 0 ? goDuration(ms) : `${ms}ms`;
}

/**
 * The milliseconds of `value`, or undefined after reporting on `scope` why `what` cannot be used: not a
 * Duration, not whole seconds where the API takes integers, or outside `rule`.
 */
export function checkDuration(scope: IConstruct, what: string, value: unknown, rule: DurationRule, example: string): number | undefined {
  const range = rule.max === undefined ? `of at least ${rule.min} s` : `from ${rule.min} s to ${rule.max} s`;
  const fix = `Use ${example}, a Duration ${range}`;
  if (!isDuration(value)) {
    reportProblem(scope, `${what} is ${describeDuration(value)}`, `${fix} (a string or a number of seconds is no longer taken)`);
    return undefined;
  }
  const ms = value.toMilliseconds({ integral: false });
  if (!Number.isFinite(ms) || ms < 0 || !Number.isInteger(ms)) {
    reportProblem(scope, `${what} ${describeDuration(value)} is not a whole number of milliseconds`, fix);
    return undefined;
  }
  if ((rule.wholeSeconds ?? true) && ms % 1000 !== 0) {
    reportProblem(scope, `${what} ${describeDuration(value)} is not a whole number of seconds (the API takes seconds as an integer)`, fix);
    return undefined;
  }
  const bound = ms < rule.min * 1000 ? `below ${rule.min} s` : rule.max !== undefined && ms > rule.max * 1000 ? `above ${rule.max} s` : undefined;
  if (bound) {
    reportProblem(scope, `${what} ${describeDuration(value)} is ${bound}`, fix);
    return undefined;
  }
  return ms;
}

/**
 * Milliseconds as a Go duration, the largest units first and no zero parts: `5m`, `30s`, `1m30s`, `1h`,
 * `250ms`, `0s`. Flux, Prometheus and k6 all read this form, and a single-unit value is written as it was
 * when these props were strings.
 */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out;
}
