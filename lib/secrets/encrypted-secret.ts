import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { yaml } from '../core/yaml-package';
import type { Manifest } from '../model/manifest';
import { ballastCacheDir } from '../core/cache-dir';
import { sopsEncrypt, sopsRecipients } from './sops';

/**
 * A Secret as the SOPS-encrypted YAML document Flux's kustomize-controller decrypts. SOPS encryption is
 * random (data key, IVs, timestamp), so the document made for a given plaintext and recipient list is
 * remembered in ballast's cache and reused: a re-synth with unchanged secrets writes the same bytes. The
 * cache entry is named by an HMAC with a local key (no digest of a secret lies around to be guessed at),
 * and holds only the encrypted document.
 *
 * The cache is only a cache: what cannot be read or used there (a folder where an entry or the key
 * belongs, a damaged or foreign entry, a cache folder ballast may not write) is passed over and, where
 * possible, made again; it never stops a synth, and nothing of it reaches a message. The one cost of an
 * unusable cache is new ciphertext for an unchanged Secret (the previous output's document is still
 * reused first, see previous-documents.ts).
 */
export function encryptedSecretDocument(secret: Manifest, recipients: readonly string[]): string {
  const encrypt = () => sopsEncrypt(secret, { recipients, lastModified: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') });
  const dir = path.join(ballastCacheDir(), 'sops');
  const key = localKey(dir);
  if (key === undefined) return encrypt();
  const id = crypto.createHmac('sha256', key).update(JSON.stringify({ secret, recipients: [...recipients].sort() })).digest('hex');
  const file = path.join(dir, `${id.slice(0, 40)}.yaml`);
  const cached = readEntry(file);
  if (cached !== undefined && isDocumentOf(cached, secret, recipients)) return cached;
  const document = encrypt();
  writeAtomically(file, document);
  return document;
}

/** The size of the local key, and the largest cache entry read (a Secret holds at most 1 MiB; encrypted, base64 and metadata add to it). */
const KEY_BYTES = 32;
const MAX_ENTRY_BYTES = 4 * 1024 * 1024;

/** The bytes of the regular file `file` when it is at most `max` bytes (a link, a folder, a FIFO or an unreadable file is none). */
function readSmallFile(file: string, max: number): Buffer | undefined {
  try {
    const stat = fs.lstatSync(file, { throwIfNoEntry: false });
    if (!stat?.isFile() || stat.size > max) return undefined;
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/** A cache entry's text, or undefined when there is none that can be read. */
function readEntry(file: string): string | undefined {
  return readSmallFile(file, MAX_ENTRY_BYTES)?.toString('utf8');
}

/**
 * True when `text` is a whole SOPS document of `secret` for exactly `recipients`: one YAML mapping, the
 * Secret's kind, name and namespace, the same keys with encrypted values, and complete sops metadata. An
 * entry cut short, overwritten or swapped for another Secret's is not written into the output. (Without
 * a key the values cannot be checked; the HMAC name ties an entry to its plaintext.)
 */
function isDocumentOf(text: string, secret: Manifest, recipients: readonly string[]): boolean {
  // Read as written: YAML 1.1, the version sopsEncrypt writes for Go's YAML reader.
  const docs = yaml.parseAllDocuments(text, { version: '1.1' });
  if (!Array.isArray(docs) || docs.length !== 1 || docs[0].errors.length > 0) return false;
  let o: Record<string, unknown>;
  try {
    o = docs[0].toJSON() as Record<string, unknown>;
  } catch {
    return false;
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return false;
  const meta = (o.metadata ?? {}) as Record<string, unknown>;
  if (o.apiVersion !== secret.apiVersion || o.kind !== secret.kind || meta.name !== secret.metadata.name || meta.namespace !== secret.metadata.namespace) return false;
  for (const field of ['stringData', 'data'] as const) {
    const want = Object.keys((secret[field] as object | undefined) ?? {}).sort();
    const got = (o[field] ?? {}) as Record<string, unknown>;
    if (typeof got !== 'object' || got === null || JSON.stringify(Object.keys(got).sort()) !== JSON.stringify(want)) return false;
    // An empty value stays empty in SOPS (there is nothing to hide); every other one is encrypted.
    if (!Object.values(got).every((v) => v === '' || (typeof v === 'string' && ENC_VALUE.test(v)))) return false;
  }
  const sops = o.sops as Record<string, unknown> | undefined;
  if (typeof sops !== 'object' || sops === null || typeof sops.mac !== 'string' || !ENC_VALUE.test(sops.mac) || typeof sops.version !== 'string' || typeof sops.lastmodified !== 'string') return false;
  return JSON.stringify(sopsRecipients(text)) === JSON.stringify([...recipients].sort());
}

/** A value SOPS encrypted (what sopsEncrypt writes). */
const ENC_VALUE = /^ENC\[AES256_GCM,data:[A-Za-z0-9+/=]*,iv:[A-Za-z0-9+/=]+,tag:[A-Za-z0-9+/=]+,type:[a-z]+\]$/;

/** Writes `content` to `file` (0600) through a rename, so no reader sees half of it; a cache that cannot be written is left as it is. */
function writeAtomically(file: string, content: string | Buffer): boolean {
  const temporary = `${file}.${process.pid}`;
  try {
    fs.writeFileSync(temporary, content, { mode: 0o600 });
    fs.renameSync(temporary, file);
    return true;
  } catch {
    try {
      fs.rmSync(temporary, { force: true });
    } catch {
      // Not ours to clear up (a folder of that name): left as it is.
    }
    return false;
  }
}

/**
 * The cache's own random key (0600), made on first use, or made anew when the one there is not a key
 * ballast wrote (the entries it named are then passed over). Undefined when the cache folder cannot hold
 * one: the Secret is then encrypted without the cache.
 */
function localKey(dir: string): Buffer | undefined {
  const file = path.join(dir, '.hmac-key');
  const existing = readSmallFile(file, KEY_BYTES);
  if (existing?.length === KEY_BYTES) return existing;
  const key = crypto.randomBytes(KEY_BYTES);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch {
    return undefined;
  }
  return writeAtomically(file, key) ? key : undefined;
}
