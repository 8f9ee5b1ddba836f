// A synth SIGKILLed at each rename of its pair swap (dist/flux and dist/cdktf): the next synth finds both
// folders from one synth (the killed one's when all of its folders were renamed in, the one before
// otherwise), with the user's files, and nothing left beside them. The kill comes from a preload
// (`node -r kill-at-rename.js`) wrapping fs.renameSync in the child: production code has no test hooks.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { withAtomicOutput } from '../../lib/output/output';
import { platformBuildOf, prepareChildren, runChild } from '../support/synth-output-child';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ballast-kill-rename-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
prepareChildren(work);
const { platformBuild, nonceIn } = platformBuildOf(work);

/** A fresh pair of output folders; with `first`, synthesized once by platform A (nonce a1) and given user files. */
function outputs(name: string, first: boolean): string[] {
  const dist = path.join(work, name, 'dist');
  const dirs = [path.join(dist, 'flux'), path.join(dist, 'cdktf')];
  if (first) {
    withAtomicOutput(dirs, platformBuild(dirs, 'a', 'a1', 20));
    fs.mkdirSync(path.join(dirs[0], '.git/refs/heads'), { recursive: true });
    fs.writeFileSync(path.join(dirs[0], '.git/HEAD'), 'ref: refs/heads/main\n');
    fs.writeFileSync(path.join(dirs[1], 'README.md'), 'mine\n');
  }
  return dirs;
}

/** The next synth: one whose build fails, so that what the folders hold is what recovery left. */
function recover(dirs: string[]): string[] {
  const notes: string[] = [];
  expect(() => withAtomicOutput(dirs, () => { throw new Error('stop'); }, { note: (m) => notes.push(m) })).toThrow('stop');
  return notes;
}

// With a previous output, the swap renames flux aside (1), flux's staging in (2), cdktf aside (3),
// cdktf's staging in (4). Only a kill after the 4th leaves the killed synth's pair complete.
// `left` is what the two folders hold right after the kill ('none': the folder is missing).
test.each([
  ['before:1', 'a1', 'undone', ['a1', 'a1']],
  ['after:1', 'a1', 'undone', ['none', 'a1']],
  ['after:2', 'a1', 'undone', ['b1', 'a1']],
  ['after:3', 'a1', 'undone', ['b1', 'none']],
  ['after:4', 'b1', 'finished', ['b1', 'b1']],
])('killed %s rename of the swap: the next synth finds the pair of synth %s', async (killAt, expected, outcome, left) => {
  const dirs = outputs(`kill-${killAt.replace(':', '-')}`, true);
  const child = await runChild(work, { outdirs: dirs, platform: 'b', nonce: 'b1', files: 30, killAt });
  expect(child.signal).toBe('SIGKILL');
  const dist = path.dirname(dirs[0]);
  // The killed synth left its journal, lock files and staging or previous folders.
  expect(fs.readdirSync(dist)).toContain(`.ballast-swap-${child.pid}.json`);
  expect(dirs.map(nonceIn)).toEqual(left);
  const notes = recover(dirs);
  expect(notes).toEqual([expect.stringContaining(`a synth (pid ${child.pid} (`)]);
  expect(notes[0]).toContain(outcome === 'finished' ? 'its swap was finished, they hold its output' : 'its swap was undone, they hold the output from before it');
  expect(dirs.map(nonceIn)).toEqual([expected, expected]);
  // Complete trees: every file of that platform, its record, the user's files.
  const platform = expected[0];
  const count = platform === 'a' ? 20 : 30;
  for (const dir of dirs) {
    const apps = fs.readdirSync(path.join(dir, 'apps')).sort();
    expect(apps).toEqual([...Array.from({ length: count }, (_, k) => `${platform}-${k}.yaml`), 'common.yaml'].sort());
    expect(JSON.parse(fs.readFileSync(path.join(dir, '.ballast/files.json'), 'utf8')).files).toHaveLength(count + 2);
  }
  expect(fs.readFileSync(path.join(dirs[0], '.git/HEAD'), 'utf8')).toBe('ref: refs/heads/main\n');
  expect(fs.existsSync(path.join(dirs[0], '.git/refs/heads'))).toBe(true);
  expect(fs.readFileSync(path.join(dirs[1], 'README.md'), 'utf8')).toBe('mine\n');
  expect(fs.readdirSync(dist).sort()).toEqual(['cdktf', 'flux']);
});

// A first synth has nothing to move aside: staging in for flux (1), for cdktf (2).
test.each([
  ['after:1', 'none'],
  ['after:2', 'b1'],
])('killed %s rename of a first synth: the next synth finds %s in both folders', async (killAt, expected) => {
  const dirs = outputs(`first-${killAt.replace(':', '-')}`, false);
  const child = await runChild(work, { outdirs: dirs, platform: 'b', nonce: 'b1', files: 30, killAt });
  expect(child.signal).toBe('SIGKILL');
  recover(dirs);
  expect(dirs.map(nonceIn)).toEqual([expected, expected]);
  expect(dirs.map((d) => fs.existsSync(d))).toEqual(expected === 'none' ? [false, false] : [true, true]);
  expect(fs.readdirSync(path.dirname(dirs[0])).sort()).toEqual(expected === 'none' ? [] : ['cdktf', 'flux']);
});

test('a recovering synth killed half-way through undoing a swap leaves what the next one completes', async () => {
  const dirs = outputs('kill-twice', true);
  // Killed with flux swapped in and cdktf not: the pair is mixed until the swap is undone.
  const first = await runChild(work, { outdirs: dirs, platform: 'b', nonce: 'b1', files: 30, killAt: 'after:2' });
  expect(first.signal).toBe('SIGKILL');
  // The next synth starts undoing (new flux back to its staging name) and is killed right after that.
  const second = await runChild(work, { outdirs: dirs, platform: 'c', nonce: 'c1', files: 10, killAt: 'after:1' });
  expect(second.signal).toBe('SIGKILL');
  expect(fs.existsSync(dirs[0])).toBe(false);
  recover(dirs);
  expect(dirs.map(nonceIn)).toEqual(['a1', 'a1']);
  expect(fs.readdirSync(path.dirname(dirs[0])).sort()).toEqual(['cdktf', 'flux']);
});

test('a synth of flux alone finishes the pair swap of a killed synth of both, cdktf included', async () => {
  const dirs = outputs('one-of-two', true);
  const child = await runChild(work, { outdirs: dirs, platform: 'b', nonce: 'b1', files: 30, killAt: 'after:2' });
  expect(child.signal).toBe('SIGKILL');
  // Like `cdk8s synth` writing only dist/flux: it must still undo cdktf's part, or the pair stays mixed.
  expect(() => withAtomicOutput([dirs[0]], () => { throw new Error('stop'); }, { note: () => undefined })).toThrow('stop');
  expect(dirs.map(nonceIn)).toEqual(['a1', 'a1']);
  expect(fs.readdirSync(path.dirname(dirs[0])).sort()).toEqual(['cdktf', 'flux']);
});
