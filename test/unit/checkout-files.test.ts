// How the files a checkout keeps are read: each problem names the file (relative to the working
// directory when inside it), says what is wrong and the fix, and quotes nothing of the file; an age key
// file other users can read is refused with the chmod that fixes it.
import * as fs from 'fs';
import * as path from 'path';
import { parseCheckoutJson, readCheckoutFile, restoreFromGit, shownPath } from '../../lib/core/checkout-file';
import { shapeProblem } from '../../lib/core/json-shape';
import { localAgeKey, ValidationError } from '../../lib/internal';
import { sopsFileProblem } from '../../lib/secrets/sops';
import { CANARY } from '../support/hostile';
import { problemOf } from '../support/problems';
import { synthShape, workspace } from '../support/day2';
import { tempDir, TEST_AGE } from '../support/synth';

const role = { what: 'the test file', restore: restoreFromGit };
const refusalOf = (act: () => unknown) => problemOf(() => void act());

test('a file inside the working directory is named relative to it, one outside by its absolute path', () => {
  const ws = workspace();
  synthShape(ws);
  fs.writeFileSync(path.join(ws.flux, '.ballast', 'inventory.json'), '{"format": 1,');
  const cwd = process.cwd();
  process.chdir(ws.root);
  try {
    expect(refusalOf(() => synthShape({ ...ws, flux: 'dist/flux', terraform: 'dist/cdktf' }))).toBe(
      'dist/flux/.ballast/inventory.json: the inventory of the previous synth is cut short: its JSON ends before it is complete (an interrupted write, or a bad copy). Restore it from Git: git checkout -- dist/flux/.ballast/inventory.json (do not delete it: the guard reads from it what the last synth deployed, data included).',
    );
  } finally {
    process.chdir(cwd);
  }
  expect(shownPath('/etc/hosts')).toBe('/etc/hosts');
});

describe('JSON that does not parse is described, never quoted', () => {
  test.each([
    ['cut short', `{"a": "${CANARY}`, 'the test file is cut short: its JSON ends before it is complete'],
    ['cut short after a value', `{"a": 1, "b": "${CANARY}"`, 'the test file is cut short'],
    ['damaged inside', `{\n  "a": "${CANARY}",,\n  "b": 1\n}`, 'the test file is not valid JSON at line 2'],
    ['a word where JSON belongs', `${CANARY}`, 'the test file is not valid JSON (it does not begin as JSON does)'],
    // Mutation: dropping the conflict-marker check in parseCheckoutJson makes this row say "not valid JSON".
    ['conflict markers', `{\n<<<<<<< HEAD\n  "a": "${CANARY}"\n=======\n  "a": 2\n>>>>>>> b\n}`, 'a merge left conflict markers (<<<<<<<, =======, >>>>>>>) in the test file'],
    ['nothing but spaces', '  \n', 'the test file is empty'],
  ])('%s', (_, text, problem) => {
    const message = refusalOf(() => parseCheckoutJson('/x/file.json', text, role));
    expect(message).toContain(`/x/file.json: ${problem}`);
    // Mutation: passing JSON.parse's own message through (it quotes the text) makes this fail.
    expect(message).not.toContain('Canary');
  });
});

test('a shape problem names the field and the kinds, not the value', () => {
  const shape = { fields: { items: { list: { fields: { id: 'string' as const, stateful: 'boolean' as const } } }, names: { map: 'string' as const } } };
  expect(shapeProblem({ items: [{ id: 'a', stateful: true }, { id: 'b', stateful: CANARY }], names: {} }, shape)).toBe('items[1].stateful is a string, not true or false');
  expect(shapeProblem({ items: [], names: { [CANARY]: 1 } }, shape)).toBe('names.<key> is a number, not a string');
  expect(shapeProblem({ names: {} }, shape)).toBe('items is missing');
  expect(shapeProblem({ items: [], names: {} }, shape)).toBeUndefined();
});

test('a missing file is nothing to read; a folder is refused before it is read', () => {
  const dir = tempDir();
  expect(readCheckoutFile(path.join(dir, 'none.json'), role)).toBeUndefined();
  expect(refusalOf(() => readCheckoutFile(dir, role))).toMatch(/: the test file is a folder where a file belongs\. Move the folder away \(it is not ballast's\), then: restore it from Git/);
});

test("a SOPS file's structure is told before any key is tried, without quoting it", () => {
  expect(sopsFileProblem(`generated:\n  a: ${CANARY}\n`)).toBe('is not SOPS-encrypted: it has no sops metadata, so any value in it is in plain text');
  expect(sopsFileProblem(`a: [${CANARY}\n`)).toMatch(/^is not valid YAML at line \d+$/);
  expect(sopsFileProblem(`- ${CANARY}\n`)).toBe('is not a YAML mapping');
  expect(sopsFileProblem('a: 1\n---\nb: 2\n')).toBe('holds 2 YAML documents, where a SOPS file holds one');
});

describe('an age key file other users can read', () => {
  const keyFile = (mode: number) => {
    const file = path.join(tempDir(), 'age.key');
    fs.writeFileSync(file, `# public key: ${TEST_AGE.recipient}\n${TEST_AGE.identity}\n`);
    fs.chmodSync(file, mode);
    return file;
  };

  test.each([
    ['0644', 'every user of this machine (mode 0644)'],
    ['0604', 'every user of this machine (mode 0604)'],
    ['0640', 'its group (mode 0640)'],
    ['0660', 'its group (mode 0660)'],
  ])('mode %s is refused with the chmod that fixes it, and the key is not in the message', (mode, who) => {
    const file = keyFile(parseInt(mode, 8));
    const message = refusalOf(() => localAgeKey(file));
    // Mutation: dropping the mode check in readAgeKeyFile makes these pass through (no refusal).
    expect(message).toBe(
      `${file}: the age key file (checkout key) can be read by ${who}, and the key in it decrypts every secret of the platform, so ballast does not use it. Make it private: chmod 600 ${file} (ssh refuses such a key for the same reason; in CI, chmod it after writing it, or give the key itself in SOPS_AGE_KEY).`,
    );
    expect(message).not.toContain('AGE-SECRET-KEY');
  });

  test('mode 0600 (and 0400) is used', () => {
    expect(localAgeKey(keyFile(0o600)).recipient).toBe(TEST_AGE.recipient);
    expect(localAgeKey(keyFile(0o400)).recipient).toBe(TEST_AGE.recipient);
  });

  test('a key file without a key, or with a damaged one, is refused with its path, not quoted', () => {
    const file = keyFile(0o600);
    fs.writeFileSync(file, `# just a comment ${CANARY}\n`);
    expect(refusalOf(() => localAgeKey(file))).toBe(`${file}: the age key file (checkout key) holds no age private key (a line AGE-SECRET-KEY-1...). Move it away: ballast then makes a new key there, and the secrets file needs re-encrypting for it by one of its recipients (sops updatekeys).`);
    fs.writeFileSync(file, 'AGE-SECRET-KEY-1NOTAKEY\n');
    expect(refusalOf(() => localAgeKey(file))).toContain(`${file}: the age key file (checkout key) holds an age private key that is not valid.`);
  });

  test('the errors are ValidationErrors (reported as the platform’s problems, never as a bug)', () => {
    expect(() => localAgeKey(keyFile(0o644))).toThrow(ValidationError);
  });
});
