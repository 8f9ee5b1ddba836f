// Where a platform's Terraform state lives: part of the platform's description, so it sits with the
// core types; the Terraform backend validates and renders it (lib/terraform/state-backend-config.ts).
// Types only from cdktf, so that describing a platform never loads cdktf.
import type { TerraformBackend, TerraformStack } from 'cdktf';

/** Where Terraform keeps the state of the platform stack. */
export type TerraformStateBackend = LocalStateBackend | KubernetesStateBackend | CustomStateBackend;

/**
 * A state file on the machine that runs Terraform. Fine for a trial; the file holds every secret value
 * of the stack in plain text, so a shared cluster wants a remote backend.
 */
export interface LocalStateBackend {
  readonly kind: 'local';
  /**
   * The state file, relative to the project root (the folder synth runs in) or absolute. It must lie
   * outside the output folders, which every synth replaces. A relative path is written relative to the
   * stack's folder (`dist/cdktf/stacks/<stack>/`, where Terraform runs), so the output is the same on
   * every machine.
   * @default 'terraform.<stack>.tfstate' in the project root, as cdktf itself defaults
   */
  readonly path?: string;
}

/**
 * Terraform's built-in `kubernetes` backend: the state in the Secret `tfstate-<workspace>-<secretSuffix>`
 * of `namespace`, locked with a Lease of the same name. The namespace must exist before the first
 * `terraform init`; a Secret is limited to 1 MiB (Terraform splits larger states).
 */
export interface KubernetesStateBackend {
  readonly kind: 'kubernetes';
  /** The namespace of the state Secret and the lock Lease; it must exist before `terraform init`. */
  readonly namespace: string;
  /**
   * Suffix of the Secret's name. The backend refuses a suffix that ends in `-<number>`.
   * @default the stack name ('ballast')
   */
  readonly secretSuffix?: string;
  /**
   * The kubeconfig file Terraform reaches the cluster with: `~/...`, absolute, or relative to the project
   * root (written relative to the stack's folder, like a local state path).
   * @default none: Terraform reads `KUBE_CONFIG_PATH` (or runs in-cluster with `KUBE_IN_CLUSTER_CONFIG`)
   */
  readonly configPath?: string;
  /**
   * The kubeconfig context.
   * @default the current context of the kubeconfig file
   */
  readonly configContext?: string;
}

/** Any cdktf backend construct: `S3Backend`, `GcsBackend`, `AzurermBackend`, `RemoteBackend`, `PgBackend`... */
export interface CustomStateBackend {
  readonly kind: 'custom';
  /**
   * Creates the backend on `stack` (e.g. `(stack) => new S3Backend(stack, { bucket, key, region })`) and
   * returns it. It is the stack's only backend.
   */
  readonly create: (stack: TerraformStack) => TerraformBackend;
}
