import * as fs from 'fs';
import { fileError, FileRole, readCheckoutFile, shownPath } from '../core/checkout-file';

// An age key file decrypts every secret of the platform. Like ssh with a private key, ballast refuses one
// that other users can read (mode & 0o077) instead of using it without a word: a refusal with the chmod
// costs one line in a CI job that writes the key with the default umask, and a key left readable on a
// shared machine costs every secret. (On Windows the mode bits mean nothing, so there is no check.)

/** Where a key file came from, for the fix of a missing or damaged one. */
export type KeySource = 'SOPS_AGE_KEY_FILE' | 'sops default' | 'sops.identityFile' | 'checkout key';

const SOURCE_FIX: Record<KeySource, string> = {
  SOPS_AGE_KEY_FILE: 'Point SOPS_AGE_KEY_FILE at the file age-keygen wrote (or put the key itself in SOPS_AGE_KEY)',
  'sops default': "Put the key age-keygen wrote there, or move the file away and point SOPS_AGE_KEY_FILE at the key's file",
  'sops.identityFile': "Point the platform's sops.identityFile at the file age-keygen wrote",
  'checkout key': "Move it away: ballast then makes a new key there, and the secrets file needs re-encrypting for it by one of its recipients (sops updatekeys)",
};

/** What a key file is in messages, and its fix by where it came from. */
function keyRole(source: KeySource): FileRole {
  return { what: `the age key file (${source})`, restore: () => SOURCE_FIX[source] };
}

/** True when group or others may read, write or run `file` (mode & 0o077). */
function openToOthers(stat: fs.Stats): boolean {
  return process.platform !== 'win32' && (stat.mode & 0o077) !== 0;
}

/**
 * The text of the age key file `file`, or undefined when there is none. A folder, an unreadable file, or a
 * file other users can read (it is not read then) is refused with the file's path and the fix.
 */
export function readAgeKeyFile(file: string, source: KeySource): string | undefined {
  const role = keyRole(source);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(file, { throwIfNoEntry: false });
  } catch {
    stat = undefined;
  }
  if (stat?.isFile() && openToOthers(stat)) {
    const who = (stat.mode & 0o007) !== 0 ? 'every user of this machine' : 'its group';
    throw fileError(
      file,
      `${role.what} can be read by ${who} (mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')}), and the key in it decrypts every secret of the platform, so ballast does not use it`,
      `Make it private: chmod 600 ${shownPath(file)} (ssh refuses such a key for the same reason; in CI, chmod it after writing it, or give the key itself in SOPS_AGE_KEY)`,
    );
  }
  return readCheckoutFile(file, role);
}

/** The refusal of a key file that holds no `AGE-SECRET-KEY-1...` line (or no valid one). */
export function noKeyError(file: string, source: KeySource, holds = 'no age private key (a line AGE-SECRET-KEY-1...)'): Error {
  const role = keyRole(source);
  return fileError(file, `${role.what} holds ${holds}`, SOURCE_FIX[source]);
}
