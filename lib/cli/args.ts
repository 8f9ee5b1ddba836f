import * as path from 'path';
import { ConfigProblem, ValidationError } from '../core/errors';
import { OutputFolders, outputFolderProblems } from './outdir';

/** The commands of the `ballast` CLI. */
export const COMMANDS = ['synth', 'diff', 'validate'] as const;
export type Command = (typeof COMMANDS)[number];

/** The options of a synth, a diff or a validate. */
export interface SynthArgs {
  /** `--app <file>`: the platform program (TypeScript or JavaScript). @default `platform.ts`, else `platform.js`, in the working folder */
  readonly app?: string;
  /**
   * `--outdir <dir>`: the output goes to `<dir>/flux` and `<dir>/cdktf`.
   * @default 'dist'; under `cdktf synth` (`CDKTF_OUTDIR`) or `cdk8s synth` (`CDK8S_OUTDIR`), the folder the
   * stock command asks for, with the other backend's folder beside it
   */
  readonly outdir: string;
  /** Where the Flux repository goes: `<outdir>/flux`, or beside `CDKTF_OUTDIR`, or `CDK8S_OUTDIR`. */
  readonly fluxDir: string;
  /** Where the Terraform JSON goes: `<outdir>/cdktf`, or `CDKTF_OUTDIR`, or beside `CDK8S_OUTDIR`. */
  readonly terraformDir: string;
  /** `--cluster <name>`, repeatable: the clusters of a fleet the command is about. @default every cluster */
  readonly clusters: string[];
  /** `--acknowledge <inventory id or component path>`, repeatable. */
  readonly acknowledge: string[];
  /** `--rotate <secret name>`, repeatable. */
  readonly rotate: string[];
  /** `--no-wait`: fail at once when another synth holds the output folders, instead of waiting for it. */
  readonly noWait: boolean;
  /** `--json`: `diff` prints JSON for programs (CI bots) instead of text. @default false */
  readonly json: boolean;
}

const VALUED = { '--app': 'app', '--outdir': 'outdir', '--acknowledge': 'acknowledge', '--rotate': 'rotate', '--cluster': 'clusters' } as const;
const USAGE = 'Use --app <file>, --outdir <dir>, --cluster <name>, --acknowledge <inventory id>, --rotate <secret name> (each of the last three as often as needed), --no-wait or --json (ballast --help)';

/**
 * Parses `--app`, `--outdir`, `--cluster`, `--acknowledge`, `--rotate` (also as `--flag=value`),
 * `--no-wait` and `--json`. Without `--outdir`, the folders a stock command asks for in `env` are taken.
 * Every wrong argument is reported at once, and so are output folders that are not a project's (see
 * outdir.ts). `cwd`: the folder relative paths are taken from; given, the folders are returned absolute.
 */
export function parseSynthArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, cwd?: string): SynthArgs {
  return parseArgs(argv, env, cwd, 1);
}

/** As parseSynthArgs; `first`: the position of `argv[0]` on the command line, for the messages. */
function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string | undefined, first: number): SynthArgs {
  const out = { app: undefined as string | undefined, outdir: undefined as string | undefined, acknowledge: [] as string[], rotate: [] as string[], clusters: [] as string[], noWait: false, json: false };
  const problems: ConfigProblem[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--no-wait' || argv[i] === '--json') {
      out[argv[i] === '--json' ? 'json' : 'noWait'] = true;
      continue;
    }
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const key = (VALUED as Record<string, (typeof VALUED)[keyof typeof VALUED] | undefined>)[flag];
    const value = inline ?? argv[i + 1];
    if (!key || value === undefined || value === '' || (inline === undefined && value.startsWith('--'))) {
      // An unknown option's value goes with it (`--out dist`): one mistake, one problem.
      const withValue = !key && flag.startsWith('-') && inline === undefined && value !== undefined && !value.startsWith('-');
      problems.push({ path: 'arguments', problem: describeBad(argv[i], i + first, key !== undefined, withValue), fix: USAGE });
      if (withValue) i++;
      continue;
    }
    if (inline === undefined) i++;
    if (key === 'acknowledge' || key === 'rotate' || key === 'clusters') out[key].push(value);
    else if (out[key] !== undefined && out[key] !== value) problems.push({ path: 'arguments', problem: `${flag} is given twice (${out[key]} and ${value})`, fix: `Give ${flag} once` });
    else out[key] = value;
  }
  if (problems.length > 0) throw new ValidationError(problems);
  const base = cwd ?? process.cwd();
  const folders = outputFolders(out.outdir, env);
  const outdirProblems = outputFolderProblems(folders, base);
  if (outdirProblems.length > 0) throw new ValidationError(outdirProblems);
  const absolute = (p: string) => (cwd === undefined ? p : path.resolve(cwd, p));
  return { ...out, outdir: absolute(out.outdir ?? 'dist'), fluxDir: absolute(folders.fluxDir), terraformDir: absolute(folders.terraformDir) };
}

/**
 * What is wrong with the argument `arg` at `index`, without its value: a value typed on the command line
 * can be a secret (`--token=...`, a key pasted in the wrong place), and this message goes to CI logs.
 */
function describeBad(arg: string, position: number, known: boolean, withValue: boolean): string {
  if (known) return `${arg.split('=')[0]} needs a value`;
  if (arg.startsWith('-')) return `unknown option "${arg.split('=')[0].slice(0, 40)}"${arg.includes('=') || withValue ? ' (its value left out here)' : ''}`;
  return `argument ${position} is a value without an option before it (left out here)`;
}

/** The two output folders: under `--outdir`, else where `cdktf synth` or `cdk8s synth` asks, else under `dist`. */
function outputFolders(outdir: string | undefined, env: NodeJS.ProcessEnv): OutputFolders {
  if (outdir === undefined && env.CDKTF_OUTDIR) {
    const dir = env.CDKTF_OUTDIR;
    return { source: 'CDKTF_OUTDIR', given: dir, container: path.dirname(dir), fluxDir: path.join(path.dirname(dir), 'flux'), terraformDir: dir };
  }
  if (outdir === undefined && env.CDK8S_OUTDIR) {
    const dir = env.CDK8S_OUTDIR;
    return { source: 'CDK8S_OUTDIR', given: dir, container: path.dirname(dir), fluxDir: dir, terraformDir: path.join(path.dirname(dir), 'cdktf') };
  }
  const dir = outdir ?? 'dist';
  return { source: outdir === undefined ? 'default' : '--outdir', given: dir, container: dir, fluxDir: path.join(dir, 'flux'), terraformDir: path.join(dir, 'cdktf') };
}

/** The command and its options, from the arguments after `ballast`; `--help` anywhere asks for the help. */
export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, cwd?: string): { command: Command; args: SynthArgs } | { help: true } {
  const [command, ...rest] = argv;
  if (command === undefined || HELP_WORDS.includes(command) || rest.some((a) => HELP_WORDS.includes(a) && a !== 'help')) return { help: true };
  if (!(COMMANDS as readonly string[]).includes(command)) {
    const option = command.startsWith('-');
    const shown = option ? `option ${command.split('=')[0].slice(0, 40)} before the command` : `command "${command.slice(0, 40)}"`;
    throw new ValidationError([{ path: 'arguments', problem: `unknown ${shown}`, fix: `Use one of ${COMMANDS.join(', ')}${option ? ' first' : ''} (ballast --help)` }]);
  }
  return { command: command as Command, args: parseArgs(rest, env, cwd, 2) };
}

const HELP_WORDS = ['--help', '-h', 'help'];

/** What `ballast --help` prints. */
export const HELP = `ballast: a Kubernetes platform as typed code, synthesized into a Flux repository and Terraform JSON

usage: ballast <command> [options]

commands:
  synth      write <outdir>/flux and <outdir>/cdktf from the platform program
  diff       what a synth would change against <outdir>, per backend; writes nothing
             (exit 0: no change, 1: changes, 2: destructive or refused, 3: diff failed)
  validate   every check of a synth (and the day-2 guard against <outdir>); writes nothing

options:
  --app <file>            the platform program: a .ts or .js file whose default export (or export
                          "platform") is a function (app: App) => Platform (async allowed), or a Fleet
                          (default: platform.ts, else platform.js, in the working folder)
  --outdir <dir>          output folder (default: dist; under cdktf synth or cdk8s synth, the folder
                          it asks for); not a file, /, the home folder or inside node_modules, and
                          outside the working folder only an empty folder or ballast's output
  --cluster <name>        a fleet's cluster the command is about (diff and validate plan only these;
                          synth writes every cluster and applies --acknowledge and --rotate to these);
                          repeatable; BALLAST_CLUSTER adds to it
  --acknowledge <id>      allow a guarded change (inventory id or component path); repeatable
  --rotate <name>         give a generated secret or a Terraform variable a new value; repeatable
  --no-wait               fail at once when another synth holds the output folders
  --json                  diff: print the changes as JSON (fields, old and new values, secrets
                          masked; the exit code is the same)
`;
