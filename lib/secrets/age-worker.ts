// The age operations ballast needs, run inside the worker thread that age-bridge.ts starts. They live in a
// worker because age-encryption is an ES module whose functions are all async, while the synth that calls them
// is CommonJS and synchronous; the bridge waits for each answer with Atomics.wait.
//
// ageWorkerMain is started from its own source text (Function.prototype.toString), so that it runs the same
// way from the tsc build and under ts-jest, which compiles in memory and leaves no worker file on disk. Its body
// must therefore be self-contained: it may use nothing from this module's scope, only `require` and its
// workerData. Type-only imports are fine (they leave no code behind). Code coverage instrumentation adds
// counters from the module's scope to the body and breaks it (each call then fails at once, saying why): the age
// files are not for coverage runs.

/** The operations the worker performs: the arguments each takes and what it answers. */
export interface AgeOperations {
  /** Validates an X25519 recipient (`age1…`); answers it unchanged. */
  parseRecipient: { args: [recipient: string]; result: string };
  /** Validates an X25519 identity (`AGE-SECRET-KEY-1…`); answers it trimmed and upper-case. */
  parseIdentity: { args: [identity: string]; result: string };
  /** A fresh X25519 identity and its recipient. */
  generate: { args: []; result: { identity: string; recipient: string } };
  /** The recipient of an identity. */
  recipientOf: { args: [identity: string]; result: string };
  /** Encrypts to recipients; answers the ASCII-armored file. */
  encrypt: { args: [plaintext: Uint8Array, recipients: string[]]; result: string };
  /** Decrypts an ASCII-armored file with one identity. */
  decrypt: { args: [armored: string, identity: string]; result: Uint8Array };
}

/** A call to the worker. */
export type AgeRequest = { [K in keyof AgeOperations]: { op: K; args: AgeOperations[K]['args'] } }[keyof AgeOperations];

/** The worker's answer: a result, or the message of the Error it threw (Errors do not cross threads intact). */
export type AgeReply = { ok: true; result: AgeOperations[keyof AgeOperations]['result'] } | { ok: false; message: string };

/** The states of the shared Int32Array the two threads coordinate on (slot 0). */
export const AGE_STATE = {
  /** No call in flight: the caller may claim the worker. */
  idle: 0,
  /** The caller posted a request and waits. */
  busy: 1,
  /** The worker posted its reply. */
  done: 2,
  /** The worker stopped after being idle; the caller must start another. */
  closed: 3,
} as const;

/** What the bridge hands the worker. */
export interface AgeWorkerData {
  /** Absolute paths, since code evaluated in a worker resolves bare names from the working directory. */
  readonly agePath: string;
  readonly scureBasePath: string;
  /** Requests come in and replies go out on this port. */
  readonly port: import('worker_threads').MessagePort;
  /** An Int32Array of one slot over a SharedArrayBuffer, in the AGE_STATE states. */
  readonly state: Int32Array;
  /** How long the worker waits for another request before it stops. */
  readonly idleMs: number;
}

/** The worker's body. Self-contained: see the comment at the top of this file. */
export function ageWorkerMain(): void {
  const { workerData } = require('worker_threads') as typeof import('worker_threads');
  const { agePath, scureBasePath, port, state, idleMs } = workerData as AgeWorkerData;
  // Repeated from AGE_STATE, which this body cannot reach.
  const IDLE = 0;
  const DONE = 2;
  const CLOSED = 3;

  // Loaded once; a failure is reported on every request rather than killing the worker, so the caller gets
  // the reason at once instead of waiting for its timeout.
  let age: typeof import('age-encryption') | undefined;
  let bech32: (typeof import('@scure/base'))['bech32'] | undefined;
  let loadError: string | undefined;
  try {
    // require() of an ES module, which Node does from 20.19 on.
    age = require(agePath) as typeof import('age-encryption');
    bech32 = (require(scureBasePath) as typeof import('@scure/base')).bech32;
  } catch (err) {
    // Older Node refuses require() of an ES module with this code: say what to upgrade to.
    const hint = (err as { code?: unknown }).code === 'ERR_REQUIRE_ESM' ? '; it needs Node 20.19 or later' : '';
    loadError = `age: could not load age-encryption in the worker thread (${(err as Error).message.split('\n')[0]})${hint}`;
  }

  /**
   * A short reason for a Bech32 decoding failure. The library's own messages may quote the input, which for
   * an identity is a secret key, so they are mapped to fixed phrases rather than passed on.
   */
  const bech32Problem = (err: unknown): string => {
    const message = err instanceof Error ? err.message : String(err);
    if (/checksum/i.test(message)) return 'invalid checksum';
    if (/mixed-case/i.test(message)) return 'mixed case';
    if (/separator/i.test(message)) return 'no "1" separator';
    if (/string length|data length/i.test(message)) return 'too short';
    if (/letter|printable|string expected/i.test(message)) return 'invalid character';
    if (/padding/i.test(message)) return 'invalid padding';
    return 'not valid Bech32';
  };

  /** Decodes Bech32 without the 90-character limit (age lifts it), or says why it cannot. */
  const decode = (s: string): { prefix: string; bytes: Uint8Array } | { problem: string } => {
    try {
      const { prefix, words } = bech32!.decode(s, false);
      return { prefix, bytes: bech32!.fromWords(words) };
    } catch (err) {
      return { problem: bech32Problem(err) };
    }
  };

  /** Only X25519 recipients: what sops writes and reads as `age` key sources. */
  const checkRecipient = (r: string): string => {
    // A recipient is public and is quoted, unless it is an identity given by mistake: that is a secret key.
    const shown = typeof r === 'string' && /^age-secret-key-/i.test(r.trim()) ? '(an age identity, not shown)' : JSON.stringify(r);
    const bad = (why: string): Error => new Error(`malformed age recipient ${shown}: ${why}`);
    if (typeof r !== 'string') throw bad('not a string');
    const decoded = decode(r);
    if ('problem' in decoded) throw bad(decoded.problem);
    // age writes recipients in lower case only, and refuses "AGE1…" itself.
    if (decoded.prefix !== 'age' || !r.startsWith('age1')) throw bad('not an "age1…" X25519 recipient');
    if (decoded.bytes.length !== 32) throw bad(`public key is ${decoded.bytes.length} bytes, not 32`);
    return r;
  };

  /** Only X25519 identities; Bech32 is case-insensitive as a whole, so a lower-case one is accepted. */
  const checkIdentity = (i: string): string => {
    const bad = (why: string): Error => new Error(`malformed age identity: ${why}`);
    if (typeof i !== 'string') throw bad('not a string');
    const trimmed = i.trim();
    const decoded = decode(trimmed);
    if ('problem' in decoded) throw bad(decoded.problem);
    if (decoded.prefix !== 'age-secret-key-') throw bad('not an "AGE-SECRET-KEY-1…" X25519 identity');
    if (decoded.bytes.length !== 32) throw bad(`secret key is ${decoded.bytes.length} bytes, not 32`);
    // age-encryption reads the upper-case form only; decoding succeeded, so the case was not mixed.
    return trimmed.toUpperCase();
  };

  type Handlers = { [K in keyof AgeOperations]: (...args: AgeOperations[K]['args']) => Promise<AgeOperations[K]['result']> };
  const handlers: Handlers = {
    parseRecipient: async (recipient) => checkRecipient(recipient),
    parseIdentity: async (identity) => checkIdentity(identity),
    generate: async () => {
      // X25519 explicitly: generateIdentity may switch to post-quantum identities, which sops does not read.
      const identity = await age!.generateX25519Identity();
      return { identity, recipient: await age!.identityToRecipient(identity) };
    },
    recipientOf: async (identity) => age!.identityToRecipient(checkIdentity(identity)),
    encrypt: async (plaintext, recipients) => {
      if (recipients.length === 0) throw new Error('age: at least one recipient is required');
      const encrypter = new age!.Encrypter();
      for (const r of recipients) encrypter.addRecipient(checkRecipient(r));
      return age!.armor.encode(await encrypter.encrypt(plaintext));
    },
    decrypt: async (armored, identity) => {
      const decrypter = new age!.Decrypter();
      decrypter.addIdentity(checkIdentity(identity));
      let file: Uint8Array;
      try {
        file = age!.armor.decode(armored);
      } catch (err) {
        throw new Error(`age: invalid armor: ${(err as Error).message}`);
      }
      try {
        return await decrypter.decrypt(file);
      } catch (err) {
        // Messages about the file (no identity matched, bad MAC, tag or size) hold no key material.
        throw new Error(`age: ${(err as Error).message}`);
      }
    },
  };

  const run = async (request: AgeRequest): Promise<AgeReply> => {
    try {
      if (loadError) throw new Error(loadError);
      const handler = handlers[request.op] as (...args: unknown[]) => Promise<AgeOperations[keyof AgeOperations]['result']>;
      return { ok: true, result: await handler(...request.args) };
    } catch (err) {
      return { ok: false, message: err instanceof Error ? err.message : String(err) };
    }
  };

  // Stops once idle for idleMs, so that a process that loads ballast several times (a test runner, which
  // gives each test file fresh modules) does not pile up threads. The state claims the worker atomically: a
  // caller that finds it closed starts another, and a close never races a request.
  let idleTimer: NodeJS.Timeout | undefined;
  const armIdle = (): void => {
    idleTimer = setTimeout(() => {
      if (Atomics.compareExchange(state, 0, IDLE, CLOSED) === IDLE) port.close();
      else armIdle();
    }, idleMs);
  };

  // One round trip at start, while the caller is still loading and building: the first real encryption or
  // decryption would otherwise pay for warming up the X25519 and ChaCha20 code (about 35 ms measured).
  const warmUp = async (): Promise<void> => {
    const { identity, recipient } = await handlers.generate();
    await handlers.decrypt(await handlers.encrypt(new Uint8Array(32), [recipient]), identity);
  };
  if (!loadError) void warmUp().catch(() => undefined);

  port.on('message', (request: AgeRequest) => {
    clearTimeout(idleTimer);
    void run(request).then((reply) => {
      // The reply is queued on the port before the caller is woken, so receiveMessageOnPort finds it.
      port.postMessage(reply);
      Atomics.store(state, 0, DONE);
      Atomics.notify(state, 0);
      armIdle();
    });
  });
  armIdle();
}
