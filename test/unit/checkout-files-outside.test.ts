// Nothing outside the output folder is read: a path taken from a file (a fleet's shared inventory), a
// symbolic link inside the output, or a kustomization's resource that leads out is refused (or, for what
// only the guard's view looks at, not followed) before a byte of its target is read, and the target's
// bytes are never in a message.
import * as fs from 'fs';
// The `fs` module itself, not an import's copy of it: a spy on it is what the library's reads see.
import realFs = require('fs');
import * as path from 'path';
import { guardView } from '../../lib/day2/guard-view';
import { INVENTORY_FILE, readClusterInventory, readInventory } from '../../lib/internal';
import { CANARY } from '../support/hostile';
import { problemOf } from '../support/problems';
import { synthShape, workspace, Workspace } from '../support/day2';
import { fleetSynth } from './hostile/files.cases';


/** A folder outside the output, with a file holding the canary. */
function outside(ws: Workspace): { dir: string; file: string } {
  const dir = path.join(ws.root, 'elsewhere');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'secret.json');
  fs.writeFileSync(file, JSON.stringify({ format: 1, items: [], token: CANARY }));
  return { dir, file };
}

/** The message of `act`'s refusal, and every path it opened or read under `dir` meanwhile. */
function readsUnder(dir: string, act: () => void): { message: string; opened: string[] } {
  const opened: string[] = [];
  const note = (p: unknown) => {
    if (typeof p === 'string' && path.resolve(p).startsWith(dir)) opened.push(p);
  };
  const spies = (['readFileSync', 'openSync', 'readdirSync'] as const).map((name) => {
    const original = realFs[name] as (...a: unknown[]) => unknown;
    return jest.spyOn(realFs, name).mockImplementation(((...args: unknown[]) => {
      note(args[0]);
      return original(...args);
    }) as never);
  });
  try {
    return { message: problemOf(act), opened };
  } finally {
    spies.forEach((s) => s.mockRestore());
  }
}

const clusterInventory = (ws: Workspace) => path.join(ws.flux, 'clusters', 'a', INVENTORY_FILE);
const setShared = (ws: Workspace, value: string) => {
  const json = JSON.parse(fs.readFileSync(clusterInventory(ws), 'utf8'));
  fs.writeFileSync(clusterInventory(ws), JSON.stringify({ ...json, sharedItems: value }));
};

describe("a fleet's shared inventory that points outside the output", () => {
  test.each([
    ['a relative path out of the output', (o: { file: string }, ws: Workspace) => path.relative(ws.flux, o.file)],
    ['an absolute path', (o: { file: string }) => o.file],
  ])('%s is refused without reading it', (_, value) => {
    const ws = workspace();
    fleetSynth(ws);
    const o = outside(ws);
    setShared(ws, value(o, ws));
    const { message, opened } = readsUnder(o.dir, () => void fleetSynth(ws));
    expect(message).toMatch(/^\S+clusters\/a\/\.ballast\/inventory\.json: the inventory of the previous synth names as its shared items a file outside the output folder \S+, which ballast does not read\. Restore it from Git/);
    // Mutation: dropping the "only base/.ballast/inventory.json" check in readClusterInventory reads the target (and fails here).
    expect(opened).toEqual([]);
    expect(message).not.toContain(CANARY);
    expect(message).not.toContain('"items"');
  });

  test('a shared inventory that is a link leading out is refused without reading its target', () => {
    const ws = workspace();
    fleetSynth(ws);
    const o = outside(ws);
    const shared = path.join(ws.flux, 'base', INVENTORY_FILE);
    fs.rmSync(shared);
    fs.symlinkSync(o.file, shared);
    const { message, opened } = readsUnder(o.dir, () => void readClusterInventory(ws.flux, 'a'));
    expect(message).toMatch(/base\/\.ballast\/inventory\.json: the inventory of the previous synth leads out of the output folder \S+ \(a symbolic link, or a path with \.\.\), so ballast does not read it\. Replace it with the file itself: restore it from Git/);
    // Mutation: isInside judging by the path alone (no realpath) reads the target (and fails here).
    expect(opened).toEqual([]);
  });
});

test("a platform's inventory that is a link leading out is refused without reading its target", () => {
  const ws = workspace();
  synthShape(ws);
  const o = outside(ws);
  fs.rmSync(path.join(ws.flux, INVENTORY_FILE));
  fs.symlinkSync(o.file, path.join(ws.flux, INVENTORY_FILE));
  const { message, opened } = readsUnder(o.dir, () => void readInventory(ws.flux));
  expect(message).toContain('the inventory of the previous synth leads out of the output folder');
  expect(opened).toEqual([]);
});

describe("the guard's view reads the output's own files only", () => {
  test('a kustomization resource that leads out of the output, and a YAML file that is a link, are not followed', () => {
    const ws = workspace();
    fleetSynth(ws);
    const o = outside(ws);
    fs.writeFileSync(path.join(o.dir, 'db.yaml'), `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n  annotations:\n    kustomize.toolkit.fluxcd.io/prune: disabled\n    token: ${CANARY}\n`);
    const kustomization = path.join(ws.flux, 'clusters', 'a', 'infrastructure', 'configs', 'kustomization.yaml');
    fs.appendFileSync(kustomization, '');
    const text = fs.readFileSync(kustomization, 'utf8').replace('resources:\n', `resources:\n  - ${path.relative(path.dirname(kustomization), o.dir)}\n`);
    fs.writeFileSync(kustomization, text);
    fs.symlinkSync(path.join(o.dir, 'db.yaml'), path.join(ws.flux, 'clusters', 'a', 'infrastructure', 'configs', 'linked.yaml'));
    const previous = readClusterInventory(ws.flux, 'a');
    const { opened } = readsUnder(o.dir, () => void guardView(previous, ws.flux, ws.terraform, 'a'));
    expect(opened).toEqual([]);
    expect(guardView(previous, ws.flux, ws.terraform, 'a')).toBe(previous);
  });

  test('a step folder of the output that is a link leading out is not followed', () => {
    const ws = workspace();
    synthShape(ws);
    const o = outside(ws);
    const apps = path.join(ws.flux, 'apps');
    fs.cpSync(apps, path.join(o.dir, 'apps'), { recursive: true });
    fs.rmSync(apps, { recursive: true });
    fs.symlinkSync(path.join(o.dir, 'apps'), apps);
    // The walk does not follow the link; the output's other files are read as before.
    expect(() => guardView(readInventory(ws.flux), ws.flux, ws.terraform, 'test')).not.toThrow();
  });
});

test("an intact fleet's output adds nothing to any cluster's guard view", () => {
  const ws = workspace();
  fleetSynth(ws);
  for (const cluster of ['a', 'b']) {
    const previous = readClusterInventory(ws.flux, cluster);
    expect(previous?.items.some((i) => i.id === 'object/postgresql.cnpg.io/Cluster/database/postgres')).toBe(true);
    expect(guardView(previous, ws.flux, ws.terraform, cluster)).toBe(previous);
  }
});

test("a fleet cluster's Cluster hidden from both inventory files is still guarded (its base file holds it)", () => {
  const ws = workspace();
  fleetSynth(ws);
  for (const file of [clusterInventory(ws), path.join(ws.flux, 'base', INVENTORY_FILE)]) {
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    fs.writeFileSync(file, lines.filter((l) => !l.includes('"id":"object/postgresql.cnpg.io/Cluster/')).join('\n').replace(/,(\n {2}\])/, '$1'));
  }
  const previous = readClusterInventory(ws.flux, 'a')!;
  expect(previous.items.some((i) => i.id === 'object/postgresql.cnpg.io/Cluster/database/postgres')).toBe(false);
  const view = guardView(previous, ws.flux, ws.terraform, 'a')!;
  // Mutation: baseFoldersOf returning [] (the base/ files a cluster uses not read) makes this fail.
  expect(view.items.find((i) => i.id === 'object/postgresql.cnpg.io/Cluster/database/postgres')).toMatchObject({ owner: 'flux', stateful: true, component: 'ballast/postgres' });
});
