import * as path from 'path';
import { ValidationError } from '../core/errors';

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
const USAGE = 'Use --app <file>, --outdir <dir>, --cluster <name>, --acknowledge <inventory id>, --rotate <secret name> (each of the last three as often as needed), --no-wait or --json';

/**
 * Parses `--app`, `--outdir`, `--cluster`, `--acknowledge`, `--rotate` (also as `--flag=value`),
 * `--no-wait` and `--json`. Without `--outdir`, the folders a stock command asks for in `env` are taken.
 */
export function parseSynthArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): SynthArgs {
  const out = { app: undefined as string | undefined, outdir: undefined as string | undefined, acknowledge: [] as string[], rotate: [] as string[], clusters: [] as string[], noWait: false, json: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--no-wait' || argv[i] === '--json') {
      out[argv[i] === '--json' ? 'json' : 'noWait'] = true;
      continue;
    }
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const key = (VALUED as Record<string, (typeof VALUED)[keyof typeof VALUED] | undefined>)[flag];
    const value = inline ?? argv[i + 1];
    if (!key || value === undefined || value === '' || value.startsWith('--')) {
      throw new ValidationError([{ path: 'arguments', problem: `unknown or incomplete argument "${argv[i]}"`, fix: USAGE }]);
    }
    if (key === 'acknowledge' || key === 'rotate' || key === 'clusters') out[key].push(value);
    else out[key] = value;
    if (inline === undefined) i++;
  }
  return { ...out, outdir: out.outdir ?? 'dist', ...outputFolders(out.outdir, env) };
}

/** The two output folders: under `--outdir`, else where `cdktf synth` or `cdk8s synth` asks, else under `dist`. */
function outputFolders(outdir: string | undefined, env: NodeJS.ProcessEnv): { fluxDir: string; terraformDir: string } {
  if (outdir === undefined && env.CDKTF_OUTDIR) return { fluxDir: path.join(path.dirname(env.CDKTF_OUTDIR), 'flux'), terraformDir: env.CDKTF_OUTDIR };
  if (outdir === undefined && env.CDK8S_OUTDIR) return { fluxDir: env.CDK8S_OUTDIR, terraformDir: path.join(path.dirname(env.CDK8S_OUTDIR), 'cdktf') };
  return { fluxDir: path.join(outdir ?? 'dist', 'flux'), terraformDir: path.join(outdir ?? 'dist', 'cdktf') };
}

/** The command and its options, from the arguments after `ballast`. */
export function parseCommandLine(argv: readonly string[]): { command: Command; args: SynthArgs } | { help: true } {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') return { help: true };
  if (!(COMMANDS as readonly string[]).includes(command)) {
    throw new ValidationError([{ path: 'arguments', problem: `unknown command "${command}"`, fix: `Use one of ${COMMANDS.join(', ')} (ballast --help)` }]);
  }
  return { command: command as Command, args: parseSynthArgs(rest) };
}

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
                          "platform") is a function (app: App) => Platform, or a Fleet
                          (default: platform.ts, else platform.js, in the working folder)
  --outdir <dir>          output folder (default: dist; under cdktf synth or cdk8s synth, the folder
                          it asks for)
  --cluster <name>        a fleet's cluster the command is about (diff and validate plan only these;
                          synth writes every cluster and applies --acknowledge and --rotate to these);
                          repeatable; BALLAST_CLUSTER adds to it
  --acknowledge <id>      allow a guarded change (inventory id or component path); repeatable
  --rotate <name>         give a generated secret or a Terraform variable a new value; repeatable
  --no-wait               fail at once when another synth holds the output folders
  --json                  diff: print the changes as JSON (fields, old and new values, secrets
                          masked; the exit code is the same)
`;
