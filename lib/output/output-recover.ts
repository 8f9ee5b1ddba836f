import * as fs from 'fs';
import * as path from 'path';
import { displayPath, messageOf, SynthOutputError } from './output-errors';
import { lockOutputs, LockOptions } from './output-lock';
import { describeProcess, isRunning } from './output-process';
import { Journal, JOURNAL_PATTERN, journalFiles, readJournal, removeFiles, settleSwap } from './output-swap';

/**
 * Takes the locks a synth of `outdirs` needs: theirs, plus those of every folder named by a swap journal
 * that names one of them. Finishing or undoing a killed synth's swap of `dist/flux` and `dist/cdktf` moves
 * both folders even when this synth writes only one, and two synths must not do that at once. Returns the
 * locked folders (sorted) and the function that releases them.
 */
export function lockForSynth(outdirs: readonly string[], options: LockOptions): { locked: string[]; release: () => void } {
  // A journal naming more folders can appear between the look and the locks (its writer held them then);
  // look again under the locks and, in that rare case, start over with the larger set.
  for (let attempt = 0; ; attempt++) {
    const wanted = foldersToLock(outdirs);
    const release = lockOutputs(wanted, options);
    const now = foldersToLock(outdirs);
    if (now.every((dir) => wanted.includes(dir)) || attempt >= 10) return { locked: wanted, release };
    release();
  }
}

/**
 * Under the locks of `locked`: finishes or undoes the swap of every synth that was killed while swapping
 * one of these folders in (from its journal), so that no pair of folders mixes two synths' output; then
 * removes the staging, previous and lock leftovers of ended synths, putting a previous folder back where
 * its output folder is missing (leftovers of versions that wrote no journal). What it did to the output
 * is reported through `note`.
 */
export function recoverLocked(locked: readonly string[], note: (message: string) => void): void {
  const lockedSet = new Set(locked);
  // Leftovers of a swap that is not settled here are its journal's to account for: removing them could
  // take away the only copy of an output folder.
  const unsettled = new Set<number>();
  for (const found of findJournals(locked)) {
    const journal = found.journal;
    if (journal === undefined) {
      // Incomplete: its writer was killed while writing it, before its first rename.
      if (!isRunning({ pid: found.pid })) removeFiles(found.files);
      continue;
    }
    unsettled.add(found.pid);
    if (!journal.entries.some((e) => lockedSet.has(e.dir))) continue;
    const dirs = journal.entries.map((e) => e.dir);
    if (journal.owner.pid !== process.pid && isRunning(journal.owner)) {
      throw new SynthOutputError('unchanged', dirs, `${describeProcess(journal.owner)} is swapping in ${dirs.map(displayPath).join(' and ')} without holding their locks. Run the synth again once it has finished.`);
    }
    if (!dirs.every((dir) => lockedSet.has(dir))) continue; // lockForSynth locked them all; a journal written since cannot name ours
    let outcome: 'finished' | 'undone';
    try {
      outcome = settleSwap(journal.entries);
      removeFiles([...found.files, ...journalFiles(journal.entries, journal.owner.pid)]);
    } catch (err) {
      throw new SynthOutputError(
        'interrupted',
        dirs,
        `a synth (${describeProcess(journal.owner)}) was killed while swapping in ${dirs.map(displayPath).join(' and ')}, and finishing or undoing its swap failed: ${messageOf(err)}. ` +
          `This synth wrote nothing; the next one tries again from ${found.files.map(displayPath).join(', ')}.`,
        { cause: err },
      );
    }
    unsettled.delete(found.pid);
    const which = dirs.map(displayPath).join(' and ');
    note(
      outcome === 'finished'
        ? `a synth (${describeProcess(journal.owner)}) was killed after swapping in ${which}; its swap was finished, they hold its output`
        : `a synth (${describeProcess(journal.owner)}) was killed half-way through swapping in ${which}; its swap was undone, they hold the output from before it`,
    );
  }
  for (const dir of locked) removeLeftovers(dir, unsettled);
}

interface FoundJournal {
  readonly pid: number;
  /** Its copies found (one per folder holding output folders). */
  readonly files: string[];
  readonly journal?: Journal;
}

/** Every journal beside `outdirs`, copies of one swap (same pid) taken together. */
function findJournals(outdirs: readonly string[]): FoundJournal[] {
  const byPid = new Map<number, { files: string[]; journal?: Journal }>();
  for (const parent of new Set(outdirs.map((dir) => path.dirname(dir)))) {
    if (!fs.existsSync(parent)) continue;
    for (const name of fs.readdirSync(parent).sort()) {
      const m = JOURNAL_PATTERN.exec(name);
      if (!m) continue;
      const file = path.join(parent, name);
      const found = byPid.get(Number(m[1])) ?? { files: [] };
      found.files.push(file);
      found.journal ??= readJournal(file);
      byPid.set(Number(m[1]), found);
    }
  }
  return [...byPid].map(([pid, f]) => ({ pid, ...f }));
}

/** The output folders, plus the folders of every readable journal naming one of them; sorted. */
function foldersToLock(outdirs: readonly string[]): string[] {
  const dirs = new Set(outdirs);
  for (const { journal } of findJournals(outdirs)) {
    if (journal?.entries.some((e) => dirs.has(e.dir))) journal.entries.forEach((e) => dirs.add(e.dir));
  }
  return [...dirs].sort();
}

const LEFTOVER = /^(.*)\.(staging|previous|lock\.stale)-([0-9]+)$/;

/**
 * Removes what synths of `dir` that have ended left beside it, except those of the `unsettled` swaps.
 * Under the lock of `dir`, a leftover of this very pid is stale too (an earlier process with the same pid
 * left it); one of a running process is being deleted by it and left alone.
 */
function removeLeftovers(dir: string, unsettled: ReadonlySet<number>): void {
  const parent = path.dirname(dir);
  if (!fs.existsSync(parent)) return;
  const base = path.basename(dir);
  const stale = fs.readdirSync(parent).flatMap((name) => {
    const m = LEFTOVER.exec(name);
    if (!m || m[1] !== base) return [];
    const pid = Number(m[3]);
    if (unsettled.has(pid) && m[2] !== 'lock.stale') return [];
    return pid === process.pid || !isRunning({ pid }) ? [{ file: path.join(parent, name), kind: m[2] }] : [];
  });
  const previous = stale.filter((l) => l.kind === 'previous').sort((a, b) => fs.statSync(b.file).mtimeMs - fs.statSync(a.file).mtimeMs);
  if (!fs.existsSync(dir) && previous.length > 0) fs.renameSync(previous.shift()!.file, dir);
  for (const l of [...stale.filter((x) => x.kind !== 'previous'), ...previous]) fs.rmSync(l.file, { recursive: true, force: true });
}
