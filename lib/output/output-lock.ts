import * as fs from 'fs';
import { displayPath, messageOf, OutputLockedError, SynthOutputError } from './output-errors';
import { asProcessInfo, describeProcess, isRunning, ProcessInfo, thisProcess } from './output-process';

/** How to take the lock of an output folder that another synth holds. */
export interface LockOptions {
  /** `wait` for the other synth (up to `timeoutMs`), or `fail` at once. */
  readonly whenLocked: 'wait' | 'fail';
  readonly timeoutMs: number;
  /** Receives the one "waiting for ..." line. */
  readonly note: (message: string) => void;
}

/** The lock file of an output folder: beside it, so that it is never part of the output. */
export function lockFileOf(outdir: string): string {
  return `${outdir}.lock`;
}

/** Locks this process holds: lock file -> inode of the file it created. */
const held = new Map<string, number>();

// A lock file with no readable owner is one whose writer was killed between creating and filling it,
// which takes microseconds; after this long it is stale.
const UNREADABLE_LOCK_STALE_MS = 10_000;
// How long to wait for the owner of a new lock to write its name before reporting it nameless.
const NAMELESS_LOCK_GRACE_MS = 500;

/**
 * Takes the lock of every folder of `outdirs`, in sorted order so that two synths of overlapping sets
 * cannot each hold a lock the other waits for. A lock is a file created with `wx` holding this process's
 * pid, start time and command line; one whose process has ended is stale and taken over. Throws an
 * OutputLockedError naming the other process when it holds a lock past the timeout (or at once with
 * `whenLocked: 'fail'`); locks taken before that are released. Returns the function that releases them.
 */
export function lockOutputs(outdirs: readonly string[], options: LockOptions): () => void {
  const sorted = [...new Set(outdirs)].sort();
  const deadline = Date.now() + options.timeoutMs;
  const taken: string[] = [];
  const release = () => {
    for (const dir of taken.splice(0).reverse()) releaseLock(lockFileOf(dir), options.note);
  };
  try {
    for (const dir of sorted) {
      takeLock(dir, deadline, options);
      taken.push(dir);
    }
  } catch (err) {
    release();
    throw err;
  }
  return release;
}

/**
 * Throws unless this process still holds the locks of `outdirs`. Checked right before the swap: a lock
 * can only be lost to a synth that wrongly judged it stale, and then this synth must not write.
 */
export function assertLocksHeld(outdirs: readonly string[]): void {
  for (const dir of outdirs) {
    const file = lockFileOf(dir);
    const ino = fs.lstatSync(file, { throwIfNoEntry: false })?.ino;
    if (ino === undefined || ino !== held.get(file)) {
      throw new SynthOutputError('unchanged', [dir], `${displayPath(dir)}: another process took over this synth's lock (${displayPath(file)}) while it ran. Run the synth again.`);
    }
  }
}

function takeLock(dir: string, deadline: number, options: LockOptions): void {
  const file = lockFileOf(dir);
  if (held.has(file)) {
    throw new SynthOutputError('unchanged', [dir], `${displayPath(dir)} is already being synthesized by this process: withAtomicOutput was called again for it from inside its build.`);
  }
  let said = false;
  let delay = 5;
  for (;;) {
    if (tryCreate(file)) return;
    const holder = readLock(file);
    if (holder === undefined) continue; // released between our attempt and our look: try again at once
    if (isStale(holder)) {
      breakStaleLock(file, holder.ino);
      continue;
    }
    const now = Date.now();
    if (holder.owner === undefined && now - holder.mtimeMs < NAMELESS_LOCK_GRACE_MS && now < deadline) {
      // Created an instant ago and not filled in yet: look again, so that the message can name its owner.
      sleep(2);
      continue;
    }
    if (options.whenLocked === 'fail' || now >= deadline) throw lockedError(dir, file, holder, options);
    if (!said) {
      options.note(`waiting for the synth of ${displayPath(dir)} by ${holderName(holder)} to finish`);
      said = true;
    }
    // Backing off with jitter keeps several waiters from retrying in step.
    sleep(Math.min(deadline - now, delay + Math.random() * delay));
    delay = Math.min(delay * 2, 100);
  }
}

/** Creates the lock file with `wx` and fills in this process; false when it exists. */
function tryCreate(file: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    fs.writeSync(fd, `${JSON.stringify(thisProcess())}\n`);
    held.set(file, fs.fstatSync(fd).ino);
    return true;
  } catch (err) {
    fs.rmSync(file, { force: true });
    throw err;
  } finally {
    fs.closeSync(fd);
  }
}

interface Holder {
  readonly ino: number;
  readonly mtimeMs: number;
  /** Undefined while (or when) the file holds no readable owner. */
  readonly owner?: ProcessInfo;
}

/** The lock file's inode and owner; undefined when it no longer exists. */
function readLock(file: string): Holder | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const stat = fs.fstatSync(fd);
    let owner: ProcessInfo | undefined;
    try {
      owner = asProcessInfo(JSON.parse(fs.readFileSync(fd, 'utf8')));
    } catch {
      owner = undefined;
    }
    return { ino: stat.ino, mtimeMs: stat.mtimeMs, owner };
  } finally {
    fs.closeSync(fd);
  }
}

function isStale(holder: Holder): boolean {
  if (holder.owner === undefined) return Date.now() - holder.mtimeMs > UNREADABLE_LOCK_STALE_MS;
  // Our own pid on a lock we do not hold: a previous process with the same pid (a restarted container)
  // left it.
  if (holder.owner.pid === process.pid) return true;
  return !isRunning(holder.owner);
}

/**
 * Removes the stale lock file whose inode is `ino`. There is no "unlink if still this file", so it is
 * renamed aside first and its inode checked: when another synth has meanwhile removed the stale lock and
 * taken the folder, the file moved aside is that synth's live lock, and it is put back.
 */
function breakStaleLock(file: string, ino: number): void {
  const aside = `${file}.stale-${process.pid}`;
  try {
    fs.renameSync(file, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (fs.lstatSync(aside).ino !== ino) {
    try {
      fs.linkSync(aside, file);
    } catch (err) {
      // A third synth created a lock in the instant between: the owner of the file moved aside finds it
      // gone before it swaps (assertLocksHeld) and writes nothing.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  fs.rmSync(aside, { force: true });
}

function releaseLock(file: string, note: (message: string) => void): void {
  const ino = held.get(file);
  held.delete(file);
  try {
    // Only our own file: one that replaced it belongs to another synth.
    if (ino !== undefined && fs.lstatSync(file, { throwIfNoEntry: false })?.ino === ino) fs.unlinkSync(file);
  } catch (err) {
    note(`could not remove the lock ${displayPath(file)} (${messageOf(err)}); the next synth takes it over, as its process has ended`);
  }
}

function holderName(holder: Holder): string {
  return holder.owner === undefined ? 'a process that has not written its name into the lock yet' : describeProcess(holder.owner);
}

function lockedError(dir: string, file: string, holder: Holder, options: LockOptions): OutputLockedError {
  const waited = options.whenLocked === 'wait' ? ` Waited ${options.timeoutMs < 2000 ? `${options.timeoutMs} ms` : `${Math.round(options.timeoutMs / 1000)} s`} for it.` : '';
  return new OutputLockedError(
    dir,
    `${displayPath(dir)} is being synthesized by another process: ${holderName(holder)}.${waited} ` +
      `Run the synth again once it has finished; if that process is not a synth, delete ${displayPath(file)}.`,
  );
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Blocks this thread for `ms` milliseconds (the synth is synchronous, and has nothing else to do). */
function sleep(ms: number): void {
  if (ms > 0) Atomics.wait(sleeper, 0, 0, ms);
}
