// A synth replaces what it wrote before, keeps everything else, and a failed one says truthfully what
// the output folders hold.
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { SynthOutputError, ValidationError, withAtomicOutput, writeFiles } from '../../lib/internal';
import { runEntryPoint } from '../../lib/synth/cli';
import { tempDir } from '../support/synth';
import { platformBuildOf, prepareChildren } from '../support/synth-output-child';

function tempOutdir(): string {
  const dir = path.join(tempDir(), 'dist');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'old.yaml'), 'old: true\n');
  return dir;
}

test('a successful build replaces what ballast wrote; a folder without a record keeps the rest, said once', () => {
  const dir = tempOutdir();
  const notes: string[] = [];
  withAtomicOutput([dir], ([staging]) => fs.writeFileSync(path.join(staging, 'new.yaml'), 'new: true\n'), { note: (m) => notes.push(m) });
  // old.yaml was there before ballast kept a record: it may be a user's, so it stays, and the user is told.
  expect(fs.readdirSync(dir).sort()).toEqual(['.ballast', 'new.yaml', 'old.yaml']);
  expect(notes).toHaveLength(1);
  expect(notes[0]).toMatch(/holds no record of the files ballast wrote there \(\.ballast\/files\.json\), so this synth kept everything in it that it does not write: old\.yaml\./);
  expect(JSON.parse(fs.readFileSync(path.join(dir, '.ballast/files.json'), 'utf8')).files).toEqual(['new.yaml']);
  // The next synth replaces new.yaml (recorded as ballast's) and keeps old.yaml without a word.
  notes.length = 0;
  withAtomicOutput([dir], ([staging]) => fs.writeFileSync(path.join(staging, 'newer.yaml'), 'newer: true\n'), { note: (m) => notes.push(m) });
  expect(fs.readdirSync(dir).sort()).toEqual(['.ballast', 'newer.yaml', 'old.yaml']);
  expect(notes).toEqual([]);
  expect(fs.readdirSync(path.dirname(dir))).toEqual(['dist']);
});

test('a failing build leaves the previous output untouched and no staging folder behind', () => {
  const dir = tempOutdir();
  expect(() =>
    withAtomicOutput([dir], ([staging]) => {
      fs.writeFileSync(path.join(staging, 'half.yaml'), 'half: true\n');
      throw new Error('boom');
    }),
  ).toThrow('boom');
  expect(fs.readdirSync(dir)).toEqual(['old.yaml']);
  expect(fs.readdirSync(path.dirname(dir))).toEqual(['dist']);
});

describe('a re-synth with the previous output', () => {
  const synth = (dir: string, files: Record<string, string>) =>
    withAtomicOutput([dir], ([staging]) => writeFiles(staging, new Map(Object.entries(files)), dir));

  test('links the files that did not change and writes the ones that did', () => {
    const dir = path.join(tempDir(), 'flux');
    synth(dir, { 'apps/a.yaml': 'a: 1\n', 'apps/b.yaml': 'b: 1\n', 'apps/c.yaml': 'c: 1\n' });
    const before = (f: string) => fs.statSync(path.join(dir, f));
    const [a, b, c] = ['apps/a.yaml', 'apps/b.yaml', 'apps/c.yaml'].map(before);
    // b keeps its size but not its bytes; c changes size; d is new.
    synth(dir, { 'apps/a.yaml': 'a: 1\n', 'apps/b.yaml': 'b: 2\n', 'apps/c.yaml': 'c: 10\n', 'apps/d.yaml': 'd: 1\n' });
    const after = (f: string) => fs.statSync(path.join(dir, f));
    expect(after('apps/a.yaml').ino).toBe(a.ino);
    expect(after('apps/a.yaml').mtimeMs).toBe(a.mtimeMs);
    expect(after('apps/a.yaml').nlink).toBe(1);
    expect(after('apps/b.yaml').ino).not.toBe(b.ino);
    expect(after('apps/c.yaml').ino).not.toBe(c.ino);
    expect(Object.fromEntries(['a', 'b', 'c', 'd'].map((x) => [x, fs.readFileSync(path.join(dir, `apps/${x}.yaml`), 'utf8')]))).toEqual({
      a: 'a: 1\n',
      b: 'b: 2\n',
      c: 'c: 10\n',
      d: 'd: 1\n',
    });
    expect(fs.readdirSync(path.dirname(dir))).toEqual(['flux']);
  });

  test('writes a regular file where the previous output held a symlink, and leaves its target alone', () => {
    const dir = path.join(tempDir(), 'flux');
    synth(dir, { 'a.yaml': 'a: 1\n' });
    const target = path.join(tempDir(), 'elsewhere.yaml');
    fs.writeFileSync(target, 'a: 1\n');
    fs.rmSync(path.join(dir, 'a.yaml'));
    fs.symlinkSync(target, path.join(dir, 'a.yaml'));
    synth(dir, { 'a.yaml': 'a: 1\n' });
    expect(fs.lstatSync(path.join(dir, 'a.yaml')).isFile()).toBe(true);
    expect(fs.readFileSync(target, 'utf8')).toBe('a: 1\n');
  });
});

describe('an entry point says what the output folders hold', () => {
  /** What runEntryPoint prints to stderr for `main`, and the exit code it sets. */
  function entryPoint(main: () => void): { stderr: string; exitCode: number | string | undefined } {
    const lines: string[] = [];
    const write = jest.spyOn(process.stderr, 'write').mockImplementation((s) => (lines.push(String(s)), true));
    const before = process.exitCode;
    try {
      runEntryPoint(main);
      return { stderr: lines.join(''), exitCode: process.exitCode };
    } finally {
      process.exitCode = before;
      write.mockRestore();
    }
  }

  test('validation problems: nothing was written, no stack', () => {
    const run = entryPoint(() => {
      throw new ValidationError([{ path: 'ballast/traefik', problem: 'something is wrong', fix: 'Fix it' }]);
    });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe('ballast: synth failed, nothing was written:\nballast/traefik: something is wrong. Fix it.\n');
  });

  test('a failing build: nothing was written, and it is true', () => {
    const dir = tempOutdir();
    const run = entryPoint(() => withAtomicOutput([dir], () => { throw new Error('bad config'); }));
    expect(run.stderr).toMatch(/^ballast: synth failed, nothing was written:\nballast: unexpected error while running synth: bad config\. This is a bug in ballast .*please report it.*\n$/);
    expect(fs.readdirSync(dir)).toEqual(['old.yaml']);
  });

  test('an error after the swap does not claim that nothing was written', () => {
    const dir = path.join(tempDir(), 'flux');
    const run = entryPoint(() => {
      withAtomicOutput([dir], ([staging]) => fs.writeFileSync(path.join(staging, 'a.yaml'), 'a: 1\n'));
      throw new Error('printing the summary failed');
    });
    expect(run.stderr).toMatch(/^ballast: synth failed, after the new output was written to \S*flux:\nballast: unexpected error while running synth: printing the summary failed\./);
    expect(fs.readFileSync(path.join(dir, 'a.yaml'), 'utf8')).toBe('a: 1\n');
  });

  test.each([
    ['unchanged', /^ballast: synth failed, nothing was written:\nwhy\n$/],
    ['rolled-back', /^ballast: synth failed, the output was not changed: the swap was undone and \S+ and \S+ hold the previous output:\nwhy\n$/],
    ['interrupted', /^ballast: synth failed, \S+ and \S+ may hold the output of two different synths until the next synth finishes or undoes the interrupted swap:\nwhy\n$/],
  ] as const)('a SynthOutputError in state %s', (state, expected) => {
    const run = entryPoint(() => {
      throw new SynthOutputError(state, ['/x/flux', '/x/cdktf'], 'why');
    });
    expect(run.stderr).toMatch(expected);
  });

  test('a rename that fails during the swap is undone, and the message says so', () => {
    // The build puts a non-empty folder where the swap moves the old cdktf aside, so that rename fails
    // with ENOTEMPTY after flux was already swapped in: flux must be swapped back.
    const root = tempDir();
    const outputs = [path.join(root, 'flux'), path.join(root, 'cdktf')];
    withAtomicOutput(outputs, (dirs) => dirs.forEach((d) => fs.writeFileSync(path.join(d, 'v.txt'), 'one')));
    const blocker = `${outputs[1]}.previous-${process.pid}`;
    const run = entryPoint(() =>
      withAtomicOutput(outputs, (dirs) => {
        dirs.forEach((d) => fs.writeFileSync(path.join(d, 'v.txt'), 'two'));
        fs.mkdirSync(blocker);
        fs.writeFileSync(path.join(blocker, 'x'), '');
      }),
    );
    expect(run.stderr).toMatch(/^ballast: synth failed, the output was not changed: the swap was undone and \S*flux and \S*cdktf hold the previous output:\ncould not swap in the new output: ENOTEMPTY/);
    expect(outputs.map((d) => fs.readFileSync(path.join(d, 'v.txt'), 'utf8'))).toEqual(['one', 'one']);
    fs.rmSync(blocker, { recursive: true });
    expect(fs.readdirSync(root).sort()).toEqual(['cdktf', 'flux']);
  });
});

describe('a synth that was killed', () => {
  /** The pid of a process that has ended (so its leftovers are stale). */
  function deadPid(): number {
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    return Number(child.stdout);
  }

  test('leaves nothing the next synth does not clean up; a running synth keeps its folders', () => {
    const dir = tempOutdir();
    const stale = `${dir}.staging-${deadPid()}`;
    const staleBackup = `${dir}.previous-${deadPid()}`;
    // This test's parent (jest's own process) is running: its folders must survive.
    const running = `${dir}.staging-${process.ppid}`;
    [stale, staleBackup, running].forEach((d) => fs.mkdirSync(d));
    // A lock and a half-broken lock of an ended synth are taken over and removed.
    fs.writeFileSync(`${dir}.lock`, JSON.stringify({ pid: deadPid(), started: 'then', command: 'node synth.js' }));
    fs.writeFileSync(`${dir}.lock.stale-${deadPid()}`, '');
    withAtomicOutput([dir], ([staging]) => fs.writeFileSync(path.join(staging, 'new.yaml'), 'new: true\n'), { note: () => undefined });
    expect(fs.readdirSync(path.dirname(dir)).sort()).toEqual(['dist', path.basename(running)]);
  });

  test('between the two renames of a swap: the next synth puts the previous output back, even if it fails', () => {
    // A synth of an earlier version (no journal) killed between its renames.
    const dir = tempOutdir();
    const previous = `${dir}.previous-${deadPid()}`;
    fs.renameSync(dir, previous);
    expect(() => withAtomicOutput([dir], () => { throw new Error('bad config'); })).toThrow('bad config');
    expect(fs.readdirSync(dir)).toEqual(['old.yaml']);
    expect(fs.readdirSync(path.dirname(dir))).toEqual(['dist']);
  });

  test('by SIGKILL at any moment never leaves the two folders from two different synths', async () => {
    // A child synthesizes both trees in a loop with the real withAtomicOutput (transpiled for plain node),
    // each synth numbered in both folders' platform.txt; it is killed at spread-out moments, and after each
    // kill the next synth must find (or restore) two complete folders of one synth, and leave nothing else.
    const work = tempDir('ballast-kill-');
    prepareChildren(work);
    const { platformBuild, nonceIn } = platformBuildOf(work);
    const dist = path.join(work, 'dist');
    const outputs = [path.join(dist, 'flux'), path.join(dist, 'cdktf')];
    // A first synth, so that every kill has an output to lose.
    withAtomicOutput(outputs, platformBuild(outputs, 'a', '0', 300));
    const problems: string[] = [];
    for (let i = 0; i < 12; i++) {
      const config = { outdirs: outputs, platform: 'a', files: 300, loop: true };
      const child = spawn(process.execPath, ['synth-child.js', JSON.stringify(config)], { cwd: work, stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise((resolve) => child.stdout!.once('data', resolve));
      await new Promise((resolve) => setTimeout(resolve, 40 + i * 23));
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      // The next synth (here: one that fails) recovers: both trees complete and from one synth, no leftovers.
      expect(() => withAtomicOutput(outputs, () => { throw new Error('stop'); }, { note: () => undefined })).toThrow('stop');
      const after = fs.readdirSync(dist).sort();
      if (after.join() !== 'cdktf,flux') problems.push(`kill ${i}: after recovery dist holds ${after.join(', ')}`);
      const nonces = outputs.map(nonceIn);
      if (nonces[0] !== nonces[1] || nonces[0] === 'none') problems.push(`kill ${i}: flux is from synth ${nonces[0]}, cdktf from synth ${nonces[1]}`);
      for (const out of outputs) {
        const count = fs.existsSync(path.join(out, 'apps')) ? fs.readdirSync(path.join(out, 'apps')).length : -1;
        if (count !== 301) problems.push(`kill ${i}: ${path.basename(out)}/apps holds ${count} of 301 files`);
      }
    }
    expect(problems).toEqual([]);
    expect(fs.readdirSync(dist).sort()).toEqual(['cdktf', 'flux']);
  }, 60_000);
});
