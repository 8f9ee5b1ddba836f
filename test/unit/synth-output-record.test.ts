// The record of what a synth wrote (.ballast/files.json): the next synth replaces exactly those files and
// keeps everything else in the output folder (a user's .git, a README, symlinks, empty folders).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { withAtomicOutput } from '../../lib/output/output';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

function tempRoot(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ballast-record-'));
  roots.push(root);
  return root;
}

/** A synth of `files` into `dir`; returns the notes it gave. */
function synth(dir: string | string[], files: Record<string, string>, extra: (staging: string[]) => void = () => undefined): string[] {
  const notes: string[] = [];
  withAtomicOutput(
    Array.isArray(dir) ? dir : [dir],
    (staging) => {
      for (const s of staging) {
        for (const [rel, content] of Object.entries(files)) {
          fs.mkdirSync(path.dirname(path.join(s, rel)), { recursive: true });
          fs.writeFileSync(path.join(s, rel), content);
        }
      }
      extra(staging);
    },
    { note: (m) => notes.push(m) },
  );
  return notes;
}

const record = (dir: string): string[] => JSON.parse(fs.readFileSync(path.join(dir, '.ballast/files.json'), 'utf8')).files;

/** Every entry under `dir` (folders with a trailing slash), sorted. */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) {
        out.push(`${child}/`);
        walk(child);
      } else out.push(child);
    }
  };
  walk('');
  return out.sort();
}

test('files ballast did not write survive two synths, are not recorded; files it stopped writing go', () => {
  const root = tempRoot();
  const dir = path.join(root, 'flux');
  expect(synth(dir, { 'apps/a.yaml': 'a: 1\n', 'apps/b.yaml': 'b: 1\n' })).toEqual([]);
  // The user's files: a .git folder (a nested file, an empty folder git needs), a README, a symlink,
  // a file of their own inside a folder ballast writes, an empty folder.
  fs.mkdirSync(path.join(dir, '.git/refs/heads'), { recursive: true });
  fs.mkdirSync(path.join(dir, '.git/objects/ab'), { recursive: true });
  fs.writeFileSync(path.join(dir, '.git/HEAD'), 'ref: refs/heads/main\n');
  fs.writeFileSync(path.join(dir, '.git/objects/ab/cdef'), 'blob');
  fs.writeFileSync(path.join(dir, 'README.md'), '# my cluster\n');
  fs.symlinkSync('apps/a.yaml', path.join(dir, 'current.yaml'));
  fs.writeFileSync(path.join(dir, 'apps/mine.yaml'), 'mine: true\n');
  fs.mkdirSync(path.join(dir, 'notes'));
  const head = fs.statSync(path.join(dir, '.git/HEAD'));
  const foreign = ['.git/', '.git/HEAD', '.git/objects/', '.git/objects/ab/', '.git/objects/ab/cdef', '.git/refs/', '.git/refs/heads/', 'README.md', 'apps/mine.yaml', 'current.yaml', 'notes/'];

  expect(synth(dir, { 'apps/a.yaml': 'a: 2\n', 'apps/c.yaml': 'c: 1\n' })).toEqual([]);
  expect(tree(dir)).toEqual([...foreign, '.ballast/', '.ballast/files.json', 'apps/', 'apps/a.yaml', 'apps/c.yaml'].sort());
  expect(record(dir)).toEqual(['apps/a.yaml', 'apps/c.yaml']);
  // Linked, not copied: the same file, its modification time untouched.
  expect(fs.statSync(path.join(dir, '.git/HEAD')).ino).toBe(head.ino);
  expect(fs.statSync(path.join(dir, '.git/HEAD')).mtimeMs).toBe(head.mtimeMs);
  expect(fs.readlinkSync(path.join(dir, 'current.yaml'))).toBe('apps/a.yaml');
  expect(fs.readFileSync(path.join(dir, 'current.yaml'), 'utf8')).toBe('a: 2\n');

  // A second synth that writes less: apps/ stays for the user's file in it.
  expect(synth(dir, { 'a.yaml': 'a: 3\n' })).toEqual([]);
  expect(tree(dir)).toEqual([...foreign, '.ballast/', '.ballast/files.json', 'a.yaml', 'apps/'].sort());
  expect(record(dir)).toEqual(['a.yaml']);
  expect(fs.readFileSync(path.join(dir, '.git/objects/ab/cdef'), 'utf8')).toBe('blob');
  expect(fs.statSync(path.join(dir, '.git/HEAD')).nlink).toBe(1);
  expect(fs.readdirSync(root).sort()).toEqual(['flux']);
});

test('a git repository in the output folder keeps working, and sees exactly what the synth changed', () => {
  const git = (cwd: string, ...args: string[]) => {
    const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  if (spawnSync('git', ['--version']).status !== 0) return; // no git on this machine: the test above covers the files
  const dir = path.join(tempRoot(), 'flux');
  synth(dir, { 'apps/a.yaml': 'a: 1\n', 'apps/b.yaml': 'b: 1\n' });
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'first');
  synth(dir, { 'apps/a.yaml': 'a: 2\n', 'apps/c.yaml': 'c: 1\n' });
  synth(dir, { 'apps/a.yaml': 'a: 2\n', 'apps/c.yaml': 'c: 1\n' });
  expect(git(dir, 'status', '--porcelain', '--untracked-files=all').split('\n').filter(Boolean).sort()).toEqual([
    ' D apps/b.yaml',
    ' M .ballast/files.json',
    ' M apps/a.yaml',
    '?? apps/c.yaml',
  ]);
  expect(git(dir, 'log', '--format=%s')).toBe('first\n');
  expect(git(dir, 'fsck', '--no-progress')).toBe('');
});

test('the record is the same bytes for the same files, whatever order they were written in', () => {
  const [one, two] = [path.join(tempRoot(), 'flux'), path.join(tempRoot(), 'flux')];
  synth(one, { 'b/x.yaml': '', 'a.yaml': '', 'b/a.yaml': '', 'B.yaml': '' });
  synth(two, { 'B.yaml': '', 'b/a.yaml': '', 'a.yaml': '', 'b/x.yaml': '' });
  const bytes = fs.readFileSync(path.join(one, '.ballast/files.json'), 'utf8');
  expect(fs.readFileSync(path.join(two, '.ballast/files.json'), 'utf8')).toBe(bytes);
  expect(record(one)).toEqual(['B.yaml', 'a.yaml', 'b/a.yaml', 'b/x.yaml']);
  expect(bytes.endsWith('\n')).toBe(true);
});

test('a folder ballast never wrote keeps what is in it, said once; the next synth says nothing', () => {
  const dir = path.join(tempRoot(), 'flux');
  fs.mkdirSync(path.join(dir, '.git/refs'), { recursive: true });
  fs.writeFileSync(path.join(dir, '.git/HEAD'), 'ref: refs/heads/main\n');
  fs.writeFileSync(path.join(dir, 'apps.yaml'), 'old: true\n');
  const notes = synth(dir, { 'apps.yaml': 'new: true\n', 'b.yaml': '' });
  expect(notes).toHaveLength(1);
  // apps.yaml is written by this synth too: the new one replaces it and it is not listed as kept.
  expect(notes[0]).toMatch(/so this synth kept everything in it that it does not write: \.git\/ \(2 entries\)\. Delete what you no longer need/);
  expect(fs.readFileSync(path.join(dir, 'apps.yaml'), 'utf8')).toBe('new: true\n');
  expect(synth(dir, { 'b.yaml': '' })).toEqual([]);
  expect(tree(dir)).toEqual(['.ballast/', '.ballast/files.json', '.git/', '.git/HEAD', '.git/refs/', 'b.yaml']);
});

test('an empty folder, or none, is a first synth: nothing to keep, nothing said', () => {
  const root = tempRoot();
  fs.mkdirSync(path.join(root, 'flux'));
  expect(synth([path.join(root, 'flux'), path.join(root, 'cdktf')], { 'a.yaml': '' })).toEqual([]);
  expect(record(path.join(root, 'cdktf'))).toEqual(['a.yaml']);
});

test("a file of the user's where the new synth now writes one: the synth's wins, and it says so", () => {
  const dir = path.join(tempRoot(), 'flux');
  synth(dir, { 'a.yaml': '' });
  fs.writeFileSync(path.join(dir, 'b.yaml'), 'mine\n');
  const notes = synth(dir, { 'a.yaml': '', 'b.yaml': 'ballast\n' });
  expect(notes).toEqual([expect.stringMatching(/flux: this synth wrote over files it had not written before: b\.yaml$/)]);
  expect(fs.readFileSync(path.join(dir, 'b.yaml'), 'utf8')).toBe('ballast\n');
});

test('a swap that fails and is undone leaves the old tree, with its foreign files, exactly as it was', () => {
  const root = tempRoot();
  const outputs = [path.join(root, 'flux'), path.join(root, 'cdktf')];
  synth(outputs, { 'a.yaml': 'one' });
  fs.mkdirSync(path.join(outputs[0], '.git'));
  fs.writeFileSync(path.join(outputs[0], '.git/HEAD'), 'head');
  const before = tree(outputs[0]);
  const ino = fs.statSync(path.join(outputs[0], '.git/HEAD')).ino;
  const blocker = `${outputs[1]}.previous-${process.pid}`;
  expect(() =>
    synth(outputs, { 'a.yaml': 'two' }, () => {
      fs.mkdirSync(blocker);
      fs.writeFileSync(path.join(blocker, 'x'), '');
    }),
  ).toThrow(/could not swap in the new output: ENOTEMPTY/);
  fs.rmSync(blocker, { recursive: true });
  expect(tree(outputs[0])).toEqual(before);
  expect(fs.readFileSync(path.join(outputs[0], 'a.yaml'), 'utf8')).toBe('one');
  expect(fs.statSync(path.join(outputs[0], '.git/HEAD'))).toMatchObject({ ino, nlink: 1 });
  expect(fs.readdirSync(root).sort()).toEqual(['cdktf', 'flux']);
});

test('a foreign folder keeps its mode, even a read-only one', () => {
  const dir = path.join(tempRoot(), 'flux');
  synth(dir, { 'a.yaml': '' });
  fs.mkdirSync(path.join(dir, 'private/locked'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'private/locked/key'), 'k');
  fs.chmodSync(path.join(dir, 'private'), 0o700);
  fs.chmodSync(path.join(dir, 'private/locked'), 0o500);
  synth(dir, { 'a.yaml': '' });
  expect(fs.statSync(path.join(dir, 'private')).mode & 0o777).toBe(0o700);
  expect(fs.statSync(path.join(dir, 'private/locked')).mode & 0o777).toBe(0o500);
  expect(fs.readFileSync(path.join(dir, 'private/locked/key'), 'utf8')).toBe('k');
  fs.chmodSync(path.join(dir, 'private/locked'), 0o700); // so that the temporary folder can be removed
});
