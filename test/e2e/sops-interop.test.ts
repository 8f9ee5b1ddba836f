// The sops files ballast writes are read by the real sops (the code Flux's kustomize-controller embeds), and
// files the real sops writes are read by ballast: both directions, including sops' MAC. age itself is covered
// through sops, which wraps the data key with age; no `age` binary is needed.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { generateAgeIdentity } from '../../lib/secrets/age';
import { sopsDecrypt, sopsEncrypt } from '../../lib/secrets/sops';
import { SecretStore } from '../../lib/secrets/secret-store';
import { toolPath } from '../support/tools';

const sops = toolPath('sops');
const ALICE = generateAgeIdentity();
const BOB = generateAgeIdentity();
const REGEX = '^(data|stringData)$';
let work: string;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'ballast-sops-'));
});

afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

function secret(): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db-credentials', namespace: 'apps', labels: { 'app.kubernetes.io/name': 'db' } },
    type: 'Opaque',
    stringData: { username: 'app', password: 'hunter2 with spaces: and "quotes"', empty: '', unicode: 'pässwörd ✓' },
    data: { token: Buffer.from('s3cr3t').toString('base64'), 'tls.crt': Buffer.from('-----BEGIN CERTIFICATE-----\n').toString('base64') },
  };
}

/** Every value kind sops walks: nested maps, lists (also of maps), ints, floats, booleans, nulls, readable and not. */
function mixed(): Record<string, unknown> {
  return {
    kind: 'Config',
    replicas: 3,
    ratio: 0.25,
    enabled: false,
    wide: 2 ** 60,
    small: 1e-7,
    nothing: null,
    stringData: {
      list: ['a', 7, true, 2.5, { nested: 'in a list', deeper: [1, 'two'] }, ['x', 'y']],
      map: { inner: { leaf: 'value' }, count: -42 },
      big: 9007199254740991,
      tiny: 0.000001,
      tinier: 1e-7,
      huge: 1e21,
      beyondDoubles: 2 ** 60,
      unset: null,
    },
    spec: { data: 'a key named data deep down is encrypted too', other: 'readable' },
    // Strings YAML 1.1 writers leave plain but Go's yaml.v3 reads as numbers: the MAC covers them all.
    // ("<<" only as a value: yaml.v3 takes even a quoted "<<" key for a merge.)
    ambiguous: Object.fromEntries(GO_AMBIGUOUS.map((s) => [s === '<<' ? 'merge' : s, s])),
    stringData2: { stringData: GO_AMBIGUOUS },
  };
}

const GO_AMBIGUOUS = ['1e3', '0o17', '-0o17', '0b101', '1_000', '017', '08', '.5', '1.', '+1', '0x1F', 'yes', 'on', 'null', '~', 'True', '<<', '.inf', '2026-11-30', '1:20'];

let fileCount = 0;
function writeFile(name: string, content: string): string {
  const file = path.join(work, `${++fileCount}-${name}`);
  fs.writeFileSync(file, content, { mode: 0o600 });
  return file;
}

/** An age key file as age-keygen writes it. */
function keyFile(id: { identity: string; recipient: string }): string {
  return writeFile('keys.txt', `# created: 2026-11-30T03:00:00Z\n# public key: ${id.recipient}\n${id.identity}\n`);
}

/** Runs sops with only what it needs: no inherited SOPS_* or HOME, so no key or config but ours is found. */
function runSops(args: readonly string[], keys?: string): { status: number | null; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { HOME: work, PATH: '/usr/bin:/bin' };
  if (keys) env.SOPS_AGE_KEY_FILE = keys;
  const result = spawnSync(sops, args, { cwd: work, env, encoding: 'utf8', timeout: 60000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function sopsDecryptCli(file: string, keys: string): Record<string, unknown> {
  const r = runSops(['--decrypt', '--input-type', 'yaml', '--output-type', 'yaml', file], keys);
  expect({ status: r.status, stderr: r.status === 0 ? '' : r.stderr }).toEqual({ status: 0, stderr: '' });
  // sops writes a "<<" string as `!!merge <<`, which the yaml package reads as a merge-key symbol.
  return parse(r.stdout, (_key, value) => (typeof value === 'symbol' ? value.description : value)) as Record<string, unknown>;
}

function sopsEncryptCli(plain: Record<string, unknown>, recipients: readonly string[], extra: readonly string[] = ['--encrypted-regex', REGEX]): string {
  const file = writeFile('plain.yaml', JSON.stringify(plain, null, 2));
  const r = runSops(['--encrypt', '--age', recipients.join(','), ...extra, '--input-type', 'yaml', '--output-type', 'yaml', file]);
  expect({ status: r.status, stderr: r.status === 0 ? '' : r.stderr }).toEqual({ status: 0, stderr: '' });
  return r.stdout;
}

test('the sops binary is the version the format follows', () => {
  const r = runSops(['--version', '--disable-version-check']);
  expect(r.stdout).toMatch(/^sops 3\.13\.3/);
});

describe('ballast → sops', () => {
  test('sops decrypts a Secret ballast encrypted', () => {
    const file = writeFile('secret.enc.yaml', sopsEncrypt(secret(), { recipients: [ALICE.recipient], lastModified: '2026-11-30T03:00:00Z' }));
    expect(sopsDecryptCli(file, keyFile(ALICE))).toEqual(secret());
  });

  test('sops decrypts lists, nested maps and every scalar type, and agrees on the MAC', () => {
    const file = writeFile('mixed.enc.yaml', sopsEncrypt(mixed(), { recipients: [ALICE.recipient], lastModified: '2026-11-30T03:00:00Z' }));
    expect(sopsDecryptCli(file, keyFile(ALICE))).toEqual(mixed());
  });

  test('with two recipients, either identity alone is enough for sops', () => {
    const file = writeFile('two.enc.yaml', sopsEncrypt(secret(), { recipients: [ALICE.recipient, BOB.recipient], lastModified: '2026-11-30T03:00:00Z' }));
    expect(sopsDecryptCli(file, keyFile(ALICE))).toEqual(secret());
    expect(sopsDecryptCli(file, keyFile(BOB))).toEqual(secret());
    const stranger = runSops(['--decrypt', '--input-type', 'yaml', '--output-type', 'yaml', file], keyFile(generateAgeIdentity()));
    expect(stranger.status).not.toBe(0);
    expect(stranger.stderr).toMatch(/Failed to get the data key/);
  });

  test('sops refuses a file whose readable value was changed: MAC mismatch', () => {
    const text = sopsEncrypt(secret(), { recipients: [ALICE.recipient], lastModified: '2026-11-30T03:00:00Z' });
    expect(text).toContain('namespace: apps');
    const r = runSops(['--decrypt', '--input-type', 'yaml', '--output-type', 'yaml', writeFile('tampered.enc.yaml', text.replace('namespace: apps', 'namespace: prod'))], keyFile(ALICE));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/MAC mismatch/);
    expect(r.stdout).not.toContain('hunter2');
  });

  test('sops refuses a file whose encrypted value was changed', () => {
    const text = sopsEncrypt(secret(), { recipients: [ALICE.recipient], lastModified: '2026-11-30T03:00:00Z' });
    const password = (parse(text) as { stringData: { password: string } }).stringData.password;
    const forged = password.replace(/data:(.)/, (_m, c: string) => `data:${c === 'A' ? 'B' : 'A'}`);
    const r = runSops(['--decrypt', '--input-type', 'yaml', '--output-type', 'yaml', writeFile('forged.enc.yaml', text.replace(password, forged))], keyFile(ALICE));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/Could not decrypt value|MAC mismatch/);
  });

  test('sops filestatus sees a ballast file as encrypted', () => {
    const file = writeFile('status.enc.yaml', sopsEncrypt(secret(), { recipients: [ALICE.recipient], lastModified: '2026-11-30T03:00:00Z' }));
    const r = runSops(['filestatus', '--input-type', 'yaml', file]);
    expect(JSON.parse(r.stdout)).toEqual({ encrypted: true });
  });
});

describe('sops → ballast', () => {
  test('ballast decrypts a Secret the real sops encrypted', () => {
    const text = sopsEncryptCli(secret(), [ALICE.recipient]);
    const out = parse(text) as { metadata: unknown; stringData: Record<string, string>; sops: Record<string, unknown> };
    // As encrypted by sops: readable metadata, encrypted payload, and the regex recorded.
    expect(out.metadata).toEqual(secret().metadata);
    expect(out.stringData.password).toMatch(/^ENC\[AES256_GCM,/);
    expect(out.sops.encrypted_regex).toBe(REGEX);
    expect(sopsDecrypt(text, ALICE.identity)).toEqual(secret());
  });

  test('ballast decrypts lists, nested maps and every scalar type the real sops encrypted, and agrees on the MAC', () => {
    expect(sopsDecrypt(sopsEncryptCli(mixed(), [ALICE.recipient]), ALICE.identity)).toEqual(mixed());
  });

  test('ballast decrypts a file sops encrypted without a regex (every value, the default _unencrypted suffix rule)', () => {
    const doc = { ...mixed(), note_unencrypted: 'stays readable' };
    const text = sopsEncryptCli(doc, [ALICE.recipient, BOB.recipient], []);
    const out = parse(text) as Record<string, unknown>;
    expect(out.kind).toMatch(/^ENC\[/);
    expect(out.note_unencrypted).toBe('stays readable');
    expect(sopsDecrypt(text, BOB.identity)).toEqual(doc);
  });

  test('ballast refuses a sops file whose readable value was changed', () => {
    const text = sopsEncryptCli(secret(), [ALICE.recipient]);
    expect(() => sopsDecrypt(text.replace('namespace: apps', 'namespace: prod'), ALICE.identity)).toThrow(/MAC mismatch/);
  });
});

test("the platform's secrets file is a sops file: the real sops decrypts it, and ballast reads one sops edited", () => {
  // Written by the secret store as a synth writes it, for ALICE.
  const previous = process.env.SOPS_AGE_KEY;
  process.env.SOPS_AGE_KEY = ALICE.identity;
  try {
    const file = path.join(work, 'ballast-secrets.sops.yaml');
    const store = new SecretStore({ file, recipients: [ALICE.recipient], previouslyUsed: new Set(), rotate: new Set() });
    const value = store.generated('app_db_password', 32);
    store.save();
    const env = { ...process.env, SOPS_AGE_KEY: ALICE.identity };
    const decrypted = spawnSync(sops, ['--decrypt', file], { encoding: 'utf8', env });
    expect(decrypted.stderr).toBe('');
    expect(parse(decrypted.stdout)).toEqual({ generated: { app_db_password: value } });
    // sops sets a value (as a person would with `sops set`); ballast reads the file sops rewrote.
    const set = spawnSync(sops, ['set', file, '["generated"]["api_token"]', '"from-sops-set-0123456789abcdef0"'], { encoding: 'utf8', env });
    expect(set.stderr).toBe('');
    const reread = new SecretStore({ file, recipients: [ALICE.recipient], previouslyUsed: new Set(), rotate: new Set() });
    expect(reread.generated('app_db_password', 32)).toBe(value);
    expect(reread.generated('api_token', 31)).toBe('from-sops-set-0123456789abcdef0');
    expect(reread.used).toEqual([
      { name: 'api_token', status: 'kept' },
      { name: 'app_db_password', status: 'kept' },
    ]);
  } finally {
    process.env.SOPS_AGE_KEY = previous;
  }
});
