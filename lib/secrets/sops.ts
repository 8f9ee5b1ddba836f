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
import { createHash, Hash, randomBytes } from 'crypto';
import type { Document as YamlDocument } from 'yaml';
import { yaml } from '../core/yaml-package';
import { ageDecrypt, ageEncrypt, parseAgeRecipient } from './age';
import {
  COMMENT,
  CryptRule,
  DATA_KEY_SIZE,
  DEFAULT_ENCRYPTED_REGEX,
  DEFAULT_UNENCRYPTED_SUFFIX,
  MAC_ONLY_ENCRYPTED_INIT,
  SOPS_VERSION,
  SopsEncryptOptions,
  canonicalLastModified,
  decryptValue,
  encryptValue,
  goRegExp,
  isPlainObject,
  leafBytes,
  pathText,
  setKey,
  shouldBeEncrypted,
  typedPlaintext,
} from './sops-values';

export { DEFAULT_ENCRYPTED_REGEX, SOPS_VERSION };
export type { SopsEncryptOptions };

const { Document, isAlias, isMap, isNode, isScalar, isSeq, parseAllDocuments, visit } = yaml;

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
