import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import { FileRole, readCheckoutFile, restoreFromGit } from '../core/checkout-file';
import type { Manifest } from '../model/manifest';
import { ageIdentities } from './secret-store';
import { sopsDecryptWithAny, sopsRecipients } from './sops';

/** A file of the previous Flux output, in messages: committed, so Git has the good copy. */
const PREVIOUS_FILE_ROLE: FileRole = { what: "a file of the previous synth's Flux output", restore: restoreFromGit };

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
    // Read inside the previous output only (a link leading out is refused); a folder or an unreadable
    // file is refused with its path rather than failing as a bug.
    const text = identities.length > 0 ? (readCheckoutFile(path.join(dir, file), PREVIOUS_FILE_ROLE, { within: dir }) ?? '') : '';
    for (const part of text.split(/^---\n/m).filter((d) => d.includes('\nsops:'))) {
      // A document no key of ours opens (or not a valid one) is simply not reused.
      const opened = sopsDecryptWithAny(part, identities);
      if ('doc' in opened) docs.push({ text: part, plain: opened.doc, recipients: sopsRecipients(part) });
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
