import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConfigProblem } from '../core/errors';
import { INVENTORY_FILE } from '../day2/inventory';
import { CLUSTERS_FOLDER } from '../day2/previous-output';
import { RECORD_FILE } from '../day2/output-record';

// The output folders a command is given must be a project's output folder: a synth replaces
// `<outdir>/flux` and `<outdir>/cdktf` and writes lock and journal files beside them, so `--outdir` at a
// file, at `/`, at the home folder, inside `node_modules` (which npm replaces) or in someone else's folder
// is refused before anything is read or written.

/** Where the output folders of a command come from. */
export type OutdirSource = '--outdir' | 'CDKTF_OUTDIR' | 'CDK8S_OUTDIR' | 'default';

/** The output folders of a command, and what the user gave for them. */
export interface OutputFolders {
  readonly source: OutdirSource;
  /** The value of `--outdir` or of the environment variable, or `dist`. */
  readonly given: string;
  /** The folder both backends' folders are in: `--outdir`, or the folder of the one the variable names. */
  readonly container: string;
  readonly fluxDir: string;
  readonly terraformDir: string;
}

/** `p` with every symbolic link of its existing part resolved (the rest of it does not exist yet). */
function realPath(p: string): string {
  const rest: string[] = [];
  let existing = path.resolve(p);
  while (!fs.existsSync(existing)) {
    const parent = path.dirname(existing);
    if (parent === existing) break;
    rest.unshift(path.basename(existing));
    existing = parent;
  }
  try {
    return path.join(fs.realpathSync(existing), ...rest);
  } catch {
    return path.resolve(p);
  }
}

/** True when `p` is `folder` or inside it. */
function within(p: string, folder: string): boolean {
  const rel = path.relative(folder, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Names a synth leaves beside an output folder `name`: its lock, its staging and previous folders. */
function leftoverOf(entry: string, names: readonly string[]): boolean {
  if (/^\.ballast-swap-[0-9]+\.json$/.test(entry)) return true;
  return names.some((n) => entry === n || entry === `${n}.lock` || new RegExp(`^${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(staging|previous|lock\\.stale)-[0-9]+$`).test(entry));
}

/** True when `dir` holds what a ballast synth wrote: its record of files, or an inventory. */
function holdsBallastOutput(dir: string): boolean {
  if (fs.existsSync(path.join(dir, RECORD_FILE)) || fs.existsSync(path.join(dir, INVENTORY_FILE))) return true;
  const clusters = path.join(dir, CLUSTERS_FOLDER);
  try {
    return fs.readdirSync(clusters).some((c) => fs.existsSync(path.join(clusters, c, INVENTORY_FILE)));
  } catch {
    return false;
  }
}

/** True when `dir` is missing or an empty folder. */
function emptyOrMissing(dir: string): boolean {
  try {
    return fs.readdirSync(dir).length === 0;
  } catch {
    return !fs.existsSync(dir);
  }
}

/**
 * What is wrong with the output folders `folders` for a command run in `cwd` (none when they are a
 * project's): a file where a folder goes, a filesystem root, the home folder, a folder inside
 * `node_modules` or `.git`, or a folder outside the working folder that is neither empty nor ballast's
 * output (`flux/` or `cdktf/` with ballast's record of files or an inventory).
 */
export function outputFolderProblems(folders: OutputFolders, cwd: string, home = os.homedir()): ConfigProblem[] {
  // Relative folders are the working folder's.
  const at = (p: string): string => path.resolve(cwd, p);
  const here = realPath(cwd);
  const homeReal = realPath(home);
  const label = folders.source === 'default' ? `the output folder ${folders.given}` : `${folders.source} ${folders.given}`;
  const fromFlag = folders.source === '--outdir' || folders.source === 'default';
  const example = fromFlag ? 'e.g. --outdir dist' : `e.g. ${folders.source}=${folders.source === 'CDKTF_OUTDIR' ? 'dist/cdktf' : 'dist/flux'} in the project, or --outdir dist`;
  const written = `${folders.fluxDir} and ${folders.terraformDir}`;
  /** How the message names `dir`: as the user gave it, with the real path when a link leads elsewhere. */
  const subject = (dir: string): string => {
    const real = realPath(at(dir));
    const shown = at(dir) === at(folders.given) ? label : dir === folders.container ? `${label}: its folder ${dir}` : `${label}: ${dir}`;
    return real === at(dir) ? shown : `${shown} (${real})`;
  };
  const problem = (what: string, fix: string): ConfigProblem[] => [{ path: 'arguments', problem: what, fix }];

  // The folders a synth writes into, the one the user typed first.
  const checked = fromFlag ? [folders.container, folders.fluxDir, folders.terraformDir] : [folders.fluxDir, folders.terraformDir, folders.container];
  for (const dir of checked) {
    const stat = fs.statSync(at(dir), { throwIfNoEntry: false });
    if (stat && !stat.isDirectory()) {
      return dir === folders.container && fromFlag
        ? problem(`${subject(dir)} is a file, not a folder`, `Give a folder for the output (a synth writes ${written})`)
        : problem(`${subject(dir)} is a file, not a folder, and a synth writes its output there`, 'Move the file away, or give another output folder');
    }
  }
  for (const dir of checked) {
    const real = realPath(at(dir));
    if (real === path.parse(real).root) return problem(`${subject(dir)} is the root of the file system (a synth would write ${written})`, `Give a folder of the project for the output, ${example}`);
    if (real === homeReal) return problem(`${subject(dir)} is the home folder (a synth would write ${written})`, `Give a folder of the project for the output, ${example}`);
    // Inside the project only its own part counts: a project may itself sit under a node_modules folder.
    const segments = (within(real, here) ? path.relative(here, real) : real).split(path.sep);
    if (segments.includes('node_modules')) return problem(`${subject(dir)} is inside node_modules, which the package manager replaces`, `Give a folder of the project outside node_modules, ${example}`);
    if (segments.includes('.git')) return problem(`${subject(dir)} is inside .git, the folder Git keeps its own data in`, `Give a folder of the project outside .git, ${example}`);
  }
  const container = realPath(at(folders.container));
  if (within(container, here) || !fs.existsSync(container)) return [];
  // Outside the working folder: only a folder that holds nothing yet, or ballast's output.
  const names = [path.basename(folders.fluxDir), path.basename(folders.terraformDir)];
  const ours = [folders.fluxDir, folders.terraformDir].map(at).filter((d) => path.dirname(d) === at(folders.container));
  if (ours.some((d) => holdsBallastOutput(d))) return [];
  let entries: string[];
  try {
    entries = fs.readdirSync(container);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return problem(`${subject(folders.container)} is outside the working folder ${here} and cannot be read${typeof code === 'string' ? ` (${code})` : ''}`, `Give a folder of the project, ${example}`);
  }
  const foreign = entries.filter((e) => !leftoverOf(e, names) || (names.includes(e) && !emptyOrMissing(path.join(container, e))));
  if (foreign.length === 0) return [];
  const shown = foreign.sort().slice(0, 3).join(', ') + (foreign.length > 3 ? ` and ${foreign.length - 3} more` : '');
  return problem(
    `${subject(folders.container)} is outside the working folder ${here} and holds files that are not ballast's output (${shown})`,
    `Give an empty folder, a folder that holds ballast's output or a folder inside the project, ${example}`,
  );
}
