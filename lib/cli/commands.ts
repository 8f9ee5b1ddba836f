import { App } from 'cdk8s';
import { IConstruct } from 'constructs';
import * as path from 'path';
import { DIFF_EXIT, diffJson, formatDiff, formatSynthReport } from '../day2/diff';
import { fieldDiffs } from '../synth/field-diff';
import { readInventory } from '../day2/inventory';
import { clusterAckId, describeLeaving, readClusterInventory } from '../day2/previous-output';
import { compareWithOutput, synthPlatform, validatePlatform } from '../synth/platform-synth';
import { formatNotes, formatStats } from '../synth/synth';
import { Command, SynthArgs } from './args';
import { ValidationError } from '../core/errors';
import { Fleet } from '../fleet/fleet';
import { formatFleetDiff, formatFleetSynthReport } from '../fleet/fleet-diff';
import { FleetSynthOptions, planFleetAgainstOutput, synthFleet, validateFleet } from '../fleet/fleet-synth';
import { LoadedProgram, PlatformProgram } from './load-app';
import { ProgramError } from './program-errors';
import { isThenable, platformReturned } from './program-result';

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
export function runCommand(command: Command, args: SynthArgs, program: LoadedProgram, output: CommandOutput = STD): number {
  const options = {
    fluxDir: args.fluxDir,
    terraformDir: args.terraformDir,
    acknowledge: args.acknowledge,
    rotate: args.rotate,
    noWait: args.noWait,
  };
  if (Fleet.isFleet(program)) return runFleetCommand(command, program, { ...options, clusters: args.clusters }, output);
  if (args.clusters.length > 0) {
    throw new ValidationError([{ path: 'arguments', problem: `--cluster ${args.clusters[0]}: the program describes one platform, not a fleet`, fix: 'Leave --cluster out, or export a Fleet from the program' }]);
  }
  const build = () => builtNow(program);
  switch (command) {
    case 'synth': {
      const start = process.hrtime.bigint();
      const { plan, flux, terraform } = synthPlatform(build, options);
      output.err(formatNotes(flux.notes) + formatSynthReport(plan));
      output.out(`${formatStats('flux', options.fluxDir, flux)}\n${formatStats('terraform', options.terraformDir, terraform)}\n`);
      output.out(timing(start));
      return 0;
    }
    case 'diff': {
      const { plan, leaving, previousStack } = compareWithOutput(build, options);
      const clusterName = plan.platform.clusterName;
      const previousFound = readInventory(options.fluxDir) !== undefined || readClusterInventory(options.fluxDir, clusterName) !== undefined;
      // Field by field against the previous files of a single platform's output (a fleet's objects are
      // split over base/ and patches: its diff names them).
      const fields = leaving.length === 0 ? fieldDiffs(plan, options.fluxDir, path.join(options.terraformDir, 'stacks', previousStack, 'cdk.tf.json')) : undefined;
      if (args.json) {
        const json = diffJson(plan, previousFound, fields);
        const exitCode = leaving.some((l) => !l.acknowledged) ? DIFF_EXIT.destructive : json.exitCode;
        output.out(`${JSON.stringify({ ...json, exitCode, leavingClusters: leaving }, null, 2)}\n`);
        return exitCode;
      }
      const { text, exitCode } = formatDiff(plan, previousFound, fields);
      // Over a fleet's output: the clusters this program would remove come first, as a fleet's diff shows them.
      const gone = leaving.map(
        (l) =>
          `cluster ${l.cluster} is not in this program (the output holds a fleet): its tree and its Terraform stack would be removed (${describeLeaving(l)})${l.acknowledged ? ' [acknowledged]' : ` [refused: --acknowledge ${clusterAckId(l.cluster)}]`}\n`,
      );
      output.out(gone.join('') + text);
      const worst = leaving.some((l) => !l.acknowledged) ? DIFF_EXIT.destructive : leaving.length > 0 ? Math.max(exitCode, DIFF_EXIT.changes) : exitCode;
      return worst;
    }
    case 'validate': {
      const plan = validatePlatform(build, options);
      output.err(formatNotes(plan.notes));
      output.out(`valid: ${plan.components.length} components, ${plan.flux.reduce((n, p) => n + p.manifests.length, 0)} Flux objects, ${plan.terraform.releases.length} Terraform releases; nothing written\n`);
      return 0;
    }
  }
}

/**
 * The platform `program` builds, checked: a synth plans it inside the output folders' lock, where
 * nothing can be awaited, so a program that returns a Promise is refused here (`runProgram` awaits it
 * first, as the CLI does).
 */
function builtNow(program: PlatformProgram): IConstruct {
  const app = new App();
  const result = program(app);
  if (isThenable(result)) {
    // Nothing awaits it here: its failure must not end the process as an unhandled rejection.
    Promise.resolve(result).then(undefined, () => undefined);
    throw new ProgramError([
      { path: 'program', problem: 'the platform function returned a Promise, and runCommand builds the platform without waiting', fix: 'Run it with runProgram, which awaits it as the ballast CLI does, or build the platform synchronously' },
    ]);
  }
  return platformReturned(result, app, 'program');
}

/** `synthesized in N ms (...)`: the synth, and the whole process. */
function timing(start: bigint): string {
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return `synthesized in ${ms.toFixed(0)} ms (${(process.uptime() * 1000).toFixed(0)} ms with Node start-up and module loading)\n`;
}

/** `synth`, `diff` or `validate` of a fleet: the whole fleet, or the clusters `--cluster` names. */
function runFleetCommand(command: Command, fleet: Fleet, options: FleetSynthOptions, output: CommandOutput): number {
  const fluxDir = options.fluxDir!;
  switch (command) {
    case 'synth': {
      const start = process.hrtime.bigint();
      const { plans, leaving, flux, terraform, layout } = synthFleet(fleet, options);
      const left = leaving.map((l) => `ballast: cluster ${l.cluster} left the fleet (acknowledged): its tree and Terraform stack were removed\n`).join('');
      output.err(formatNotes(flux.notes) + formatFleetSynthReport(plans) + left);
      output.out(
        `${formatStats('flux', fluxDir, flux)}\n` +
          `  ${plans.length} clusters: ${layout.baseFiles} files shared under base/, ${layout.ownFiles} files of a cluster's own, ${layout.patches} patches\n` +
          `${formatStats('terraform', options.terraformDir!, terraform)}\n`,
      );
      output.out(timing(start));
      return 0;
    }
    case 'diff': {
      const { text, exitCode } = formatFleetDiff(planFleetAgainstOutput(fleet, options), fluxDir);
      output.out(text);
      return exitCode;
    }
    case 'validate': {
      const { plans } = validateFleet(fleet, options);
      output.err(formatNotes([...new Set(plans.flatMap((p) => p.plan.notes.map((n) => `${p.cluster}: ${n}`)))]));
      const counts = plans.map(({ cluster, plan }) => `${cluster} ${plan.components.length} components, ${plan.flux.reduce((n, p) => n + p.manifests.length, 0)} Flux objects, ${plan.terraform.releases.length} Terraform releases`);
      output.out(`valid: ${counts.join('; ')}; nothing written\n`);
      return 0;
    }
  }
}
