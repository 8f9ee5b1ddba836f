// A failed synth leaves the previous output as it was and says why, without a stack trace.
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ValidationError, withAtomicOutput, writeFiles } from '../../lib';
import { runEntryPoint } from '../../lib/synth/cli';
import { tempDir } from '../support/synth';

function tempOutdir(): string {
  const dir = path.join(tempDir(), 'dist');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'old.yaml'), 'old: true\n');
  return dir;
}

test('a successful build replaces the output folder as a whole', () => {
  const dir = tempOutdir();
  withAtomicOutput([dir], ([staging]) => fs.writeFileSync(path.join(staging, 'new.yaml'), 'new: true\n'));
  expect(fs.readdirSync(dir)).toEqual(['new.yaml']);
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

test('an entry point prints validation problems without a stack and exits non-zero', () => {
  const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const before = process.exitCode;
  runEntryPoint(() => {
    throw new ValidationError([{ path: 'ballast/traefik', problem: 'something is wrong', fix: 'Fix it' }]);
  });
  expect(process.exitCode).toBe(1);
  expect(write).toHaveBeenCalledWith('ballast: synth failed, nothing was written:\nballast/traefik: something is wrong. Fix it.\n');
  process.exitCode = before;
  write.mockRestore();
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
    withAtomicOutput([dir], ([staging]) => fs.writeFileSync(path.join(staging, 'new.yaml'), 'new: true\n'));
    expect(fs.readdirSync(path.dirname(dir)).sort()).toEqual(['dist', path.basename(running)]);
  });

  test('between the two renames of a swap: the next synth puts the previous output back, even if it fails', () => {
    const dir = tempOutdir();
    const previous = `${dir}.previous-${deadPid()}`;
    fs.renameSync(dir, previous);
    expect(() => withAtomicOutput([dir], () => { throw new Error('bad config'); })).toThrow('bad config');
    expect(fs.readdirSync(dir)).toEqual(['old.yaml']);
    expect(fs.readdirSync(path.dirname(dir))).toEqual(['dist']);
  });

  test('by SIGKILL at any moment never loses the output folder of either backend', async () => {
    // A child synthesizes two trees in a loop with the real withAtomicOutput (transpiled for plain node);
    // it is killed at spread-out moments, and after each kill the output must be there or recoverable.
    const work = tempDir('ballast-kill-');
    const ts = await import('typescript');
    const source = fs.readFileSync(path.resolve(__dirname, '../../lib/synth/output.ts'), 'utf8');
    fs.writeFileSync(path.join(work, 'output.js'), ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText);
    fs.writeFileSync(
      path.join(work, 'loop.js'),
      `const { withAtomicOutput, writeFiles } = require('./output');
       const files = new Map(Array.from({ length: 300 }, (_, i) => [\`step/\${i}.yaml\`, 'x: ' + i + '\\n']));
       process.stdout.write('ready\\n');
       for (;;) withAtomicOutput(['dist/flux', 'dist/cdktf'], (dirs) => dirs.forEach((d) => writeFiles(d, files)));`,
    );
    const dist = path.join(work, 'dist');
    const outputs = [path.join(dist, 'flux'), path.join(dist, 'cdktf')];
    const files = new Map(Array.from({ length: 300 }, (_, i) => [`step/${i}.yaml`, `x: ${i}\n`]));
    // A first synth, so that every kill has an output to lose.
    withAtomicOutput(outputs, (dirs) => dirs.forEach((d) => writeFiles(d, files)));
    const problems: string[] = [];
    for (let i = 0; i < 12; i++) {
      const child = spawn(process.execPath, ['loop.js'], { cwd: work, stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise((resolve) => child.stdout!.once('data', resolve));
      await new Promise((resolve) => setTimeout(resolve, 40 + i * 23));
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      const left = fs.existsSync(dist) ? fs.readdirSync(dist).sort() : [];
      for (const out of ['flux', 'cdktf']) {
        const there = left.includes(out) || left.some((n) => n.startsWith(`${out}.previous-`));
        if (!there) problems.push(`kill ${i}: no ${out} and nothing to restore it from (${left.join(', ')})`);
      }
      // The next synth (here: one that fails) recovers: both trees complete, no leftovers.
      expect(() => withAtomicOutput(outputs, () => { throw new Error('stop'); })).toThrow('stop');
      const after = fs.readdirSync(dist).sort();
      if (after.join() !== 'cdktf,flux') problems.push(`kill ${i}: after recovery dist holds ${after.join(', ')}`);
      for (const out of after) {
        const count = fs.existsSync(path.join(dist, out, "step")) ? fs.readdirSync(path.join(dist, out, "step")).length : -1;
        if (count !== 300) problems.push(`kill ${i}: dist/${out} holds ${count} of 300 files`);
      }
    }
    expect(problems).toEqual([]);
    expect(fs.readdirSync(dist).sort()).toEqual(['cdktf', 'flux']);
  }, 60_000);
});
