import * as path from 'path';
import { IConstruct } from 'constructs';
import { lastConstructedComponent } from '../core/component';
import { inConstruct } from '../core/errors';
import { readInventory } from '../day2/inventory';
import { DeploymentPlan, PlanOptions } from '../plan/deployment-plan';
import { withAtomicOutput, withLockedOutput } from './output';
import { planPlatform, SynthStats, synthFlux, synthTerraform } from './synth';

/** Where a platform is synthesized, and what this synth may do. */
export interface PlatformSynthOptions {
  /** @default 'dist/flux' */
  readonly fluxDir?: string;
  /** @default 'dist/cdktf' */
  readonly terraformDir?: string;
  /**
   * Guarded changes allowed by inventory id (see `PlatformConfig.acknowledge`); the environment variable
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
    acknowledge: [...(options.acknowledge ?? []), ...listFromEnv('BALLAST_ACKNOWLEDGE')],
    rotate: [...(options.rotate ?? []), ...listFromEnv('BALLAST_ROTATE')],
    enforceGuard,
  };
}

/**
 * Synthesizes both backends of the platform `build` returns, as one pair: the output folders are locked,
 * the previous inventory is read (inside the lock, so no other synth changes it meanwhile), the plan is
 * guarded against it, both trees are written aside and swapped in together, and new or rotated generated
 * secrets are saved to the platform's secrets file. A refused or failed synth writes nothing.
 */
export function synthPlatform(build: () => IConstruct, options: PlatformSynthOptions = {}): PlatformSynthResult {
  const fluxDir = options.fluxDir ?? 'dist/flux';
  const terraformDir = options.terraformDir ?? 'dist/cdktf';
  return withAtomicOutput([fluxDir, terraformDir], ([fluxStaging, terraformStaging]) => {
    const plan = planPlatform(built(build), planOptions(fluxDir, options, true));
    const flux = synthFlux(plan, fluxStaging, { unchangedFrom: fluxDir });
    const terraform = synthTerraform(plan, terraformStaging, { finalOutdir: terraformDir });
    // Saved before the swap: a value in the file that the output does not use yet is harmless; an output
    // whose value is not in the file would be the accident this file exists to prevent.
    plan.day2.secretStore.save();
    return { plan, flux, terraform };
  }, { whenLocked: options.noWait ? 'fail' : 'wait' });
}

/** The plan of the platform compared with the output in `fluxDir`, guarded changes reported rather than refused. Writes nothing. */
export function planAgainstOutput(build: () => IConstruct, options: PlatformSynthOptions = {}): DeploymentPlan {
  const fluxDir = options.fluxDir ?? 'dist/flux';
  const terraformDir = options.terraformDir ?? 'dist/cdktf';
  // Under the output's locks: a synth running at the same time is waited for, not read half-swapped.
  return withLockedOutput([fluxDir, terraformDir], () => planPlatform(built(build), planOptions(fluxDir, options, false)), {
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
  return withLockedOutput([fluxDir, terraformDir], () => planPlatform(built(build), planOptions(fluxDir, options, true)), {
    whenLocked: options.noWait ? 'fail' : 'wait',
  });
}

/** The sibling output folder of `dir` for the other backend (`dist/flux` -> `dist/cdktf`). */
export function siblingOutput(dir: string, name: string): string {
  return path.join(path.dirname(dir), name);
}
