// age v1 (https://age-encryption.org/v1) with X25519 recipients and ASCII armor, synchronous on purpose: the
// synth is synchronous, and the only consumer of these files is sops (through Flux's kustomize-controller), which
// reads age's armored form. Written from the specification; only the primitives come from node:crypto.
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  KeyObject,
  randomBytes,
  timingSafeEqual,
} from 'crypto';

const INTRO = 'age-encryption.org/v1';
const X25519_LABEL = 'age-encryption.org/v1/X25519';
const ARMOR_BEGIN = '-----BEGIN AGE ENCRYPTED FILE-----';
const ARMOR_END = '-----END AGE ENCRYPTED FILE-----';
const RECIPIENT_HRP = 'age';
const IDENTITY_HRP = 'age-secret-key-';
const FILE_KEY_SIZE = 16;
const PAYLOAD_NONCE_SIZE = 16;
const CHUNK_SIZE = 64 * 1024;
const TAG_SIZE = 16;
// The header and the armor both wrap base64 at 64 columns, i.e. 48 bytes per full line.
const COLUMNS = 64;
const BYTES_PER_LINE = (COLUMNS / 4) * 3;

// ---------------------------------------------------------------------------------------------------------------
// Bech32 (BIP 173, the original constant 1, not bech32m). age lifts the 90-character limit, so none is enforced.

const BECH32_CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const BECH32_GENERATOR = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

function bech32Polymod(values: readonly number[]): number {
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) {
      if ((top >>> i) & 1) chk ^= BECH32_GENERATOR[i];
    }
  }
  return chk >>> 0;
}

function bech32HrpExpand(hrp: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < hrp.length; i++) out.push(hrp.charCodeAt(i) >> 5);
  out.push(0);
  for (let i = 0; i < hrp.length; i++) out.push(hrp.charCodeAt(i) & 31);
  return out;
}

/** Regroups bits; `pad` is only for encoding, decoding refuses leftover non-zero or whole-group padding. */
function convertBits(data: readonly number[], from: number, to: number, pad: boolean): number[] {
  let acc = 0;
  let bits = 0;
  const out: number[] = [];
  const maxv = (1 << to) - 1;
  for (const value of data) {
    if (value < 0 || value >> from !== 0) throw new Error('invalid data range');
    acc = (acc << from) | value;
    bits += from;
    while (bits >= to) {
      bits -= to;
      out.push((acc >> bits) & maxv);
    }
    acc &= (1 << bits) - 1;
  }
  if (pad) {
    if (bits > 0) out.push((acc << (to - bits)) & maxv);
  } else if (bits >= from || ((acc << (to - bits)) & maxv) !== 0) {
    throw new Error('invalid padding');
  }
  return out;
}

function bech32Encode(hrp: string, data: Buffer): string {
  const words = convertBits([...data], 8, 5, true);
  const values = [...bech32HrpExpand(hrp), ...words, 0, 0, 0, 0, 0, 0];
  const mod = bech32Polymod(values) ^ 1;
  const checksum: number[] = [];
  for (let i = 0; i < 6; i++) checksum.push((mod >>> (5 * (5 - i))) & 31);
  return hrp + '1' + [...words, ...checksum].map((w) => BECH32_CHARSET[w]).join('');
}

/** Decodes a Bech32 string; the HRP comes back lower-cased because Bech32 is case-insensitive as a whole. */
function bech32Decode(s: string): { hrp: string; data: Buffer } {
  if (s !== s.toLowerCase() && s !== s.toUpperCase()) throw new Error('mixed case');
  const lower = s.toLowerCase();
  const pos = lower.lastIndexOf('1');
  if (pos < 1 || pos + 7 > lower.length) throw new Error('separator "1" at an invalid position');
  const hrp = lower.slice(0, pos);
  for (let i = 0; i < hrp.length; i++) {
    const c = hrp.charCodeAt(i);
    if (c < 33 || c > 126) throw new Error('invalid character in the human-readable part');
  }
  const values: number[] = [];
  for (const ch of lower.slice(pos + 1)) {
    const d = BECH32_CHARSET.indexOf(ch);
    if (d === -1) throw new Error(`invalid character ${JSON.stringify(ch)} in the data part`);
    values.push(d);
  }
  if (bech32Polymod([...bech32HrpExpand(hrp), ...values]) !== 1) throw new Error('invalid checksum');
  return { hrp, data: Buffer.from(convertBits(values.slice(0, -6), 5, 8, false)) };
}

// ---------------------------------------------------------------------------------------------------------------
// X25519 through node:crypto. Raw 32-byte keys are wrapped in fixed DER prefixes (RFC 8410), which is the
// shortest way to turn bytes into KeyObjects without depending on JWK field quirks.

const X25519_SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');
const X25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

function x25519PublicKeyObject(raw: Buffer): KeyObject {
  return createPublicKey({ key: Buffer.concat([X25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

function x25519PrivateKeyObject(raw: Buffer): KeyObject {
  return createPrivateKey({ key: Buffer.concat([X25519_PKCS8_PREFIX, raw]), format: 'der', type: 'pkcs8' });
}

function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new Error('age: X25519 key without a public part');
  return Buffer.from(jwk.x, 'base64url');
}

function rawPrivateKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  if (typeof jwk.d !== 'string') throw new Error('age: X25519 key without a private part');
  return Buffer.from(jwk.d, 'base64url');
}

/** X25519 that refuses an all-zero shared secret, as the age spec requires (low-order points). */
function x25519(privateKey: KeyObject, publicKey: KeyObject): Buffer {
  let shared: Buffer;
  try {
    shared = diffieHellman({ privateKey, publicKey });
  } catch (err) {
    // OpenSSL itself already fails on the all-zero output; report it the same way.
    throw new Error(`age: X25519 key agreement failed (${(err as Error).message})`);
  }
  if (shared.every((b) => b === 0)) throw new Error('age: X25519 shared secret is all zeros');
  return shared;
}

// ---------------------------------------------------------------------------------------------------------------
// Primitives.

function hkdf(ikm: Buffer, salt: Buffer, info: string, length: number): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from(info, 'latin1'), length));
}

function chachaSeal(key: Buffer, nonce: Buffer, plaintext: Buffer): Buffer {
  const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_SIZE });
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/** Returns undefined on a bad tag, so callers decide whether that means "wrong key" or "tampered". */
function chachaOpen(key: Buffer, nonce: Buffer, sealed: Buffer): Buffer | undefined {
  if (sealed.length < TAG_SIZE) return undefined;
  const decipher = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_SIZE });
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_SIZE));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_SIZE)), decipher.final()]);
  } catch {
    return undefined;
  }
}

/** Header base64: standard alphabet, no padding, canonical (Node's decoder is lenient, so re-encode to check). */
function rawB64Encode(data: Buffer): string {
  return data.toString('base64').replace(/=+$/, '');
}

function rawB64Decode(s: string, what: string): Buffer {
  if (!/^[A-Za-z0-9+/]*$/.test(s) || s.length % 4 === 1) throw new Error(`age: malformed base64 in ${what}`);
  const out = Buffer.from(s, 'base64');
  if (rawB64Encode(out) !== s) throw new Error(`age: non-canonical base64 in ${what}`);
  return out;
}

function wrapLines(b64: string): string[] {
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += COLUMNS) lines.push(b64.slice(i, i + COLUMNS));
  return lines;
}

/** The chunk nonce: 11-byte big-endian counter, then the last-chunk flag. */
function chunkNonce(counter: number, last: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  // 2^53 chunks of 64 KiB is far beyond anything a string can hold, so a double is an exact counter here.
  nonce.writeUIntBE(Math.floor(counter / 2 ** 32), 3, 4);
  nonce.writeUInt32BE(counter % 2 ** 32, 7);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

// ---------------------------------------------------------------------------------------------------------------
// Keys.

/**
 * Parses an age X25519 recipient (`age1…`, lower-case Bech32) into its 32-byte public key.
 * Throws an Error naming the problem (checksum, type, length) on anything else.
 */
export function parseAgeRecipient(r: string): Buffer {
  let decoded: { hrp: string; data: Buffer };
  try {
    decoded = bech32Decode(r);
  } catch (err) {
    throw new Error(`malformed age recipient ${JSON.stringify(r)}: ${(err as Error).message}`);
  }
  // age writes recipients in lower case only; an upper-case "AGE1…" is refused as age itself refuses it.
  if (decoded.hrp !== RECIPIENT_HRP || r.slice(0, RECIPIENT_HRP.length) !== RECIPIENT_HRP) {
    throw new Error(`malformed age recipient ${JSON.stringify(r)}: not an "age1…" X25519 recipient`);
  }
  if (decoded.data.length !== 32) {
    throw new Error(`malformed age recipient ${JSON.stringify(r)}: public key is ${decoded.data.length} bytes, not 32`);
  }
  return decoded.data;
}

/**
 * Parses an age X25519 identity (`AGE-SECRET-KEY-1…`, Bech32, upper or lower case but not mixed) into its
 * 32-byte secret scalar. The message of a thrown Error never contains the key itself.
 */
export function parseAgeIdentity(i: string): Buffer {
  let decoded: { hrp: string; data: Buffer };
  try {
    decoded = bech32Decode(i.trim());
  } catch (err) {
    throw new Error(`malformed age identity: ${(err as Error).message}`);
  }
  if (decoded.hrp !== IDENTITY_HRP) throw new Error('malformed age identity: not an "AGE-SECRET-KEY-1…" X25519 identity');
  if (decoded.data.length !== 32) {
    throw new Error(`malformed age identity: secret key is ${decoded.data.length} bytes, not 32`);
  }
  return decoded.data;
}

/** Generates a fresh X25519 identity and its recipient, in the same text forms as `age-keygen`. */
export function generateAgeIdentity(): { identity: string; recipient: string } {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  return {
    identity: bech32Encode(IDENTITY_HRP, rawPrivateKey(privateKey)).toUpperCase(),
    recipient: bech32Encode(RECIPIENT_HRP, rawPublicKey(publicKey)),
  };
}

/** The recipient (`age1…`) of an identity, e.g. for the `# public key:` line of a key file. */
export function ageRecipientOf(identity: string): string {
  return bech32Encode(RECIPIENT_HRP, rawPublicKey(createPublicKey(x25519PrivateKeyObject(parseAgeIdentity(identity)))));
}

// ---------------------------------------------------------------------------------------------------------------
// Encryption.

interface Stanza {
  type: string;
  args: string[];
  body: Buffer;
}

function marshalStanza(s: Stanza): string {
  // The body always ends with a line shorter than 64 columns, an empty one if need be: that is how readers
  // find the end of a stanza.
  const b64 = rawB64Encode(s.body);
  const lines = wrapLines(b64);
  if (b64.length % COLUMNS === 0) lines.push('');
  return `-> ${[s.type, ...s.args].join(' ')}\n${lines.join('\n')}\n`;
}

function headerMac(fileKey: Buffer, headerWithoutMac: Buffer): Buffer {
  const macKey = hkdf(fileKey, Buffer.alloc(0), 'header', 32);
  return createHmac('sha256', macKey).update(headerWithoutMac).digest();
}

function wrapForRecipient(fileKey: Buffer, recipient: Buffer): Stanza {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  const ephemeralShare = rawPublicKey(publicKey);
  const shared = x25519(privateKey, x25519PublicKeyObject(recipient));
  const wrapKey = hkdf(shared, Buffer.concat([ephemeralShare, recipient]), X25519_LABEL, 32);
  // A fresh key per stanza makes the zero nonce safe.
  return { type: 'X25519', args: [rawB64Encode(ephemeralShare)], body: chachaSeal(wrapKey, Buffer.alloc(12), fileKey) };
}

function armor(binary: Buffer): string {
  return `${ARMOR_BEGIN}\n${wrapLines(binary.toString('base64')).join('\n')}\n${ARMOR_END}\n`;
}

/**
 * Encrypts to one or more X25519 recipients (`age1…`) and returns the ASCII-armored age file, as
 * `age --armor -r …` would write it. Throws on an empty or malformed recipient list.
 */
export function ageEncrypt(plaintext: Buffer, recipients: readonly string[]): string {
  if (recipients.length === 0) throw new Error('age: at least one recipient is required');
  const keys = recipients.map(parseAgeRecipient);
  const fileKey = randomBytes(FILE_KEY_SIZE);

  const headerWithoutMac = Buffer.from(`${INTRO}\n${keys.map((k) => marshalStanza(wrapForRecipient(fileKey, k))).join('')}---`, 'latin1');
  const mac = headerMac(fileKey, headerWithoutMac);
  const header = Buffer.concat([headerWithoutMac, Buffer.from(` ${rawB64Encode(mac)}\n`, 'latin1')]);

  const nonce = randomBytes(PAYLOAD_NONCE_SIZE);
  const payloadKey = hkdf(fileKey, nonce, 'payload', 32);
  const parts: Buffer[] = [header, nonce];
  // Every chunk is full except the last; an empty plaintext is one empty last chunk, and a plaintext of a whole
  // number of chunks ends with a full last chunk (never a trailing empty one).
  const chunkCount = Math.max(1, Math.ceil(plaintext.length / CHUNK_SIZE));
  for (let i = 0; i < chunkCount; i++) {
    const chunk = plaintext.subarray(i * CHUNK_SIZE, (i + 1) * CHUNK_SIZE);
    parts.push(chachaSeal(payloadKey, chunkNonce(i, i === chunkCount - 1), chunk));
  }
  return armor(Buffer.concat(parts));
}

// ---------------------------------------------------------------------------------------------------------------
// Decryption.

/** Strict armor reader: whitespace around the block, CRLF line ends, 64-column lines, canonical padded base64. */
function dearmor(armored: string): Buffer {
  const lines = armored.trim().split('\n').map((l) => l.replace(/\r$/, ''));
  if (lines[0] !== ARMOR_BEGIN) throw new Error('age: invalid armor: missing the BEGIN line');
  if (lines[lines.length - 1] !== ARMOR_END) throw new Error('age: invalid armor: missing the END line');
  const body = lines.slice(1, -1);
  if (body.length === 0) throw new Error('age: invalid armor: no data');
  const out: Buffer[] = [];
  body.forEach((line, index) => {
    const last = index === body.length - 1;
    if (line.length === 0 || line.length > COLUMNS || (!last && line.length !== COLUMNS) || line.length % 4 !== 0) {
      throw new Error(`age: invalid armor: malformed line ${index + 2}`);
    }
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(line)) throw new Error(`age: invalid armor: bad base64 on line ${index + 2}`);
    const bytes = Buffer.from(line, 'base64');
    if (bytes.toString('base64') !== line) throw new Error(`age: invalid armor: non-canonical base64 on line ${index + 2}`);
    out.push(bytes);
  });
  return Buffer.concat(out);
}

interface ParsedHeader {
  stanzas: Stanza[];
  /** The header bytes the MAC covers: everything up to and including "---". */
  macInput: Buffer;
  mac: Buffer;
  payloadOffset: number;
}

function parseHeader(file: Buffer): ParsedHeader {
  let pos = 0;
  const readLine = (): string => {
    const end = file.indexOf(0x0a, pos);
    if (end === -1) throw new Error('age: truncated header');
    const line = file.toString('latin1', pos, end);
    pos = end + 1;
    return line;
  };
  if (readLine() !== INTRO) throw new Error('age: not an age v1 file (unexpected intro line)');
  const stanzas: Stanza[] = [];
  for (;;) {
    const lineStart = pos;
    const line = readLine();
    if (line.startsWith('---')) {
      const parts = line.split(' ');
      if (parts[0] !== '---' || parts.length !== 2) throw new Error('age: malformed header closing line');
      const mac = rawB64Decode(parts[1], 'the header MAC');
      if (mac.length !== 32) throw new Error('age: malformed header MAC');
      return { stanzas, macInput: file.subarray(0, lineStart + 3), mac, payloadOffset: pos };
    }
    const args = line.split(' ');
    if (args[0] !== '->' || args.length < 2 || args.slice(1).some((a) => !/^[\x21-\x7e]+$/.test(a))) {
      throw new Error('age: malformed stanza opening line');
    }
    const body: Buffer[] = [];
    for (;;) {
      const bodyLine = readLine();
      if (bodyLine.length > COLUMNS) throw new Error('age: stanza body line too long');
      const bytes = rawB64Decode(bodyLine, 'a stanza body');
      body.push(bytes);
      if (bytes.length < BYTES_PER_LINE) break;
    }
    stanzas.push({ type: args[1], args: args.slice(2), body: Buffer.concat(body) });
  }
}

/** Unwraps the file key from one X25519 stanza; undefined when the stanza is for someone else. */
function unwrapX25519(stanza: Stanza, secret: KeyObject, ourPublic: Buffer): Buffer | undefined {
  if (stanza.args.length !== 1) throw new Error('age: invalid X25519 stanza');
  const share = rawB64Decode(stanza.args[0], 'an X25519 stanza');
  if (share.length !== 32) throw new Error('age: invalid X25519 stanza');
  if (stanza.body.length !== FILE_KEY_SIZE + TAG_SIZE) throw new Error('age: invalid X25519 stanza: bad file key size');
  const shared = x25519(secret, x25519PublicKeyObject(share));
  const wrapKey = hkdf(shared, Buffer.concat([share, ourPublic]), X25519_LABEL, 32);
  return chachaOpen(wrapKey, Buffer.alloc(12), stanza.body);
}

/**
 * Decrypts an ASCII-armored age file with an X25519 identity (`AGE-SECRET-KEY-1…`). Verifies the header MAC
 * and every payload chunk; throws on a wrong identity, a truncated file, or any tampering.
 */
export function ageDecrypt(armored: string, identity: string): Buffer {
  const secretRaw = parseAgeIdentity(identity);
  const secret = x25519PrivateKeyObject(secretRaw);
  const ourPublic = rawPublicKey(createPublicKey(secret));
  const file = dearmor(armored);
  const header = parseHeader(file);

  let fileKey: Buffer | undefined;
  for (const stanza of header.stanzas) {
    // Stanzas of other types (scrypt, plugins, grease) are not for an X25519 identity: skip them as age does.
    if (stanza.type !== 'X25519') continue;
    fileKey = unwrapX25519(stanza, secret, ourPublic);
    if (fileKey) break;
  }
  if (!fileKey) throw new Error('age: no identity matched any of the recipients');
  if (fileKey.length !== FILE_KEY_SIZE) throw new Error('age: unwrapped file key has the wrong size');

  if (!timingSafeEqual(headerMac(fileKey, header.macInput), header.mac)) throw new Error('age: bad header MAC');

  const payload = file.subarray(header.payloadOffset);
  if (payload.length < PAYLOAD_NONCE_SIZE) throw new Error('age: payload too short');
  const payloadKey = hkdf(fileKey, payload.subarray(0, PAYLOAD_NONCE_SIZE), 'payload', 32);
  const sealed = payload.subarray(PAYLOAD_NONCE_SIZE);
  const sealedChunk = CHUNK_SIZE + TAG_SIZE;
  const chunkCount = Math.max(1, Math.ceil(sealed.length / sealedChunk));
  const out: Buffer[] = [];
  for (let i = 0; i < chunkCount; i++) {
    const chunk = sealed.subarray(i * sealedChunk, (i + 1) * sealedChunk);
    const last = i === chunkCount - 1;
    // The last-chunk flag is authenticated, so truncation at a chunk boundary fails here instead of passing.
    const plain = chachaOpen(payloadKey, chunkNonce(i, last), chunk);
    if (!plain) throw new Error(`age: payload chunk ${i} failed authentication (tampered or truncated file)`);
    if (last && plain.length === 0 && i > 0) throw new Error('age: last chunk is empty');
    out.push(plain);
  }
  return Buffer.concat(out);
}
