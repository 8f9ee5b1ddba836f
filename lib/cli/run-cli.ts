import { runEntryPoint } from '../synth/cli';
import { Command, HELP, parseCommandLine } from './args';
import { loadPlatformProgram } from './load-app';
import { runProgram } from './run-program';

/** Where the CLI runs: its working folder and environment. */
export interface CliOptions {
  /** @default process.cwd() */
  readonly cwd?: string;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * The `ballast` command, given the arguments after `ballast`: prints to stdout and stderr and sets
 * `process.exitCode`. Returns a Promise only when the platform program is async (it settles when the
 * command is done, and never rejects: a failure is printed like any other).
 */
export function runCli(argv: readonly string[], options: CliOptions = {}): void | Promise<void> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const command = argv[0] as Command | undefined;
  return runEntryPoint(
    () => {
      const parsed = parseCommandLine(argv, env, options.cwd);
      if ('help' in parsed) {
        process.stdout.write(HELP);
        return undefined;
      }
      // Under `cdktf synth` (the app of a cdktf.json), notes and reports go to stdout: cdktf logs every
      // stderr line of its app as an [ERROR].
      const underCdktf = env.CDKTF_OUTDIR !== undefined;
      if (underCdktf) process.env.BALLAST_NOTES ??= 'stdout';
      const write = (stream: NodeJS.WriteStream) => (text: string) => void stream.write(text);
      const output = { out: write(process.stdout), err: write(underCdktf ? process.stdout : process.stderr) };
      const code = runProgram(parsed.command, parsed.args, loadPlatformProgram(parsed.args.app, cwd), output, cwd);
      if (typeof code !== 'number') {
        return code.then((c) => {
          process.exitCode = c;
        });
      }
      process.exitCode = code;
      return undefined;
    },
    // diff keeps 1 and 2 for its answers.
    command === 'diff' ? { action: 'diff', failureExitCode: 3 } : { action: command === 'validate' ? 'validate' : 'synth' },
  );
}
