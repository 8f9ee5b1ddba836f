import { Duration } from 'cdk8s';
import { NodePoolConfig } from './node-pool';
import { K6MetricsMode } from './k6-metrics';
import { SecretValue } from './secret';
import { ReleasePolicy } from './release-policy';
import { TerraformStateBackend } from './state-backend-config';

/** The Git repository that Flux reconciles: where the user commits the contents of `dist/flux`. */
export interface GitSourceConfig {
  /** Clone URL, `https://...` or `ssh://...`. */
  readonly url: string;
  /** @default 'main' */
  readonly branch?: string;
  /**
   * Folder inside the repository that holds the contents of `dist/flux`, without leading or trailing
   * slash.
   * @default '' (the repository root)
   */
  readonly path?: string;
  /**
   * HTTPS credentials for a private repository (a user and a token or password). Terraform writes them
   * into the Secret Flux clones with.
   * @default none (a public repository)
   */
  readonly auth?: GitAuth;
}

/** HTTPS basic-auth credentials for the Git repository. */
export interface GitAuth {
  readonly username: string;
  /** The password or access token. */
  readonly password: SecretValue;
}

/** SOPS: who may decrypt the Secrets written to Git, and where generated values are kept. */
export interface SopsConfig {
  /** Age public keys (`age1...`) the Secrets in Git and the secrets file are encrypted for. */
  readonly ageRecipients: string[];
  /**
   * The SOPS-encrypted file that keeps generated secret values (`SecretValue.generated`): commit it beside
   * the platform code. Synth reads it with an age key from `SOPS_AGE_KEY`, `SOPS_AGE_KEY_FILE`, sops'
   * `~/.config/sops/age/keys.txt` or `identityFile`.
   * @default `$BALLAST_SECRETS_FILE`, else 'ballast-secrets.sops.yaml' in the folder synth runs in; in a
   * fleet, with the cluster's name before `.sops.yaml` (`ballast-secrets.staging.sops.yaml`)
   */
  readonly secretsFile?: string;
  /**
   * One more age key file synth may read the secrets file with (keep it out of Git).
   * @default none
   */
  readonly identityFile?: string;
}

/** How often Flux reconciles the generated Kustomizations (whole milliseconds, as Flux's CRDs count). */
export interface FluxSyncConfig {
  /** How often the Git source and the Kustomizations are reconciled. @default Duration.minutes(10) */
  readonly interval?: Duration;
  /** How soon a failed Kustomization is tried again. @default Duration.minutes(2) */
  readonly retryInterval?: Duration;
  /** How long a Kustomization may take to apply and become healthy. @default Duration.minutes(10) */
  readonly timeout?: Duration;
}

/** Settings of the Terraform side (`dist/cdktf`). */
export interface TerraformConfig {
  /**
   * Where Terraform keeps the state, which holds every secret value of the stack in plain text. A real
   * cluster wants a remote backend: `kubernetes` (a Secret in the cluster, with locking) or `custom`
   * (S3, GCS, Terraform Cloud... with encryption at rest).
   * @default { kind: 'local' }: `terraform.ballast.tfstate` in the project root, outside dist/
   */
  readonly backend?: TerraformStateBackend;
}

/** One typed description of a platform. Defaults live here, next to the types. */
export interface PlatformConfig {
  /** Base DNS domain; components serve `<name>.<domain>`. */
  readonly domain: string;
  /** Cluster name; the Flux entry point is `clusters/<clusterName>`. */
  readonly clusterName: string;
  /** @default no node pools (workloads run anywhere) */
  readonly nodePools?: NodePoolConfig[];
  /** The repository Flux watches. */
  readonly git: GitSourceConfig;
  /** @default interval Duration.minutes(10), retryInterval Duration.minutes(2), timeout Duration.minutes(10) */
  readonly flux?: FluxSyncConfig;
  /**
   * SOPS encryption of the Secrets components write to Git (`secrets: 'sops'`): the age public keys
   * (`age1...`) that may decrypt them. Flux decrypts with the private key Terraform puts into
   * `flux-system/sops-age` (variable `sops_age_key`).
   * @default none (every Secret goes through Terraform)
   */
  readonly sops?: SopsConfig;
  /**
   * How k6 writes its Trend metrics to Prometheus: the k6 dashboard and every load test follow this one
   * setting. Native histograms need Prometheus 3.9 or newer (kube-prometheus-stack 88 ships 3.14).
   * @default 'native-histograms'
   */
  readonly k6Metrics?: K6MetricsMode;
  /** @default a local state file in the project root */
  readonly terraform?: TerraformConfig;
  /**
   * How every Helm release is installed, upgraded and kept, on both backends (timeout, wait,
   * remediation, drift detection, CRD policy, interval); a component's `releasePolicy` goes over it.
   * @default ballast's defaults: timeout 10m, wait, 3 retries with rollback, drift detection enabled, CRDs of crds/ replaced, interval 30m
   */
  readonly releasePolicy?: ReleasePolicy;
  /**
   * Turns the NetworkPolicies ballast derives from the platform's connections off for every namespace,
   * with the reason (written on each namespace). For a cluster whose CNI enforces no NetworkPolicy, or
   * one whose policies come from elsewhere. A component opts out alone with its own `networkPolicies`.
   * @default on
   */
  readonly networkPolicies?: { readonly disabled: string };
  /**
   * Where the runbooks of ballast's alerts are read: each alert links `<runbookBaseUrl>/runbook-<alert>`
   * (e.g. `.../runbook-postgres-cluster-down`). The default is the runbook dashboards that
   * KubePrometheusStack provisions in Grafana (served at `grafana.<domain>` when it has an `ingress`); a
   * team that keeps its runbooks in a wiki gives the wiki's base URL and one page per alert.
   * @default `https://grafana.<domain>/d`
   */
  readonly runbookBaseUrl?: string;
}

/** Where generated secret values are kept when the config does not say. */
export const DEFAULT_SECRETS_FILE = 'ballast-secrets.sops.yaml';
