import { Size, SizeRoundingBehavior } from 'cdk8s';
import type { Cpu } from 'cdk8s-plus-27';

// Sizes (cdk8s `Size`) and CPU (cdk8s-plus `Cpu`) as Kubernetes quantities. The types rule out most
// mistakes; what they cannot (a fraction of a byte, a CPU finer than a millicore, NaN, a negative amount,
// or a plain string from a JavaScript caller) is said here as a problem sentence, and the renderers turn
// a checked value into the quantity text Kubernetes reads.
//
// Problems are phrases that follow the name of the setting ("storageSize" + " is NaN bytes"), without a
// trailing period, so that callers can build `reportProblem` messages from them.

/** What a size or CPU must be beyond its type. */
export interface AmountRule {
  /** Zero is refused (a volume, a limit or a node of no size). @default true */
  readonly positive?: boolean;
}

/** One sentence saying how to give a size. */
export const describeSize = 'Use a cdk8s Size of whole bytes, e.g. Size.gibibytes(20) or Size.mebibytes(512)';
/** One sentence saying how to give CPU. */
export const describeCpu = 'Use a cdk8s-plus Cpu of whole millicores, e.g. Cpu.millis(500) or Cpu.units(2)';

// ---------------------------------------------------------------------------------------------------
// The quantity grammar, for the text inside a Cpu (its `amount` is a public, writable string)
// ---------------------------------------------------------------------------------------------------

// The number and suffix forms of resource.Quantity (k8s.io/apimachinery/pkg/api/resource, quantity.go):
//   <quantity> ::= <signedNumber><suffix>
//   <number>   ::= <digits> | <digits>.<digits> | <digits>. | .<digits>
//   <suffix>   ::= <binarySI> | <decimalExponent> | <decimalSI>
// The suffix alternatives are exactly what suffix.go's interpret() accepts after parseQuantityString()
// has split the string: a table entry, or "e"/"E" followed by what strconv.ParseInt reads.
const QUANTITY = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?$/;
const BINARY_POWER: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_POWER: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

interface Quantity {
  readonly negative: boolean;
  /** All the digits of the number, without its point. */
  readonly digits: string;
  /** How many of `digits` come after the point. */
  readonly fractionDigits: number;
  /** The value is `digits / 10^fractionDigits × 2^binaryPower × 10^decimalPower`. */
  readonly binaryPower: number;
  readonly decimalPower: bigint;
}

/**
 * Parses a quantity as `resource.ParseQuantity` does, with one deliberate difference: a number needs at
 * least one digit. (The Go scanner reads "+", "-" and "." as zero, but the grammar above excludes them
 * and nobody writes them on purpose.)
 */
function parseQuantity(text: string): Quantity | undefined {
  const m = QUANTITY.exec(text);
  if (!m) return undefined;
  const [, sign, whole, fraction = '', suffix = ''] = m;
  if (whole === '' && fraction === '') return undefined;
  const base = { negative: sign === '-', digits: whole + fraction, fractionDigits: fraction.length };
  if (suffix in BINARY_POWER) return { ...base, binaryPower: BINARY_POWER[suffix], decimalPower: 0n };
  if (suffix in DECIMAL_POWER) return { ...base, binaryPower: 0, decimalPower: BigInt(DECIMAL_POWER[suffix]) };
  // strconv.ParseInt(exponent, 10, 64) refuses what does not fit an int64.
  const exponent = BigInt(suffix.slice(1));
  if (exponent > INT64_MAX || exponent < INT64_MIN) return undefined;
  return { ...base, binaryPower: 0, decimalPower: exponent };
}

/** The value of a quantity as a JS number: exact enough to compare and sum CPU, not to print. */
function valueOf(q: Quantity): number {
  const magnitude = Number(q.digits) / 10 ** q.fractionDigits * 2 ** q.binaryPower * 10 ** Number(q.decimalPower);
  return q.negative ? -magnitude : magnitude;
}

/** True when the quantity is a whole number of thousandths, computed exactly (no float rounding). */
function isWholeThousandths(q: Quantity): boolean {
  const digits = BigInt(q.digits === '' ? '0' : q.digits) << BigInt(q.binaryPower);
  const shift = q.decimalPower + 3n - BigInt(q.fractionDigits);
  if (shift >= 0n || digits === 0n) return true;
  // 10^n divides the digits only if 5^n does, so n is below twice their length (and `1e-999999999` needs no 10n ** 999999999n).
  if (-shift > BigInt(2 * q.digits.length + 2)) return false;
  return digits % 10n ** -shift === 0n;
}

/** The value of a Kubernetes quantity (`500m` → 0.5, `1Ki` → 1024), or undefined when it is not one. */
export function quantityValue(text: string): number | undefined {
  const q = parseQuantity(text);
  return q === undefined ? undefined : valueOf(q);
}

// ---------------------------------------------------------------------------------------------------
// CPU
// ---------------------------------------------------------------------------------------------------

/**
 * What is wrong with `value` as CPU, as a phrase without a trailing period, or undefined when it is fine.
 * A Cpu holds its amount as the quantity text (`Cpu.millis(500).amount` is `500m`), so the text is read
 * with the quantity grammar: `Cpu.units(NaN)` holds `NaN`, `Cpu.millis(-5)` holds `-5m`. Kubernetes
 * refuses negative quantities (core/validation ValidateResourceQuantityValue) and counts CPU in
 * millicores ("Kubernetes doesn't allow you to specify CPU resources with a precision finer than 1m",
 * kubernetes.io, Resource Management for Pods and Containers): a finer CPU, such as
 * `Cpu.units(0.1 + 0.2)`, would not be what is applied, so it is refused.
 */
export function cpuProblem(value: unknown, rule: AmountRule = {}): string | undefined {
  if (!isCpu(value)) return `is ${describeValue(value)}, not a Cpu`;
  const text = value.amount;
  const q = parseQuantity(text);
  if (q === undefined || !Number.isFinite(valueOf(q))) return `is "${text}", which is not a CPU quantity`;
  const cores = valueOf(q);
  if (cores < 0) return `is "${text}", which is negative`;
  if ((rule.positive ?? true) && cores === 0) return `is "${text}", which is no CPU at all`;
  if (!isWholeThousandths(q)) return `is "${text}", finer than the millicore Kubernetes counts CPU in`;
  return undefined;
}

/** The quantity text of a CPU (`500m`, `2`), for a manifest or chart values. */
export function cpuQuantity(cpu: Cpu): string {
  return isCpu(cpu) ? cpu.amount : String(cpu);
}

/** Cores of a CPU (`Cpu.millis(500)` → 0.5), or 0 when it is not a CPU (its problem is reported where it is given). */
export function cpuCores(cpu: Cpu | undefined): number {
  if (!isCpu(cpu)) return 0;
  const cores = quantityValue(cpu.amount);
  return cores !== undefined && Number.isFinite(cores) ? cores : 0;
}

function isCpu(value: unknown): value is Cpu {
  return typeof value === 'object' && value !== null && typeof (value as { amount?: unknown }).amount === 'string';
}

// ---------------------------------------------------------------------------------------------------
// Sizes
// ---------------------------------------------------------------------------------------------------

/** Binary units, largest first, for the shortest exact quantity. Size stops at PiB; Ei is Kubernetes' largest. */
const BINARY_UNITS: readonly (readonly [string, bigint])[] = [
  ['Ei', 1n << 60n],
  ['Pi', 1n << 50n],
  ['Ti', 1n << 40n],
  ['Gi', 1n << 30n],
  ['Mi', 1n << 20n],
  ['Ki', 1n << 10n],
];

/**
 * What is wrong with `value` as a size, as a phrase without a trailing period, or undefined when it is
 * fine. A Size refuses a negative amount when it is made, but takes NaN, Infinity and fractions
 * (`Size.mebibytes(0.1)` is 104857.6 bytes); Kubernetes counts memory and storage in whole bytes, and
 * refuses a zero storage request (core/validation ValidatePersistentVolumeClaimSpec uses
 * ValidatePositiveQuantityValue).
 */
export function sizeProblem(value: unknown, rule: AmountRule = {}): string | undefined {
  if (!isSize(value)) return `is ${describeValue(value)}, not a Size`;
  const bytes = rawBytes(value);
  if (!Number.isFinite(bytes)) return `is ${bytes} bytes, not a finite size`;
  if (bytes < 0) return `is ${bytes} bytes, which is negative`;
  if ((rule.positive ?? true) && bytes === 0) return 'is 0 bytes';
  if (!isWhole(bytes)) return `is ${bytes} bytes, not a whole number of bytes`;
  return undefined;
}

/** Bytes of a size, rounded to the byte (0 when it is not a Size: its problem is reported where it is given). */
export function sizeBytes(size: Size | undefined): number {
  if (!isSize(size)) return 0;
  const bytes = rawBytes(size);
  return Number.isFinite(bytes) ? Math.round(bytes) : 0;
}

/**
 * A size as a Kubernetes binary quantity in the largest unit that divides it exactly: `20Gi`, `512Mi`,
 * `1536Mi`, or bytes alone (`1000`). Unlike `Size.asString()` (`1.5Gi`, `0.5Mi`), it never needs a
 * fraction, and a size made in MiB that is whole GiB reads as GiB.
 */
export function binaryQuantity(size: Size): string {
  if (sizeProblem(size, { positive: false }) !== undefined) return isSize(size) ? String(rawBytes(size)) : String(size);
  const bytes = BigInt(sizeBytes(size));
  if (bytes === 0n) return '0';
  const unit = BINARY_UNITS.find(([, factor]) => bytes % factor === 0n);
  return unit ? `${bytes / unit[1]}${unit[0]}` : `${bytes}`;
}

function isSize(value: unknown): value is Size {
  return typeof value === 'object' && value !== null && typeof (value as { toKibibytes?: unknown }).toKibibytes === 'function';
}

function rawBytes(size: Size): number {
  try {
    return size.toKibibytes({ rounding: SizeRoundingBehavior.NONE }) * 1024;
  } catch {
    return Number.NaN; // an object that only looks like a Size
  }
}

// ---------------------------------------------------------------------------------------------------
// Shared
// ---------------------------------------------------------------------------------------------------

/**
 * True when `x` is a whole number up to the rounding of the unit conversion that produced it
 * (`Size.gibibytes(1.1)` and `Duration.hours(1.1)` land a few ulps off the integer they mean).
 */
export function isWhole(x: number): boolean {
  return Math.abs(x - Math.round(x)) <= Math.abs(x) * 1e-12;
}

/** How a value that is not of the expected class reads in a message: `the string "2Gi"`, `a number 5`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `the string "${value}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return `the ${typeof value} ${String(value)}`;
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}
