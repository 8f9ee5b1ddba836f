import * as fs from 'fs';
import * as path from 'path';
import { fileError, FileRole, readCheckoutJson, restoreFromGit, shownPath } from '../core/checkout-file';
import { Shape, shapeProblem } from '../core/json-shape';

/**
 * The record of what a synth wrote in an output folder, relative to it. It is part of the output (it is
 * committed with `dist/flux`): the next synth reads it to tell the files it owns from everything else.
 */
export const RECORD_FILE = '.ballast/files.json';

const ABOUT = 'The files the last ballast synth wrote in this folder. The next synth replaces these and keeps every other file.';

/**
 * Writes the record of every file and symlink under `staging` (what the build wrote) into
 * `staging/.ballast/files.json`: sorted relative paths with `/`, so that the same output gives the same
 * bytes.
 */
export function writeRecord(staging: string): void {
  const files = listFiles(staging);
  if (files.includes(RECORD_FILE)) throw new Error(`the build wrote ${RECORD_FILE}, which ballast keeps for its record of the files it wrote`);
  const file = path.join(staging, RECORD_FILE);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify({ about: ABOUT, files }, null, 2)}\n`);
}

/**
 * What the record is, in messages. Deleting it is safe (the next synth then keeps every file it does not
 * write, and says which), so it is offered after Git: a damaged record read as none would silently keep
 * files the previous synth wrote, and a record that leads out of the output is not the output's.
 */
const RECORD_ROLE: FileRole = {
  what: "the previous synth's record of its files",
  restore: (shown) => `${restoreFromGit(shown)} (or delete it: the next synth then keeps every file of the folder that it does not write, and says which)`,
};

/** A path the record may hold: relative, with `/`, never leaving the folder. */
const RECORDED_PATH = { pattern: /^(?!\/)(?!(?:.*\/)?\.\.(?:\/|$))[^\0]+$/, means: 'a path inside the output folder' };
const RECORD: Shape = { fields: { files: { list: RECORDED_PATH } } };

/**
 * The files the previous synth recorded in `outdir`; undefined when there is no record (an output older
 * than records, or never ballast's). A record that is damaged, of another shape, a folder, unreadable or a
 * link leading out of `outdir` is refused with its path and the fix.
 */
export function readRecord(outdir: string): ReadonlySet<string> | undefined {
  const file = path.join(outdir, RECORD_FILE);
  const parsed = readCheckoutJson(file, RECORD_ROLE, { within: outdir });
  if (parsed === undefined) return undefined;
  const problem = shapeProblem(parsed, RECORD);
  if (problem) throw fileError(file, `${RECORD_ROLE.what} is not a record ballast wrote: ${problem}`, RECORD_ROLE.restore(shownPath(file)));
  return new Set((parsed as { files: string[] }).files);
}

/** Every file and symlink under `dir` (not folders), as sorted relative paths with `/`. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(rel === '' ? dir : path.join(dir, rel), { withFileTypes: true })) {
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else out.push(child);
    }
  };
  walk('');
  return out.sort();
}
