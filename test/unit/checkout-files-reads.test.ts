// The last reads of files a checkout (or the machine) keeps, each held to the rule of the others: what a
// file can hold ends as one problem naming the file, what is wrong and the fix, never as a crash, never with
// a byte of the file in the message, and nothing outside the output folder is read. Covered here: diff's
// previous Flux files and stack (field-diff.ts, previous-flux-files.ts), SecretValue.fromFile, ballast's
// SOPS cache (a cache: what cannot be used is passed over, never refused) and the output's record of its
// files (output-record.ts). The image automation's read (image-tags.ts) is in the hostile table.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
// The `fs` module itself, not an import's copy of it: a spy on it is what the library's reads see.
import realFs = require('fs');
import * as path from 'path';
import { planPlatform, SecretUnavailable, SecretValue, sopsDecrypt, ValidationError, withAtomicOutput } from '../../lib/internal';
import type { DeploymentPlan } from '../../lib/day2/deployment-plan';
import type { Manifest } from '../../lib/model/manifest';
import { encryptedSecretDocument } from '../../lib/secrets/encrypted-secret';
import { fieldDiffs } from '../../lib/synth/field-diff';
import { readRecord } from '../../lib/day2/output-record';
import { Bare, CANARY } from '../support/hostile';
import { testPlatform } from '../support/platforms';
import { problemOf } from '../support/problems';
import { tempDir, TEST_AGE } from '../support/synth';
import { whileUnreadable, withEnv } from './hostile/files.cases';

/** Every line of a refusal is `<file>: <what>. <fix>.`, and no byte of the damaged file is in it. */
function refusal(act: () => unknown): string {
  const message = problemOf(act);
  expect(message).not.toBe('no error');
  for (const line of message.split('\n')) expect(line).toMatch(/^\S+: .+\.$/);
  expect(message).not.toContain('Canary');
  return message;
}

// --- diff: the previous Flux files ------------------------------------------------------------------------
const ID = 'object/apps/Deployment/web/web';
const deployment = (image: string) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'web' }, spec: { template: { spec: { containers: [{ name: 'web', image }] } } } });
const deploymentYaml = (image: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ${image}\n`;
const SERVICE_YAML = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: web\nspec:\n  ports:\n    - port: 80\n';

/** A plan in which the web Deployment (Flux's) and, with `release`, a Terraform release changed. */
function changedPlan(release = false): DeploymentPlan {
  const item = (owner: 'flux' | 'terraform', id: string, address?: string) => ({ id, owner, component: 'ballast/web', stateful: false, digest: 'd', ...(address ? { address } : {}) });
  const change = (i: ReturnType<typeof item>) => ({ id: i.id, kind: 'changed', before: { ...i, digest: 'c' }, after: i, destructive: false, guarded: false, acknowledged: false, steps: [] });
  const changes = [change(item('flux', ID)), ...(release ? [change(item('terraform', 'release/web/web', 'helm_release.web'))] : [])];
  const chart = { releaseName: 'web', chart: { chart: 'web', version: '2.0.0' }, values: { replicas: 2 } };
  return {
    day2: { changes },
    flux: [{ manifests: [deployment('web:2')], encryptedSecrets: [] }],
    terraform: { manifests: [], releases: release ? [{ component: { namespace: 'web' }, chart }] : [] },
  } as unknown as DeploymentPlan;
}

/** A previous output: its Flux folder with `files` (and ballast's record of them unless `record` is false), and its stack. */
function previousOutput(files: Record<string, string>, record = true): { root: string; flux: string; stack: string } {
  const root = tempDir('ballast-reads-');
  const flux = path.join(root, 'dist', 'flux');
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(flux, rel)), { recursive: true });
    fs.writeFileSync(path.join(flux, rel), text);
  }
  if (record) {
    fs.mkdirSync(path.join(flux, '.ballast'), { recursive: true });
    fs.writeFileSync(path.join(flux, '.ballast', 'files.json'), JSON.stringify({ files: Object.keys(files).sort() }));
  }
  const stack = path.join(root, 'dist', 'cdktf', 'stacks', 'ballast', 'cdk.tf.json');
  fs.mkdirSync(path.dirname(stack), { recursive: true });
  fs.writeFileSync(stack, JSON.stringify({ resource: { helm_release: { web: { chart: 'web', version: '1.0.0', values: ['replicas: 1\n'] } } } }));
  return { root, flux, stack };
}
const webFields = (o: { flux: string; stack: string }, release = false) => fieldDiffs(changedPlan(release), o.flux, o.stack);
const imageChange = (from: string) => [{ path: 'spec.template.spec.containers[0].image', before: from, after: 'web:2' }];

/** A file outside the output, holding the canary as YAML that would parse. */
function outsideYaml(root: string): string {
  const file = path.join(root, 'elsewhere.yaml');
  fs.writeFileSync(file, deploymentYaml(`registry.example.com/${CANARY}`));
  return file;
}

/** Every path `act` read under `dir` (by readFileSync or openSync). */
function readsUnder(dir: string, act: () => void): string[] {
  const read: string[] = [];
  const spies = (['readFileSync', 'openSync'] as const).map((name) => {
    const original = realFs[name] as (...a: unknown[]) => unknown;
    return jest.spyOn(realFs, name).mockImplementation(((...args: unknown[]) => {
      if (typeof args[0] === 'string' && path.resolve(args[0]).startsWith(dir)) read.push(args[0]);
      return original(...args);
    }) as never);
  });
  try {
    act();
  } catch {
    // The refusal itself is checked by the caller.
  } finally {
    spies.forEach((s) => s.mockRestore());
  }
  return read;
}

describe("diff reads the previous Flux output's regular files, inside it only", () => {
  test('an intact output: the Deployment is compared field by field', () => {
    const o = previousOutput({ 'apps/web.yaml': `${SERVICE_YAML}---\n${deploymentYaml('web:1')}` });
    expect(webFields(o).get(ID)?.fields).toEqual(imageChange('web:1'));
  });

  // Mutation: reading every recorded or walked file with fs.readFileSync (links followed, as before) makes
  // both rows accept the outside file and read it.
  test.each([
    ['named by the record', true],
    ['in an output without a record (walked)', false],
  ])('a file that is a link leading out of the output, %s, is refused before its target is read', (_, record) => {
    const o = previousOutput({ 'apps/web.yaml': deploymentYaml('web:1') }, record);
    const target = outsideYaml(o.root);
    fs.rmSync(path.join(o.flux, 'apps', 'web.yaml'));
    fs.symlinkSync(target, path.join(o.flux, 'apps', 'web.yaml'));
    expect(refusal(() => webFields(o))).toMatch(/apps\/web\.yaml: a file of the previous synth's Flux output leads out of the output folder \S+ \(a symbolic link, or a path with \.\.\), so ballast does not read it\. Replace it with the file itself: restore it from Git: git checkout -- \S+apps\/web\.yaml\.$/);
    expect(readsUnder(target, () => webFields(o))).toEqual([]);
  });

  // Mutation: checking only the file itself, not the folder it is in, lets this one read the target.
  test('a folder of the output that is a link leading out is refused for the files the record names in it', () => {
    const o = previousOutput({ 'apps/web.yaml': deploymentYaml('web:1') });
    const elsewhere = path.join(o.root, 'elsewhere');
    fs.renameSync(path.join(o.flux, 'apps'), elsewhere);
    fs.writeFileSync(path.join(elsewhere, 'web.yaml'), deploymentYaml(`registry.example.com/${CANARY}`));
    fs.symlinkSync(elsewhere, path.join(o.flux, 'apps'));
    expect(refusal(() => webFields(o))).toMatch(/apps\/web\.yaml: a file of the previous synth's Flux output leads out of the output folder/);
  });

  test('a link that stays inside the output is followed', () => {
    const o = previousOutput({ 'apps/web.yaml': deploymentYaml('web:1'), 'copies/web.yaml': deploymentYaml('web:0') });
    fs.rmSync(path.join(o.flux, 'apps', 'web.yaml'));
    fs.symlinkSync(path.join('..', 'copies', 'web.yaml'), path.join(o.flux, 'apps', 'web.yaml'));
    expect(webFields(o).get(ID)?.fields).toEqual(imageChange('web:0'));
  });

  // Mutation: reading a recorded path without looking at what it is (a plain readFileSync) crashes with EISDIR here.
  test('a folder where the record names a file is refused; a folder named *.yaml the record does not name is a folder', () => {
    const o = previousOutput({ 'apps/web.yaml': deploymentYaml('web:1') });
    fs.rmSync(path.join(o.flux, 'apps', 'web.yaml'));
    fs.mkdirSync(path.join(o.flux, 'apps', 'web.yaml'));
    fs.writeFileSync(path.join(o.flux, 'apps', 'web.yaml', 'canary.txt'), CANARY);
    expect(refusal(() => webFields(o))).toMatch(/apps\/web\.yaml: a file of the previous synth's Flux output is a folder where a file belongs\. Move the folder away \(it is not ballast's\), then: restore it from Git: git checkout -- \S+apps\/web\.yaml\.$/);

    const walked = previousOutput({ 'apps/web.yaml': deploymentYaml('web:1') }, false);
    fs.mkdirSync(path.join(walked.flux, 'notes.yaml'));
    fs.writeFileSync(path.join(walked.flux, 'notes.yaml', 'canary.txt'), CANARY);
    // Mutation: listing folders named *.yaml among the files (as the recursive readdir of before did) refuses this valid output.
    expect(webFields(walked).get(ID)?.fields).toEqual(imageChange('web:1'));
  });

  // Mutation: reading every entry that is not a link as a regular file blocks diff on the FIFO (the test never ends).
  test('a FIFO named *.yaml is refused, not read (reading it would block diff)', () => {
    const o = previousOutput({ 'apps/web.yaml': deploymentYaml('web:1') }, false);
    execFileSync('mkfifo', [path.join(o.flux, 'apps', 'pipe.yaml')]);
    expect(refusal(() => webFields(o))).toMatch(/apps\/pipe\.yaml: a file of the previous synth's Flux output is not a regular file \(a device, FIFO or socket\)\. Remove it, then: restore it from Git/);
  });

  // Mutation: the catch-and-continue of before (a document that does not parse is left out) accepts this.
  test('YAML that does not parse is refused with its file, its line in the file and the Git fix', () => {
    const broken = deploymentYaml('web:1').replace('        - name: web\n', `        - name: web\n          args: [unclosed, "${CANARY}"\n`);
    const o = previousOutput({ 'apps/web.yaml': `${SERVICE_YAML}---\n${broken}` });
    // The Service is 8 lines and the separator one: the flow list opens on line 20 of the file, and the
    // parser finds it unclosed on line 21 (line 12 of the Deployment's own text: the line is the file's).
    expect(refusal(() => webFields(o))).toMatch(/apps\/web\.yaml: a file of the previous synth's Flux output is not valid YAML at line 21\. Restore it from Git: git checkout -- \S+apps\/web\.yaml\.$/);
  });

  // Mutation: without the conflict check, this one says "not valid YAML" and the fix misses the merge.
  test('a merge\'s conflict markers in a document diff reads are named as such', () => {
    const o = previousOutput({ 'apps/web.yaml': deploymentYaml('web:1').replace('spec:\n', `<<<<<<< HEAD\nsecret: ${CANARY}\n=======\n>>>>>>> other\nspec:\n`) });
    expect(refusal(() => webFields(o))).toMatch(/apps\/web\.yaml: a merge left conflict markers \(<<<<<<<, =======, >>>>>>>\) in a file of the previous synth's Flux output\. Take one side of the merge whole/);
  });

  // Mutation: walking every file even with a record makes the user's copy (read last) the "before".
  test("a user's own file in the output is not taken for the previous synth's: the record names ballast's files", () => {
    const o = previousOutput({ 'apps/web.yaml': deploymentYaml('web:1') });
    fs.mkdirSync(path.join(o.flux, 'mine'));
    fs.writeFileSync(path.join(o.flux, 'mine', 'web.yaml'), deploymentYaml('mine:9'));
    expect(webFields(o).get(ID)?.fields).toEqual(imageChange('web:1'));
  });

  test('a file the record names that is gone shows its objects without fields; nothing is refused', () => {
    const o = previousOutput({ 'apps/web.yaml': deploymentYaml('web:1') });
    fs.rmSync(path.join(o.flux, 'apps', 'web.yaml'));
    expect(webFields(o).get(ID)).toBeUndefined();
  });
});

describe("diff reads the previous stack as the guard does", () => {
  // Mutation: the try/catch of before (a damaged stack shows its resources without fields) accepts these.
  test.each([
    ['cut short', (t: string) => t.slice(0, 30), "the previous synth's Terraform stack is cut short"],
    ['of another shape', () => JSON.stringify({ resource: [CANARY] }), "the previous synth's Terraform stack is not a stack ballast wrote: resource is a list, not an object"],
  ])('a cdk.tf.json %s is refused with the fix', (_, damage, problem) => {
    const o = previousOutput({ 'apps/web.yaml': deploymentYaml('web:1') });
    fs.writeFileSync(o.stack, damage(fs.readFileSync(o.stack, 'utf8')));
    const message = refusal(() => webFields(o, true));
    expect(message).toContain(`stacks/ballast/cdk.tf.json: ${problem}`);
    expect(message).toMatch(/Restore it from Git \(git checkout -- \S+\) or from a copy of the last synth's output/);
  });

  // Mutation: the same try/catch of before reads the link's target, and accepts this one too.
  test('a cdk.tf.json that is a link leading out of the Terraform output is refused', () => {
    const o = previousOutput({ 'apps/web.yaml': deploymentYaml('web:1') });
    const target = path.join(o.root, 'elsewhere.json');
    fs.writeFileSync(target, JSON.stringify({ resource: { helm_release: { web: { values: [CANARY] } } } }));
    fs.rmSync(o.stack);
    fs.symlinkSync(target, o.stack);
    expect(refusal(() => webFields(o, true))).toContain("cdk.tf.json: the previous synth's Terraform stack leads out of the output folder");
  });

  // Mutation: yaml.parse without the catch throws the parser's own message, which quotes the values.
  test("a release's values that do not parse are refused naming the release, not quoting them", () => {
    const o = previousOutput({ 'apps/web.yaml': deploymentYaml('web:1') });
    fs.writeFileSync(o.stack, JSON.stringify({ resource: { helm_release: { web: { chart: 'web', version: '1.0.0', values: [`token: [${CANARY}\n`] } } } }));
    expect(refusal(() => webFields(o, true))).toMatch(/cdk\.tf\.json: the previous synth's Terraform stack is not a stack ballast wrote: the values of helm_release\.web are not valid YAML\. Restore it from Git/);
  });

  test("an intact stack: the release's chart version and values are compared", () => {
    const o = previousOutput({ 'apps/web.yaml': deploymentYaml('web:1') });
    expect(webFields(o, true).get('release/web/web')?.fields).toEqual([
      { path: 'values.replicas', before: 1, after: 2 },
      { path: 'version', before: '1.0.0', after: '2.0.0' },
    ]);
  });

  // Mutation: reading the stack whatever changed (as before) refuses this diff of a Flux change alone.
  test('only what changed is read: a Flux change alone does not open the stack', () => {
    const o = previousOutput({ 'apps/web.yaml': deploymentYaml('web:1') });
    fs.writeFileSync(o.stack, '{');
    expect(webFields(o).get(ID)?.fields).toEqual(imageChange('web:1'));
  });
});

// --- SecretValue.fromFile ------------------------------------------------------------------------------------
describe('SecretValue.fromFile: what is not a secret file is a problem naming the path and the fix', () => {
  const planWith = (file: string) => () => {
    const p = testPlatform({ sops: { ageRecipients: [TEST_AGE.recipient] } });
    new Bare(p, 'app').secret('app-token', { token: SecretValue.fromFile(file) });
    planPlatform(p);
  };
  const resolved = (file: string) => SecretValue.fromFile(file).resolve();
  const secretFile = (content: string | Buffer) => {
    const file = path.join(tempDir('ballast-secret-file-'), 'token');
    fs.writeFileSync(file, content);
    return file;
  };

  // Mutation: without the folder check, the readFileSync crashes with EISDIR here (a bug report, not a problem).
  test('a folder', () => {
    const dir = path.dirname(secretFile(CANARY));
    expect(refusal(planWith(dir))).toBe(`ballast/app: Secret app/app-token key token cannot be read: the file ${dir} is a folder. Give SecretValue.fromFile the path of the file that holds the secret, not of its folder.`);
  });

  // Mutation: dropping the size check reads (and encrypts) the whole file.
  test('a file over 1 MiB; one of exactly 1 MiB is read', () => {
    const big = secretFile(Buffer.alloc(1024 * 1024 + 1, CANARY));
    expect(refusal(planWith(big))).toBe(
      `ballast/app: Secret app/app-token key token cannot be read: the file ${big} holds 1048577 bytes, more than the 1 MiB (1048576 bytes) a Kubernetes Secret can hold. Give SecretValue.fromFile the file that holds the secret itself (a token, a key, a certificate).`,
    );
    expect(resolved(secretFile(Buffer.alloc(1024 * 1024, 'a')))).toHaveLength(1024 * 1024);
  });

  // Mutation: without the catch around the read, EACCES escapes as a crash.
  test('a file ballast may not read', () => {
    const file = secretFile(CANARY);
    expect(whileUnreadable(file, () => refusal(planWith(file)))).toBe(
      `ballast/app: Secret app/app-token key token cannot be read: the file ${file} cannot be read: permission denied. Let the user who runs ballast read it (chmod u+r ${file}, or run ballast as the file's owner).`,
    );
  });

  // Mutation: without the regular-file check, readFileSync blocks the plan on the FIFO (the test never ends).
  test('a FIFO (reading it would block the synth)', () => {
    const fifo = path.join(tempDir('ballast-secret-file-'), 'token');
    execFileSync('mkfifo', [fifo]);
    expect(refusal(planWith(fifo))).toContain(`the file ${fifo} is not a regular file (a device, FIFO or socket): reading it could block the synth or never end. Write the secret into a regular file`);
  });

  // Mutation: decoding without `fatal` turns the bytes into U+FFFD silently, and this resolves.
  test('a binary file, whose bytes decoding would change, is refused rather than changed', () => {
    const file = secretFile(Buffer.concat([Buffer.from(CANARY), Buffer.from([0xff, 0xfe, 0x00, 0x80])]));
    expect(refusal(planWith(file))).toContain(`the file ${file} is not UTF-8 text (a binary file), and a Secret's value is written as text. Base64-encode it (base64 -w0 ${file} > ${file}.b64)`);
  });

  test('a path through a file, and a missing file, are named as missing', () => {
    const file = secretFile('x');
    expect(() => resolved(path.join(file, 'token'))).toThrow(new SecretUnavailable(`the file ${path.join(file, 'token')} does not exist: a folder on its path is a file`, `Write the secret into ${path.join(file, 'token')}`));
    expect(() => resolved(`${file}-gone`)).toThrow(`the file ${file}-gone does not exist. Write the secret into ${file}-gone.`);
  });

  test('a secret file as it should be: read, its trailing newline dropped, a byte-order mark kept as it always was', () => {
    expect(resolved(secretFile('token\n'))).toBe('token');
    expect(resolved(secretFile('\uFEFFtoken'))).toBe('\uFEFFtoken');
  });
});

// --- ballast's SOPS cache: a cache, never a reason to refuse ------------------------------------------------
describe("the SOPS cache: what cannot be used is passed over, and the synth goes on", () => {
  const secret = (value: string, name = 'app-token'): Manifest => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'app' }, type: 'Opaque', stringData: { token: value } });
  const recipients = [TEST_AGE.recipient];
  /** Runs `body` with a cache folder of its own. */
  const withCache = <T>(body: (cache: string) => T): T => {
    const cache = path.join(tempDir('ballast-cache-'), 'cache');
    return withEnv('BALLAST_CACHE', cache, () => body(cache));
  };
  const entries = (cache: string) => fs.readdirSync(path.join(cache, 'sops')).filter((f) => f.endsWith('.yaml')).map((f) => path.join(cache, 'sops', f));
  const opens = (doc: string, s: Manifest) => expect(sopsDecrypt(doc, TEST_AGE.identity)).toEqual(s);

  test('an intact cache: the same Secret gets the same bytes', () => {
    withCache(() => {
      const first = encryptedSecretDocument(secret('a'), recipients);
      expect(encryptedSecretDocument(secret('a'), recipients)).toBe(first);
      opens(first, secret('a'));
    });
  });

  // Mutation: returning any entry that can be read (as before) writes the canary into the output.
  test.each([
    ['cut short', (t: string) => t.slice(0, Math.floor(t.length / 2))],
    ['overwritten with other text', () => `token: ${CANARY}\n`],
    ['emptied', () => ''],
    ['with its metadata gone', (t: string) => t.slice(0, t.indexOf('sops:'))],
  ])('an entry %s is made again, and its text never reaches the output', (_, damage) => {
    withCache((cache) => {
      encryptedSecretDocument(secret(CANARY.slice(0, 6)), recipients);
      const [entry] = entries(cache);
      fs.writeFileSync(entry, damage(fs.readFileSync(entry, 'utf8')));
      const again = encryptedSecretDocument(secret(CANARY.slice(0, 6)), recipients);
      expect(again).not.toContain('Canary+');
      opens(again, secret(CANARY.slice(0, 6)));
      // Made again in the cache: the next synth gets the same bytes.
      expect(encryptedSecretDocument(secret(CANARY.slice(0, 6)), recipients)).toBe(again);
    });
  });

  // Mutation: not comparing the Secret's name and keys, this one is answered with the other Secret's document.
  test("an entry swapped for another Secret's document is not used", () => {
    withCache((cache) => {
      const other = encryptedSecretDocument(secret('b', 'other'), recipients);
      encryptedSecretDocument(secret('a'), recipients);
      for (const entry of entries(cache)) fs.writeFileSync(entry, other);
      opens(encryptedSecretDocument(secret('a'), recipients), secret('a'));
    });
  });

  // Mutation: existsSync and readFileSync of the entry (as before) crash with EISDIR; statSync instead of
  // lstatSync follows the link and answers with its target.
  test('an entry that is a folder or a link is passed over', () => {
    withCache((cache) => {
      const first = encryptedSecretDocument(secret('a'), recipients);
      const [entry] = entries(cache);
      fs.rmSync(entry);
      fs.mkdirSync(entry);
      const again = encryptedSecretDocument(secret('a'), recipients);
      opens(again, secret('a'));
      fs.rmSync(entry, { recursive: true });
      const elsewhere = path.join(cache, 'elsewhere.yaml');
      fs.writeFileSync(elsewhere, first);
      fs.symlinkSync(elsewhere, entry);
      expect(encryptedSecretDocument(secret('a'), recipients)).not.toBe(first);
    });
  });

  // Mutation: the key's existsSync and readFileSync of before crash with EISDIR on the first; without the
  // catch around mkdir, the third crashes with ENOTDIR (the cache "folder" is a file).
  test('a key that is a folder, a key of the wrong size, a cache folder that is a file: the Secret is still encrypted', () => {
    withCache((cache) => {
      fs.mkdirSync(path.join(cache, 'sops', '.hmac-key'), { recursive: true });
      opens(encryptedSecretDocument(secret('a'), recipients), secret('a'));
    });
    withCache((cache) => {
      fs.mkdirSync(path.join(cache, 'sops'), { recursive: true });
      fs.writeFileSync(path.join(cache, 'sops', '.hmac-key'), CANARY);
      const first = encryptedSecretDocument(secret('a'), recipients);
      expect(fs.statSync(path.join(cache, 'sops', '.hmac-key')).size).toBe(32);
      expect(encryptedSecretDocument(secret('a'), recipients)).toBe(first);
    });
    withCache((cache) => {
      fs.mkdirSync(path.dirname(cache), { recursive: true });
      fs.writeFileSync(cache, 'not a folder');
      opens(encryptedSecretDocument(secret('a'), recipients), secret('a'));
    });
  });
});

// --- The output's record of its files ------------------------------------------------------------------------
describe("the output's record of its files (.ballast/files.json)", () => {
  const outdir = (record?: string) => {
    const dir = path.join(tempDir('ballast-record-'), 'dist', 'cdktf');
    fs.mkdirSync(path.join(dir, '.ballast'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'a.yaml'), 'a: 1\n');
    if (record !== undefined) fs.writeFileSync(path.join(dir, '.ballast', 'files.json'), record);
    return dir;
  };
  const FIX = /Restore it from Git: git checkout -- \S+\.ballast\/files\.json \(or delete it: the next synth then keeps every file of the folder that it does not write, and says which\)\.$/;

  test('none (an output older than records) is no record; an intact one is read', () => {
    expect(readRecord(outdir())).toBeUndefined();
    expect(readRecord(outdir(JSON.stringify({ about: 'x', files: ['a.yaml'] })))).toEqual(new Set(['a.yaml']));
  });

  // Mutation: the catch-all of before (a damaged record is as none) accepts every row.
  test.each([
    ['cut short', `{"files": ["a.yaml", "${CANARY}`, "the previous synth's record of its files is cut short"],
    ['with conflict markers', `{\n<<<<<<< HEAD\n  "files": ["${CANARY}"]\n=======\n  "files": []\n>>>>>>> b\n}\n`, "a merge left conflict markers (<<<<<<<, =======, >>>>>>>) in the previous synth's record of its files"],
    ['of another shape', JSON.stringify({ files: CANARY }), "the previous synth's record of its files is not a record ballast wrote: files is a string, not a list"],
    // Mutation: dropping the path pattern lets a record name files outside the output.
    ['naming a path out of the output', JSON.stringify({ files: ['../../outside.yaml'] }), "the previous synth's record of its files is not a record ballast wrote: files[0] is not a path inside the output folder"],
  ])('a record %s is refused with the file and the fix', (_, text, problem) => {
    const message = refusal(() => readRecord(outdir(text)));
    expect(message).toContain(`.ballast/files.json: ${problem}`);
    if (!message.includes('conflict')) expect(message).toMatch(FIX);
  });

  test('a record that is a folder, or a link leading out, is refused', () => {
    const folder = outdir();
    fs.mkdirSync(path.join(folder, '.ballast', 'files.json'));
    expect(refusal(() => readRecord(folder))).toContain("files.json: the previous synth's record of its files is a folder where a file belongs");
    const linked = outdir();
    const target = path.join(path.dirname(path.dirname(linked)), 'outside.json');
    fs.writeFileSync(target, JSON.stringify({ files: [CANARY] }));
    fs.symlinkSync(target, path.join(linked, '.ballast', 'files.json'));
    // Mutation: readRecord without `within` reads the target and accepts it.
    expect(refusal(() => readRecord(linked))).toContain("files.json: the previous synth's record of its files leads out of the output folder");
  });

  // Mutation: a damaged record read as none lets this synth carry every file over (a.yaml stays) and pass.
  test('a synth over a Terraform output whose record is damaged writes nothing and says which file, what and the fix', () => {
    const dir = outdir('{"files": [');
    let error: unknown;
    try {
      withAtomicOutput([dir], ([staging]) => fs.writeFileSync(path.join(staging, 'b.yaml'), 'b: 1\n'), { note: () => undefined });
    } catch (err) {
      error = err;
    }
    // The refusal itself, not wrapped as a failure of the output (mutation: prepareStaging wrapping every
    // error in a SynthOutputError again).
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/^\S+\.ballast\/files\.json: the previous synth's record of its files is cut short: .*\.$/);
    expect(fs.readdirSync(dir).sort()).toEqual(['.ballast', 'a.yaml']);
  });
});
