import * as fs from 'fs';
import * as path from 'path';

const SECRET_VALUE_MARK = Symbol.for('ballast.SecretValue');

/** A rule a secret value must follow (a Terraform variable validation). */
export interface SecretConstraint {
  /** RE2 pattern the whole value must match, e.g. `^[A-Za-z0-9]{16,}$`. */
  readonly pattern: string;
  /** Said when the value does not match. */
  readonly message: string;
}

/** Where a secret value comes from. */
export type SecretSource =
  /** A sensitive Terraform variable: only Terraform ever sees the value. */
  | { readonly kind: 'variable'; readonly name: string }
  /** An environment variable of the synth process. */
  | { readonly kind: 'env'; readonly name: string }
  /** A file outside `dist/` (keep it out of Git). */
  | { readonly kind: 'file'; readonly path: string }
  /** Generated once, then kept in the generated-secrets file (never in `dist/`). */
  | { readonly kind: 'generated'; readonly name: string; readonly length: number };


/**
 * A secret value. Either ballast never sees it (`fromVariable`: a sensitive Terraform variable, for the
 * Terraform bootstrap), or synth reads it (`fromEnv`, `fromFile`, `generated`) to write it SOPS-encrypted
 * into the Flux repository. No plaintext ever reaches `dist/`.
 */
export class SecretValue {
  /**
   * A value read from the sensitive Terraform variable `name` (set it with `TF_VAR_<name>`).
   * @param description shown by `terraform plan` when the variable is missing
   */
  public static fromVariable(name: string, description: string, constraint?: SecretConstraint): SecretValue {
    return new SecretValue({ kind: 'variable', name }, description, constraint);
  }

  /** The value of the environment variable `name` when synth runs (for SOPS-encrypted secrets). */
  public static fromEnv(name: string, description = `environment variable ${name}`): SecretValue {
    return new SecretValue({ kind: 'env', name }, description);
  }

  /** The content of a file (trailing newline removed), e.g. `secrets/api-token`; never inside `dist/`. */
  public static fromFile(file: string, description = `file ${file}`): SecretValue {
    return new SecretValue({ kind: 'file', path: file }, description);
  }

  /**
   * A random value of `length` URL-safe characters, made on the first synth that needs it and kept in the
   * platform's SOPS-encrypted secrets file (`sops.secretsFile`, committed beside the platform code), so
   * that no synth in any checkout that holds the platform's age key changes it; a new value only when it
   * is rotated by name.
   */
  public static generated(name: string, length = 32): SecretValue {
    return new SecretValue({ kind: 'generated', name, length }, `generated secret ${name}`);
  }

  /**
   * True for a SecretValue, also one made by another copy of ballast. Secret inputs check it at run time:
   * a JavaScript caller (or a cast) can pass a plain string where the types ask for a SecretValue, and
   * that string would be written into the output.
   */
  public static isSecretValue(x: unknown): x is SecretValue {
    return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[SECRET_VALUE_MARK] === true;
  }

  /**
   * The default secret a component makes for itself (`Component.defaultSecret`): like `fromVariable` or
   * `generated`, and it records the construct path that made it, so that two components whose defaults
   * share a name are told apart (one variable or generated name is one secret).
   */
  public static defaultOf(owner: string, source: SecretValue): SecretValue {
    return new SecretValue(source.source, source.description, source.constraint, owner);
  }

  private constructor(
    public readonly source: SecretSource,
    public readonly description: string,
    /** What a valid value looks like: Terraform refuses any other before it writes anything. */
    public readonly constraint?: SecretConstraint,
    /** The construct path of the component that made this value as its default; undefined for the user's own. */
    public readonly owner?: string,
  ) {
    Object.defineProperty(this, SECRET_VALUE_MARK, { value: true });
  }

  /** The Terraform variable name, for a value from a Terraform variable; undefined otherwise. */
  public get variable(): string {
    return this.source.kind === 'variable' ? this.source.name : '';
  }

  /** True when synth can read the value (not a Terraform variable). */
  public get knownAtSynth(): boolean {
    return this.source.kind !== 'variable';
  }

  /** Where the value comes from, for messages: `the Terraform variable x`, `the environment variable X`... */
  public get origin(): string {
    const s = this.source;
    switch (s.kind) {
      case 'variable':
        return `the Terraform variable ${s.name}`;
      case 'env':
        return `the environment variable ${s.name}`;
      case 'file':
        return `the file ${s.path}`;
      case 'generated':
        return `the generated secret ${s.name}`;
    }
  }

  /**
   * The value, read now; a generated one through `generated` (the platform's secrets file, which the plan
   * opens). Throws a `SecretUnavailable` that says what to provide when it cannot be read (a Terraform
   * variable never can).
   */
  public resolve(generated?: (name: string, length: number) => string): string {
    const s = this.source;
    switch (s.kind) {
      case 'variable':
        throw new SecretUnavailable(`it comes from ${this.origin}, which only Terraform sees`, 'Use SecretValue.fromEnv, fromFile or generated for a secret Flux applies, or keep it with Terraform');
      case 'env': {
        const value = process.env[s.name];
        if (value === undefined || value === '') throw new SecretUnavailable(`the environment variable ${s.name} is not set`, `Set ${s.name} before running synth`);
        return value;
      }
      case 'file': {
        const file = path.resolve(s.path);
        if (file.split(path.sep).includes('dist')) throw new SecretUnavailable(`the file ${s.path} is inside dist/`, 'Keep secret files outside the output (and out of Git)');
        return readSecretFile(s.path).replace(/\r?\n$/, '');
      }
      case 'generated':
        if (!generated) {
          throw new SecretUnavailable(`${this.origin} is kept in the platform's secrets file`, 'Read it through a synth (the plan opens that file), not on its own');
        }
        return generated(s.name, s.length);
    }
  }
}

/**
 * The largest secret file read: a Kubernetes Secret holds at most 1 MiB, so a larger file is not the
 * secret (a wrong path, an archive, a log) and would only end in the API server's refusal.
 */
const MAX_SECRET_FILE = 1024 * 1024;

/**
 * The text of the secret file `given` (a path as the code gave it). What is not a regular file of at most
 * 1 MiB of UTF-8 text (nothing, a folder, a FIFO that would block the synth, a file ballast may not read,
 * a binary file whose bytes UTF-8 decoding would silently change) is a SecretUnavailable naming the path
 * and the fix, never a crash; no byte of the file is in the message.
 */
function readSecretFile(given: string): string {
  const file = path.resolve(given);
  const failure = (err: unknown) => {
    const code = (err as { code?: unknown } | null)?.code;
    if (code === 'EACCES' || code === 'EPERM') return new SecretUnavailable(`the file ${given} cannot be read: permission denied`, `Let the user who runs ballast read it (chmod u+r ${file}, or run ballast as the file's owner)`);
    if (code === 'ENOTDIR') return new SecretUnavailable(`the file ${given} does not exist: a folder on its path is a file`, `Write the secret into ${file}`);
    if (code === 'ELOOP') return new SecretUnavailable(`the file ${given} is a symbolic link that leads to itself`, `Write the secret into ${file}`);
    return new SecretUnavailable(`the file ${given} cannot be read (${typeof code === 'string' ? code : 'unknown error'})`, `Check that ${file} is a file the user who runs ballast can read`);
  };
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(file, { throwIfNoEntry: false });
  } catch (err) {
    throw failure(err);
  }
  if (stat === undefined) throw new SecretUnavailable(`the file ${given} does not exist`, `Write the secret into ${file}`);
  if (stat.isDirectory()) throw new SecretUnavailable(`the file ${given} is a folder`, 'Give SecretValue.fromFile the path of the file that holds the secret, not of its folder');
  if (!stat.isFile()) throw new SecretUnavailable(`the file ${given} is not a regular file (a device, FIFO or socket): reading it could block the synth or never end`, `Write the secret into a regular file and give its path to SecretValue.fromFile`);
  if (stat.size > MAX_SECRET_FILE) {
    throw new SecretUnavailable(`the file ${given} holds ${stat.size} bytes, more than the 1 MiB (${MAX_SECRET_FILE} bytes) a Kubernetes Secret can hold`, 'Give SecretValue.fromFile the file that holds the secret itself (a token, a key, a certificate)');
  }
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw failure(err);
  }
  // Checked again on the bytes read: the file may have grown since its size was looked at.
  if (bytes.length > MAX_SECRET_FILE) throw new SecretUnavailable(`the file ${given} holds more than the 1 MiB (${MAX_SECRET_FILE} bytes) a Kubernetes Secret can hold`, 'Give SecretValue.fromFile the file that holds the secret itself (a token, a key, a certificate)');
  try {
    // A byte-order mark stays part of the value, as it always was: a value must not change under a user.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new SecretUnavailable(`the file ${given} is not UTF-8 text (a binary file), and a Secret's value is written as text`, `Base64-encode it (base64 -w0 ${file} > ${file}.b64), read that file, and decode the value where it is used`);
  }
}

/** A secret synth cannot read, with what to do about it. */
export class SecretUnavailable extends Error {
  /** Its message says what to provide: printed as it is, never wrapped as unexpected. */
  public readonly userFacing = true;

  constructor(
    public readonly problem: string,
    public readonly fix: string,
  ) {
    super(`${problem}. ${fix}.`);
  }
}

/**
 * A Kubernetes Secret that a component needs before it runs: created by the Terraform bootstrap from
 * sensitive variables, or written SOPS-encrypted into the Flux repository (the component's `secrets`).
 * Components reference it by name (charts' `existingSecret`, Traefik's basic auth, Flux `valuesFrom`).
 */
export interface BootstrapSecret {
  readonly namespace: string;
  readonly name: string;
  /** @default Opaque */
  readonly type?: string;
  /** @default none */
  readonly labels?: Record<string, string>;
  /** Secret keys and the values they take; plain strings are for parts that are not secret (user names). */
  readonly data: Record<string, SecretValue | string>;
}

/** Options of `Component.addBootstrapSecret`. */
export interface BootstrapSecretOptions {
  /** The Secret's type, e.g. `kubernetes.io/basic-auth`. @default Opaque */
  readonly type?: string;
  /** @default none */
  readonly labels?: Record<string, string>;
  /**
   * Keys whose values are not secret (a user name, a host): written as they are. A key that conventionally
   * holds a secret (`password`, `token`...) is refused here.
   * @default none
   */
  readonly plainData?: Record<string, string>;
}
