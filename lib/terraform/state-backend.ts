import * as path from 'path';
import { App, DataTerraformRemoteStateConfig, LocalBackend, TerraformBackend, TerraformRemoteState, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { fail, ValidationError } from '../core/errors';
import { DEFAULT_STATE_BACKEND, isInside, stateBackendProblems, TerraformStateBackend } from '../core/state-backend-config';

/**
 * Context key under which `synthTerraform` records the folder its output ends up in, when it writes into
 * a staging folder that is renamed afterwards.
 */
export const FINAL_OUTDIR_CONTEXT = 'ballast:finalOutdir';

/** Options of `addStateBackend`. */
export interface StateBackendOptions {
  /**
   * The folder relative paths of the setting (local state file, kubeconfig) are relative to.
   * @default the current working directory, the folder synth runs in
   */
  readonly projectRoot?: string;
  /**
   * The folder the cdktf output ends up in; Terraform runs in its `stacks/<stack>/` folder.
   * @default the context value `ballast:finalOutdir` (set by `synthTerraform`), else the App's outdir
   */
  readonly outdir?: string;
}

/**
 * Adds the state backend `backend` to `stack` and returns it: the stack's only backend, so cdktf adds no
 * default one. Throws a ValidationError for a setting `checkConfig` would refuse, or a local state file
 * inside the output folder.
 */
export function addStateBackend(
  stack: TerraformStack,
  backend: TerraformStateBackend = DEFAULT_STATE_BACKEND,
  options: StateBackendOptions = {},
): TerraformBackend {
  // The default suffix (the stack name) is checked too: the kubernetes backend refuses "demo-2" either way.
  const checked = backend.kind === 'kubernetes' ? { ...backend, secretSuffix: backend.secretSuffix ?? stack.node.id } : backend;
  const problems = stateBackendProblems(checked, 'terraform.backend', options.projectRoot);
  if (problems.length > 0) throw new ValidationError(problems.map((p) => ({ path: stack.node.path, ...p })));
  const root = path.resolve(options.projectRoot ?? process.cwd());
  const written = path.resolve(App.of(stack).outdir);
  const outdir = path.resolve(options.outdir ?? (stack.node.tryGetContext(FINAL_OUTDIR_CONTEXT) as string | undefined) ?? written);
  const stackDir = path.join(outdir, 'stacks', stack.node.id);
  const fromStack = (file: string) => relativeTo(stackDir, root, file);

  switch (backend.kind) {
    case 'local': {
      const file = backend.path ?? `terraform.${stack.node.id}.tfstate`;
      const resolved = path.resolve(root, file);
      if (isInside(resolved, outdir) || isInside(resolved, written)) {
        const shown = isInside(outdir, root) ? path.relative(root, outdir) || '.' : outdir;
        fail(stack, `terraform.backend.path "${file}" is inside the output folder ${shown}, which every synth replaces`, 'Keep the state file outside the output folder');
      }
      return new LocalBackend(stack, { path: fromStack(file) });
    }
    case 'kubernetes':
      return new KubernetesBackend(stack, {
        secret_suffix: backend.secretSuffix ?? stack.node.id,
        namespace: backend.namespace,
        ...(backend.configPath !== undefined ? { config_path: fromStack(backend.configPath) } : {}),
        ...(backend.configContext !== undefined ? { config_context: backend.configContext } : {}),
      });
    case 'custom': {
      const created = backend.create(stack);
      const found = stack.node.findAll().filter(TerraformBackend.isBackend);
      if (!TerraformBackend.isBackend(created) || found.length !== 1 || found[0] !== created) {
        fail(stack, `terraform.backend.create did not create exactly one backend on the stack`, 'Create the backend with the stack as scope and return it');
      }
      return created;
    }
  }
}

/**
 * `file` as Terraform in `stackDir` reads it: relative to `stackDir` when given relative to `root` (the
 * same bytes wherever the project is checked out), as given when absolute or `~/...` (Terraform expands
 * the home folder itself).
 */
function relativeTo(stackDir: string, root: string, file: string): string {
  if (path.isAbsolute(file) || file === '~' || file.startsWith('~/')) return file;
  return path.relative(stackDir, path.resolve(root, file)).split(path.sep).join('/');
}

/** The attributes of Terraform's `kubernetes` backend that ballast sets. */
interface KubernetesBackendAttributes {
  readonly secret_suffix: string;
  readonly namespace: string;
  readonly config_path?: string;
  readonly config_context?: string;
}

/** Terraform's built-in `kubernetes` backend, which cdktf 0.21 has no construct for. */
class KubernetesBackend extends TerraformBackend {
  constructor(
    scope: Construct,
    private readonly attributes: KubernetesBackendAttributes,
  ) {
    super(scope, 'backend', 'kubernetes');
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return { ...this.attributes };
  }

  protected override synthesizeHclAttributes(): Record<string, unknown> {
    return { ...this.attributes };
  }

  public getRemoteStateDataSource(scope: Construct, name: string, _fromStack: string): TerraformRemoteState {
    return new KubernetesRemoteState(scope, name, { ...this.attributes, workspace: '${terraform.workspace}' });
  }
}

/** `data "terraform_remote_state"` reading a `kubernetes` backend (for cross-stack references). */
class KubernetesRemoteState extends TerraformRemoteState {
  constructor(scope: Construct, id: string, config: DataTerraformRemoteStateConfig & KubernetesBackendAttributes) {
    super(scope, id, 'kubernetes', config);
  }
}
