import type { Duration } from 'cdk8s';
import { durationProblem, goDuration } from '../../core/durations';

/**
 * When CloudNativePG takes a base backup (a `ScheduledBackup`'s `schedule`). CloudNativePG reads it with
 * robfig/cron and a seconds field first (six fields, not Kubernetes CronJob's five) or a descriptor such
 * as `@every 6h` (the ScheduledBackup CRD's description of `schedule`); ballast writes one of the two.
 */
export class BackupSchedule {
  /** Every day at `hour`:`minute` (the controller's time zone, UTC in CloudNativePG's image). */
  public static daily(hour = 0, minute = 0): BackupSchedule {
    return new BackupSchedule(`0 ${minute} ${hour} * * *`, () => {
      const bad = [!isIn(hour, 0, 23) ? `hour ${hour}` : undefined, !isIn(minute, 0, 59) ? `minute ${minute}` : undefined].filter(Boolean);
      return bad.length === 0 ? undefined : `${bad.join(' and ')} is not a time of day`;
    }, 'Use an hour from 0 to 23 and a minute from 0 to 59, e.g. BackupSchedule.daily(2, 30)');
  }

  /** Every `interval` from the controller's start (robfig/cron's `@every`; at least one minute). */
  public static every(interval: Duration): BackupSchedule {
    const problem = durationProblem(interval, { step: 's' });
    const text = problem === undefined ? `@every ${goDuration(interval)}` : `@every ${String(interval)}`;
    return new BackupSchedule(text, () => {
      if (problem !== undefined) return `interval ${problem}`;
      return interval.toSeconds() < 60 ? `interval ${goDuration(interval)} is shorter than a minute: every base backup copies the whole data folder` : undefined;
    }, 'Use a Duration of whole seconds of at least one minute, e.g. Duration.hours(6)');
  }

  /**
   * A six-field cron expression with seconds first (`0 30 2 * * 0`: Sundays at 02:30:00), as
   * CloudNativePG reads it.
   */
  public static cron(expression: string): BackupSchedule {
    return new BackupSchedule(String(expression).trim(), () => cronProblem(expression), 'Write six fields, seconds first, e.g. "0 0 2 * * *" for 02:00:00 every day (Kubernetes CronJobs have five: add the seconds)');
  }

  private constructor(
    /** The text of the ScheduledBackup's `schedule`. */
    public readonly expression: string,
    private readonly check: () => string | undefined,
    /** How to write a valid one, for the problem's fix. */
    public readonly fix: string,
  ) {}

  /** What is wrong with it, as a phrase after "schedule" (no trailing period); undefined when it is fine. */
  public problem(): string | undefined {
    return this.check();
  }
}

const isIn = (n: number, min: number, max: number) => Number.isInteger(n) && n >= min && n <= max;

/** The range of each of robfig/cron's six fields (seconds, minutes, hours, day of month, month, day of week). */
const FIELDS: readonly (readonly [string, number, number])[] = [
  ['second', 0, 59],
  ['minute', 0, 59],
  ['hour', 0, 23],
  ['day of month', 1, 31],
  ['month', 1, 12],
  ['day of week', 0, 6],
];

/**
 * What robfig/cron (with seconds) would refuse in `expression`, numbers only: `*`, `?`, lists, ranges and
 * steps of numbers in the field's range. Month and weekday names are left out on purpose: one grammar that
 * is checked beats a wider one that is not.
 */
function cronProblem(expression: unknown): string | undefined {
  if (typeof expression !== 'string') return `is a ${typeof expression}, not a cron expression`;
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 6) return `"${expression}" has ${fields.length} fields, and CloudNativePG reads six (seconds first)`;
  for (let i = 0; i < 6; i++) {
    const [name, min, max] = FIELDS[i];
    for (const part of fields[i].split(',')) {
      const m = /^(\*|\?|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
      const numbers = m ? [m[2], m[3]].filter((x): x is string => x !== undefined).map(Number) : [];
      const step = m?.[4] === undefined ? 1 : Number(m[4]);
      if (!m || numbers.some((n) => n < min || n > max) || (numbers.length === 2 && numbers[0] > numbers[1]) || step < 1) {
        return `"${expression}" has ${name} "${part}", which is not ${min}-${max}, "*", a list, range or step of them`;
      }
    }
  }
  return undefined;
}
