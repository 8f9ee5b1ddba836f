// age v1 (https://age-encryption.org/v1) with X25519 recipients and ASCII armor, as sops stores it in `enc` and
// Flux's kustomize-controller reads it. The cryptography is age-encryption's, the reference TypeScript
// implementation; it is async and ESM-only, so it runs in a worker thread that these functions wait for
// synchronously (age-bridge.ts), because the synth that calls them is synchronous.
import { callAge } from './age-bridge';

/**
 * Checks an age X25519 recipient (`age1…`, lower-case Bech32) and returns it unchanged.
 * Throws an Error starting with "malformed age recipient" and naming the problem (checksum, type, length)
 * on anything else, post-quantum and plugin recipients included: sops reads X25519 ones.
 */
export function parseAgeRecipient(r: string): string {
  return callAge('parseRecipient', r);
}

/**
 * Checks an age X25519 identity (`AGE-SECRET-KEY-1…`, Bech32, upper or lower case but not mixed) and returns
 * it trimmed and in upper case, the form age writes. A thrown Error starts with "malformed age identity" and
 * never contains the key itself.
 */
export function parseAgeIdentity(i: string): string {
  return callAge('parseIdentity', i);
}

/** Generates a fresh X25519 identity and its recipient, in the same text forms as `age-keygen`. */
export function generateAgeIdentity(): { identity: string; recipient: string } {
  return callAge('generate');
}

/** The recipient (`age1…`) of an identity, e.g. for the `# public key:` line of a key file. */
export function ageRecipientOf(identity: string): string {
  return callAge('recipientOf', identity);
}

/**
 * Encrypts to one or more X25519 recipients (`age1…`) and returns the ASCII-armored age file, as
 * `age --armor -r …` would write it. Throws on an empty or malformed recipient list.
 */
export function ageEncrypt(plaintext: Buffer, recipients: readonly string[]): string {
  // A copy of exactly the bytes: a small Buffer is a view of a shared pool, which would be cloned whole.
  return callAge('encrypt', new Uint8Array(plaintext), [...recipients]);
}

/**
 * Decrypts an ASCII-armored age file with an X25519 identity (`AGE-SECRET-KEY-1…`). Verifies the header MAC
 * and every payload chunk; throws an Error starting with "age:" on a wrong identity (no identity matched), a
 * truncated file or any tampering.
 */
export function ageDecrypt(armored: string, identity: string): Buffer {
  const plaintext = callAge('decrypt', armored, identity);
  return Buffer.from(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength);
}
