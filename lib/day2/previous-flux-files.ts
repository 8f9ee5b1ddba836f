import * as fs from 'fs';
import * as path from 'path';
import { fileError, FileRole, isInside, readCheckoutBytes, restoreFromGit, shownPath, statOrNothing } from '../core/checkout-file';
import { readRecord } from './output-record';

// The YAML files of the previous Flux output that `diff` reads its old objects from. Only regular files
// inside the output are read: a link that leads out of it is refused before its target is read (diff would
// otherwise show, and compare with, a file that is not the output's), a link inside it is followed, and
// what is neither a file nor a folder (a FIFO would block diff) is refused. Every refusal names the file
// and the Git fix. The common case costs what a plain read does: one lstat and one read per file.

/** What a file of the previous Flux output is, in messages: it is committed, so Git has the good copy. */
export const FLUX_FILE_ROLE: FileRole = { what: "a file of the previous synth's Flux output", restore: restoreFromGit };

/** One YAML file of the previous output: its path (under the output folder) and its text. */
export interface PreviousFluxFile {
  readonly file: string;
  readonly text: string;
}

const YAML_NAME = /\.ya?ml$/;

/**
 * The YAML files of the previous Flux output in `fluxDir`, read. With the previous synth's record
 * (`.ballast/files.json`), the files it names: a user's own file in the output is not ballast's, and a
 * folder where the record names a file is refused (the previous synth's file is gone). Without a record
 * (an older output), every `*.yaml` a walk finds; the walk follows no link, enters no dot-folder
 * (`.ballast`, `.git`), and takes a folder named `*.yaml` for the folder it is.
 */
export function* previousFluxFiles(fluxDir: string): Generator<PreviousFluxFile> {
  if (!statOrNothing(fluxDir)?.isDirectory()) return;
  const record = readRecord(fluxDir);
  const rels = record === undefined ? walkedYaml(fluxDir) : [...record].filter((rel) => YAML_NAME.test(rel) && !rel.split('/').some((part) => part.startsWith('.')));
  // A folder of the record's files is checked once, not once per file: a thousand apps share one folder.
  const folderInside = new Map<string, boolean>();
  const inside = (folder: string) => {
    let known = folderInside.get(folder);
    if (known === undefined) folderInside.set(folder, (known = isInside(fluxDir, folder)));
    return known;
  };
  for (const rel of rels) {
    const file = path.join(fluxDir, rel);
    let stat: fs.Stats | undefined;
    try {
      stat = fs.lstatSync(file, { throwIfNoEntry: false });
      // Gone since the previous synth (or never there): its objects show as added.
      if (stat === undefined) continue;
    } catch {
      // A folder on its path is a file, or may not be searched: the careful read says which.
    }
    // Anything but a regular file in a folder of the output (a link, a folder, a FIFO, a folder on the way
    // that leads out) is read the careful way, which refuses it with the fix or follows a link that stays
    // inside the output.
    const bytes = stat?.isFile() && inside(path.dirname(file)) ? readOrCareful(file, fluxDir) : readCheckoutBytes(file, FLUX_FILE_ROLE, { within: fluxDir });
    if (bytes !== undefined) yield { file, text: bytes.toString('utf8') };
  }
}

/** The bytes of a regular file, or, when the plain read fails (permission denied, gone), what the careful read says. */
function readOrCareful(file: string, fluxDir: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return readCheckoutBytes(file, FLUX_FILE_ROLE, { within: fluxDir });
  }
}

/** Every `*.yaml` entry under `fluxDir` that is not a folder, relative to it, by a walk that follows no link. */
function walkedYaml(fluxDir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    const dir = rel === '' ? fluxDir : path.join(fluxDir, rel);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      const code = (err as { code?: unknown } | null)?.code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      throw fileError(dir, `a folder of the previous synth's Flux output cannot be read (${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : String(code)})`, `Let the user who runs ballast read it (chmod -R u+rX ${shownPath(dir)})`);
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const child = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) walk(child);
      else if (YAML_NAME.test(e.name)) out.push(child);
    }
  };
  walk('');
  return out.sort();
}
