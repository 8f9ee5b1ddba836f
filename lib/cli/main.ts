#!/usr/bin/env node
// The `ballast` command: synth, diff or validate the user's platform program (`--app`).
// First: the age worker thread starts loading while the rest loads.
import '../secrets/age-warm-up';
import { runEntryPoint } from '../synth/cli';
import { Command, HELP, parseCommandLine } from './args';
import { runCommand } from './commands';
import { loadPlatformProgram } from './load-app';

const command = process.argv[2] as Command | undefined;
runEntryPoint(
  () => {
    const parsed = parseCommandLine(process.argv.slice(2));
    if ('help' in parsed) {
      process.stdout.write(HELP);
      return;
    }
    // Under `cdktf synth` (the app of a cdktf.json), notes and reports go to stdout: cdktf logs every stderr
    // line of its app as an [ERROR].
    const underCdktf = process.env.CDKTF_OUTDIR !== undefined;
    if (underCdktf) process.env.BALLAST_NOTES ??= 'stdout';
    const write = (stream: NodeJS.WriteStream) => (text: string) => void stream.write(text);
    const output = { out: write(process.stdout), err: write(underCdktf ? process.stdout : process.stderr) };
    process.exitCode = runCommand(parsed.command, parsed.args, loadPlatformProgram(parsed.args.app), output);
  },
  // diff keeps 1 and 2 for its answers.
  command === 'diff' ? { action: 'diff', failureExitCode: 3 } : { action: command === 'validate' ? 'validate' : 'synth' },
);
