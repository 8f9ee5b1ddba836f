import { spawn, spawnSync } from 'child_process';
import { App, TerraformStack } from 'cdktf';
import * as fs from 'fs';
import * as path from 'path';
import { addStateBackend, FINAL_OUTDIR_CONTEXT, TerraformStateBackend } from '../../../lib/internal';

/** The Terraform CLI the e2e tier runs. */
export const TERRAFORM = process.env.TERRAFORM_BINARY_NAME ?? 'terraform';

/** What a terraform run printed, and its exit code. */
export interface TerraformRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The `Terraform vX.Y.Z` line of the installed CLI; throws with the reason when there is none. */
export function terraformVersion(): string {
  const result = spawnSync(TERRAFORM, ['version'], { encoding: 'utf8', env: terraformEnv() });
  if (result.error || result.status !== 0) {
    throw new Error(`the e2e tier needs the terraform CLI (1.7 or newer) on PATH, or named by TERRAFORM_BINARY_NAME: ${result.error?.message ?? result.stderr}`);
  }
  return result.stdout.split('\n')[0];
}

/**
 * The environment of a terraform run: no update check, no prompts, output meant for a program. A CLI
 * configuration file that is named but missing would add a warning to every run, so it is dropped.
 */
function terraformEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0', ...extra };
  if (env.TF_CLI_CONFIG_FILE && !fs.existsSync(env.TF_CLI_CONFIG_FILE)) delete env.TF_CLI_CONFIG_FILE;
  return env;
}

/** A terraform run in progress: its output so far, and its end. */
export interface RunningTerraform {
  readonly output: () => string;
  readonly done: Promise<TerraformRun>;
}

/** Starts `terraform <args> -no-color` in `cwd`, with `env` added to the environment. */
export function startTerraform(cwd: string, args: readonly string[], env: Record<string, string> = {}): RunningTerraform {
  const child = spawn(TERRAFORM, [...args, '-no-color'], { cwd, env: terraformEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<TerraformRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
  return { output: () => stdout + stderr, done };
}

/** Runs `terraform <args> -no-color` in `cwd`. */
export function terraform(cwd: string, args: readonly string[], env: Record<string, string> = {}): Promise<TerraformRun> {
  return startTerraform(cwd, args, env).done;
}

/** Runs terraform and fails with its whole output unless it exits 0. */
export async function terraformOk(cwd: string, args: readonly string[], env: Record<string, string> = {}): Promise<string> {
  const run = await terraform(cwd, args, env);
  if (run.status !== 0) throw new Error(`terraform ${args.join(' ')} in ${cwd} exited ${run.status}:\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

/** One resource change of a saved plan (`terraform show -json`). */
export interface PlannedChange {
  readonly actions: readonly string[];
  readonly previousAddress?: string;
  readonly importingId?: string;
}

/** Plans into a file and reads it back: address -> actions, the address it moved from, the id it imports. */
export async function plannedChanges(cwd: string, env: Record<string, string> = {}): Promise<Record<string, PlannedChange>> {
  await terraformOk(cwd, ['plan', '-out=tfplan'], env);
  const plan = JSON.parse(await terraformOk(cwd, ['show', '-json', 'tfplan'], env)) as {
    resource_changes?: { address: string; previous_address?: string; change: { actions: string[]; importing?: { id: string } } }[];
  };
  return Object.fromEntries(
    (plan.resource_changes ?? []).map((r) => [
      r.address,
      {
        actions: r.change.actions,
        ...(r.previous_address ? { previousAddress: r.previous_address } : {}),
        ...(r.change.importing ? { importingId: r.change.importing.id } : {}),
      },
    ]),
  );
}

/** A project folder with a cdktf app whose output goes to `dist/cdktf`, as `npm run synth` writes it. */
export class TerraformProject {
  constructor(
    /** The project root: the folder synth runs in, where relative paths of the backend setting start. */
    public readonly root: string,
    public readonly stackName = 'demo',
  ) {}

  /** The final output folder. */
  public get outdir(): string {
    return path.join(this.root, 'dist', 'cdktf');
  }

  /** Where cdktf runs Terraform: `dist/cdktf/stacks/<stack>`. */
  public get stackDir(): string {
    return path.join(this.outdir, 'stacks', this.stackName);
  }

  /**
   * Synthesizes a stack with `backend` (through `addStateBackend`, as the platform stack does) and what
   * `build` adds into a staging folder beside `dist/cdktf`, as `npm run synth` does, then deletes
   * `dist/cdktf` (Terraform's working files in it too: `.terraform/`, plan files) and renames the staging
   * folder in its place.
   */
  public synth(backend: TerraformStateBackend | undefined, build: (stack: TerraformStack) => void): string {
    const staging = `${this.outdir}.staging-${process.pid}`;
    fs.rmSync(staging, { recursive: true, force: true });
    fs.mkdirSync(staging, { recursive: true });
    const app = new App({ outdir: staging, context: { [FINAL_OUTDIR_CONTEXT]: this.outdir } });
    const stack = new TerraformStack(app, this.stackName);
    addStateBackend(stack, backend, { projectRoot: this.root });
    build(stack);
    app.synth();
    fs.rmSync(this.outdir, { recursive: true, force: true });
    fs.renameSync(staging, this.outdir);
    return this.stackDir;
  }

  /** The synthesized Terraform JSON of the stack. */
  public json(): Record<string, any> {
    return JSON.parse(fs.readFileSync(path.join(this.stackDir, 'cdk.tf.json'), 'utf8'));
  }
}

/**
 * Every file under `dir` whose name matches `pattern`, relative to `dir`; not those in `.terraform/`,
 * Terraform's working folder (its `terraform.tfstate` there holds the backend's settings, not state).
 */
export function filesMatching(dir: string, pattern: RegExp): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((f) => pattern.test(path.basename(f)) && !f.split(path.sep).includes('.terraform'))
    .sort();
}
