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
    process.exitCode = runCommand(parsed.command, parsed.args, loadPlatformProgram(parsed.args.app));
  },
  // diff keeps 1 and 2 for its answers.
  command === 'diff' ? { action: 'diff', failureExitCode: 3 } : { action: command === 'validate' ? 'validate' : 'synth' },
);
