// One lock per output folder (`<outdir>.lock`): a second synth waits for the first, or fails at once
// naming it; a lock whose process has ended (or whose pid now belongs to another process) is taken over.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { OutputLockedError, SynthOutputError } from '../../lib/output/output-errors';
import { withAtomicOutput, withLockedOutput } from '../../lib/output/output';
import { runEntryPoint } from '../../lib/synth/cli';
import { platformBuildOf, prepareChildren, runChild } from '../support/synth-output-child';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ballast-lock-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
prepareChildren(work);
const { platformBuild, nonceIn } = platformBuildOf(work);

function outputs(name: string): string[] {
  const dist = path.join(work, name);
  const dirs = [path.join(dist, 'flux'), path.join(dist, 'cdktf')];
  withAtomicOutput(dirs, platformBuild(dirs, 'a', 'a1', 5));
  return dirs;
}

/** Resolves once `file` exists (the child has taken its lock). */
async function until(file: string): Promise<void> {
  for (let i = 0; i < 500 && !fs.existsSync(file); i++) await new Promise((r) => setTimeout(r, 10));
  expect(fs.existsSync(file)).toBe(true);
}

test('with whenLocked: fail, a second synth fails at once, names the other process, writes nothing', async () => {
  const dirs = outputs('fail');
  const child = runChild(work, { outdirs: dirs, platform: 'b', nonce: 'b1', files: 5, sleepMs: 1500 });
  await until(`${dirs[0]}.lock`);
  const lines: string[] = [];
  const write = jest.spyOn(process.stderr, 'write').mockImplementation((s) => (lines.push(String(s)), true));
  const exitCode = process.exitCode;
  const started = Date.now();
  try {
    runEntryPoint(() => withAtomicOutput(dirs, platformBuild(dirs, 'c', 'c1', 5), { whenLocked: 'fail' }));
  } finally {
    process.exitCode = exitCode;
    write.mockRestore();
  }
  expect(Date.now() - started).toBeLessThan(1000);
  const other = await child;
  expect(lines.join('')).toMatch(/^ballast: synth failed, nothing was written:\n\S*cdktf is being synthesized by another process: /);
  expect(lines.join('')).toContain(`another process: pid ${other.pid} (${process.execPath} synth-child.js {`);
  expect(other.code).toBe(0);
  expect(dirs.map(nonceIn)).toEqual(['b1', 'b1']);
  expect(fs.readdirSync(path.dirname(dirs[0])).sort()).toEqual(['cdktf', 'flux']);
});

test('by default a second synth waits, says so once, then builds on the output of the first', async () => {
  const dirs = outputs('wait');
  const child = runChild(work, { outdirs: dirs, platform: 'b', nonce: 'b1', files: 5, sleepMs: 700 });
  await until(`${dirs[0]}.lock`);
  const notes: string[] = [];
  const previous = withAtomicOutput(dirs, platformBuild(dirs, 'c', 'c1', 5), { note: (m) => notes.push(m) });
  const other = await child;
  expect(other.stdout).toBe('wrote b1 after a1\n');
  // It read the previous output only once the first synth had swapped its own in: no lost update.
  expect(previous).toBe('b1');
  expect(dirs.map(nonceIn)).toEqual(['c1', 'c1']);
  expect(notes).toEqual([expect.stringMatching(new RegExp(`^waiting for the synth of \\S*cdktf by pid ${other.pid} \\(.*synth-child\\.js.*, started \\d{4}-`))]);
  expect(fs.readdirSync(path.dirname(dirs[0])).sort()).toEqual(['cdktf', 'flux']);
});

test('a synth that waited past the timeout gives up, and says how long it waited', async () => {
  const dirs = outputs('timeout');
  const child = runChild(work, { outdirs: dirs, platform: 'b', nonce: 'b1', files: 5, sleepMs: 1500 });
  await until(`${dirs[0]}.lock`);
  let error: unknown;
  try {
    withAtomicOutput(dirs, platformBuild(dirs, 'c', 'c1', 5), { lockTimeoutMs: 300, note: () => undefined });
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(OutputLockedError);
  expect((error as SynthOutputError).state).toBe('unchanged');
  expect((error as Error).message).toMatch(/Waited 300 ms for it\. Run the synth again once it has finished/);
  await child;
  expect(dirs.map(nonceIn)).toEqual(['b1', 'b1']);
});

test('the lock holds pid, start time and command line while the synth runs, and is gone after it, failed or not', () => {
  const dirs = outputs('content');
  let lock: Record<string, unknown> = {};
  withAtomicOutput(dirs, () => {
    lock = JSON.parse(fs.readFileSync(`${dirs[1]}.lock`, 'utf8'));
  });
  expect(lock).toMatchObject({ pid: process.pid, started: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), command: expect.stringContaining('jest') });
  expect(() => withAtomicOutput(dirs, () => { throw new Error('boom'); })).toThrow('boom');
  expect(fs.readdirSync(path.dirname(dirs[0])).sort()).toEqual(['cdktf', 'flux']);
});

test('a lock whose pid now belongs to another process (a reused pid) is taken over', () => {
  if (!fs.existsSync('/proc/self/stat')) return; // the start tick that tells them apart comes from /proc
  const dirs = outputs('reused');
  // The pid of a process that runs (jest's parent), with the identity of some earlier process.
  fs.writeFileSync(`${dirs[0]}.lock`, JSON.stringify({ pid: process.ppid, started: 'earlier', command: 'node synth.js', identity: 'another-boot:1' }));
  withAtomicOutput(dirs, platformBuild(dirs, 'b', 'b1', 5), { whenLocked: 'fail' });
  expect(dirs.map(nonceIn)).toEqual(['b1', 'b1']);
  expect(fs.readdirSync(path.dirname(dirs[0])).sort()).toEqual(['cdktf', 'flux']);
});

test('a synth of a folder from inside the build of a synth of the same folder fails instead of waiting for itself', () => {
  const dirs = outputs('nested');
  expect(() => withAtomicOutput(dirs, () => withAtomicOutput([dirs[0]], () => undefined))).toThrow(/is already being synthesized by this process/);
  expect(dirs.map(nonceIn)).toEqual(['a1', 'a1']);
  expect(fs.readdirSync(path.dirname(dirs[0])).sort()).toEqual(['cdktf', 'flux']);
});

describe('diff reads the output under its locks', () => {
  test('it waits for a synth holding them, and makes no folder where there is no output', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ballast-read-lock-'));
    try {
      // Nothing there: read at once, nothing created.
      expect(withLockedOutput([path.join(root, 'dist', 'flux')], () => 'read')).toBe('read');
      expect(fs.readdirSync(root)).toEqual([]);
      // A lock held by this very process (a synth in progress) is refused when asked not to wait.
      const dir = path.join(root, 'dist', 'flux');
      fs.mkdirSync(dir, { recursive: true });
      expect(() =>
        withAtomicOutput([dir], () => withLockedOutput([dir], () => 'read', { whenLocked: 'fail', note: () => undefined }), { note: () => undefined }),
      ).toThrow(/dist\/flux/);
      expect(withLockedOutput([dir], () => 'read')).toBe('read');
      expect(fs.readdirSync(path.join(root, 'dist'))).toEqual(['flux']);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
