import * as fs from 'fs';
import * as path from 'path';
import { RECORD_FILE } from '../day2/output-record';

/** What `carryOver` did. Paths are relative to the output folder, with `/`. */
export interface CarryOverResult {
  /** Files, symlinks and empty folders of the previous output that are now in the new one. */
  readonly kept: readonly string[];
  /** Files the previous synth did not write but the new one writes too: the new one's won. */
  readonly overwritten: readonly string[];
  /** Entries that could be neither linked nor copied (sockets, FIFOs on another file system...). */
  readonly skipped: readonly string[];
}

/**
 * Carries every file of the previous output `previous` that the previous synth did not write (it is not
 * in `record`) into the new tree `staging`: a user's `.git` folder, a README, Terraform's `.terraform/`.
 * Without a record (an output written before there were records, or never by ballast), every file the new
 * synth does not write is carried over instead.
 *
 * Files are hard-linked one by one, not moved, so that the previous tree stays whole for as long as the
 * swap may still be undone; a link costs a fraction of a copy. Symlinks are recreated as symlinks, empty
 * folders as empty folders (git needs its empty `refs/tags`), folders get their previous mode.
 */
export function carryOver(previous: string, staging: string, record: ReadonlySet<string> | undefined): CarryOverResult {
  const kept: string[] = [];
  const overwritten: string[] = [];
  const skipped: string[] = [];
  // Folders of the new tree known to exist, and the modes of those created here (set last: a read-only
  // folder must stay writable until everything is linked into it).
  const folders = new Set<string>(['']);
  const modes: [string, number][] = [];

  /** Makes folder `rel` exist in the new tree; false when the new synth wrote a file there. */
  const ensureFolder = (rel: string): boolean => {
    if (folders.has(rel)) return true;
    if (!ensureFolder(parentOf(rel))) return false;
    const stat = fs.lstatSync(path.join(staging, rel), { throwIfNoEntry: false });
    if (stat !== undefined && !stat.isDirectory()) return false;
    if (stat === undefined) {
      fs.mkdirSync(path.join(staging, rel));
      modes.push([rel, fs.statSync(path.join(previous, rel)).mode & 0o7777]);
    }
    folders.add(rel);
    return true;
  };

  const ours = (rel: string): boolean => (record !== undefined ? record.has(rel) : fs.lstatSync(path.join(staging, rel), { throwIfNoEntry: false }) !== undefined);

  const walk = (rel: string): void => {
    const entries = fs.readdirSync(rel === '' ? previous : path.join(previous, rel), { withFileTypes: true });
    if (entries.length === 0 && rel !== '') {
      // An empty folder is never one the previous synth wrote (it writes files).
      const there = fs.lstatSync(path.join(staging, rel), { throwIfNoEntry: false });
      if (there === undefined && ensureFolder(rel)) kept.push(`${rel}/`);
      else if (there !== undefined && !there.isDirectory()) overwritten.push(rel);
      return;
    }
    for (const entry of entries) {
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (child === RECORD_FILE) continue;
      if (entry.isDirectory()) {
        walk(child);
        continue;
      }
      if (ours(child)) continue;
      const to = path.join(staging, child);
      if (!ensureFolder(rel) || fs.lstatSync(to, { throwIfNoEntry: false }) !== undefined) {
        overwritten.push(child);
        continue;
      }
      if (carryEntry(path.join(previous, child), to, entry)) kept.push(child);
      else skipped.push(child);
    }
  };

  if (fs.lstatSync(previous, { throwIfNoEntry: false })?.isDirectory()) walk('');
  for (const [rel, mode] of modes.reverse()) fs.chmodSync(path.join(staging, rel), mode);
  return { kept, overwritten, skipped };
}

/** Links (or, across file systems, copies) one entry; recreates a symlink. False when neither works. */
function carryEntry(from: string, to: string, entry: fs.Dirent): boolean {
  if (entry.isSymbolicLink()) {
    fs.symlinkSync(fs.readlinkSync(from), to);
    return true;
  }
  try {
    fs.linkSync(from, to);
    return true;
  } catch {
    // EXDEV (another file system), EPERM (fs.protected_hardlinks on a file of another user), EMLINK:
    // a regular file can still be copied (with its mode); a socket or FIFO cannot.
    if (!entry.isFile()) return false;
    fs.copyFileSync(from, to);
    return true;
  }
}

function parentOf(rel: string): string {
  const i = rel.lastIndexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
}
