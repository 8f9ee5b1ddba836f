import { ValidationError } from '../lib/internal';

/** The day-2 flags of the synth and diff scripts. */
export interface SynthArgs {
  /** `--acknowledge <inventory id or component path>`, repeatable. */
  readonly acknowledge: string[];
  /** `--rotate <secret name>`, repeatable. */
  readonly rotate: string[];
  /** `--no-wait`: fail at once when another synth holds the output folders, instead of waiting for it. */
  readonly noWait: boolean;
}

/** Parses `--acknowledge <id>`, `--rotate <name>` (each repeatable, also as `--flag=value`) and `--no-wait`. */
export function parseSynthArgs(argv: readonly string[]): SynthArgs {
  const out = { acknowledge: [] as string[], rotate: [] as string[], noWait: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--no-wait') {
      out.noWait = true;
      continue;
    }
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const key = flag === '--acknowledge' ? 'acknowledge' : flag === '--rotate' ? 'rotate' : undefined;
    const value = inline ?? argv[i + 1];
    if (!key || value === undefined || value.startsWith('--')) {
      throw new ValidationError([
        { path: 'arguments', problem: `unknown or incomplete argument "${argv[i]}"`, fix: 'Use --acknowledge <inventory id>, --rotate <secret name> (each as often as needed) or --no-wait' },
      ]);
    }
    out[key].push(value);
    if (inline === undefined) i++;
  }
  return out;
}
