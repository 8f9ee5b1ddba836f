import * as path from 'path';
import { IConstruct } from 'constructs';
import { lastConstructedComponent } from '../core/component';
import { inConstruct, ValidationError } from '../core/errors';
import { guardView } from '../day2/guard-view';
import { readInventory } from '../day2/inventory';
import { fleetClustersIn, LeavingCluster, leavingClusters, leavingProblems, readClusterInventory } from '../day2/previous-output';
import type { DeploymentPlan, PlanOptions } from '../day2/deployment-plan';
import { isPlatform } from '../core/platform-context';
import { locateReferenceData } from '../reference/locate';
import { withAtomicOutput, withLockedOutput } from '../output/output';
import { stateContinuityProblems } from './state-continuity';
import { STACK_NAME } from '../model/terraform-addresses';
import { planPlatform } from './plan-platform';
import { SynthStats, synthFlux, synthTerraform } from './synth';

/** Where a platform is synthesized, and what this synth may do. */
export interface PlatformSynthOptions {
  /** @default 'dist/flux' */
  readonly fluxDir?: string;
  /** @default 'dist/cdktf' */
  readonly terraformDir?: string;
  /**
   * Guarded changes allowed by inventory id (see `PlanOptions.acknowledge`); the environment variable
   * `BALLAST_ACKNOWLEDGE` (comma-separated) adds to it, for the stock `cdk8s synth` and `cdktf synth`.
   * @default none
   */
  readonly acknowledge?: readonly string[];
  /** Secrets to rotate by name; `BALLAST_ROTATE` adds to it. @default none */
  readonly rotate?: readonly string[];
  /** Fail at once when another synth holds the output folders, instead of waiting up to a minute. @default false */
  readonly noWait?: boolean;
}

/** What a synth of both backends did. */
export interface PlatformSynthResult {
  readonly plan: DeploymentPlan;
  readonly flux: SynthStats;
  readonly terraform: SynthStats;
}

/** Builds the platform; an unexpected error names the component that was being built. */
export function built(build: () => IConstruct): IConstruct {
  return inConstruct(() => lastConstructedComponent() ?? 'ballast', 'building the platform', build);
}

/** A comma-separated list from the environment variable `name`. */
export function listFromEnv(name: string): string[] {
  return (process.env[name] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** Plan options of a synth: the previous output's inventory, acknowledgements and rotations. */
export function planOptions(fluxDir: string, options: PlatformSynthOptions, enforceGuard: boolean, previous = readInventory(fluxDir)): PlanOptions {
  return {
    previous,
    previousOutput: fluxDir,
    // `cluster/...` and `state/...` are the output's, not the plan's (see planOverOutput).
    acknowledge: acknowledgements(options).filter((a) => !/^(cluster|state)\//.test(a)),
    rotate: [...(options.rotate ?? []), ...listFromEnv('BALLAST_ROTATE')],
    enforceGuard,
    // The entry point looks for reference data, once; the plan only reads what it is given.
    reference: locateReferenceData() ?? 'none',
  };
}

/** The acknowledgements of a synth: its options' and `BALLAST_ACKNOWLEDGE`'s. */
export function acknowledgements(options: PlatformSynthOptions): string[] {
  return [...(options.acknowledge ?? []), ...listFromEnv('BALLAST_ACKNOWLEDGE')];
}

/** A platform's plan against the output in `fluxDir`, and what of that output the synth would remove. */
export interface PlatformOverOutput {
  readonly plan: DeploymentPlan;
  /** Clusters of a fleet's output that this platform does not continue (their trees would be removed). */
  readonly leaving: readonly LeavingCluster[];
  /** The stack of the previous output this platform's stack continues (a fleet's cluster of its name). */
  readonly previousStack: string;
}

/**
 * Plans the platform `build` returns against the output in `fluxDir`, whichever program wrote it. Over a
 * fleet's output (`clusters/<name>/`), the platform continues the cluster of its name (that cluster's
 * inventory is the previous one), and every other cluster of the output would be removed: refused unless
 * acknowledged by `cluster/<name>`, as a fleet refuses a cluster that leaves it. So running the default
 * program in a fleet's repository (the wrong `--app`) stops before it deletes anything.
 */
export function planOverOutput(build: () => IConstruct, fluxDir: string, options: PlatformSynthOptions, enforceGuard: boolean): PlatformOverOutput {
  const root = built(build);
  const fleetClusters = fleetClustersIn(fluxDir);
  const cluster = isPlatform(root) ? root.clusterName : undefined;
  const overFleet = fleetClusters.length > 0;
  const acks = acknowledgements(options);
  const leaving = overFleet ? leavingClusters(fluxDir, cluster !== undefined ? [cluster] : [], acks) : [];
  const problems = enforceGuard && overFleet ? leavingProblems(leaving, acks, 'platform', 'fleet') : [];
  const inventory = overFleet ? (cluster !== undefined ? readClusterInventory(fluxDir, cluster) : undefined) : readInventory(fluxDir);
  // Checked against what the output holds: an inventory edited by hand cannot hide data from the guard.
  const previous = guardView(inventory, fluxDir, options.terraformDir ?? 'dist/cdktf', cluster);
  let plan: DeploymentPlan;
  try {
    plan = planPlatform(root, planOptions(fluxDir, options, enforceGuard, previous));
  } catch (err) {
    // Every problem at once: the output's with the plan's.
    if (err instanceof ValidationError && problems.length > 0) throw new ValidationError([...problems, ...err.problems]);
    throw err;
  }
  if (problems.length > 0) throw new ValidationError(problems);
  const previousStack = overFleet && cluster !== undefined && fleetClusters.includes(cluster) ? cluster : STACK_NAME;
  return { plan, leaving, previousStack };
}

/**
 * Synthesizes both backends of the platform `build` returns, as one pair: the output folders are locked,
 * the previous inventory is read (inside the lock, so no other synth changes it meanwhile), the plan is
 * guarded against it, both trees are written aside and swapped in together, and new or rotated generated
 * secrets are saved to the platform's secrets file. A refused or failed synth writes nothing; so is one
 * whose Terraform state would change place without the user carrying it over (see state-continuity.ts).
 */
export function synthPlatform(build: () => IConstruct, options: PlatformSynthOptions = {}): PlatformSynthResult {
  const fluxDir = options.fluxDir ?? 'dist/flux';
  const terraformDir = options.terraformDir ?? 'dist/cdktf';
  return withAtomicOutput([fluxDir, terraformDir], ([fluxStaging, terraformStaging]) => {
    const { plan, previousStack } = planOverOutput(build, fluxDir, options, true);
    const flux = synthFlux(plan, fluxStaging, { unchangedFrom: fluxDir });
    const terraform = synthTerraform(plan, terraformStaging, { finalOutdir: terraformDir });
    const moves = stateContinuityProblems([{ stack: STACK_NAME, previousStack }], terraformDir, terraformStaging, terraformDir, acknowledgements(options));
    if (moves.length > 0) throw new ValidationError(moves);
    // Saved before the swap: a value in the file that the output does not use yet is harmless; an output
    // whose value is not in the file would be the accident this file exists to prevent.
    plan.day2.secretStore.save();
    return { plan, flux, terraform };
  }, { whenLocked: options.noWait ? 'fail' : 'wait' });
}

/** The plan of the platform compared with the output in `fluxDir`, guarded changes reported rather than refused. Writes nothing. */
export function planAgainstOutput(build: () => IConstruct, options: PlatformSynthOptions = {}): DeploymentPlan {
  return compareWithOutput(build, options).plan;
}

/**
 * As `planAgainstOutput`, with the clusters of a fleet's output the platform would remove (`diff`).
 * Writes nothing.
 */
export function compareWithOutput(build: () => IConstruct, options: PlatformSynthOptions = {}): PlatformOverOutput {
  const fluxDir = options.fluxDir ?? 'dist/flux';
  const terraformDir = options.terraformDir ?? 'dist/cdktf';
  // Under the output's locks: a synth running at the same time is waited for, not read half-swapped.
  return withLockedOutput([fluxDir, terraformDir], () => planOverOutput(build, fluxDir, options, false), {
    whenLocked: options.noWait ? 'fail' : 'wait',
  });
}

/**
 * Every check a synth makes, the day-2 guard against the output in `fluxDir` included, without writing
 * anything (not even the secrets file): `ballast validate`. Throws a ValidationError listing the problems.
 */
export function validatePlatform(build: () => IConstruct, options: PlatformSynthOptions = {}): DeploymentPlan {
  const fluxDir = options.fluxDir ?? 'dist/flux';
  const terraformDir = options.terraformDir ?? 'dist/cdktf';
  return withLockedOutput([fluxDir, terraformDir], () => planOverOutput(build, fluxDir, options, true).plan, {
    whenLocked: options.noWait ? 'fail' : 'wait',
  });
}

/** The sibling output folder of `dir` for the other backend (`dist/flux` -> `dist/cdktf`). */
export function siblingOutput(dir: string, name: string): string {
  return path.join(path.dirname(dir), name);
}
