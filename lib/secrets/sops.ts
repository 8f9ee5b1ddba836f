// The SOPS document format (YAML store, age key source) as sops 3.13.3 and Flux's kustomize-controller read it,
// written from the format and checked against the real sops binary (test/e2e/sops-interop.test.ts). Synchronous,
// because the synth is. The facts this relies on, from sops' sources (sops.go, aes/cipher.go, stores/):
//  - Tree.Encrypt walks the document in order; a list item gets the path of its list (no index), a map value
//    the path plus its key. A leaf is encrypted when a path element matches the crypt rule; its AES-GCM
//    additional data is the path joined by ':' plus a trailing ':'.
//  - The MAC is SHA-512 over the ToBytes of every leaf in walk order (all leaves, not only the encrypted ones,
//    unless mac_only_encrypted), nulls and comments excluded; upper-case hex, encrypted as a `str` value with the
//    RFC 3339 `lastmodified` (as Go re-formats it) as additional data.
//  - Empty strings stay empty (never ENC[…]) but still go through the MAC (contributing no bytes).
//  - The `sops` block is written with its keys sorted: age (each entry: enc, recipient), encrypted_regex,
//    lastmodified, mac, version; empty key-source lists are left out.
import { createCipheriv, createDecipheriv, createHash, Hash, randomBytes } from 'crypto';
import type { Document as YamlDocument } from 'yaml';
import { yaml } from '../core/yaml-package';
import { ageDecrypt, ageEncrypt, parseAgeRecipient } from './age';

const { Document, isAlias, isMap, isNode, isScalar, isSeq, parseAllDocuments, visit } = yaml;

/** The sops version written into `sops.version`: the one the e2e tier checks the format against. */
export const SOPS_VERSION = '3.13.3';

/** Encrypt only a Kubernetes Secret's payload, and leave apiVersion/kind/metadata readable for kustomize. */
export const DEFAULT_ENCRYPTED_REGEX = '^(data|stringData)$';

/** What sops assumes when a file names no crypt rule at all (sops.DefaultUnencryptedSuffix). */
const DEFAULT_UNENCRYPTED_SUFFIX = '_unencrypted';

/** sops.MACOnlyEncryptedInitialization: seeds the hash so the two MAC modes never collide. */
const MAC_ONLY_ENCRYPTED_INIT = Buffer.from('8a3fd2ad54ce66527b1034f3d147be0b0b975b3bf44f72c6fdadec8176f27d69', 'hex');

const DATA_KEY_SIZE = 32;
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
interface CryptRule {
  readonly kind: 'encrypted_regex' | 'unencrypted_regex' | 'encrypted_suffix' | 'unencrypted_suffix';
  readonly value: string;
  readonly regex?: RegExp;
}

/** Mirrors sops' Tree.shouldBeEncrypted for the rules that do not depend on comments. */
function shouldBeEncrypted(path: readonly string[], rule: CryptRule): boolean {
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
function goRegExp(pattern: string): RegExp {
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
function canonicalLastModified(text: string): string {
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
function leafBytes(value: string | number | bigint | boolean, path: readonly string[]): { bytes: Buffer; type: string } {
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

function pathText(path: readonly string[]): string {
  return path.length === 0 ? '(root)' : path.join(':');
}

/** One value in sops' `ENC[AES256_GCM,…]` form. */
function encryptValue(bytes: Buffer, type: string, key: Buffer, additionalData: string): string {
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
function decryptValue(text: string, key: Buffer, additionalData: string, where: string): { plain: Buffer; type: string } {
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
const COMMENT = Symbol('sops comment');

/** The typed value and the MAC bytes of a decrypted leaf, as aes.Cipher.Decrypt then ToBytes produce them. */
function typedPlaintext(plain: Buffer, type: string, where: string): { value: unknown; bytes?: Buffer } {
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
function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

// ---------------------------------------------------------------------------------------------------------------
// Encryption.

/**
 * Encrypts a document (a Kubernetes Secret, typically) into the YAML text of a sops file for age recipients,
 * readable by `sops --decrypt` and by Flux's kustomize-controller. Values whose path has a key matching
 * `encryptedRegex` become `ENC[AES256_GCM,…]`; everything else stays readable but is covered by the MAC.
 * Output is random (data key, IVs), so callers wanting stable files must cache it.
 */
export function sopsEncrypt(doc: Record<string, unknown>, options: SopsEncryptOptions): string {
  if (!isPlainObject(doc)) throw new Error('sops: the document must be a plain object (a YAML mapping)');
  if (Object.prototype.hasOwnProperty.call(doc, 'sops')) throw new Error('sops: the document already has a top-level "sops" key');
  if (options.recipients.length === 0) throw new Error('sops: at least one age recipient is required');
  options.recipients.forEach(parseAgeRecipient);
  const encryptedRegex = options.encryptedRegex ?? DEFAULT_ENCRYPTED_REGEX;
  const rule: CryptRule = { kind: 'encrypted_regex', value: encryptedRegex, regex: goRegExp(encryptedRegex) };
  const lastModified = canonicalLastModified(options.lastModified);

  const dataKey = randomBytes(DATA_KEY_SIZE);
  const hash = createHash('sha512');
  // Built fresh rather than mutated, so the caller's object (often a shared plan manifest) is left alone.
  const walk = (value: unknown, path: readonly string[]): unknown => {
    if (value === null || value === undefined) return null;
    if (Array.isArray(value)) return value.map((item) => walk(item, path));
    if (isPlainObject(value)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        // YAML output drops undefined members, so they are not part of the document sops will see.
        if (v !== undefined) setKey(out, k, walk(v, [...path, k]));
      }
      return out;
    }
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'bigint' && typeof value !== 'boolean') {
      throw new Error(`sops: unsupported value at ${pathText(path)} (${Object.prototype.toString.call(value)})`);
    }
    const { bytes, type } = leafBytes(value, path);
    hash.update(bytes);
    // sops leaves empty strings as they are: there is nothing to hide, and "" decrypts to "".
    if (!shouldBeEncrypted(path, rule) || value === '') return value;
    return encryptValue(bytes, type, dataKey, `${path.join(':')}:`);
  };
  const encrypted = walk(doc, []) as Record<string, unknown>;
  // Go's %X: upper-case hex.
  const mac = hash.digest('hex').toUpperCase();

  const sops = {
    age: options.recipients.map((recipient) => ({ enc: ageEncrypt(dataKey, [recipient]), recipient })),
    encrypted_regex: encryptedRegex,
    lastmodified: lastModified,
    mac: encryptValue(Buffer.from(mac), 'str', dataKey, lastModified),
    version: SOPS_VERSION,
  };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(encrypted)) setKey(out, k, v);
  out.sops = sops;
  return toSopsYaml(out);
}

/** Plain scalars yaml.v3 (sops' parser) resolves to something other than a string, besides numbers. */
const GO_YAML_KEYWORDS = new Set(
  ['', '~', 'null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE', '<<'].concat(
    ['.nan', '.NaN', '.NAN'],
    ['', '+', '-'].flatMap((sign) => ['.inf', '.Inf', '.INF'].map((inf) => sign + inf)),
  ),
);

/**
 * Whether yaml.v3, as sops reads it, would take this string, written plain, for a non-string (its resolve()):
 * keywords, and anything starting with a digit, sign or dot that parses as a number once underscores are
 * dropped, including Go-only forms like `1e3`, `0o17`, `1_000` that YAML 1.1 writers leave unquoted.
 */
function goYamlReadsAsNonString(s: string): boolean {
  if (GO_YAML_KEYWORDS.has(s)) return true;
  if (s.startsWith('.')) return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(s);
  if (!/^[-+0-9]/.test(s)) return false;
  const plain = s.replace(/_/g, '');
  return /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(plain) || /^[-+]?0([xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)$/.test(plain);
}

/**
 * The project's YAML style (YAML 1.1 quoting for Go consumers, no folding, no anchors, see lib/core/yaml.ts),
 * plus double quotes on every string yaml.v3 would otherwise read as a number, boolean or null: the MAC
 * covers readable values too, so sops must read back exactly the strings that were hashed.
 */
function toSopsYaml(value: Record<string, unknown>): string {
  const doc = new Document(value, { version: '1.1', aliasDuplicateObjects: false });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && goYamlReadsAsNonString(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString({ lineWidth: 0, indent: 2 });
}

// ---------------------------------------------------------------------------------------------------------------
// Decryption.

interface SopsMetadata {
  readonly ageEncs: readonly string[];
  readonly lastModified: string;
  readonly mac: string;
  readonly rule: CryptRule;
  readonly macOnlyEncrypted: boolean;
}

function metadataString(meta: Record<string, unknown>, key: string): string | undefined {
  const v = meta[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new Error(`sops: metadata field ${key} is not a string`);
  return v;
}

/** Reads the `sops` block, refusing what this implementation cannot honour rather than decrypting wrongly. */
function readMetadata(meta: unknown): SopsMetadata {
  if (!isPlainObject(meta)) throw new Error('sops: the "sops" metadata is not a mapping');
  const groups = meta.key_groups;
  if (Array.isArray(groups) && groups.length > 1) throw new Error('sops: several key groups (Shamir secret sharing) are not supported');
  if (metadataString(meta, 'unencrypted_comment_regex') || metadataString(meta, 'encrypted_comment_regex')) {
    // Those rules depend on YAML comments, which this reader does not track.
    throw new Error('sops: encrypted_comment_regex and unencrypted_comment_regex are not supported');
  }
  const entries = [
    ...(Array.isArray(meta.age) ? meta.age : []),
    ...(Array.isArray(groups) && groups.length === 1 && isPlainObject(groups[0]) && Array.isArray(groups[0].age) ? groups[0].age : []),
  ];
  const ageEncs = entries.map((e: unknown) => {
    if (!isPlainObject(e) || typeof e.enc !== 'string') throw new Error('sops: malformed age entry in the metadata');
    return e.enc;
  });
  if (ageEncs.length === 0) throw new Error('sops: the file has no age recipients (other key sources are not supported)');
  const lastModified = metadataString(meta, 'lastmodified');
  if (!lastModified) throw new Error('sops: the metadata has no lastmodified');
  const mac = metadataString(meta, 'mac');
  if (!mac) throw new Error('sops: the metadata has no MAC');

  const rules = (['encrypted_regex', 'unencrypted_regex', 'encrypted_suffix', 'unencrypted_suffix'] as const)
    .map((kind) => ({ kind, value: metadataString(meta, kind) }))
    .filter((r): r is { kind: CryptRule['kind']; value: string } => r.value !== undefined);
  if (rules.length > 1) throw new Error(`sops: more than one crypt rule in the metadata (${rules.map((r) => r.kind).join(', ')})`);
  const chosen = rules[0] ?? { kind: 'unencrypted_suffix' as const, value: DEFAULT_UNENCRYPTED_SUFFIX };
  const rule: CryptRule = chosen.kind.endsWith('_regex') ? { ...chosen, regex: goRegExp(chosen.value) } : chosen;
  const macOnly = meta.mac_only_encrypted;
  if (macOnly !== undefined && macOnly !== null && typeof macOnly !== 'boolean') throw new Error('sops: mac_only_encrypted is not a boolean');
  return { ageEncs, lastModified, mac, rule, macOnlyEncrypted: macOnly === true };
}

function unwrapDataKey(encs: readonly string[], identity: string): Buffer {
  const failures: string[] = [];
  for (const enc of encs) {
    let key: Buffer;
    try {
      key = ageDecrypt(enc, identity);
    } catch (err) {
      failures.push((err as Error).message);
      continue;
    }
    if (key.length !== DATA_KEY_SIZE) throw new Error(`sops: the data key is ${key.length} bytes, not ${DATA_KEY_SIZE}`);
    return key;
  }
  throw new Error(`sops: could not decrypt the data key with the given age identity (${failures.join('; ')})`);
}

/**
 * Decrypts the YAML text of a sops file (one document, age recipients) with an age identity
 * (`AGE-SECRET-KEY-1…`) and returns the plaintext document without its `sops` block. Checks every value's
 * GCM tag and the file's MAC, so a changed, added, removed or reordered value, readable or not, throws.
 * Plain scalars are read with the YAML 1.2 core schema; integers come back as numbers (beyond 2^53 rounded,
 * as yaml.parse would round them), after the MAC has been computed from their exact digits.
 */
export function sopsDecrypt(text: string, identity: string): Record<string, unknown> {
  // Walking the YAML nodes, not a converted object, keeps document order exactly: the MAC depends on it, and a
  // JavaScript object would move integer-like keys ("1", "2") to the front.
  const docs = parseAllDocuments(text, { intAsBigInt: true });
  if (!Array.isArray(docs)) throw new Error('sops: the text holds no YAML document');
  if (docs.length !== 1) throw new Error(`sops: expected one YAML document, found ${docs.length}`);
  const doc: YamlDocument.Parsed = docs[0];
  // The YAML package's message quotes the line; only where it is goes into this one.
  if (doc.errors.length > 0) throw new Error(`sops: invalid YAML${yamlErrorLine(doc.errors[0])}`);
  const root = doc.contents;
  if (!isMap(root)) throw new Error('sops: the document is not a mapping');
  const sopsPair = root.items.find((p) => isScalar(p.key) && p.key.value === 'sops');
  if (!sopsPair) throw new Error('sops: the document has no "sops" metadata: it is not encrypted');
  const meta = readMetadata(isNode(sopsPair.value) ? sopsPair.value.toJS(doc) : sopsPair.value);

  const dataKey = unwrapDataKey(meta.ageEncs, identity);
  const hash: Hash = createHash('sha512');
  if (meta.macOnlyEncrypted) hash.update(MAC_ONLY_ENCRYPTED_INIT);

  const leaf = (value: unknown, path: readonly string[]): unknown => {
    // sops does not walk nulls: they are neither decrypted nor hashed.
    if (value === null || value === undefined) return null;
    const where = pathText(path);
    const encrypted = shouldBeEncrypted(path, meta.rule);
    let result: unknown;
    let bytes: Buffer | undefined;
    if (encrypted) {
      if (typeof value !== 'string') throw new Error(`sops: the value at ${where} should be encrypted but is a ${typeof value}`);
      if (value === '') {
        result = '';
        bytes = Buffer.alloc(0);
      } else {
        const { plain, type } = decryptValue(value, dataKey, `${path.join(':')}:`, where);
        ({ value: result, bytes } = typedPlaintext(plain, type, where));
      }
    } else {
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'bigint' && typeof value !== 'boolean') {
        throw new Error(`sops: unsupported value at ${where}`);
      }
      result = typeof value === 'bigint' ? Number(value) : value;
      bytes = leafBytes(value, path).bytes;
    }
    if (bytes && (!meta.macOnlyEncrypted || encrypted)) hash.update(bytes);
    return result;
  };

  const walk = (node: unknown, path: readonly string[]): unknown => {
    if (isAlias(node)) return walk(node.resolve(doc), path);
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      for (const pair of node.items) {
        if (node === root && pair === sopsPair) continue;
        const keyNode = isAlias(pair.key) ? pair.key.resolve(doc) : pair.key;
        const key = isScalar(keyNode) ? keyNode.value : keyNode;
        // sops refuses non-string keys as well (Tree.walkBranch).
        if (typeof key !== 'string') throw new Error(`sops: non-string key under ${pathText(path)}; only string keys are supported`);
        const value = walk(pair.value, [...path, key]);
        if (value !== COMMENT) setKey(out, key, value);
      }
      return out;
    }
    if (isSeq(node)) return node.items.map((item) => walk(item, path)).filter((v) => v !== COMMENT);
    // yaml.v3 writes a "<<" string as `!!merge <<` and reads it back as the string; so does this reader.
    if (isScalar(node)) return leaf(typeof node.value === 'symbol' && node.value.description === '<<' ? '<<' : node.value, path);
    if (node === null || node === undefined) return null;
    throw new Error(`sops: unsupported YAML node under ${pathText(path)}`);
  };
  const plaintext = walk(root, []) as Record<string, unknown>;

  const lastModified = canonicalLastModified(meta.lastModified);
  let fileMac: string;
  try {
    const { plain } = decryptValue(meta.mac, dataKey, lastModified, 'sops.mac');
    fileMac = plain.toString('utf8');
  } catch (err) {
    throw new Error(`sops: MAC mismatch: cannot decrypt the file's MAC (${(err as Error).message})`);
  }
  const computed = hash.digest('hex').toUpperCase();
  if (fileMac !== computed) throw new Error('sops: MAC mismatch: the file was modified after it was encrypted');
  return plaintext;
}

/** ` at line N` of a YAML error, or nothing. */
function yamlErrorLine(error: { linePos?: [{ line: number }, ...unknown[]] }): string {
  const line = error.linePos?.[0]?.line;
  return line !== undefined ? ` at line ${line}` : '';
}

/**
 * What keeps `text` from being a SOPS file at all (before any key is tried), as a phrase for a message
 * about it, or undefined: not YAML, several documents, not a mapping, or no `sops` metadata (a file
 * decrypted in place, whose values are then in plain text). Never quotes the text.
 */
export function sopsFileProblem(text: string): string | undefined {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs) || docs.length === 0) return 'is empty';
  if (docs.length > 1) return `holds ${docs.length} YAML documents, where a SOPS file holds one`;
  const doc = docs[0] as YamlDocument.Parsed;
  if (doc.errors.length > 0) return `is not valid YAML${yamlErrorLine(doc.errors[0])}`;
  if (doc.contents === null) return 'is empty';
  if (!isMap(doc.contents)) return 'is not a YAML mapping';
  if (!doc.contents.items.some((p) => isScalar(p.key) && p.key.value === 'sops')) {
    return 'is not SOPS-encrypted: it has no sops metadata, so any value in it is in plain text';
  }
  return undefined;
}

/** The age recipients a sops file is encrypted for (its readable `sops.age[].recipient` entries), sorted. */
export function sopsRecipients(text: string): string[] {
  return [...text.matchAll(/^\s*-?\s*recipient:\s*(age1[0-9a-z]+)\s*$/gm)].map((m) => m[1]).sort();
}

/**
 * `sopsDecrypt` with the first of `identities` that opens the file: the document, or the last error when
 * none does (empty when there was no identity to try).
 */
export function sopsDecryptWithAny(text: string, identities: readonly string[]): { doc: Record<string, unknown> } | { error: string } {
  let error = '';
  for (const identity of identities) {
    try {
      return { doc: sopsDecrypt(text, identity) };
    } catch (err) {
      error = (err as Error).message;
    }
  }
  return { error };
}
