import { App } from 'cdk8s';
import * as path from 'path';
import { formatDiff, formatSynthReport } from '../day2/diff';
import { readInventory } from '../day2/inventory';
import { planAgainstOutput, synthPlatform, validatePlatform } from '../synth/platform-synth';
import { formatNotes, formatStats } from '../synth/synth';
import { Command, SynthArgs } from './args';
import { PlatformProgram } from './load-app';

/** Where a command writes: its summary (stdout) and its notes and reports (stderr). */
export interface CommandOutput {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const STD: CommandOutput = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/**
 * Runs `synth`, `diff` or `validate` of the platform `program` builds, with the options of the command
 * line; returns the exit code. Errors are thrown (the entry point prints them).
 */
export function runCommand(command: Command, args: SynthArgs, program: PlatformProgram, output: CommandOutput = STD): number {
  const options = {
    fluxDir: path.join(args.outdir, 'flux'),
    terraformDir: path.join(args.outdir, 'cdktf'),
    acknowledge: args.acknowledge,
    rotate: args.rotate,
    noWait: args.noWait,
  };
  const build = () => program(new App());
  switch (command) {
    case 'synth': {
      const start = process.hrtime.bigint();
      const { plan, flux, terraform } = synthPlatform(build, options);
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      output.err(formatNotes(flux.notes) + formatSynthReport(plan));
      output.out(`${formatStats('flux', options.fluxDir, flux)}\n${formatStats('terraform', options.terraformDir, terraform)}\n`);
      output.out(`synthesized in ${ms.toFixed(0)} ms (${(process.uptime() * 1000).toFixed(0)} ms with Node start-up and module loading)\n`);
      return 0;
    }
    case 'diff': {
      const plan = planAgainstOutput(build, options);
      const { text, exitCode } = formatDiff(plan, readInventory(options.fluxDir) !== undefined);
      output.out(text);
      return exitCode;
    }
    case 'validate': {
      const plan = validatePlatform(build, options);
      output.err(formatNotes(plan.notes));
      output.out(`valid: ${plan.components.length} components, ${plan.flux.reduce((n, p) => n + p.manifests.length, 0)} Flux objects, ${plan.terraform.releases.length} Terraform releases; nothing written\n`);
      return 0;
    }
  }
}
