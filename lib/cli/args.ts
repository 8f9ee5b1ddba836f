import { ValidationError } from '../core/errors';

/** The commands of the `ballast` CLI. */
export const COMMANDS = ['synth', 'diff', 'validate'] as const;
export type Command = (typeof COMMANDS)[number];

/** The options of a synth, a diff or a validate. */
export interface SynthArgs {
  /** `--app <file>`: the platform program (TypeScript or JavaScript). @default `platform.ts`, else `platform.js`, in the working folder */
  readonly app?: string;
  /** `--outdir <dir>`: the output goes to `<dir>/flux` and `<dir>/cdktf`. @default 'dist' */
  readonly outdir: string;
  /** `--acknowledge <inventory id or component path>`, repeatable. */
  readonly acknowledge: string[];
  /** `--rotate <secret name>`, repeatable. */
  readonly rotate: string[];
  /** `--no-wait`: fail at once when another synth holds the output folders, instead of waiting for it. */
  readonly noWait: boolean;
}

const VALUED = { '--app': 'app', '--outdir': 'outdir', '--acknowledge': 'acknowledge', '--rotate': 'rotate' } as const;
const USAGE = 'Use --app <file>, --outdir <dir>, --acknowledge <inventory id>, --rotate <secret name> (each of the last two as often as needed) or --no-wait';

/** Parses `--app`, `--outdir`, `--acknowledge`, `--rotate` (also as `--flag=value`) and `--no-wait`. */
export function parseSynthArgs(argv: readonly string[]): SynthArgs {
  const out = { app: undefined as string | undefined, outdir: 'dist', acknowledge: [] as string[], rotate: [] as string[], noWait: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--no-wait') {
      out.noWait = true;
      continue;
    }
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const key = (VALUED as Record<string, (typeof VALUED)[keyof typeof VALUED] | undefined>)[flag];
    const value = inline ?? argv[i + 1];
    if (!key || value === undefined || value === '' || value.startsWith('--')) {
      throw new ValidationError([{ path: 'arguments', problem: `unknown or incomplete argument "${argv[i]}"`, fix: USAGE }]);
    }
    if (key === 'acknowledge' || key === 'rotate') out[key].push(value);
    else out[key] = value;
    if (inline === undefined) i++;
  }
  return out;
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
                          "platform") is a function (app: App) => Platform
                          (default: platform.ts, else platform.js, in the working folder)
  --outdir <dir>          output folder (default: dist)
  --acknowledge <id>      allow a guarded change (inventory id or component path); repeatable
  --rotate <name>         give a generated secret or a Terraform variable a new value; repeatable
  --no-wait               fail at once when another synth holds the output folders
`;
