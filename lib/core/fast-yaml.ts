import { yaml } from './yaml-package';

const { stringify } = yaml;

/**
 * A fast path for `toYaml`: writes plain JSON (maps, lists, strings, safe integers, booleans, null) in
 * exactly the bytes the `yaml` package writes with ballast's options, without building a YAML document
 * (which is most of the render time of a large platform). It only takes what it is sure of; anything else
 * (a key that needs quotes, a multi-line string, a float) makes it give up, and the caller uses `yaml`.
 * A differential test compares the two on every object of the default platform and a large one.
 */

/** Thrown when the fast path is not sure of the bytes. */
class NotSure extends Error {}

/** Strings YAML 1.1 reads as something else (booleans, null): `yaml` quotes them. */
const YAML11_WORDS = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'on', 'On', 'ON', 'off', 'Off', 'OFF', 'null', 'Null', 'NULL']);
/** Strings that are certainly plain scalars: a letter or `_` first, then no indicator, space or colon. */
const PLAIN = /^[A-Za-z_][A-Za-z0-9_./-]*$/;

const scalars = new Map<string, string | null>();

/** A string as `yaml` writes it in value position, when that is one line; null when it is not. */
function stringScalar(s: string, options: object): string {
  if (PLAIN.test(s) && !YAML11_WORDS.has(s)) return s;
  let out = scalars.get(s);
  if (out === undefined) {
    const text = stringify(s, options).replace(/\n$/, '');
    out = text.includes('\n') || /^[|>]/.test(text) ? null : text;
    if (scalars.size > 100_000) scalars.clear();
    scalars.set(s, out);
  }
  if (out === null) throw new NotSure();
  return out;
}

function key(k: string): string {
  if (PLAIN.test(k) && !YAML11_WORDS.has(k)) return k;
  throw new NotSure();
}

function isMap(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  // A plain object: its prototype is Object.prototype, of this realm or another (structuredClone, which
  // the patch path copies objects with, makes them in the outer realm under a test runner's sandbox).
  const proto = Object.getPrototypeOf(v) as object | null;
  return proto === null || proto === Object.prototype || Object.getPrototypeOf(proto) === null;
}

function scalar(v: unknown, options: object): string {
  if (typeof v === 'string') return stringScalar(v, options);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === null) return 'null';
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  throw new NotSure();
}

/** True when `m` has a key whose value is not undefined (`yaml` leaves undefined values out). */
function hasEntries(m: Record<string, unknown>): boolean {
  for (const k in m) if (m[k] !== undefined) return true;
  return false;
}

// The emitters below loop with `for...in` over plain objects (whose prototype is Object.prototype, so no
// inherited keys) rather than `Object.entries`: no arrays to allocate for every map of every object.

function emitMap(m: Record<string, unknown>, indent: number, out: string[], options: object): void {
  const pad = ' '.repeat(indent);
  for (const k in m) {
    const v = m[k];
    if (v !== undefined) emitEntry(`${pad}${key(k)}:`, v, indent, out, options);
  }
}

function emitEntry(head: string, v: unknown, indent: number, out: string[], options: object): void {
  if (isMap(v)) {
    if (!hasEntries(v)) out.push(`${head} {}`);
    else {
      out.push(head);
      emitMap(v, indent + 2, out, options);
    }
  } else if (Array.isArray(v)) {
    if (v.length === 0) out.push(`${head} []`);
    else {
      out.push(head);
      emitSeq(v, indent + 2, out, options);
    }
  } else {
    out.push(`${head} ${scalar(v, options)}`);
  }
}

function emitSeq(list: unknown[], indent: number, out: string[], options: object): void {
  const pad = ' '.repeat(indent);
  for (const item of list) {
    if (item === undefined) throw new NotSure();
    if ((isMap(item) && hasEntries(item)) || (Array.isArray(item) && item.length > 0)) {
      // The first line of the nested block goes on the dash line.
      const first = out.length;
      if (isMap(item)) emitMap(item, indent + 2, out, options);
      else emitSeq(item as unknown[], indent + 2, out, options);
      out[first] = `${pad}- ${out[first].slice(indent + 2)}`;
    } else if (isMap(item)) out.push(`${pad}- {}`);
    else if (Array.isArray(item)) out.push(`${pad}- []`);
    else out.push(`${pad}- ${scalar(item, options)}`);
  }
}

/** `value` as YAML, or undefined when the fast path is not sure of the bytes. */
export function fastYaml(value: unknown, options: object): string | undefined {
  if (!isMap(value)) return undefined;
  try {
    if (!hasEntries(value)) return '{}\n';
    const out: string[] = [];
    emitMap(value, 0, out, options);
    return `${out.join('\n')}\n`;
  } catch (err) {
    if (err instanceof NotSure) return undefined;
    throw err;
  }
}
