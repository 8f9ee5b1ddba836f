import * as fs from 'fs';
import * as path from 'path';
import { ValidationError } from './errors';

// Reading the files a checkout keeps (the previous output's inventory and stacks, the secrets file, key
// files). Whatever such a file holds (cut short by a crash, left with conflict markers by a merge, a folder,
// a file another user owns) ends as one problem naming the file, what is wrong and the fix; never as "a
// bug in ballast", and never with bytes of the file in the message: a file may hold a secret, and a
// message ends up in CI logs.

/** How a file is named in messages: relative to the working directory when inside it, else as an absolute path. */
export function shownPath(file: string): string {
  const abs = path.resolve(file);
  const rel = path.relative(process.cwd(), abs);
  return rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel) ? abs : rel;
}

/** A refusal about `file`: `<file>: <problem>. <fix>.` */
export function fileError(file: string, problem: string, fix: string): ValidationError {
  return new ValidationError([{ path: shownPath(file), problem, fix }]);
}

/** What a file is and how a damaged one is put right: the messages of each kind of file say it. */
export interface FileRole {
  /** What the file holds, e.g. `the inventory of the previous synth`. */
  readonly what: string;
  /**
   * How to get a good copy back, given the file as shown (one sentence, no trailing period). Chosen per
   * file: deleting one whose loss would silently drop a check is never advised.
   */
  readonly restore: (shown: string) => string;
  /** How to resolve a merge conflict in it; by default, take one side whole and synth again. */
  readonly conflict?: (shown: string) => string;
}

/** The usual fix for a file ballast wrote into a committed output: Git has the good copy. */
export const restoreFromGit = (shown: string) => `Restore it from Git: git checkout -- ${shown}`;

/** The usual fix for a merge conflict in a file ballast writes: one side whole, then a synth brings it up to date. */
const takeOneSide = (shown: string) =>
  `Take one side of the merge whole (git checkout --ours -- ${shown}, or --theirs), then synth again: ballast writes it anew from the merged code`;

/**
 * True when `file` is inside `folder`, by its path and after symbolic links are followed (of the folder as
 * well, which may itself be a link): a path that leaves it (`..`, absolute) or a link that leads out is not.
 * A file that does not exist is judged by its path.
 */
export function isInside(folder: string, file: string): boolean {
  const lexical = path.relative(path.resolve(folder), path.resolve(file));
  if (lexical === '..' || lexical.startsWith(`..${path.sep}`) || path.isAbsolute(lexical)) return false;
  let real: string;
  try {
    real = fs.realpathSync(file);
  } catch {
    return true;
  }
  let realFolder: string;
  try {
    realFolder = fs.realpathSync(folder);
  } catch {
    return false;
  }
  const rel = path.relative(realFolder, real);
  return rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/**
 * What is at `file`, or undefined when nothing is (also when a folder on its path is a file, which
 * `throwIfNoEntry` does not cover): for the checks that only look whether something is there.
 */
export function statOrNothing(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file, { throwIfNoEntry: false });
  } catch (err) {
    if (codeOf(err) === 'ENOTDIR') return undefined;
    throw err;
  }
}

/** The errno code of a file-system error (`EACCES`), or undefined. */
function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The problem and fix of a file the system would not let ballast read. */
function unreadable(file: string, code: string | undefined, role: FileRole): ValidationError {
  const shown = shownPath(file);
  if (code === 'EACCES' || code === 'EPERM') {
    return fileError(file, `${role.what} cannot be read: permission denied`, `Let the user who runs ballast read it (chmod u+r ${shown}, or run ballast as the file's owner)`);
  }
  if (code === 'ELOOP') return fileError(file, `${role.what} is a symbolic link that leads to itself`, role.restore(shown));
  if (code === 'ENOTDIR') return fileError(file, `${role.what} cannot be read: a folder on its path is a file`, role.restore(shown));
  return fileError(file, `${role.what} cannot be read (${code ?? 'unknown error'})`, role.restore(shown));
}

/** Options of {@link readCheckoutFile}. */
export interface ReadOptions {
  /**
   * The folder the file must stay inside (the output folder it belongs to): a symbolic link that leads
   * out is refused before anything is read.
   */
  readonly within?: string;
}

/**
 * The text of `file`, or undefined when there is nothing at that path. A folder, a special file (a FIFO
 * would block the synth), a link leading out of `within`, or a file ballast may not read is refused with
 * the file's path and the fix its `role` gives.
 */
export function readCheckoutFile(file: string, role: FileRole, options: ReadOptions = {}): string | undefined {
  return readCheckoutBytes(file, role, options)?.toString('utf8');
}

/** {@link readCheckoutFile}'s bytes, undecoded: for a caller that searches many files for a few words. */
export function readCheckoutBytes(file: string, role: FileRole, options: ReadOptions = {}): Buffer | undefined {
  const shown = shownPath(file);
  if (options.within !== undefined && !isInside(options.within, file)) {
    throw fileError(file, `${role.what} leads out of the output folder ${shownPath(options.within)} (a symbolic link, or a path with ..), so ballast does not read it`, `Replace it with the file itself: ${lowerFirst(role.restore(shown))}`);
  }
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(file, { throwIfNoEntry: false });
  } catch (err) {
    throw unreadable(file, codeOf(err), role);
  }
  if (stat === undefined) {
    // A link to nothing is something, and not the file: say so rather than start from nothing.
    if (fs.lstatSync(file, { throwIfNoEntry: false })?.isSymbolicLink()) throw fileError(file, `${role.what} is a symbolic link to nothing`, role.restore(shown));
    return undefined;
  }
  if (stat.isDirectory()) {
    throw fileError(file, `${role.what} is a folder where a file belongs`, `Move the folder away (it is not ballast's), then: ${lowerFirst(role.restore(shown))}`);
  }
  if (!stat.isFile()) throw fileError(file, `${role.what} is not a regular file (a device, FIFO or socket)`, `Remove it, then: ${lowerFirst(role.restore(shown))}`);
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw unreadable(file, codeOf(err), role);
  }
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** Lines Git writes where a merge could not decide: `<<<<<<< ours`, `=======`, `>>>>>>> theirs`. */
const CONFLICT_MARKER = /^(<{7}|>{7})(?: |$)|^={7}$/m;

/** True when a merge left conflict markers in `text`. */
export function hasConflictMarkers(text: string): boolean {
  return CONFLICT_MARKER.test(text);
}

/** The refusal of a file a merge left conflict markers in. */
export function conflictError(file: string, role: FileRole): ValidationError {
  const shown = shownPath(file);
  return fileError(file, `a merge left conflict markers (<<<<<<<, =======, >>>>>>>) in ${role.what}`, (role.conflict ?? takeOneSide)(shown));
}

/** Line (1-based) of the character at `position` in `text`. */
function lineAt(text: string, position: number): number {
  let line = 1;
  for (let i = 0; i < Math.min(position, text.length); i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * `text` (the content of `file`) parsed as JSON. Empty, cut short, conflicted or otherwise invalid JSON is
 * refused with what is wrong and where (a line number, never the text: JSON.parse's own messages quote it).
 */
export function parseCheckoutJson(file: string, text: string, role: FileRole): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const shown = shownPath(file);
  if (body.trim() === '') throw fileError(file, `${role.what} is empty`, role.restore(shown));
  if (hasConflictMarkers(body)) throw conflictError(file, role);
  try {
    return JSON.parse(body);
  } catch (err) {
    const message = err instanceof Error ? err.message : '';
    const position = /at position (\d+)/.exec(message);
    const end = body.trimEnd().length;
    // Cut short: the parser ran out of text, or the text does not end as a JSON document does (every
    // file ballast writes ends with its closing brace).
    const begins = /^\s*[[{"]/.test(body);
    const cutShort = begins && (/end of JSON input|Unterminated string/.test(message) || (position !== null && Number(position[1]) >= end) || !/[}\]]$/.test(body.slice(0, end)));
    if (cutShort) throw fileError(file, `${role.what} is cut short: its JSON ends before it is complete (an interrupted write, or a bad copy)`, role.restore(shown));
    const where = !begins ? ' (it does not begin as JSON does)' : position ? ` at line ${lineAt(body, Number(position[1]))}` : '';
    throw fileError(file, `${role.what} is not valid JSON${where}`, role.restore(shown));
  }
}

/** {@link readCheckoutFile} then {@link parseCheckoutJson}: undefined when there is no file. */
export function readCheckoutJson(file: string, role: FileRole, options: ReadOptions = {}): unknown {
  const text = readCheckoutFile(file, role, options);
  return text === undefined ? undefined : parseCheckoutJson(file, text, role);
}
