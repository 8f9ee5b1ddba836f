import * as fs from 'fs';
import * as path from 'path';
import { ValidationError } from '../core/errors';
import { carryOver } from './output-carry';
import { displayPath, messageOf, SynthOutputError } from './output-errors';
import { assertLocksHeld } from './output-lock';
import { readRecord, RECORD_FILE, writeRecord } from '../day2/output-record';
import { lockForSynth, recoverLocked } from './output-recover';
import { SwapEntry, swapIn } from './output-swap';

/** How `withAtomicOutput` deals with another synth of the same output folders, and where its notes go. */
export interface AtomicOutputOptions {
  /**
   * When another synth holds an output folder: `wait` for it to finish (up to `lockTimeoutMs`), or
   * `fail` at once with an OutputLockedError naming it.
   * @default 'wait'
   */
  readonly whenLocked?: 'wait' | 'fail';
  /**
   * How long to wait for another synth, in milliseconds.
   * @default 60000
   */
  readonly lockTimeoutMs?: number;
  /**
   * Receives notes the user should see: files kept from a folder without a record, a killed synth's swap
   * finished or undone, waiting for another synth.
   * @default writes `ballast: note: <message>` lines to stderr
   */
  readonly note?: (message: string) => void;
}

const DEFAULT_LOCK_TIMEOUT_MS = 60_000;

/**
 * Runs `build` against a fresh staging folder for each of `outdirs` (in the same order), then swaps all
 * of them in as one. While `build` reads the previous output and until the swap is complete, each output
 * folder is locked (`<outdir>.lock`), so that concurrent synths take turns.
 *
 * After `build`, the staging folder gets the record of the files the build wrote
 * (`.ballast/files.json`), and every file of the previous output that the previous synth did not write (a
 * `.git` folder, a README) is hard-linked into it: the swap replaces what ballast wrote and keeps the rest.
 *
 * When `build` throws, nothing is written and the staging folders are removed. The swap renames each old
 * folder aside (`<outdir>.previous-<pid>`) and each staging folder in, after writing a journal
 * (`.ballast-swap-<pid>.json` beside the folders) that the next synth uses to finish or undo the swap of a
 * synth killed half-way, so no kill leaves two folders from two different synths. Failures after the swap
 * began are SynthOutputErrors that say what the output folders hold.
 */
export function withAtomicOutput<T>(outdirs: readonly string[], build: (staging: string[]) => T, options: AtomicOutputOptions = {}): T {
  const dirs = outdirs.map(canonicalOutdir);
  if (new Set(dirs).size !== dirs.length) throw new Error(`withAtomicOutput: the output folders ${outdirs.join(', ')} name the same folder twice`);
  const { locked, release, note } = takeLocks(dirs, options);
  let entries: SwapEntry[] = [];
  let result: T;
  try {
    recoverLocked(locked, note);
    entries = dirs.map((dir) => ({
      dir,
      staging: `${dir}.staging-${process.pid}`,
      previous: `${dir}.previous-${process.pid}`,
      hadPrevious: fs.existsSync(dir),
    }));
    try {
      for (const e of entries) fs.mkdirSync(e.staging);
      result = build(entries.map((e) => e.staging));
      for (const e of entries) prepareStaging(e, note);
      assertLocksHeld(locked);
    } catch (err) {
      for (const e of entries) fs.rmSync(e.staging, { recursive: true, force: true });
      throw err;
    }
    swapIn(entries, note);
  } finally {
    release();
  }
  // Outside the lock: the next synth need not wait for this deletion, and leaves a running synth's
  // previous folders alone.
  for (const e of entries) {
    try {
      fs.rmSync(e.previous, { recursive: true, force: true });
    } catch (err) {
      note(`could not remove ${displayPath(e.previous)} (${messageOf(err)}); the next synth does`);
    }
  }
  return result;
}

/**
 * Runs `read` while holding the locks of `outdirs`, after settling a killed synth's swap: what it reads
 * (the previous inventory, for `diff`) is one synth's output, never a pair caught in the middle of a swap.
 * Writes nothing but what settling an interrupted swap takes.
 */
export function withLockedOutput<T>(outdirs: readonly string[], read: () => T, options: AtomicOutputOptions = {}): T {
  // No output folder yet: nothing to lock, and no folder is made for the locks.
  if (outdirs.every((d) => !fs.existsSync(path.dirname(path.resolve(d))))) return read();
  const { locked, release, note } = takeLocks(outdirs.map(canonicalOutdir), options);
  try {
    recoverLocked(locked, note);
    return read();
  } finally {
    release();
  }
}

/**
 * Finishes the swap of a synth of `dir` that was killed (and of every folder swapped with it), then
 * removes what killed synths left beside it. `withAtomicOutput` does this first; it takes the locks.
 */
export function recoverInterruptedSynth(dir: string, options: AtomicOutputOptions = {}): void {
  withLockedOutput([dir], () => undefined, options);
}

/** The locks a synth of `dirs` takes (see `lockForSynth`), with the options' defaults applied. */
function takeLocks(dirs: readonly string[], options: AtomicOutputOptions): { locked: string[]; release: () => void; note: (message: string) => void } {
  const note = options.note ?? stderrNote;
  const { locked, release } = lockForSynth(dirs, {
    whenLocked: options.whenLocked ?? 'wait',
    timeoutMs: options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
    note,
  });
  return { locked, release, note };
}

/**
 * Records what the build wrote and carries over the previous output's other files. A folder with no
 * record and something in it is reported once: what this synth kept there may be files an older version
 * wrote, which the user has to remove by hand.
 */
function prepareStaging(e: SwapEntry, note: (message: string) => void): void {
  try {
    writeRecord(e.staging);
    const record = e.hadPrevious ? readRecord(e.dir) : undefined;
    const carried = carryOver(e.dir, e.staging, record);
    const where = displayPath(e.dir);
    if (record === undefined && carried.kept.length > 0) {
      note(
        `${where} holds no record of the files ballast wrote there (${RECORD_FILE}), so this synth kept everything in it that it does not write: ` +
          `${summarize(carried.kept)}. Delete what you no longer need; from now on, files ballast stops writing are removed.`,
      );
    }
    if (carried.overwritten.length > 0) note(`${where}: this synth wrote over files it had not written before: ${list(carried.overwritten)}`);
    if (carried.skipped.length > 0) note(`${where}: could not keep ${list(carried.skipped)} (neither a link nor a copy is possible)`);
  } catch (err) {
    // A damaged record is the checkout's to fix, and says how: as it is, not as a failure of the output.
    if (err instanceof ValidationError) throw err;
    throw new SynthOutputError('unchanged', [e.dir], `${displayPath(e.dir)}: could not carry over the files of the previous output: ${messageOf(err)}`, { cause: err });
  }
}

/** `.git/ (12 entries), README.md`: top-level entries with counts, the first ten of them. */
function summarize(paths: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const p of paths) {
    const slash = p.indexOf('/');
    const top = slash < 0 ? p : `${p.slice(0, slash)}/`;
    counts.set(top, (counts.get(top) ?? 0) + 1);
  }
  const items = [...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([top, n]) => (top.endsWith('/') ? `${top} (${n} ${n === 1 ? 'entry' : 'entries'})` : top));
  return list(items);
}

/** The first ten of `items`, and how many more there are. */
function list(items: readonly string[]): string {
  return items.length > 10 ? `${items.slice(0, 10).join(', ')} and ${items.length - 10} more` : items.join(', ');
}

/** The absolute path of an output folder, through symlinks of its parent (created if missing). */
function canonicalOutdir(dir: string): string {
  const abs = path.resolve(dir);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  return path.join(fs.realpathSync(path.dirname(abs)), path.basename(abs));
}

/**
 * A note on the output folders (a wait for another synth, a finished swap). On stderr, or on stdout when
 * `BALLAST_NOTES=stdout` (under `cdktf synth`, which logs every stderr line of the app as an error).
 */
function stderrNote(message: string): void {
  (process.env.BALLAST_NOTES === 'stdout' ? process.stdout : process.stderr).write(`ballast: note: ${message}\n`);
}

/**
 * Writes `files` (relative path -> content) under `dir`.
 *
 * With `unchangedFrom` (the output folder a previous synth left), a file whose bytes equal those of the
 * same path there is hard-linked from it instead of written: a re-synth then creates only the files that
 * changed, and unchanged files keep their modification time. Creating a file costs about three times a
 * link on an ext4 disk, which a platform of a thousand apps notices. A file that cannot be linked (another
 * file system, a symlink in the old output) is written.
 */
export function writeFiles(dir: string, files: ReadonlyMap<string, string>, unchangedFrom?: string): void {
  // Each folder is created once, not once per file (a thousand apps share one folder).
  const created = new Set<string>();
  for (const [rel, content] of files) {
    const file = path.join(dir, rel);
    const folder = path.dirname(file);
    if (!created.has(folder)) {
      fs.mkdirSync(folder, { recursive: true });
      created.add(folder);
    }
    const bytes = Buffer.from(content);
    if (unchangedFrom !== undefined && linkIfUnchanged(path.join(unchangedFrom, rel), file, bytes)) continue;
    fs.writeFileSync(file, bytes);
  }
}

/** Hard-links `previous` to `file` when it is a regular file holding exactly `bytes`; false otherwise. */
function linkIfUnchanged(previous: string, file: string, bytes: Buffer): boolean {
  const stat = fs.lstatSync(previous, { throwIfNoEntry: false });
  if (!stat?.isFile() || stat.size !== bytes.length || !fs.readFileSync(previous).equals(bytes)) return false;
  try {
    fs.linkSync(previous, file);
    return true;
  } catch {
    return false;
  }
}
