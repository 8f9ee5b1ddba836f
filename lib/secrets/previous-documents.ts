import * as fs from 'fs';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import type { Manifest } from '../plan/deployment-plan';
import { ageIdentities } from './secret-store';
import { sopsDecrypt } from './sops';

/** The encrypted document of a Secret a previous output already holds, when its plaintext is the same. */
export type PreviousDocument = (file: string, secret: Manifest, recipients: readonly string[]) => string | undefined;

/**
 * Looks up encrypted Secrets in the previous output folder `dir`: a document that decrypts (with an age key
 * synth can read) to exactly `secret`, for exactly `recipients`, is reused as it is. SOPS encryption is
 * random, so without this a fresh clone or a CI job would write new ciphertext for every unchanged Secret,
 * and every commit of its output would touch them all. Files are read and decrypted once, on first use.
 */
export function previousDocuments(dir: string, identityFile?: string): PreviousDocument {
  const identities = ageIdentities(identityFile);
  const byFile = new Map<string, { text: string; plain: unknown; recipients: string[] }[]>();
  const documentsOf = (file: string) => {
    let docs = byFile.get(file);
    if (docs) return docs;
    docs = [];
    const full = path.join(dir, file);
    const text = identities.length > 0 && fs.existsSync(full) ? fs.readFileSync(full, 'utf8') : '';
    for (const part of text.split(/^---\n/m).filter((d) => d.includes('\nsops:'))) {
      for (const identity of identities) {
        try {
          docs.push({ text: part, plain: sopsDecrypt(part, identity), recipients: [...part.matchAll(/^\s*recipient:\s*(age1[0-9a-z]+)\s*$/gm)].map((m) => m[1]).sort() });
          break;
        } catch {
          // Not this key's document (or not a valid one): it is simply not reused.
        }
      }
    }
    byFile.set(file, docs);
    return docs;
  };
  return (file, secret, recipients) => {
    const wanted = [...recipients].sort();
    const found = documentsOf(file).find((d) => isDeepStrictEqual(d.recipients, wanted) && isDeepStrictEqual(d.plain, secret));
    return found?.text;
  };
}
