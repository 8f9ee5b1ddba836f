// The age and sops formats ballast writes for Flux's kustomize-controller, checked as round trips and against
// tampering, and the synchronous calls into the worker thread age-encryption runs in. Interoperability with the
// real age and sops binaries is the e2e tier's job (test/e2e/age-interop.test.ts, sops-interop.test.ts).
import { spawnSync } from 'child_process';
import { createDecipheriv, createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { parse } from 'yaml';
import { ageDecrypt, ageEncrypt, ageRecipientOf, generateAgeIdentity, parseAgeIdentity, parseAgeRecipient } from '../../lib/secrets/age';
import { sopsDecrypt, sopsEncrypt } from '../../lib/secrets/sops';

const ALICE = generateAgeIdentity();
const BOB = generateAgeIdentity();
const LAST_MODIFIED = '2026-11-30T03:00:00Z';

/** Flips one base64 character of the armored body (not the BEGIN/END lines). */
function tamperArmor(armored: string, line: number, column: number): string {
  const lines = armored.split('\n');
  const ch = lines[line][column];
  lines[line] = lines[line].slice(0, column) + (ch === 'A' ? 'B' : 'A') + lines[line].slice(column + 1);
  return lines.join('\n');
}

describe('age', () => {
  test('keys: generated identities and recipients parse, and the recipient derives from the identity', () => {
    expect(ALICE.recipient).toMatch(/^age1[02-9ac-hj-np-z]{58}$/);
    expect(ALICE.identity).toMatch(/^AGE-SECRET-KEY-1[02-9AC-HJ-NP-Z]{58}$/);
    expect(ALICE.recipient).not.toBe(BOB.recipient);
    expect(parseAgeRecipient(ALICE.recipient)).toBe(ALICE.recipient);
    expect(parseAgeIdentity(ALICE.identity)).toBe(ALICE.identity);
    // Bech32 is case-insensitive as a whole; the identity is accepted in lower case too, and given back as age writes it.
    expect(parseAgeIdentity(` ${ALICE.identity.toLowerCase()}\n`)).toBe(ALICE.identity);
    expect(ageRecipientOf(ALICE.identity)).toBe(ALICE.recipient);
    expect(ageRecipientOf(BOB.identity)).toBe(BOB.recipient);
  });

  test('keys: the example recipient of age\'s README parses', () => {
    const example = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';
    expect(parseAgeRecipient(example)).toBe(example);
  });

  test.each([
    ['empty', ''],
    ['wrong checksum', `${ALICE.recipient.slice(0, -1)}${ALICE.recipient.endsWith('q') ? 'p' : 'q'}`],
    ['mixed case', `${ALICE.recipient.slice(0, 10).toUpperCase()}${ALICE.recipient.slice(10)}`],
    ['upper case', ALICE.recipient.toUpperCase()],
    ['an identity', ALICE.identity],
    ['an ssh key', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsKLqeplhpW+uObz5dvMgjz1OxfM/XXUB+VHtZ6isGN'],
    ['truncated', ALICE.recipient.slice(0, 20)],
    ['invalid character', `${ALICE.recipient.slice(0, 10)}b${ALICE.recipient.slice(11)}`],
  ])('keys: a recipient that is %s is refused', (_what, bad) => {
    expect(() => parseAgeRecipient(bad)).toThrow(/^malformed age recipient /);
    expect(() => ageEncrypt(Buffer.from('x'), [bad])).toThrow(/^malformed age recipient /);
  });

  test('keys: the reason a recipient is refused is named', () => {
    expect(() => parseAgeRecipient(`${ALICE.recipient.slice(0, -1)}${ALICE.recipient.endsWith('q') ? 'p' : 'q'}`)).toThrow(/: invalid checksum$/);
    // An identity given as a recipient is a secret key: refused without quoting it.
    expect(() => parseAgeRecipient(ALICE.identity)).toThrow(/^malformed age recipient \(an age identity, not shown\): not an "age1…" X25519 recipient$/);
    expect(() => parseAgeRecipient('age1pq1qqqq')).toThrow(/^malformed age recipient "age1pq1qqqq": /);
  });

  test('keys: a bad identity is refused without echoing it', () => {
    const bad = `${ALICE.identity.slice(0, -1)}${ALICE.identity.endsWith('Q') ? 'P' : 'Q'}`;
    expect(() => parseAgeIdentity(bad)).toThrow(/^malformed age identity: invalid checksum$/);
    expect(() => parseAgeIdentity(ALICE.recipient)).toThrow(/^malformed age identity: not an "AGE-SECRET-KEY-1…" X25519 identity$/);
    expect(() => ageRecipientOf(bad)).toThrow(/^malformed age identity/);
    for (const call of [() => parseAgeIdentity(bad), () => ageDecrypt(ageEncrypt(Buffer.from('x'), [ALICE.recipient]), bad)]) {
      expect(call).toThrow(/malformed age identity/);
      try {
        call();
      } catch (err) {
        expect((err as Error).message).not.toContain(bad.slice(16, 40));
        expect((err as Error).message.toLowerCase()).not.toContain(bad.slice(16, 40).toLowerCase());
      }
    }
  });

  test('armor: the file is ASCII armored with 64-column lines', () => {
    const armored = ageEncrypt(Buffer.from('hello'), [ALICE.recipient]);
    const lines = armored.split('\n');
    expect(lines[0]).toBe('-----BEGIN AGE ENCRYPTED FILE-----');
    expect(armored.endsWith('-----END AGE ENCRYPTED FILE-----\n')).toBe(true);
    const body = lines.slice(1, -2);
    body.slice(0, -1).forEach((l) => expect(l).toHaveLength(64));
    expect(body[body.length - 1].length).toBeLessThanOrEqual(64);
    // Inside: the age v1 header, one X25519 stanza with unpadded base64, and the MAC line.
    const binary = Buffer.from(body.join(''), 'base64').toString('latin1');
    expect(binary).toMatch(/^age-encryption\.org\/v1\n-> X25519 [A-Za-z0-9+/]{43}\n[A-Za-z0-9+/]{43}\n--- [A-Za-z0-9+/]{43}\n/);
  });

  test.each([0, 1, 5, 64 * 1024 - 1, 64 * 1024, 64 * 1024 + 1, 3 * 64 * 1024 + 17])('round trip of %i bytes', (size) => {
    const plaintext = Buffer.from(Array.from({ length: size }, (_, i) => (i * 31) & 0xff));
    // Buffer.equals: jest's deep equality is slow on large buffers.
    expect(ageDecrypt(ageEncrypt(plaintext, [ALICE.recipient]), ALICE.identity).equals(plaintext)).toBe(true);
  });

  test('round trip of a view into a larger buffer: only the viewed bytes are encrypted', () => {
    const whole = Buffer.from('0123456789');
    expect(ageDecrypt(ageEncrypt(whole.subarray(3, 6), [ALICE.recipient]), ALICE.identity).toString()).toBe('345');
  });

  test('round trip with two recipients: each identity decrypts, a third is refused with a clear message', () => {
    const armored = ageEncrypt(Buffer.from('shared secret'), [ALICE.recipient, BOB.recipient]);
    expect(Buffer.from(armored.split('\n').slice(1, -2).join(''), 'base64').toString('latin1').match(/-> X25519 /g)).toHaveLength(2);
    expect(ageDecrypt(armored, ALICE.identity).toString()).toBe('shared secret');
    expect(ageDecrypt(armored, BOB.identity).toString()).toBe('shared secret');
    expect(() => ageDecrypt(armored, generateAgeIdentity().identity)).toThrow(/^age: no identity matched any of the file's recipients$/);
    // A failed call leaves the worker usable.
    expect(ageDecrypt(armored, ALICE.identity).toString()).toBe('shared secret');
  });

  test('an empty recipient list is refused', () => {
    expect(() => ageEncrypt(Buffer.from('x'), [])).toThrow(/at least one recipient/);
  });

  test('encryption is randomized', () => {
    expect(ageEncrypt(Buffer.from('x'), [ALICE.recipient])).not.toBe(ageEncrypt(Buffer.from('x'), [ALICE.recipient]));
  });

  test('a tampered file is refused: header, MAC, payload, truncation', () => {
    const plaintext = Buffer.alloc(70000, 7);
    const armored = ageEncrypt(plaintext, [ALICE.recipient]);
    const binary = Buffer.from(armored.split('\n').slice(1, -2).join(''), 'base64');
    const rearmor = (b: Buffer): string =>
      `-----BEGIN AGE ENCRYPTED FILE-----\n${(b.toString('base64').match(/.{1,64}/g) ?? []).join('\n')}\n-----END AGE ENCRYPTED FILE-----\n`;
    expect(ageDecrypt(rearmor(binary), ALICE.identity).equals(plaintext)).toBe(true);

    const headerEnd = binary.indexOf('\n---') + 1;
    const flip = (offset: number): Buffer => {
      const copy = Buffer.from(binary);
      copy[offset] ^= 0x01;
      return copy;
    };
    // The ephemeral share: the file key no longer unwraps.
    expect(() => ageDecrypt(rearmor(flip(binary.indexOf('X25519 ') + 10)), ALICE.identity)).toThrow(/^age: /);
    // A byte of the MAC line.
    expect(() => ageDecrypt(rearmor(flip(headerEnd + 6)), ALICE.identity)).toThrow(/^age: /);
    // The payload: first and last chunk.
    expect(() => ageDecrypt(rearmor(flip(binary.length - 300)), ALICE.identity)).toThrow(/^age: /);
    expect(() => ageDecrypt(rearmor(flip(binary.length - 70000)), ALICE.identity)).toThrow(/^age: /);
    // Truncated to its first (full) chunk: that chunk is not flagged last.
    const firstChunkEnd = binary.indexOf('\n', headerEnd) + 1 + 16 + 64 * 1024 + 16;
    expect(() => ageDecrypt(rearmor(binary.subarray(0, firstChunkEnd)), ALICE.identity)).toThrow(/^age: /);
    // Armor damage.
    expect(() => ageDecrypt(tamperArmor(armored, 3, 10), ALICE.identity)).toThrow(/^age: /);
    expect(() => ageDecrypt(armored.replace('-----END AGE ENCRYPTED FILE-----', ''), ALICE.identity)).toThrow(/^age: invalid armor/);
  });

  test('the worker thread does not keep the process alive', () => {
    // A separate node process, with the three age files compiled as the build would compile them.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ballast-age-'));
    try {
      for (const name of ['age', 'age-bridge', 'age-worker']) {
        const source = fs.readFileSync(path.join(__dirname, '../../lib/secrets', `${name}.ts`), 'utf8');
        const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
        fs.writeFileSync(path.join(dir, `${name}.js`), outputText);
      }
      const script = `const a = require(${JSON.stringify(path.join(dir, 'age.js'))});
        const k = a.generateAgeIdentity();
        process.stdout.write(a.ageDecrypt(a.ageEncrypt(Buffer.from('still here'), [k.recipient]), k.identity).toString());`;
      const started = Date.now();
      // NODE_PATH: the compiled files are outside the project, and resolve age-encryption from its node_modules.
      const child = spawnSync(process.execPath, ['-e', script], {
        encoding: 'utf8',
        timeout: 30_000,
        env: { ...process.env, NODE_PATH: path.join(__dirname, '../../node_modules') },
      });
      expect(child.stderr).toBe('');
      expect(child.stdout).toBe('still here');
      expect(child.status).toBe(0);
      // Well under the worker's idle time (10 s), after which it would stop by itself anyway.
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

function secret(): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db-credentials', namespace: 'apps', labels: { 'app.kubernetes.io/name': 'db' } },
    type: 'Opaque',
    stringData: { username: 'app', password: 'hunter2', empty: '' },
    data: { token: Buffer.from('s3cr3t').toString('base64'), '2': 'dHdv', '1': 'b25l' },
  };
}

describe('sops', () => {
  test('round trip of a Secret with stringData and data', () => {
    const text = sopsEncrypt(secret(), { recipients: [ALICE.recipient], lastModified: LAST_MODIFIED });
    expect(sopsDecrypt(text, ALICE.identity)).toEqual(secret());
  });

  test('metadata stays readable, data and stringData values are ENC[…], the sops block is as sops writes it', () => {
    const text = sopsEncrypt(secret(), { recipients: [ALICE.recipient], lastModified: LAST_MODIFIED });
    const out = parse(text);
    expect(out.apiVersion).toBe('v1');
    expect(out.kind).toBe('Secret');
    expect(out.type).toBe('Opaque');
    expect(out.metadata).toEqual(secret().metadata);
    const enc = /^ENC\[AES256_GCM,data:[A-Za-z0-9+/=]+,iv:[A-Za-z0-9+/=]{44},tag:[A-Za-z0-9+/=]{24},type:str\]$/;
    expect(out.stringData.username).toMatch(enc);
    expect(out.stringData.password).toMatch(enc);
    // sops leaves an empty string as it is.
    expect(out.stringData.empty).toBe('');
    for (const v of Object.values(out.data)) expect(v).toMatch(enc);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain((secret().data as Record<string, string>).token);

    // Key order and names as sops 3.13.3 writes them (sorted), no empty key-source lists.
    expect(Object.keys(out)).toEqual(['apiVersion', 'kind', 'metadata', 'type', 'stringData', 'data', 'sops']);
    expect(Object.keys(out.sops)).toEqual(['age', 'encrypted_regex', 'lastmodified', 'mac', 'version']);
    expect(out.sops.age).toHaveLength(1);
    expect(Object.keys(out.sops.age[0])).toEqual(['enc', 'recipient']);
    expect(out.sops.age[0].recipient).toBe(ALICE.recipient);
    expect(out.sops.age[0].enc).toMatch(/^-----BEGIN AGE ENCRYPTED FILE-----\n[\s\S]+\n-----END AGE ENCRYPTED FILE-----\n$/);
    expect(out.sops).toMatchObject({ encrypted_regex: '^(data|stringData)$', lastmodified: LAST_MODIFIED, version: '3.13.3' });
    expect(out.sops.mac).toMatch(/^ENC\[AES256_GCM,data:[A-Za-z0-9+/=]{172},iv:.+,type:str\]$/);
  });

  test('the data key is wrapped once per recipient; each identity decrypts', () => {
    const text = sopsEncrypt(secret(), { recipients: [ALICE.recipient, BOB.recipient], lastModified: LAST_MODIFIED });
    expect(parse(text).sops.age.map((a: { recipient: string }) => a.recipient)).toEqual([ALICE.recipient, BOB.recipient]);
    expect(sopsDecrypt(text, ALICE.identity)).toEqual(secret());
    expect(sopsDecrypt(text, BOB.identity)).toEqual(secret());
    expect(() => sopsDecrypt(text, generateAgeIdentity().identity)).toThrow(/could not decrypt the data key/);
  });

  test('every value has its own IV, and equal values encrypt differently', () => {
    const text = sopsEncrypt(
      { kind: 'Secret', stringData: { a: 'same', b: 'same', c: 'same' } },
      { recipients: [ALICE.recipient], lastModified: LAST_MODIFIED },
    );
    const values = Object.values(parse(text).stringData) as string[];
    const ivs = values.map((v) => /,iv:([^,]+),/.exec(v)![1]);
    expect(new Set(ivs).size).toBe(3);
    expect(new Set(values).size).toBe(3);
    expect(Buffer.from(ivs[0], 'base64')).toHaveLength(32);
  });

  test('the MAC is SHA-512 over every leaf in document order, encrypted with lastmodified as additional data', () => {
    const doc = { kind: 'Secret', n: 3, f: 1.5, big: 1e21, ok: true, nothing: null, stringData: { x: 'y', list: ['a', 7, false] } };
    const text = sopsEncrypt(doc, { recipients: [ALICE.recipient], lastModified: LAST_MODIFIED });
    // Recover the data key and open the MAC by hand, as a check of the format rather than of sopsDecrypt.
    const out = parse(text);
    const dataKey = ageDecrypt(out.sops.age[0].enc, ALICE.identity);
    const open = (enc: string, aad: string): string => {
      const [, data, iv, tag] = /data:([^,]*),iv:([^,]+),tag:([^,]+),/.exec(enc)!;
      const d = createDecipheriv('aes-256-gcm', dataKey, Buffer.from(iv, 'base64'));
      d.setAAD(Buffer.from(aad));
      d.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([d.update(Buffer.from(data, 'base64')), d.final()]).toString();
    };
    // Nulls are skipped; booleans are True/False; floats use Go's 'f' format (no exponent).
    const expected = createHash('sha512').update(['Secret', '3', '1.5', '1000000000000000000000', 'True', 'y', 'a', '7', 'False'].join('')).digest('hex').toUpperCase();
    expect(open(out.sops.mac, LAST_MODIFIED)).toBe(expected);
    // List items share their list's path: "stringData:list:" for each of them.
    expect(out.stringData.list.map((v: string) => open(v, 'stringData:list:'))).toEqual(['a', '7', 'False']);
    expect(out.stringData.list[1]).toMatch(/type:int\]$/);
    expect(out.stringData.list[2]).toMatch(/type:bool\]$/);
    expect(open(out.stringData.x, 'stringData:x:')).toBe('y');
    expect(sopsDecrypt(text, ALICE.identity)).toEqual(doc);
  });

  test('tampering with an encrypted value fails on its tag', () => {
    const text = sopsEncrypt(secret(), { recipients: [ALICE.recipient], lastModified: LAST_MODIFIED });
    const out = parse(text);
    const tampered = text.replace(out.stringData.password, out.stringData.password.replace(/data:(.)/, (_m: string, c: string) => `data:${c === 'A' ? 'B' : 'A'}`));
    expect(tampered).not.toBe(text);
    expect(() => sopsDecrypt(tampered, ALICE.identity)).toThrow(/stringData:password.*authentication failed/);
  });

  test('moving an encrypted value to another key fails (the path is additional data)', () => {
    const text = sopsEncrypt(secret(), { recipients: [ALICE.recipient], lastModified: LAST_MODIFIED });
    const out = parse(text);
    const swapped = text.replace(out.stringData.username, 'PLACEHOLDER').replace(out.stringData.password, out.stringData.username);
    expect(() => sopsDecrypt(swapped.replace('PLACEHOLDER', out.stringData.password), ALICE.identity)).toThrow(/authentication failed/);
  });

  test('tampering with a readable value, the MAC or lastmodified fails the MAC check', () => {
    const text = sopsEncrypt(secret(), { recipients: [ALICE.recipient], lastModified: LAST_MODIFIED });
    expect(() => sopsDecrypt(text.replace('namespace: apps', 'namespace: prod'), ALICE.identity)).toThrow(/MAC mismatch/);
    const mac = parse(text).sops.mac as string;
    const badMac = mac.replace(/data:(.)/, (_m: string, c: string) => `data:${c === 'A' ? 'B' : 'A'}`);
    expect(() => sopsDecrypt(text.replace(mac, badMac), ALICE.identity)).toThrow(/MAC mismatch/);
    expect(() => sopsDecrypt(text.replace(LAST_MODIFIED, '2026-11-30T03:00:01Z'), ALICE.identity)).toThrow(/MAC mismatch/);
    // Dropping an encrypted value changes the MAC input. (Dropping an empty string does not, since it adds no
    // bytes to the hash: a property of the sops format itself, which sops shares.)
    const withoutPassword = text.split('\n').filter((l) => !l.includes('password:')).join('\n');
    expect(() => sopsDecrypt(withoutPassword, ALICE.identity)).toThrow(/MAC mismatch/);
    const withoutEmpty = text.split('\n').filter((l) => !l.includes('empty: ""')).join('\n');
    expect(sopsDecrypt(withoutEmpty, ALICE.identity)).not.toHaveProperty('stringData.empty');
  });

  test('the input document is not modified, and unsupported input is refused', () => {
    const doc = secret();
    sopsEncrypt(doc, { recipients: [ALICE.recipient], lastModified: LAST_MODIFIED });
    expect(doc).toEqual(secret());
    expect(() => sopsEncrypt({ ...doc, sops: {} }, { recipients: [ALICE.recipient], lastModified: LAST_MODIFIED })).toThrow(/already has/);
    expect(() => sopsEncrypt(doc, { recipients: [], lastModified: LAST_MODIFIED })).toThrow(/at least one/);
    expect(() => sopsEncrypt(doc, { recipients: ['age1nope'], lastModified: LAST_MODIFIED })).toThrow(/malformed age recipient/);
    expect(() => sopsEncrypt(doc, { recipients: [ALICE.recipient], lastModified: 'yesterday' })).toThrow(/RFC 3339/);
    expect(() => sopsEncrypt({ stringData: { when: new Date() } }, { recipients: [ALICE.recipient], lastModified: LAST_MODIFIED })).toThrow(/unsupported value at stringData:when/);
    expect(() => sopsDecrypt('kind: Secret\n', ALICE.identity)).toThrow(/not encrypted/);
  });

  test('strings that Go yaml.v3 would read as numbers, booleans or null are written quoted, so the MAC holds', () => {
    const tricky = ['1e3', '0o17', '1_000', '017', '.5', '0x1F', 'true', 'null', '~', '', 'yes', 'plain'];
    const doc = { kind: 'Secret', metadata: { labels: Object.fromEntries(tricky.map((s) => [`k${s}`, s])) }, stringData: { '1e3': 'x' } };
    const text = sopsEncrypt(doc, { recipients: [ALICE.recipient], lastModified: LAST_MODIFIED });
    for (const s of tricky.filter((t) => t !== 'plain' && t !== 'yes')) expect(text).toContain(`k${s}: "${s}"`);
    expect(text).toContain('kplain: plain');
    expect(text).toMatch(/kyes: "yes"/);
    expect(text).toContain('"1e3": ENC[');
    expect(sopsDecrypt(text, ALICE.identity)).toEqual(doc);
  });

  test('a custom encryptedRegex is honoured and recorded', () => {
    const text = sopsEncrypt({ spec: { password: 'p', user: 'u' } }, { recipients: [ALICE.recipient], lastModified: LAST_MODIFIED, encryptedRegex: '^password$' });
    const out = parse(text);
    expect(out.spec.user).toBe('u');
    expect(out.spec.password).toMatch(/^ENC\[/);
    expect(out.sops.encrypted_regex).toBe('^password$');
    expect(sopsDecrypt(text, ALICE.identity)).toEqual({ spec: { password: 'p', user: 'u' } });
  });
});
