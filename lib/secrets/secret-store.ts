import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { conflictError, fileError, FileRole, hasConflictMarkers, readCheckoutFile, readCheckoutJson, shownPath } from '../core/checkout-file';
import { shapeProblem } from '../core/json-shape';
import { ageRecipientOf, generateAgeIdentity } from './age';
import { KeySource, noKeyError, readAgeKeyFile } from './age-key-file';
import { sopsDecryptWithAny, sopsEncrypt, sopsFileProblem, sopsRecipients } from './sops';

/** The key of the generated values in the secrets file: the one subtree SOPS encrypts. */
const VALUES_KEY = 'generated';
/** What a generated secret is made of: URL-safe, so it fits in URIs and connection strings as it is. */
const GENERATED_ALPHABET = /^[A-Za-z0-9_-]+$/;

/** Where synth looks for age private keys, in the order sops itself does. */
export function ageIdentitySources(identityFile?: string): string[] {
  const sopsDefault = path.join(process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), 'sops', 'age', 'keys.txt');
  return ['SOPS_AGE_KEY', 'SOPS_AGE_KEY_FILE', sopsDefault, ...(identityFile ? [identityFile] : [])];
}

/**
 * The age private keys synth can use: `SOPS_AGE_KEY` (the keys themselves), `SOPS_AGE_KEY_FILE`, sops'
 * default `~/.config/sops/age/keys.txt`, and the platform's `sops.identityFile`. Lines other than
 * `AGE-SECRET-KEY-1...` (comments, public keys) are skipped, as age-keygen writes them.
 */
export function ageIdentities(identityFile?: string): string[] {
  const texts: string[] = [];
  if (process.env.SOPS_AGE_KEY) texts.push(process.env.SOPS_AGE_KEY);
  const sources: [string | undefined, KeySource][] = [
    [process.env.SOPS_AGE_KEY_FILE, 'SOPS_AGE_KEY_FILE'],
    [ageIdentitySources(identityFile)[2], 'sops default'],
    [identityFile, 'sops.identityFile'],
  ];
  for (const [file, source] of sources) {
    const text = file ? readAgeKeyFile(file, source) : undefined;
    if (text !== undefined) texts.push(text);
  }
  return texts.flatMap((t) => t.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.startsWith('AGE-SECRET-KEY-1')));
}

/**
 * The age key in `file`, made (mode 0600, parent folders 0700) when the file does not exist: a key of
 * this checkout for a platform whose owner has none yet. Returns the private and the public key. With
 * `save: false` (a `diff`, which writes nothing) a missing key is made in memory only. A key file others
 * can read, a folder, or a file without a key is refused with its path.
 */
export function localAgeKey(file: string, options: { readonly save?: boolean } = {}): { identity: string; recipient: string } {
  let text = readAgeKeyFile(file, 'checkout key');
  if (text === undefined && options.save === false) return generateAgeIdentity();
  if (text === undefined) {
    const made = generateAgeIdentity();
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
    fs.writeFileSync(`${file}.${process.pid}`, `# public key: ${made.recipient}\n${made.identity}\n`, { mode: 0o600 });
    fs.renameSync(`${file}.${process.pid}`, file);
    text = `${made.identity}\n`;
  }
  const identity = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l.startsWith('AGE-SECRET-KEY-1'));
  if (!identity) throw noKeyError(file, 'checkout key');
  let recipient: string;
  try {
    recipient = ageRecipientOf(identity);
  } catch {
    // age's message names the problem, never the key; still, nothing of the file goes into this one.
    throw noKeyError(file, 'checkout key', 'an age private key that is not valid');
  }
  return { identity, recipient };
}

/** Why a value could not be had from the store. */
export class SecretStoreError extends Error {
  constructor(
    public readonly problem: string,
    public readonly fix: string,
  ) {
    super(`${problem}. ${fix}.`);
  }
}

/** What happened to one generated secret in a synth. */
export type GeneratedStatus = 'kept' | 'new' | 'rotated';

/** Options of a {@link SecretStore}. */
export interface SecretStoreOptions {
  /** The SOPS-encrypted secrets file. */
  readonly file: string;
  /** Age public keys the file is encrypted for (the platform's `sops.ageRecipients`). */
  readonly recipients: readonly string[];
  /** An extra age key file to read the file with (the platform's `sops.identityFile`). */
  readonly identityFile?: string;
  /** Names of the generated secrets the previous synth used (from its inventory): never invented again. */
  readonly previouslyUsed: ReadonlySet<string>;
  /** Names to give a new value on purpose. */
  readonly rotate: ReadonlySet<string>;
  /** Where the previous synth's inventory is, for messages. */
  readonly previousOutput?: string;
  /**
   * The plaintext JSON file earlier versions kept generated values in (`.ballast/generated-secrets.json`):
   * read once when the encrypted file does not exist yet, so an upgrade keeps every value.
   * @default none
   */
  readonly legacyFile?: string;
}

/**
 * The platform's generated secret values, kept SOPS-encrypted in a file committed beside the platform code
 * (as Pulumi keeps a stack's secrets in its configuration): any checkout that holds one of the platform's
 * age keys synthesizes the same values. A value is made only on its first use, or when rotated by name; a
 * value the previous synth used that the file does not hold is an error, never a silent new password.
 * Decrypting happens on the first read; the file is rewritten only when a value was added or rotated, or
 * the recipients changed.
 */
export class SecretStore {
  private values: Map<string, string> | undefined;
  private fileRecipients: string[] = [];
  private readonly statuses = new Map<string, GeneratedStatus>();
  private migrated = false;

  constructor(private readonly options: SecretStoreOptions) {}

  /** The file, as given. */
  public get file(): string {
    return this.options.file;
  }

  /** The value of the generated secret `name` of `length` characters (see the class comment). */
  public generated(name: string, length: number): string {
    const values = this.load();
    const known = values.get(name);
    if (this.options.rotate.has(name) && this.statuses.get(name) !== 'rotated') {
      const value = randomValue(length);
      values.set(name, value);
      this.statuses.set(name, 'rotated');
      return value;
    }
    if (known !== undefined) {
      if (!this.statuses.has(name)) this.statuses.set(name, 'kept');
      if (!GENERATED_ALPHABET.test(known)) throw new SecretStoreError(`the generated secret ${name} in ${this.file} is not URL-safe`, `Rotate it: --rotate ${name}`);
      if (known.length !== length) {
        throw new SecretStoreError(
          `the generated secret ${name} is asked for with ${length} characters, but ${this.file} holds one of ${known.length}`,
          `Ask for it with one length everywhere, or rotate it to the new length: --rotate ${name}`,
        );
      }
      return known;
    }
    if (this.options.previouslyUsed.has(name)) {
      throw new SecretStoreError(
        `the generated secret ${name} was used by the previous synth${this.options.previousOutput ? ` (${this.options.previousOutput})` : ''}, but ${this.file} does not hold it: a new value would change it under the running workloads`,
        `Restore ${this.file} (it is committed beside the platform code), or give it a new value on purpose: --rotate ${name}`,
      );
    }
    const value = randomValue(length);
    values.set(name, value);
    this.statuses.set(name, 'new');
    return value;
  }

  /** Every generated secret this synth asked for, and what happened to it, sorted by name. */
  public get used(): { name: string; status: GeneratedStatus }[] {
    return [...this.statuses.entries()].map(([name, status]) => ({ name, status })).sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /** Rotations asked for that name no generated secret of this synth. */
  public unusedRotations(): string[] {
    return [...this.options.rotate].filter((n) => !this.statuses.has(n));
  }

  /** True when `save` would write the file. */
  public get changed(): boolean {
    if (this.values === undefined) return false;
    const wanted = [...this.options.recipients].sort();
    return this.migrated || this.used.some((u) => u.status !== 'kept') || wanted.join() !== [...this.fileRecipients].sort().join();
  }

  /**
   * Writes the file when a value was added or rotated or the recipients changed (aside, then renamed):
   * values of names this synth did not use are kept, since another platform program may share the file.
   */
  public save(): void {
    // Without a recipient nothing can be encrypted; the plan has already refused such a platform.
    if (!this.changed || this.values === undefined || this.options.recipients.length === 0) return;
    const generated = Object.fromEntries([...this.values.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
    const lastModified = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const text = sopsEncrypt({ [VALUES_KEY]: generated }, { recipients: this.options.recipients, encryptedRegex: `^${VALUES_KEY}$`, lastModified });
    fs.mkdirSync(path.dirname(path.resolve(this.file)), { recursive: true });
    fs.writeFileSync(`${this.file}.${process.pid}`, text, { mode: 0o600 });
    fs.renameSync(`${this.file}.${process.pid}`, this.file);
    this.fileRecipients = [...this.options.recipients];
    this.migrated = false;
  }

  private load(): Map<string, string> {
    if (this.values) return this.values;
    const role = secretsRole(this.options.recipients);
    const text = readCheckoutFile(this.file, role);
    if (text === undefined) {
      // Values an earlier version kept in a plaintext, git-ignored file move into the encrypted one.
      this.values = new Map(Object.entries(this.options.legacyFile ? readLegacyValues(this.options.legacyFile) : {}));
      this.migrated = this.values.size > 0;
      return this.values;
    }
    // What the file is, before any key is tried: a merge's markers, not YAML, not SOPS (never quoted).
    if (hasConflictMarkers(text)) throw conflictError(this.file, role);
    const problem = sopsFileProblem(text);
    if (problem) throw fileError(this.file, `${role.what} ${problem}`, role.restore(shownPath(this.file)));
    const identities = ageIdentities(this.options.identityFile);
    const opened = sopsDecryptWithAny(text, identities);
    if ('error' in opened) {
      throw new SecretStoreError(
        identities.length === 0
          ? `${this.file} holds the generated secrets, but no age key was found to decrypt it (looked at ${ageIdentitySources(this.options.identityFile).join(', ')})`
          : `${this.file} cannot be decrypted with the ${identities.length} age key(s) found (${opened.error})`,
        'Set SOPS_AGE_KEY_FILE to the key file of one of its recipients (age-keygen -y prints a key\'s public key)',
      );
    }
    const values = opened.doc[VALUES_KEY];
    if (typeof values !== 'object' || values === null || Array.isArray(values)) {
      throw fileError(this.file, `${role.what} has no "${VALUES_KEY}" mapping`, role.restore(shownPath(this.file)));
    }
    this.values = new Map(Object.entries(values as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
    this.fileRecipients = sopsRecipients(text);
    return this.values;
  }
}

/**
 * The platform's secrets file in messages. Its values cannot be made again (running workloads use them),
 * so the fix is Git's copy, never a new file; a file decrypted in place is encrypted again, for the
 * platform's recipients (public keys, safe to print).
 */
function secretsRole(recipients: readonly string[]): FileRole {
  const encrypt = (shown: string) => `sops --encrypt --age ${recipients.length > 0 ? recipients.join(',') : '<your age public key>'} --encrypted-regex '^${VALUES_KEY}$' --in-place ${shown}`;
  return {
    what: "the platform's secrets file",
    restore: (shown) => `Restore it from Git (git checkout -- ${shown}); if it was decrypted in place, encrypt it again (${encrypt(shown)}) and, if the plain file was ever committed, rotate its values (--rotate <name>)`,
    conflict: (shown) =>
      `sops cannot merge an encrypted file: take one side whole (git checkout --ours -- ${shown}, or --theirs), then synth again; a value only the other side had is then refused by name, and can be rotated (--rotate <name>)`,
  };
}

/** The plaintext file of an earlier version, in messages. */
const LEGACY_ROLE: FileRole = {
  what: 'the generated secrets of an earlier ballast version',
  restore: () => 'Restore it from the copy it was taken from (it was never committed), or move it away and rotate what it held (--rotate <name>)',
};

/** The values of the earlier versions' plaintext file, checked: a mapping of names to strings. */
function readLegacyValues(file: string): Record<string, string> {
  const parsed = readCheckoutJson(file, LEGACY_ROLE);
  if (parsed === undefined) return {};
  const problem = shapeProblem(parsed, { map: 'string' });
  if (problem) throw fileError(file, `${LEGACY_ROLE.what} is not what that version wrote: ${problem}`, LEGACY_ROLE.restore(shownPath(file)));
  return parsed as Record<string, string>;
}

function randomValue(length: number): string {
  // base64url of enough bytes, cut to length: every character from the URL-safe alphabet.
  return crypto.randomBytes(Math.ceil((length * 3) / 4) + 3).toString('base64url').slice(0, length);
}
