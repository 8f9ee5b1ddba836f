import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { Manifest } from '../plan/deployment-plan';
import { ballastCacheDir } from '../reference/locate';
import { sopsEncrypt } from './sops';

/**
 * A Secret as the SOPS-encrypted YAML document Flux's kustomize-controller decrypts. SOPS encryption is
 * random (data key, IVs, timestamp), so the document made for a given plaintext and recipient list is
 * remembered in ballast's cache and reused: a re-synth with unchanged secrets writes the same bytes. The
 * cache entry is named by an HMAC with a local key (no digest of a secret lies around to be guessed at),
 * and holds only the encrypted document.
 */
export function encryptedSecretDocument(secret: Manifest, recipients: readonly string[]): string {
  const dir = path.join(ballastCacheDir(), 'sops');
  const id = crypto.createHmac('sha256', localKey(dir)).update(JSON.stringify({ secret, recipients: [...recipients].sort() })).digest('hex');
  const file = path.join(dir, `${id.slice(0, 40)}.yaml`);
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8');
  const lastModified = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const document = sopsEncrypt(secret, { recipients, lastModified });
  fs.writeFileSync(`${file}.${process.pid}`, document, { mode: 0o600 });
  fs.renameSync(`${file}.${process.pid}`, file);
  return document;
}

/** The cache's own random key (0600), made on first use. */
function localKey(dir: string): Buffer {
  const file = path.join(dir, '.hmac-key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(`${file}.${process.pid}`, crypto.randomBytes(32), { mode: 0o600 });
    fs.renameSync(`${file}.${process.pid}`, file);
  }
  return fs.readFileSync(file);
}
