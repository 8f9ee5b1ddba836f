import * as fs from 'fs';
import * as path from 'path';
import { displayPath, messageOf, SynthOutputError } from './output-errors';
import { asProcessInfo, ProcessInfo, thisProcess } from './output-process';

/** One output folder of a swap: its staging folder goes in, the folder itself aside to `previous`. */
export interface SwapEntry {
  readonly dir: string;
  readonly staging: string;
  readonly previous: string;
  /** Whether `dir` existed when the swap began (on a first synth it does not). */
  readonly hadPrevious: boolean;
}

/** A swap as its journal describes it. */
export interface Journal {
  readonly owner: ProcessInfo;
  readonly entries: readonly SwapEntry[];
}

/** `.ballast-swap-<pid>.json`: the journal of a swap, beside the output folders. */
export const JOURNAL_PATTERN = /^\.ballast-swap-([0-9]+)\.json$/;

const ABOUT = 'A ballast synth is swapping these output folders in. If its process has ended, the next synth finishes the swap or undoes it.';

/** The journal files of a swap by process `pid` over `entries`: one in each folder that holds an output folder. */
export function journalFiles(entries: readonly SwapEntry[], pid: number): string[] {
  return [...new Set(entries.map((e) => path.dirname(e.dir)))].sort().map((parent) => path.join(parent, `.ballast-swap-${pid}.json`));
}

/** Output folders swapped in by this process so far, in order: what an entry point has written. */
const swapped: string[] = [];

/** The output folders this process has swapped new output into so far (for truthful failure messages). */
export function outputsSwappedIn(): readonly string[] {
  return swapped;
}

/**
 * Swaps every staging folder of `entries` in, as one: a journal naming every folder is written and
 * fsynced before the first rename and removed after the last, so that a synth killed between two renames
 * leaves what the next synth needs to finish or undo the whole swap (`settleSwap`). When a rename fails,
 * the renames done so far are undone at once and a SynthOutputError says which state the folders are in.
 * The previous folders are left for the caller to delete.
 */
export function swapIn(entries: readonly SwapEntry[], note: (message: string) => void): void {
  const dirs = entries.map((e) => e.dir);
  const files = writeJournal(entries);
  try {
    for (const e of entries) {
      if (e.hadPrevious) fs.renameSync(e.dir, e.previous);
      fs.renameSync(e.staging, e.dir);
    }
  } catch (err) {
    try {
      settleSwap(entries, 'undo');
      removeFiles(files);
    } catch (undoErr) {
      throw new SynthOutputError(
        'interrupted',
        dirs,
        `could not swap in the new output (${messageOf(err)}), nor undo the renames done so far (${messageOf(undoErr)}). ` +
          `The next synth finishes or undoes the swap from ${files.map(displayPath).join(', ')}.`,
        { cause: err },
      );
    }
    throw new SynthOutputError('rolled-back', dirs, `could not swap in the new output: ${messageOf(err)}`, { cause: err });
  }
  swapped.push(...dirs);
  try {
    removeFiles(files);
  } catch (err) {
    // The swap is complete; a journal left behind only makes the next synth confirm it.
    note(`could not remove the swap journal (${messageOf(err)}); the next synth does`);
  }
}

/**
 * Brings the folders of an interrupted swap to a consistent state. When every staging folder was renamed
 * in, the swap is finished (the previous folders are deleted); otherwise it is undone, each step a rename
 * back (new folder to its staging name, previous folder to its own name), so that being killed again
 * half-way leaves a state this function still recognizes. `undo` forces the second. Returns which it did.
 */
export function settleSwap(entries: readonly SwapEntry[], mode: 'auto' | 'undo' = 'auto'): 'finished' | 'undone' {
  const exists = (p: string) => fs.lstatSync(p, { throwIfNoEntry: false }) !== undefined;
  if (mode === 'auto' && entries.every((e) => !exists(e.staging) && exists(e.dir))) {
    for (const e of entries) fs.rmSync(e.previous, { recursive: true, force: true });
    return 'finished';
  }
  for (const e of [...entries].reverse()) {
    // `dir` holds the new tree once its staging folder is gone and either the old tree was moved aside or
    // there was none.
    if (exists(e.dir) && !exists(e.staging) && (exists(e.previous) || !e.hadPrevious)) fs.renameSync(e.dir, e.staging);
    if (exists(e.previous) && !exists(e.dir)) fs.renameSync(e.previous, e.dir);
  }
  for (const e of entries) fs.rmSync(e.staging, { recursive: true, force: true });
  return 'undone';
}

/** Reads a journal; undefined when it is incomplete (its writer was killed before any rename). */
export function readJournal(file: string): Journal | undefined {
  let parsed: { process?: unknown; entries?: unknown };
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as typeof parsed;
  } catch {
    return undefined;
  }
  const owner = asProcessInfo(parsed?.process);
  if (owner === undefined || !Array.isArray(parsed.entries)) return undefined;
  const folder = path.dirname(file);
  const entries: SwapEntry[] = [];
  for (const raw of parsed.entries as unknown[]) {
    const e = raw as Partial<Record<keyof SwapEntry, unknown>> | null;
    if (typeof e?.dir !== 'string' || typeof e.staging !== 'string' || typeof e.previous !== 'string' || typeof e.hadPrevious !== 'boolean') return undefined;
    entries.push({ dir: path.resolve(folder, e.dir), staging: path.resolve(folder, e.staging), previous: path.resolve(folder, e.previous), hadPrevious: e.hadPrevious });
  }
  return { owner, entries };
}

/** Removes files that may already be gone. */
export function removeFiles(files: readonly string[]): void {
  for (const file of files) fs.rmSync(file, { force: true });
}

/**
 * Writes the journal into each folder holding an output folder, with paths relative to it (the checkout
 * may be moved before the next synth reads it), and makes it durable before any rename is issued.
 */
function writeJournal(entries: readonly SwapEntry[]): string[] {
  const files = journalFiles(entries, process.pid);
  const written: string[] = [];
  try {
    for (const file of files) {
      const folder = path.dirname(file);
      const rel = (p: string) => path.relative(folder, p);
      const body = {
        about: ABOUT,
        process: thisProcess(),
        entries: entries.map((e) => ({ dir: rel(e.dir), staging: rel(e.staging), previous: rel(e.previous), hadPrevious: e.hadPrevious })),
      };
      const fd = fs.openSync(file, 'wx');
      written.push(file);
      try {
        fs.writeSync(fd, `${JSON.stringify(body, null, 2)}\n`);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fsyncFolder(folder);
    }
  } catch (err) {
    removeFiles(written);
    for (const e of entries) fs.rmSync(e.staging, { recursive: true, force: true });
    throw new SynthOutputError('unchanged', entries.map((e) => e.dir), `could not write the swap journal ${files.map(displayPath).join(', ')}: ${messageOf(err)}`, { cause: err });
  }
  return files;
}

/** Makes a new directory entry durable; not every platform can open a folder for that, and then it is skipped. */
function fsyncFolder(folder: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(folder, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Windows cannot fsync a folder; a kill (the case this guards against) does not need it anyway.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
