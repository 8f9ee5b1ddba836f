// The value level of the SOPS format as sops 3.13.3 writes it (see sops.ts for the document level): the
// AES-GCM `ENC[...]` values, the bytes each leaf contributes to the MAC, the crypt rule, and Go's number and
// regular-expression forms where sops' output depends on them.
import { createCipheriv, createDecipheriv, randomBytes } from 'crypto';

/** The sops version written into `sops.version`: the one the e2e tier checks the format against. */
export const SOPS_VERSION = '3.13.3';

/** Encrypt only a Kubernetes Secret's payload, and leave apiVersion/kind/metadata readable for kustomize. */
export const DEFAULT_ENCRYPTED_REGEX = '^(data|stringData)$';

/** What sops assumes when a file names no crypt rule at all (sops.DefaultUnencryptedSuffix). */
export const DEFAULT_UNENCRYPTED_SUFFIX = '_unencrypted';

/** sops.MACOnlyEncryptedInitialization: seeds the hash so the two MAC modes never collide. */
export const MAC_ONLY_ENCRYPTED_INIT = Buffer.from('8a3fd2ad54ce66527b1034f3d147be0b0b975b3bf44f72c6fdadec8176f27d69', 'hex');

export const DATA_KEY_SIZE = 32;
// sops uses 32-byte GCM nonces (aes.nonceSize), not the usual 12.
const IV_SIZE = 32;
const GCM_TAG_SIZE = 16;

/** Options of {@link sopsEncrypt}. */
export interface SopsEncryptOptions {
  /** age X25519 recipients (`age1…`); each gets its own copy of the data key. */
  readonly recipients: readonly string[];
  /** A value is encrypted when any key on its path matches (unanchored, like Go's regexp.Match). */
  readonly encryptedRegex?: string;
  /** RFC 3339, e.g. `2026-11-30T03:00:00Z`; the MAC is bound to it. Passed in so callers control the clock. */
  readonly lastModified: string;
}

/** Which leaves a file encrypts: the one crypt rule of its metadata (sops allows at most one). */
export interface CryptRule {
  readonly kind: 'encrypted_regex' | 'unencrypted_regex' | 'encrypted_suffix' | 'unencrypted_suffix';
  readonly value: string;
  readonly regex?: RegExp;
}

/** Mirrors sops' Tree.shouldBeEncrypted for the rules that do not depend on comments. */
export function shouldBeEncrypted(path: readonly string[], rule: CryptRule): boolean {
  switch (rule.kind) {
    case 'unencrypted_suffix':
      return !path.some((p) => p.endsWith(rule.value));
    case 'encrypted_suffix':
      return path.some((p) => p.endsWith(rule.value));
    case 'unencrypted_regex':
      return !path.some((p) => rule.regex!.test(p));
    case 'encrypted_regex':
      return path.some((p) => rule.regex!.test(p));
  }
}

/**
 * Compiles a Go (RE2) pattern as a JavaScript RegExp. The common subset is the same; a leading inline flag
 * group such as `(?i)` is RE2-only in Node 20, so it is turned into RegExp flags.
 */
export function goRegExp(pattern: string): RegExp {
  const inline = /^\(\?([ims]+)\)/.exec(pattern);
  try {
    return inline ? new RegExp(pattern.slice(inline[0].length), [...new Set(inline[1])].join('')) : new RegExp(pattern);
  } catch {
    // Neither the pattern nor RegExp's message (which quotes it) is repeated: it comes from the file.
    throw new Error('sops: the crypt rule of the metadata is not a valid regular expression');
  }
}

/**
 * Go's time.Parse(time.RFC3339) then Format(time.RFC3339): fractional seconds are dropped and a zero offset
 * becomes "Z". The MAC's additional data is this re-formatted text, not the text in the file.
 */
export function canonicalLastModified(text: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (!m) throw new Error('sops: lastmodified is not an RFC 3339 timestamp');
  const [, y, mo, d, h, mi, s, zone] = m;
  const date = new Date(Date.UTC(+y, +mo - 1, +d, +h, +mi, +s));
  const valid =
    date.getUTCFullYear() === +y && date.getUTCMonth() === +mo - 1 && date.getUTCDate() === +d && +h < 24 && +mi < 60 && +s < 60;
  if (!valid) throw new Error('sops: lastmodified is not a valid date and time');
  if (zone !== 'Z' && (+zone.slice(1, 3) > 23 || +zone.slice(4) > 59)) throw new Error('sops: lastmodified has an invalid offset');
  const offset = zone === 'Z' || zone.slice(1) === '00:00' ? 'Z' : zone;
  return `${y}-${mo}-${d}T${h}:${mi}:${s}${offset}`;
}

/** Go's strconv.FormatFloat(f, 'f', -1, 64): shortest round-trip digits, never an exponent. */
function goFormatFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  const s = Object.is(n, -0) ? '-0' : String(n);
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  // JavaScript switches to exponent notation at 1e21 and below 1e-6; Go's 'f' format never does.
  const [, sign, int, frac = '', expText] = m;
  const digits = int + frac;
  const point = int.length + Number(expText);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A leaf as sops' ToBytes sees it (the MAC input) and as aes.Cipher.Encrypt types it. */
export function leafBytes(value: string | number | bigint | boolean, path: readonly string[]): { bytes: Buffer; type: string } {
  switch (typeof value) {
    case 'string':
      return { bytes: Buffer.from(value, 'utf8'), type: 'str' };
    case 'boolean':
      // Go's sops writes Python-style booleans (a legacy of the original Python sops).
      return { bytes: Buffer.from(value ? 'True' : 'False'), type: 'bool' };
    case 'bigint':
      if (value < INT64_MIN || value > INT64_MAX) throw new Error(`sops: integer at ${pathText(path)} does not fit in 64 bits`);
      return { bytes: Buffer.from(value.toString()), type: 'int' };
    case 'number':
      // yaml.v3 reads an integral number without a fraction or exponent as an int, so that is what it is typed as.
      return Number.isSafeInteger(value)
        ? { bytes: Buffer.from(String(value)), type: 'int' }
        : { bytes: Buffer.from(goFormatFloat(value)), type: 'float' };
  }
}

export function pathText(path: readonly string[]): string {
  return path.length === 0 ? '(root)' : path.join(':');
}

/** One value in sops' `ENC[AES256_GCM,…]` form. */
export function encryptValue(bytes: Buffer, type: string, key: Buffer, additionalData: string): string {
  const iv = randomBytes(IV_SIZE);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: GCM_TAG_SIZE });
  cipher.setAAD(Buffer.from(additionalData, 'utf8'));
  const data = Buffer.concat([cipher.update(bytes), cipher.final()]);
  const b64 = (b: Buffer): string => b.toString('base64');
  return `ENC[AES256_GCM,data:${b64(data)},iv:${b64(iv)},tag:${b64(cipher.getAuthTag())},type:${type}]`;
}

const ENC_VALUE = /^ENC\[AES256_GCM,data:([A-Za-z0-9+/=]*),iv:([A-Za-z0-9+/=]+),tag:([A-Za-z0-9+/=]+),type:([a-z]+)\]$/;

function strictBase64(s: string, what: string, where: string): Buffer {
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw new Error(`sops: malformed ${what} in the value at ${where}`);
  return Buffer.from(s, 'base64');
}

/** Opens one `ENC[…]` value; throws (without quoting the value) on a bad format or a failed tag. */
export function decryptValue(text: string, key: Buffer, additionalData: string, where: string): { plain: Buffer; type: string } {
  const m = ENC_VALUE.exec(text);
  if (!m) throw new Error(`sops: the value at ${where} is not in sops' ENC[AES256_GCM,…] format`);
  const data = strictBase64(m[1], 'data', where);
  const iv = strictBase64(m[2], 'iv', where);
  const tag = strictBase64(m[3], 'tag', where);
  // Node would accept a truncated tag; sops only ever writes full 16-byte tags, so anything else is forged.
  if (tag.length !== GCM_TAG_SIZE || iv.length === 0) throw new Error(`sops: malformed iv or tag in the value at ${where}`);
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: GCM_TAG_SIZE });
  decipher.setAAD(Buffer.from(additionalData, 'utf8'));
  decipher.setAuthTag(tag);
  try {
    return { plain: Buffer.concat([decipher.update(data), decipher.final()]), type: m[4] };
  } catch {
    throw new Error(`sops: could not decrypt the value at ${where}: authentication failed (tampered, or the wrong data key)`);
  }
}

/** A comment leaf (type `comment`): not part of the data, not part of the MAC. */
export const COMMENT = Symbol('sops comment');

/** The typed value and the MAC bytes of a decrypted leaf, as aes.Cipher.Decrypt then ToBytes produce them. */
export function typedPlaintext(plain: Buffer, type: string, where: string): { value: unknown; bytes?: Buffer } {
  const text = plain.toString('utf8');
  const bad = (): Error => new Error(`sops: the decrypted value at ${where} is not a valid ${type}`);
  switch (type) {
    case 'str':
      return { value: text, bytes: plain };
    case 'int': {
      if (!/^[+-]?\d+$/.test(text)) throw bad();
      const n = BigInt(text);
      if (n < INT64_MIN || n > INT64_MAX) throw bad();
      // Read exactly for the MAC, handed out as a number as yaml.parse would.
      return { value: Number(n), bytes: Buffer.from(n.toString()) };
    }
    case 'float': {
      const n = parseGoFloat(text);
      if (n === undefined) throw bad();
      return { value: n, bytes: Buffer.from(goFormatFloat(n)) };
    }
    case 'bool': {
      // strconv.ParseBool's spellings.
      if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return { value: true, bytes: Buffer.from('True') };
      if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return { value: false, bytes: Buffer.from('False') };
      throw bad();
    }
    case 'bytes':
      return { value: plain, bytes: plain };
    case 'time':
      // sops wrote time.MarshalText; hand the text back rather than a Date that would lose the zone.
      return { value: text, bytes: plain };
    case 'comment':
      return { value: COMMENT };
    default:
      throw new Error(`sops: unknown value type ${JSON.stringify(type)} at ${where}`);
  }
}

/** strconv.ParseFloat for the decimal forms sops writes (FormatFloat 'f'), plus Inf/NaN. */
function parseGoFloat(text: string): number | undefined {
  if (/^[+-]?(inf|infinity)$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(text)) return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

/** Assigns without going through a `__proto__` setter, so a key named so stays data. */
export function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}
