// Cases of the hostile-input table (test/unit/hostile-input.test.ts) for one surface: the files a checkout
// keeps and ballast reads back. Each case synthesizes a valid platform (or fleet) into a workspace of its
// own, damages one file as a crash, a merge, a hand edit or a mistaken command would, and synthesizes,
// diffs or validates again in-process. Damaged files hold the canary secret, so that a message quoting
// any of their bytes fails the table's leak check.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
// The `fs` module itself, not an import's copy of it: a spy on it is what the library's reads see.
import realFs = require('fs');
import * as path from 'path';
import {
  CloudNativePg,
  Flux,
  Fleet,
  INVENTORY_FILE,
  Platform,
  PostgresCluster,
  planAgainstOutput,
  SecretValue,
  sopsEncrypt,
  synthFleet,
  synthPlatform,
  UnexpectedError,
  validatePlatform,
  ValidationError,
  WebService,
} from '../../../lib/internal';
import { fieldDiffs } from '../../../lib/synth/field-diff';
import { outputSnapshot, shapedPlatform, Shape, synthShape, Workspace, workspace } from '../../support/day2';
import { Bare, CANARY, HostileCase, Outcome } from '../../support/hostile';
import { testConfig, testPlatform } from '../../support/platforms';
import { tempDir, TEST_AGE } from '../../support/synth';
import { accepted, refused } from '../../support/hostile-builders';

/** What `act` did in `ws`: a ValidationError is a refusal, any other error a crash, else the workspace's files. */
export function outcomeOf(ws: Workspace, act: () => unknown): Outcome {
  try {
    act();
  } catch (err) {
    if (err instanceof ValidationError) return { kind: 'refused', message: err.message };
    if (err instanceof UnexpectedError) return { kind: 'crash', error: err.message };
    return { kind: 'crash', error: err instanceof Error ? `${err.name}: ${err.message}\n${err.stack}` : String(err) };
  }
  return { kind: 'accepted', tree: outputSnapshot(ws) };
}

/** A new workspace with `shape` synthesized into it. */
export function synthesized(shape: Shape = {}): Workspace {
  const ws = workspace();
  synthShape(ws, shape);
  return ws;
}

/** Two small clusters sharing a PostgreSQL cluster under base/, each with its own secrets and state file. */
export function smallFleet(ws: Workspace): Fleet {
  return new Fleet({
    clusters: { a: {}, b: {} },
    platform: (app, c) => {
      const platform = new Platform(
        app,
        'ballast',
        testConfig({
          clusterName: c.name,
          sops: { ageRecipients: [TEST_AGE.recipient], secretsFile: path.join(ws.root, `secrets.${c.name}.sops.yaml`) },
          terraform: { backend: { kind: 'local', path: path.join(ws.root, `${c.name}.tfstate`) } },
        }),
      );
      new CloudNativePg(platform, 'cnpg');
      new PostgresCluster(platform, 'postgres', { metrics: false });
      return platform;
    },
  });
}

export const fleetSynth = (ws: Workspace) => synthFleet(smallFleet(ws), { fluxDir: ws.flux, terraformDir: ws.terraform });

/** Runs `body` with environment variable `name` set to `value`, then puts it back. */
export function withEnv<T>(name: string, value: string, body: () => T): T {
  const before = process.env[name];
  process.env[name] = value;
  try {
    return body();
  } finally {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  }
}

/**
 * Runs `body` while `file` cannot be read (mode 000). The tests may run as root, whom the mode does not
 * stop: then reading that one file fails with EACCES as the system would fail it for anyone else.
 */
export function whileUnreadable<T>(file: string, body: () => T): T {
  fs.chmodSync(file, 0o000);
  const asRoot = process.getuid?.() === 0;
  const original = realFs.readFileSync;
  const spy = asRoot
    ? jest.spyOn(realFs, 'readFileSync').mockImplementation(((p: fs.PathOrFileDescriptor, o?: unknown) => {
        if (typeof p === 'string' && path.resolve(p) === path.resolve(file)) throw Object.assign(new Error(`EACCES: permission denied, open '${p}'`), { code: 'EACCES' });
        return (original as (p: fs.PathOrFileDescriptor, o?: unknown) => string | Buffer)(p, o);
      }) as typeof fs.readFileSync)
    : undefined;
  try {
    return body();
  } finally {
    spy?.mockRestore();
    fs.chmodSync(file, 0o644);
  }
}

const inventory = (ws: Workspace) => path.join(ws.flux, INVENTORY_FILE);
const stack = (ws: Workspace) => path.join(ws.terraform, 'stacks', 'ballast', 'cdk.tf.json');
const shared = (ws: Workspace) => path.join(ws.flux, 'base', INVENTORY_FILE);
const clusterInventory = (ws: Workspace, c = 'a') => path.join(ws.flux, 'clusters', c, INVENTORY_FILE);
const edit = (file: string, change: (text: string) => string) => fs.writeFileSync(file, change(fs.readFileSync(file, 'utf8')));
const asJson = (file: string, change: (json: Record<string, unknown>) => unknown) => edit(file, (t) => JSON.stringify(change(JSON.parse(t) as Record<string, unknown>), null, 2));
/** A folder where the file was (what `mkdir` over a deleted file, or a bad copy, leaves). */
const folderInstead = (file: string) => {
  fs.rmSync(file);
  fs.mkdirSync(file);
  fs.writeFileSync(path.join(file, 'canary.txt'), CANARY);
};
/** A merge that could not decide on part of the file, with the canary in one side. */
const conflicted = (text: string) => {
  const lines = text.split('\n');
  const at = Math.floor(lines.length / 2);
  return [...lines.slice(0, at), '<<<<<<< HEAD', `    "${CANARY}",`, '=======', lines[at], '>>>>>>> feature/move-db', ...lines.slice(at + 1)].join('\n');
};
/** A file outside the output that holds the canary, for links and paths that lead out. */
const outsideFile = (ws: Workspace) => {
  const file = path.join(ws.root, 'outside.json');
  fs.writeFileSync(file, JSON.stringify({ format: 1, items: [], secret: CANARY }));
  return file;
};


export const fileCases: HostileCase[] = [];
const add = (name: string, c: Omit<HostileCase, 'name' | 'cls'>) => fileCases.push({ cls: 'files', name, ...c });
/** A case on the default test shape: synthesize, damage, then `act` (a synth of the same shape by default). */
const damaged = (name: string, expectation: HostileCase['expect'], damage: (ws: Workspace) => void, act: (ws: Workspace) => unknown = (ws) => synthShape(ws), shape: Shape = {}) =>
  add(name, {
    expect: expectation,
    run: () => {
      const ws = synthesized(shape);
      damage(ws);
      return outcomeOf(ws, () => act(ws));
    },
  });

// --- The inventory ---------------------------------------------------------------------------------------
const NO_DELETE = /Restore it from Git: git checkout -- \S+inventory\.json \(do not delete it: the guard reads from it what the last synth deployed, data included\)\.$/m;
damaged('inventory.json cut short (an interrupted write)', refused(/\/\.ballast\/inventory\.json: the inventory of the previous synth is cut short: its JSON ends before it is complete/), (ws) => edit(inventory(ws), (t) => `${t.slice(0, t.indexOf('"items"'))}"items": [{"id": "${CANARY}`));
damaged('inventory.json cut short: the fix is Git, never deleting it', refused(NO_DELETE), (ws) => edit(inventory(ws), (t) => t.slice(0, Math.floor(t.length / 2))));
damaged('inventory.json with Git conflict markers', refused(/inventory\.json: a merge left conflict markers \(<<<<<<<, =======, >>>>>>>\) in the inventory of the previous synth\. Take one side of the merge whole \(git checkout --ours -- \S+, or --theirs\), then synth again/), (ws) => edit(inventory(ws), conflicted));
damaged('inventory.json empty', refused('the inventory of the previous synth is empty'), (ws) => fs.writeFileSync(inventory(ws), '\n'));
damaged('inventory.json not JSON at all', refused(/the inventory of the previous synth is not valid JSON \(it does not begin as JSON does\)\. Restore it from Git/), (ws) => fs.writeFileSync(inventory(ws), `format: 1\nsecret: ${CANARY}\n`));
damaged('inventory.json damaged in the middle', refused(/the inventory of the previous synth is not valid JSON at line 3\. Restore it from Git/), (ws) => fs.writeFileSync(inventory(ws), `{\n  "format": 1,\n  "cluster": "${CANARY}",,\n  "items": []\n}\n`));
damaged('inventory.json a list at the top', refused('is not an inventory ballast wrote: the top level is a list, not an object'), (ws) => fs.writeFileSync(inventory(ws), JSON.stringify([CANARY])));
// Mutation: skipping the shape check in readInventoryFile makes these wrong-shape cases crash or pass.
damaged('inventory.json items a string', refused('is not an inventory ballast wrote: items is a string, not a list'), (ws) => asJson(inventory(ws), (j) => ({ ...j, items: CANARY })));
damaged('inventory.json an item with stateful "yes"', refused('is not an inventory ballast wrote: items[0].stateful is a string, not true or false'), (ws) =>
  asJson(inventory(ws), (j) => ({ ...j, items: (j.items as object[]).map((i, n) => (n === 0 ? { ...i, stateful: 'yes' } : i)) })),
);
damaged('inventory.json an item of an unknown owner', refused('items[1].owner is none of flux, terraform, manual'), (ws) =>
  asJson(inventory(ws), (j) => ({ ...j, items: (j.items as object[]).map((i, n) => (n === 1 ? { ...i, owner: CANARY } : i)) })),
);
damaged('inventory.json an item id that is no inventory id', refused(/items\[2\]\.id is not an inventory id \(namespace\/<name>/), (ws) =>
  asJson(inventory(ws), (j) => ({ ...j, items: (j.items as object[]).map((i, n) => (n === 2 ? { ...i, id: `cluster/${CANARY}` } : i)) })),
);
damaged('inventory.json without generatedSecrets', refused('generatedSecrets is missing'), (ws) => asJson(inventory(ws), ({ generatedSecrets: _gone, ...j }) => j));
damaged('inventory.json revisions as strings', refused('revisions.<key> is a string, not a whole number'), (ws) => asJson(inventory(ws), (j) => ({ ...j, revisions: { app_db_password: CANARY } })));
damaged('inventory.json format as a string', refused('format is a string, not a whole number'), (ws) => asJson(inventory(ws), (j) => ({ ...j, format: '1' })));
damaged('inventory.json format 0', refused('is not an inventory ballast wrote: format is not 1'), (ws) => asJson(inventory(ws), (j) => ({ ...j, format: 0 })));
// Mutation: checking the format only after the shape (or not at all) makes this one say "wrong shape" instead of "upgrade".
damaged(
  'inventory.json from a future format',
  refused(/inventory\.json: the inventory of the previous synth is in inventory format 2, written by a newer ballast; ballast \d+\.\d+\.\d+\S* reads format 1\. Upgrade ballast to the version the rest of the team synthesizes with/),
  (ws) => asJson(inventory(ws), (j) => ({ ...j, format: 2, items: CANARY })),
);
damaged('inventory.json a folder', refused(/inventory\.json: the inventory of the previous synth is a folder where a file belongs\. Move the folder away \(it is not ballast's\), then: restore it from Git/), (ws) => folderInstead(inventory(ws)));
damaged('inventory.json unreadable (EACCES)', refused(/inventory\.json: the inventory of the previous synth cannot be read: permission denied\. Let the user who runs ballast read it \(chmod u\+r /), () => undefined, (ws) => whileUnreadable(inventory(ws), () => synthShape(ws)));
damaged('inventory.json a FIFO (reading it would block the synth)', refused('the inventory of the previous synth is not a regular file (a device, FIFO or socket)'), (ws) => {
  fs.rmSync(inventory(ws));
  execFileSync('mkfifo', [inventory(ws)]);
});
damaged('inventory.json a link leading out of the output', refused(/inventory\.json: the inventory of the previous synth leads out of the output folder \S+ \(a symbolic link, or a path with \.\.\), so ballast does not read it/), (ws) => {
  const target = outsideFile(ws);
  fs.rmSync(inventory(ws));
  fs.symlinkSync(target, inventory(ws));
});
damaged('inventory.json a link to nothing', refused('the inventory of the previous synth is a symbolic link to nothing'), (ws) => {
  fs.rmSync(inventory(ws));
  fs.symlinkSync(path.join(ws.root, 'gone.json'), inventory(ws));
});
damaged('a cut-short inventory is refused by diff too', refused('the inventory of the previous synth is cut short'), (ws) => edit(inventory(ws), (t) => t.slice(0, 100)), (ws) => planAgainstOutput(() => shapedPlatform(ws), { fluxDir: ws.flux, terraformDir: ws.terraform }));
damaged('a conflicted inventory is refused by validate too', refused('a merge left conflict markers'), (ws) => edit(inventory(ws), conflicted), (ws) => validatePlatform(() => shapedPlatform(ws), { fluxDir: ws.flux, terraformDir: ws.terraform }));
damaged('inventory.json intact: a re-synth is accepted and changes nothing', accepted((tree) => expect(Object.keys(tree)).toContain(path.join('dist', 'flux', INVENTORY_FILE))), () => undefined);
damaged('inventory.json with a byte-order mark (an editor’s save) is read as it is', accepted(), (ws) => edit(inventory(ws), (t) => `\uFEFF${t}`));

// --- The guard's view: an inventory edited to hide data -----------------------------------------------------
const hideLines = (ws: Workspace, test: (line: string) => boolean) =>
  edit(inventory(ws), (t) =>
    t
      .split('\n')
      .filter((l) => !test(l))
      .join('\n')
      .replace(/,(\n {2}\])/, '$1'),
  );
const CLUSTER_ID = 'object/postgresql.cnpg.io/Cluster/database/postgres';
damaged(
  "a database Cluster removed from inventory.json while its file still holds it: its removal is refused",
  refused(`ballast: ${CLUSTER_ID} (of ballast/postgres) holds data and is no longer in the code: Flux stops managing it and, as it is prune-disabled, leaves it in the cluster.`),
  (ws) => hideLines(ws, (l) => l.includes('"component":"ballast/postgres"') && l.includes('"stateful":true')),
  (ws) => synthShape(ws, { postgres: false }),
);
damaged(
  'inventory.json deleted while the output holds a database: its removal is refused',
  refused(`ballast: ${CLUSTER_ID} (of infrastructure/configs/postgres.yaml) holds data and is no longer in the code`),
  (ws) => fs.rmSync(inventory(ws)),
  (ws) => synthShape(ws, { postgres: false }),
);
add('a PersistentVolumeClaim that holds data, removed from inventory.json while its file holds it: its removal is refused', {
  expect: refused('ballast: object/core/PersistentVolumeClaim/vault/vault-data (of ballast/vault) holds data and is no longer in the code'),
  run: () => {
    const ws = workspace();
    const withVault = () => {
      const p = shapedPlatform(ws);
      new Bare(p, 'vault').object('data', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'vault-data', annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' } }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
      return p;
    };
    synthPlatform(withVault, { fluxDir: ws.flux, terraformDir: ws.terraform });
    hideLines(ws, (l) => l.includes('"id":"object/core/PersistentVolumeClaim/vault/vault-data"'));
    return outcomeOf(ws, () => synthShape(ws));
  },
});
damaged(
  'a data-holding Terraform release removed from inventory.json: its prevent_destroy still guards it',
  refused('release/store/store (of release/store/store) holds data and is no longer in the code: Terraform would destroy helm_release.release_store_store'),
  (ws) => hideLines(ws, (l) => l.includes('"id":"release/store/store"') || l.includes('"id":"namespace/store"')),
  (ws) => synthShape(ws),
  { store: { releaseName: 'store', deployWith: 'terraform' } },
);
// Mutation: not filtering by the record (.ballast/files.json) in fluxHoldings makes this one refused.
damaged(
  "a YAML file of the user's own in the output, with a prune-disabled object: not taken for ballast's (the record names ballast's files)",
  accepted((tree) => expect(tree[path.join('dist', 'flux', 'extra', 'mine.yaml')]).toContain('name: mine')),
  (ws) => {
    fs.mkdirSync(path.join(ws.flux, 'extra'));
    fs.writeFileSync(path.join(ws.flux, 'extra', 'mine.yaml'), 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: mine\n  namespace: web\n  annotations:\n    kustomize.toolkit.fluxcd.io/prune: disabled\n');
  },
);
damaged("the output's record of its files a link leading out", refused(/\.ballast\/files\.json: the previous synth's record of its files leads out of the output folder/), (ws) => {
  const target = outsideFile(ws);
  fs.rmSync(path.join(ws.flux, '.ballast', 'files.json'));
  fs.symlinkSync(target, path.join(ws.flux, '.ballast', 'files.json'));
});
damaged('a Flux file of the output with conflict markers', refused(/infrastructure\/configs\/postgres\.yaml: a merge left conflict markers \(<<<<<<<, =======, >>>>>>>\) in a file of the previous synth's Flux output/), (ws) =>
  edit(path.join(ws.flux, 'infrastructure', 'configs', 'postgres.yaml'), (t) => `<<<<<<< HEAD\nsecret: ${CANARY}\n=======\n>>>>>>> other\n${t}`),
);
damaged('a Flux file of the output replaced by a folder', refused(/postgres\.yaml: a file of the previous synth's Flux output is a folder where a file belongs/), (ws) => folderInstead(path.join(ws.flux, 'infrastructure', 'configs', 'postgres.yaml')), (ws) => synthShape(ws, { postgres: 'sops' }), { postgres: 'sops' });

// --- The previous Terraform stack ----------------------------------------------------------------------------
const STACK_FIX = /if you have none, delete it and synth again, after checking that terraform\.backend still names the state of the last apply/;
damaged('cdk.tf.json cut short', refused(/stacks\/ballast\/cdk\.tf\.json: the previous synth's Terraform stack is cut short/), (ws) => edit(stack(ws), (t) => `${t.slice(0, 200)}"${CANARY}`));
damaged('cdk.tf.json cut short: the fix says what deleting it costs', refused(STACK_FIX), (ws) => edit(stack(ws), (t) => t.slice(0, 50)));
damaged('cdk.tf.json with conflict markers', refused("a merge left conflict markers (<<<<<<<, =======, >>>>>>>) in the previous synth's Terraform stack"), (ws) => edit(stack(ws), conflicted));
damaged('cdk.tf.json with resource as a list', refused("the previous synth's Terraform stack is not a stack ballast wrote: resource is a list, not an object"), (ws) => asJson(stack(ws), (j) => ({ ...j, resource: [CANARY] })));
damaged('cdk.tf.json with a backend that is not a block', refused("the previous synth's Terraform stack is not a stack ballast wrote: terraform.backend.<key> is a string, not an object"), (ws) => asJson(stack(ws), (j) => ({ ...j, terraform: { ...(j.terraform as object), backend: { local: CANARY } } })));
damaged('cdk.tf.json a folder', refused("the previous synth's Terraform stack is a folder where a file belongs"), (ws) => folderInstead(stack(ws)));
damaged('cdk.tf.json a link leading out of the output', refused("the previous synth's Terraform stack leads out of the output folder"), (ws) => {
  const target = outsideFile(ws);
  fs.rmSync(stack(ws));
  fs.symlinkSync(target, stack(ws));
});

// --- The secrets file ---------------------------------------------------------------------------------------
const secretsShape: Shape = { postgres: 'sops' };
const secretsCase = (name: string, expectation: HostileCase['expect'], damage: (ws: Workspace) => void) => damaged(name, expectation, damage, (ws) => synthShape(ws, secretsShape), secretsShape);
// Mutation: skipping sopsFileProblem in SecretStore.load turns the not-YAML, not-SOPS and two-document cases into "cannot be decrypted".
secretsCase('the secrets file a folder', refused(/ballast-secrets\.sops\.yaml: the platform's secrets file is a folder where a file belongs\. Move the folder away \(it is not ballast's\), then: restore it from Git/), (ws) => folderInstead(ws.secrets));
secretsCase('the secrets file not YAML', refused(/ballast-secrets\.sops\.yaml: the platform's secrets file is not valid YAML at line \d+\. Restore it from Git/), (ws) => fs.writeFileSync(ws.secrets, `generated:\n  app_db_password: "${CANARY}\n  - [oops\n`));
secretsCase('the secrets file decrypted in place (plain YAML, not SOPS)', refused("the platform's secrets file is not SOPS-encrypted: it has no sops metadata, so any value in it is in plain text. Restore it from Git"), (ws) => fs.writeFileSync(ws.secrets, `generated:\n  app_db_password: ${CANARY}\n`));
secretsCase('the secrets file with conflict markers', refused(/the platform's secrets file\. sops cannot merge an encrypted file: take one side whole/), (ws) => edit(ws.secrets, conflicted));
secretsCase('the secrets file holding two documents', refused("the platform's secrets file holds 2 YAML documents, where a SOPS file holds one"), (ws) => edit(ws.secrets, (t) => `${t}---\nsecret: ${CANARY}\n`));
secretsCase('the secrets file without its generated mapping', refused(`the platform's secrets file has no "generated" mapping`), (ws) =>
  fs.writeFileSync(ws.secrets, sopsEncrypt({ other: { app_db_password: CANARY } }, { recipients: [TEST_AGE.recipient], encryptedRegex: '^other$', lastModified: '2026-01-01T00:00:00Z' })),
);
damaged("the secrets file unreadable (EACCES)", refused("the platform's secrets file cannot be read: permission denied"), () => undefined, (ws) => whileUnreadable(ws.secrets, () => synthShape(ws, secretsShape)), secretsShape);

// --- Age key files --------------------------------------------------------------------------------------
/** A key file of the run's key with `mode`. */
const keyFile = (ws: Workspace, mode: number) => {
  const file = path.join(ws.root, 'keys.txt');
  fs.writeFileSync(file, `# public key: ${TEST_AGE.recipient}\n${TEST_AGE.identity}\n`);
  fs.chmodSync(file, mode);
  return file;
};
damaged('SOPS_AGE_KEY_FILE readable by everyone (0644)', refused(/keys\.txt: the age key file \(SOPS_AGE_KEY_FILE\) can be read by every user of this machine \(mode 0644\), and the key in it decrypts every secret of the platform, so ballast does not use it\. Make it private: chmod 600 \S+keys\.txt/), () => undefined, (ws) =>
  withEnv('SOPS_AGE_KEY_FILE', keyFile(ws, 0o644), () => synthShape(ws, secretsShape)),
  secretsShape,
);
damaged('SOPS_AGE_KEY_FILE readable by its group (0640)', refused('the age key file (SOPS_AGE_KEY_FILE) can be read by its group (mode 0640)'), () => undefined, (ws) => withEnv('SOPS_AGE_KEY_FILE', keyFile(ws, 0o640), () => synthShape(ws, secretsShape)), secretsShape);
damaged('SOPS_AGE_KEY_FILE private (0600) is used', accepted(), () => undefined, (ws) => withEnv('SOPS_AGE_KEY_FILE', keyFile(ws, 0o600), () => synthShape(ws, secretsShape)), secretsShape);
damaged('SOPS_AGE_KEY_FILE a folder', refused('the age key file (SOPS_AGE_KEY_FILE) is a folder where a file belongs'), () => undefined, (ws) => {
  fs.mkdirSync(path.join(ws.root, 'keys'));
  return withEnv('SOPS_AGE_KEY_FILE', path.join(ws.root, 'keys'), () => synthShape(ws, secretsShape));
}, secretsShape);
add("the platform's sops.identityFile readable by everyone", {
  expect: refused(/identity\.txt: the age key file \(sops\.identityFile\) can be read by every user of this machine \(mode 0644\)/),
  run: () => {
    const ws = workspace();
    const identityFile = path.join(ws.root, 'identity.txt');
    fs.writeFileSync(identityFile, `${TEST_AGE.identity}\n`);
    fs.chmodSync(identityFile, 0o644);
    const platform = () => {
      const p = testPlatform({ sops: { ageRecipients: [TEST_AGE.recipient], secretsFile: ws.secrets, identityFile }, terraform: { backend: { kind: 'local', path: ws.state } } });
      new CloudNativePg(p, 'cnpg');
      new PostgresCluster(p, 'postgres', { metrics: false, secrets: 'sops' });
      return p;
    };
    return outcomeOf(ws, () => synthPlatform(platform, { fluxDir: ws.flux, terraformDir: ws.terraform }));
  },
});

// --- A fleet's inventories: nothing outside the output is read ------------------------------------------
const fleetCase = (name: string, expect: HostileCase['expect'], damage: (ws: Workspace) => void) =>
  add(name, {
    expect,
    run: () => {
      const ws = workspace();
      fleetSynth(ws);
      damage(ws);
      return outcomeOf(ws, () => fleetSynth(ws));
    },
  });
const sharedItems = (value: string) => (ws: Workspace) => asJson(clusterInventory(ws), (j) => ({ ...j, sharedItems: value }));
fleetCase("a fleet's shared inventory pointing outside the output (../)", refused(/clusters\/a\/\.ballast\/inventory\.json: the inventory of the previous synth names as its shared items a file outside the output folder \S+, which ballast does not read\. Restore it from Git/), (ws) => {
  outsideFile(ws);
  sharedItems('../outside.json')(ws);
});
fleetCase("a fleet's shared inventory at /etc/passwd", refused('names as its shared items a file outside the output folder'), sharedItems('/etc/passwd'));
fleetCase("a fleet's shared inventory elsewhere inside the output", refused(`names as its shared items another file than base/.ballast/inventory.json, the one ballast writes`), sharedItems('clusters/b/.ballast/inventory.json'));
fleetCase("a fleet's shared inventory a link leading out", refused(/base\/\.ballast\/inventory\.json: the inventory of the previous synth leads out of the output folder/), (ws) => {
  const target = outsideFile(ws);
  fs.rmSync(shared(ws));
  fs.symlinkSync(target, shared(ws));
});
fleetCase("a fleet's shared inventory missing", refused(/clusters\/a\/\.ballast\/inventory\.json: the inventory of the previous synth names the shared inventory \S+base\/\.ballast\/inventory\.json, which is missing\. Restore it from Git: git checkout -- \S+ \(it holds the items every cluster shares, data included\)\./), (ws) => fs.rmSync(shared(ws)));
fleetCase("a fleet's shared inventory cut short", refused(/base\/\.ballast\/inventory\.json: the inventory of the previous synth is cut short/), (ws) => edit(shared(ws), (t) => t.slice(0, 60)));
fleetCase("a fleet's shared inventory from a future format", refused('is in inventory format 3, written by a newer ballast'), (ws) => asJson(shared(ws), (j) => ({ ...j, format: 3 })));
fleetCase("a fleet cluster's clusters folder link leading out", refused(/clusters\/a\/\.ballast\/inventory\.json: the inventory of the previous synth leads out of the output folder/), (ws) => {
  const elsewhere = path.join(ws.root, 'elsewhere');
  fs.renameSync(path.join(ws.flux, 'clusters', 'a'), elsewhere);
  fs.symlinkSync(elsewhere, path.join(ws.flux, 'clusters', 'a'));
});
fleetCase('a fleet re-synthesized over its intact output is accepted', accepted((tree) => expect(Object.keys(tree)).toContain(path.join('dist', 'flux', 'base', INVENTORY_FILE))), () => undefined);

// --- diff: the previous Flux files and stack it compares with (field-diff.ts) ------------------------------
// Mutations these catch (previous-flux-files.ts, field-diff.ts), each tried once: reading every recorded
// file with a plain fs.readFileSync accepts the link case (its target read) and crashes (EISDIR) on the
// folder case; reading every entry that is not a link as a regular file blocks on the FIFO case (it never
// ends); catching a YAML error and going on (as before) accepts the "does not parse" case; without the
// conflict check that case says "not valid YAML". The user's folder is the valid input beside them.
const WEB = (ws: Workspace) => path.join(ws.flux, 'apps', 'web.yaml');
/** `ballast diff` of a new web image against the workspace: the plan, then each changed object field by field. */
const diffFields = (ws: Workspace) => fieldDiffs(planAgainstOutput(() => shapedPlatform(ws, { webImage: 'ghcr.io/example/web:1.1.0' }), { fluxDir: ws.flux, terraformDir: ws.terraform }), ws.flux, stack(ws));
const diffCase = (name: string, expectation: HostileCase['expect'], damage: (ws: Workspace) => void) => damaged(name, expectation, damage, diffFields);
/** A YAML file outside the output: a Deployment of the same name whose image holds the canary. */
const outsideYaml = (ws: Workspace) => {
  const file = path.join(ws.root, 'outside.yaml');
  fs.writeFileSync(file, `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ${CANARY}\n`);
  return file;
};
diffCase("diff: a Flux file of the output a link leading out of it", refused(/apps\/web\.yaml: a file of the previous synth's Flux output leads out of the output folder \S+ \(a symbolic link, or a path with \.\.\), so ballast does not read it\. Replace it with the file itself: restore it from Git: git checkout -- \S+\.$/), (ws) => {
  const target = outsideYaml(ws);
  fs.rmSync(WEB(ws));
  fs.symlinkSync(target, WEB(ws));
});
diffCase("diff: a Flux file of the output that does not parse", refused(/apps\/web\.yaml: a file of the previous synth's Flux output is not valid YAML at line \d+\. Restore it from Git: git checkout -- \S+apps\/web\.yaml\.$/), (ws) =>
  edit(WEB(ws), (t) => t.replace(/^( +)(revisionHistoryLimit: .*)$/m, `$1$2\n$1args: [unclosed, "${CANARY}"`)),
);
diffCase('diff: a Flux file of the output with conflict markers in a changed object', refused(/apps\/web\.yaml: a merge left conflict markers \(<<<<<<<, =======, >>>>>>>\) in a file of the previous synth's Flux output\. Take one side of the merge whole/), (ws) =>
  edit(WEB(ws), (t) => t.replace(/^spec:$/m, `<<<<<<< HEAD\nsecret: ${CANARY}\n=======\n>>>>>>> feature\nspec:`)),
);
diffCase('diff: a Flux file of the output replaced by a folder', refused(/apps\/web\.yaml: a file of the previous synth's Flux output is a folder where a file belongs/), (ws) => folderInstead(WEB(ws)));
diffCase('diff: a FIFO where the output had a Flux file (reading it would block diff)', refused(/apps\/web\.yaml: a file of the previous synth's Flux output is not a regular file \(a device, FIFO or socket\)/), (ws) => {
  fs.rmSync(WEB(ws));
  execFileSync('mkfifo', [WEB(ws)]);
});
diffCase("diff: a folder of the user's own named like a YAML file is a folder", accepted((tree) => expect(tree[path.join('dist', 'flux', 'notes.yaml', 'readme.txt')]).toBe('mine\n')), (ws) => {
  fs.mkdirSync(path.join(ws.flux, 'notes.yaml'));
  fs.writeFileSync(path.join(ws.flux, 'notes.yaml', 'readme.txt'), 'mine\n');
});
diffCase('diff: cdk.tf.json cut short', refused("stacks/ballast/cdk.tf.json: the previous synth's Terraform stack is cut short"), (ws) => edit(stack(ws), (t) => `${t.slice(0, 120)}"${CANARY}`));

// --- The image automation's previous file (image-tags.ts) ---------------------------------------------------
// Mutations these catch (image-tags.ts), each tried once: existsSync and readFileSync (as before) read the
// link's target and crash (EISDIR) on the folder; without the YAML error check the damaged file is read as
// holding no tag (accepted); without the conflict check the conflict case is not refused as one.
const API = (ws: Workspace) => path.join(ws.flux, 'apps', 'api.yaml');
const automated = (ws: Workspace, image = 'ghcr.io/acme/api:1.0.0') =>
  synthPlatform(
    () => {
      const p = testPlatform({ sops: { ageRecipients: [TEST_AGE.recipient], secretsFile: ws.secrets }, terraform: { backend: { kind: 'local', path: ws.state } } });
      new WebService(p, 'api', { image, metricsPath: false, imageAutomation: { flux: new Flux(p, 'flux'), semverRange: '^1.0.0' } });
      return p;
    },
    { fluxDir: ws.flux, terraformDir: ws.terraform },
  );
const automationCase = (name: string, expectation: HostileCase['expect'], damage: (ws: Workspace) => void) =>
  add(name, {
    expect: expectation,
    run: () => {
      const ws = workspace();
      automated(ws);
      damage(ws);
      return outcomeOf(ws, () => automated(ws));
    },
  });
automationCase("image automation: the component's file a link leading out of the output", refused(/apps\/api\.yaml: a file of the previous synth's Flux output leads out of the output folder/), (ws) => {
  const target = path.join(ws.root, 'outside.yaml');
  fs.writeFileSync(target, fs.readFileSync(API(ws), 'utf8').replace('ghcr.io/acme/api:1.0.0', `ghcr.io/acme/api:${CANARY.replace(/[^A-Za-z0-9]/g, '')}`));
  fs.rmSync(API(ws));
  fs.symlinkSync(target, API(ws));
});
automationCase("image automation: the component's file a folder", refused(/apps\/api\.yaml: a file of the previous synth's Flux output is a folder where a file belongs\. Move the folder away/), (ws) => folderInstead(API(ws)));
automationCase("image automation: the component's file not valid YAML", refused(/apps\/api\.yaml: a file of the previous synth's Flux output is not valid YAML at line \d+\. Restore it from Git: git checkout -- \S+apps\/api\.yaml\.$/), (ws) =>
  edit(API(ws), (t) => t.replace(/^( +)(revisionHistoryLimit: .*)$/m, `$1$2\n$1args: [unclosed, "${CANARY}"`)),
);
automationCase("image automation: the component's file with conflict markers (the automation's commit merged with a hand edit)", refused(/apps\/api\.yaml: a merge left conflict markers \(<<<<<<<, =======, >>>>>>>\) in a file of the previous synth's Flux output/), (ws) =>
  edit(API(ws), (t) => t.replace(/^( +- )image: ghcr\.io\/acme\/api:1\.0\.0( #.*)$/m, `<<<<<<< HEAD\n$1image: ghcr.io/acme/api:1.0.3$2\n=======\n$1image: ghcr.io/acme/api:1.0.1$2\n>>>>>>> hand-edit`)),
);
automationCase("image automation: a committed tag in an intact file is kept", accepted((tree) => expect(tree[path.join('dist', 'flux', 'apps', 'api.yaml')]).toContain('image: ghcr.io/acme/api:1.0.3 #')), (ws) =>
  edit(API(ws), (t) => t.replace('image: ghcr.io/acme/api:1.0.0 #', 'image: ghcr.io/acme/api:1.0.3 #')),
);

// --- SecretValue.fromFile (secret.ts) ---------------------------------------------------------------------
// Mutations these catch (readSecretFile), each tried once: without the folder check readFileSync crashes
// (EISDIR); without the regular-file check it blocks on the FIFO (the case never ends); without the size
// check the large file is read; decoding without `fatal` accepts the binary; without the catch around the
// read, EACCES is a crash.
const secretFileCase = (name: string, expectation: HostileCase['expect'], make: (dir: string) => string) =>
  add(name, {
    expect: expectation,
    build: (p) => {
      const file = make(tempDir('ballast-secret-file-'));
      new Bare(p, 'app').secret('app-token', { token: SecretValue.fromFile(file) });
    },
  });
const CANNOT = 'ballast/app: Secret app/app-token key token cannot be read: the file ';
secretFileCase('SecretValue.fromFile at a folder', refused(new RegExp(`^${CANNOT}\\S+ is a folder\\. Give SecretValue.fromFile the path of the file that holds the secret, not of its folder\\.$`)), (dir) => {
  fs.writeFileSync(path.join(dir, 'token'), CANARY);
  return dir;
});
secretFileCase('SecretValue.fromFile of a file over 1 MiB', refused(/the file \S+ holds 2097152 bytes, more than the 1 MiB \(1048576 bytes\) a Kubernetes Secret can hold\. Give SecretValue\.fromFile the file that holds the secret itself/), (dir) => {
  fs.writeFileSync(path.join(dir, 'token'), Buffer.alloc(2 * 1024 * 1024, CANARY));
  return path.join(dir, 'token');
});
secretFileCase('SecretValue.fromFile of a FIFO', refused(/the file \S+ is not a regular file \(a device, FIFO or socket\): reading it could block the synth or never end/), (dir) => {
  execFileSync('mkfifo', [path.join(dir, 'token')]);
  return path.join(dir, 'token');
});
secretFileCase('SecretValue.fromFile of a binary file', refused(/the file \S+ is not UTF-8 text \(a binary file\), and a Secret's value is written as text\. Base64-encode it/), (dir) => {
  fs.writeFileSync(path.join(dir, 'token'), Buffer.concat([Buffer.from(CANARY), Buffer.from([0xc3, 0x28, 0xff])]));
  return path.join(dir, 'token');
});
add('SecretValue.fromFile of a file ballast may not read (EACCES)', {
  expect: refused(/the file \S+ cannot be read: permission denied\. Let the user who runs ballast read it \(chmod u\+r /),
  run: () => {
    const file = path.join(tempDir('ballast-secret-file-'), 'token');
    fs.writeFileSync(file, CANARY);
    const ws = workspace();
    const platform = () => {
      const p = testPlatform({ sops: { ageRecipients: [TEST_AGE.recipient], secretsFile: ws.secrets }, terraform: { backend: { kind: 'local', path: ws.state } } });
      new Bare(p, 'app').secret('app-token', { token: SecretValue.fromFile(file) });
      return p;
    };
    return whileUnreadable(file, () => outcomeOf(ws, () => synthPlatform(platform, { fluxDir: ws.flux, terraformDir: ws.terraform })));
  },
});

// --- ballast's SOPS cache (encrypted-secret.ts): a cache never stops a synth -------------------------------
// Mutations these catch (encryptedSecretDocument), each tried once: returning any entry that can be read (as
// before) writes the canary into the output in the first two (the leak check fails); existsSync and
// readFileSync of an entry or of the key (as before) crash (EISDIR) on the last two.
const cacheCase = (name: string, damage: (sops: string) => void) =>
  add(name, {
    expect: accepted((tree) => expect(Object.entries(tree).filter(([f, t]) => f.endsWith('postgres.yaml') && t.includes('mac: ENC[AES256_GCM'))).not.toEqual([])),
    run: () => {
      const ws = workspace();
      return withEnv('BALLAST_CACHE', path.join(ws.root, 'cache'), () => {
        synthShape(ws, secretsShape);
        damage(path.join(ws.root, 'cache', 'sops'));
        // A fresh output, so that the Secrets come from the cache rather than from the previous output's files.
        fs.rmSync(path.join(ws.root, 'dist'), { recursive: true });
        return outcomeOf(ws, () => synthShape(ws, secretsShape));
      });
    },
  });
const cacheEntries = (sops: string) => fs.readdirSync(sops).filter((f) => f.endsWith('.yaml')).map((f) => path.join(sops, f));
cacheCase('the SOPS cache: every entry overwritten with other text is passed over, and none of it reaches the output', (sops) => cacheEntries(sops).forEach((e) => fs.writeFileSync(e, `apiVersion: v1\nkind: Secret\nstringData:\n  password: ${CANARY}\n`)));
cacheCase('the SOPS cache: every entry cut short is passed over', (sops) => cacheEntries(sops).forEach((e) => edit(e, (t) => `${t.slice(0, t.length / 2)}${CANARY}`)));
cacheCase('the SOPS cache: every entry a folder is passed over', (sops) => cacheEntries(sops).forEach(folderInstead));
cacheCase('the SOPS cache: its key a folder (the Secrets are encrypted without the cache)', (sops) => folderInstead(path.join(sops, '.hmac-key')));

// --- The output's record of its files (.ballast/files.json, output-record.ts) -------------------------------
// Mutations these catch (readRecord), each tried once: its catch-all of before (a damaged record is as none)
// accepts the first five cases; without the path pattern, the one naming a file outside is accepted.
const RECORD = (ws: Workspace) => path.join(ws.flux, '.ballast', 'files.json');
const RECORD_FIX = /Restore it from Git: git checkout -- \S+\.ballast\/files\.json \(or delete it: the next synth then keeps every file of the folder that it does not write, and says which\)\.$/;
damaged('files.json cut short', refused(/\.ballast\/files\.json: the previous synth's record of its files is cut short: its JSON ends before it is complete/), (ws) => edit(RECORD(ws), (t) => `${t.slice(0, t.length / 2)}"${CANARY}`));
damaged('files.json cut short: the fix is Git, or deleting it (what that costs is said)', refused(RECORD_FIX), (ws) => edit(RECORD(ws), (t) => t.slice(0, 40)));
damaged('files.json with conflict markers', refused("a merge left conflict markers (<<<<<<<, =======, >>>>>>>) in the previous synth's record of its files"), (ws) => edit(RECORD(ws), conflicted));
damaged('files.json naming a file outside the output', refused("the previous synth's record of its files is not a record ballast wrote: files[0] is not a path inside the output folder"), (ws) => asJson(RECORD(ws), (j) => ({ ...j, files: ['../../outside.json', ...(j.files as string[])] })));
damaged('files.json a folder', refused("files.json: the previous synth's record of its files is a folder where a file belongs"), (ws) => folderInstead(RECORD(ws)));
damaged('files.json deleted (an output older than records): the synth goes on, keeping what it does not write', accepted((tree) => expect(Object.keys(tree)).toContain(path.join('dist', 'flux', '.ballast', 'files.json'))), (ws) => fs.rmSync(RECORD(ws)));
