import { App as TerraformApp } from 'cdktf';
import * as fs from 'fs';
import * as path from 'path';
import { inConstruct } from '../core/errors';
import { renderFluxRepository } from '../flux/repository';
import { previousDocuments } from '../secrets/previous-documents';
import type { DeploymentPlan } from '../day2/deployment-plan';
import { STACK_NAME } from '../model/terraform-addresses';
import { PlatformStack } from '../terraform/platform-stack';
import { FINAL_OUTDIR_CONTEXT } from '../terraform/state-backend';
import { tfvarsExample } from '../terraform/tfvars-example';
import { writeFiles } from '../output/output';

/** What a backend wrote: file count and objects (or resources) per kind. */
export interface SynthStats {
  readonly files: number;
  readonly kinds: Record<string, number>;
  /** What synth could not check (the plan's notes), for the entry point to print. */
  readonly notes: readonly string[];
}

/** Options of `synthFlux`. */
export interface FluxSynthOptions {
  /**
   * The output folder of the previous synth (`dist/flux` while writing its staging folder): files that
   * did not change are hard-linked from it rather than written again, and an encrypted Secret whose
   * plaintext and recipients did not change keeps its encrypted document from there (when synth holds an
   * age key that decrypts it), so a fresh checkout rewrites no unchanged Secret.
   * @default none (every file is written)
   */
  readonly unchangedFrom?: string;
}

/** Writes the Flux repository of `plan` into `outdir` (which must be empty). */
export function synthFlux(plan: DeploymentPlan, outdir: string, options: FluxSynthOptions = {}): SynthStats {
  const previous = options.unchangedFrom !== undefined ? previousDocuments(options.unchangedFrom, plan.platform.sops.identityFile) : undefined;
  const repo = inConstruct('ballast', 'writing the Flux repository', () => renderFluxRepository(plan, { previous }));
  writeFiles(outdir, repo.files, options.unchangedFrom);
  return { files: repo.files.size, kinds: repo.kinds, notes: plan.notes };
}

/** Options of `synthTerraform`. */
export interface TerraformSynthOptions {
  /**
   * The folder the output ends up in when `outdir` is a staging folder renamed afterwards (`dist/cdktf`
   * while writing `dist/cdktf.staging-<pid>`): paths the stack holds relative to its folder (the local
   * state file) are computed from it.
   * @default outdir
   */
  readonly finalOutdir?: string;
}

/** Writes the Terraform JSON of `plan` into `outdir` (which must be empty) with cdktf, as the stack `ballast`. */
export function synthTerraform(plan: DeploymentPlan, outdir: string, options: TerraformSynthOptions = {}): SynthStats {
  return synthTerraformStacks([{ name: STACK_NAME, plan }], outdir, options);
}

/** One Terraform stack of a synth: its name (its folder under `stacks/`) and the plan it renders. */
export interface TerraformStackInput {
  readonly name: string;
  readonly plan: DeploymentPlan;
}

/**
 * Writes one Terraform stack per plan into `outdir` (which must be empty), as one cdktf app: a fleet has a
 * stack per cluster (`cdktf deploy <cluster>`), each with its own backend, state and variables file example.
 */
export function synthTerraformStacks(stacks: readonly TerraformStackInput[], outdir: string, options: TerraformSynthOptions = {}): SynthStats {
  const app = new TerraformApp({
    outdir,
    skipValidation: false,
    context: { [FINAL_OUTDIR_CONTEXT]: path.resolve(options.finalOutdir ?? outdir) },
  });
  inConstruct('ballast', 'writing the Terraform stack', () => {
    for (const { name, plan } of stacks) new PlatformStack(app, name, { plan });
    app.synth();
  });
  const kinds: Record<string, number> = {};
  for (const { name, plan } of stacks) {
    fs.writeFileSync(path.join(outdir, 'stacks', name, 'terraform.tfvars.example'), tfvarsExample(plan));
    const stackFile = path.join(outdir, 'stacks', name, 'cdk.tf.json');
    const stack = JSON.parse(fs.readFileSync(stackFile, 'utf8')) as { resource?: Record<string, Record<string, unknown>> };
    for (const [type, resources] of Object.entries(stack.resource ?? {})) kinds[type] = (kinds[type] ?? 0) + Object.keys(resources).length;
  }
  return { files: countFiles(outdir), kinds: sorted(kinds), notes: [...new Set(stacks.flatMap((s) => s.plan.notes))] };
}

function countFiles(dir: string): number {
  return fs.readdirSync(dir, { withFileTypes: true }).reduce(
    (n, e) => n + (e.isDirectory() ? countFiles(path.join(dir, e.name)) : 1),
    0,
  );
}

function sorted(kinds: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(kinds).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The notes of a synth as `note: ...` lines for stderr (empty when there are none). */
export function formatNotes(notes: readonly string[]): string {
  return notes.map((n) => `ballast: note: ${n}\n`).join('');
}

/** One line per kind, for the synth summary. */
export function formatStats(backend: string, outdir: string, stats: SynthStats): string {
  const kinds = Object.entries(stats.kinds).map(([k, n]) => `${k} ${n}`).join(', ');
  return `${backend}: ${stats.files} files in ${outdir} (${kinds})`;
}
