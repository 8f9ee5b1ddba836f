import { Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { ConfigProblem, constructPath, fail, reportProblem, ValidationError } from './core/errors';
import { isDnsLabel, isDnsSubdomain, isLabelKey, isLabelValue } from './core/names';
import { NodePool, NodePoolConfig } from './core/node-pool';
import { durationProblem, describeDuration } from './core/durations';
import { cpuProblem, describeCpu, describeSize, sizeProblem } from './core/quantities';
import { K6_METRICS_MODES, K6MetricsMode } from './core/k6-metrics';
import { AssumedInstalled, AssumeInstalledOptions, FLEET_CLUSTER_CONTEXT, markPlatform, platformOf, PlatformContext } from './core/platform-context';
import { SecretValue } from './core/secret';
import { IIssuer, platformIssuer, useIssuer } from './core/tls';
import { ReleasePolicy, releasePolicyProblems } from './core/release-policy';
import { gitRefProblem, isSafeRelativePath, urlCredentialsProblem } from './core/grammar';
import { DEFAULT_STATE_BACKEND, stateBackendProblems, TerraformStateBackend } from './terraform/state-backend-config';

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
   * Guarded changes this synth may make, by inventory id (`release/monitoring/kube-prometheus-stack`,
   * `namespace/database`...): removing something that holds data, moving a namespace, release or Secret
   * between Flux and Terraform, renaming a release or namespace. Synth lists the ids it refuses; an id
   * that names nothing guarded is an error. `--acknowledge` and `BALLAST_ACKNOWLEDGE` add to it.
   * @default none
   */
  readonly acknowledge?: string[];
  /**
   * Secrets to give a new value in this synth, by name: a generated secret (`sonarqube_db_password`) gets a
   * new random value; a Terraform variable gets a new write-only revision, so that `terraform apply` sends
   * its current value. `--rotate` and `BALLAST_ROTATE` add to it.
   * @default none
   */
  readonly rotateSecrets?: string[];
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
}

/** Where generated secret values are kept when the config does not say. */
export const DEFAULT_SECRETS_FILE = 'ballast-secrets.sops.yaml';

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/**
 * The root of a platform: its config, node pools and components. Components are constructs added under
 * it; the Flux and Terraform backends read the same tree.
 */
export class Platform extends Construct implements PlatformContext {
  /** The platform a construct belongs to; fails when there is none. */
  public static of(scope: IConstruct): Platform {
    return platformOf(scope) as Platform;
  }

  public readonly domain: string;
  public readonly clusterName: string;
  public readonly inFleet: boolean;
  public readonly git: PlatformContext['git'];
  public readonly flux: Required<FluxSyncConfig>;
  public readonly k6Metrics: K6MetricsMode;
  public readonly sops: PlatformContext['sops'];
  public readonly acknowledge: readonly string[];
  public readonly rotateSecrets: readonly string[];
  public readonly terraform: PlatformContext['terraform'];
  public readonly releasePolicy?: ReleasePolicy;
  private readonly pools: Map<string, NodePool>;
  private readonly assumedCrdGroups = new Set<string>();
  private readonly assumedSecrets = new Set<string>();

  constructor(scope: Construct, id: string, config: PlatformConfig) {
    super(scope, id);
    const problems = checkConfig(constructPath(this), config);
    if (problems.length > 0) throw new ValidationError(problems);
    this.domain = config.domain;
    this.clusterName = config.clusterName;
    const fleetCluster = this.node.tryGetContext(FLEET_CLUSTER_CONTEXT) as unknown;
    this.inFleet = fleetCluster !== undefined;
    if (this.inFleet && fleetCluster !== config.clusterName) {
      fail(this, `clusterName "${config.clusterName}" is not the name of the fleet cluster it is built for ("${String(fleetCluster)}")`, `Set clusterName: cluster.name in the fleet's platform function`);
    }
    this.git = { url: config.git.url, branch: config.git.branch ?? 'main', path: config.git.path ?? '', auth: config.git.auth };
    this.flux = {
      interval: config.flux?.interval ?? Duration.minutes(10),
      retryInterval: config.flux?.retryInterval ?? Duration.minutes(2),
      timeout: config.flux?.timeout ?? Duration.minutes(10),
    };
    this.k6Metrics = config.k6Metrics ?? 'native-histograms';
    this.sops = {
      ageRecipients: [...(config.sops?.ageRecipients ?? [])],
      secretsFile: config.sops?.secretsFile ?? defaultSecretsFile(this.inFleet ? config.clusterName : undefined),
      identityFile: config.sops?.identityFile,
    };
    this.acknowledge = [...(config.acknowledge ?? [])];
    this.rotateSecrets = [...(config.rotateSecrets ?? [])];
    this.terraform = { backend: config.terraform?.backend ?? DEFAULT_STATE_BACKEND };
    this.releasePolicy = config.releasePolicy;
    this.pools = new Map((config.nodePools ?? []).map((p) => [p.name, new NodePool(p)]));
    markPlatform(this);
  }

  /**
   * The node pool `name`. When the pool does not exist, the problem is recorded on `requester` (reported
   * with the platform's other mistakes) and an empty pool stands in, so that construction goes on.
   */
  public nodePool(name: string, requester: IConstruct): NodePool {
    const pool = this.pools.get(name);
    if (!pool) {
      const known = [...this.pools.keys()];
      reportProblem(
        requester,
        `unknown node pool "${name}"`,
        known.length > 0
          ? `Use one of the pools in the platform config (${known.join(', ')}) or add "${name}" to nodePools`
          : `Add a node pool named "${name}" to nodePools in the platform config`,
      );
      return new NodePool({ name: String(name), labels: {} });
    }
    return pool;
  }

  /** All node pools, in config order. */
  public get nodePools(): readonly NodePool[] {
    return [...this.pools.values()];
  }

  /** What the cluster already has that no component installs. */
  public get assumed(): AssumedInstalled {
    return { crdGroups: this.assumedCrdGroups, secrets: this.assumedSecrets };
  }

  /**
   * The issuer of the certificate of every route that names none: each IngressRoute gets a cert-manager
   * Certificate of its host from it. Synth refuses a route without a certificate, so a platform with
   * routes chooses one (an `AcmeIssuer` built in a `CertManager`, or `CertManager.existingIssuer`), once.
   */
  public useIssuer(issuer: IIssuer): void {
    useIssuer(this, issuer);
  }

  /** The issuer of routes that name none (`useIssuer`), if chosen. */
  public get issuer(): IIssuer | undefined {
    return platformIssuer(this);
  }

  /**
   * Declares what the cluster already has, installed outside this platform: CRD groups (cert-manager's,
   * an existing prometheus-operator's) and Secrets (an image pull secret made by hand). Objects and
   * references to them then pass synth; ballast neither installs nor owns them.
   */
  public assumeInstalled(what: AssumeInstalledOptions): void {
    for (const group of what.crdGroups ?? []) {
      if (typeof group !== 'string' || !isDnsSubdomain(group) || !group.includes('.')) {
        fail(this, `assumeInstalled has the CRD group "${String(group)}"`, 'Name an API group such as "cert-manager.io"');
      }
      this.assumedCrdGroups.add(group);
    }
    for (const secret of what.secrets ?? []) {
      const [namespace, name, ...rest] = String(secret).split('/');
      if (rest.length > 0 || !isDnsLabel(namespace ?? '') || !isDnsSubdomain(name ?? '')) {
        fail(this, `assumeInstalled has the secret "${String(secret)}"`, 'Name it as "<namespace>/<name>", e.g. "apps/registry-credentials"');
      }
      this.assumedSecrets.add(`${namespace}/${name}`);
    }
  }
}

/** `url` with the password (or a lone token) of its user part replaced, for messages. */
function redactedUrl(url: string): string {
  const text = String(url);
  // A user name alone is how ssh:// URLs name the account; anything else before "@" may be a token.
  return /^ssh:\/\/[^/:@\s]*@/.test(text) ? text : text.replace(/\/\/[^/@\s]*@/, '//***@');
}

/**
 * `$BALLAST_SECRETS_FILE`, else `ballast-secrets.sops.yaml`; in a fleet the cluster's name goes before
 * `.sops.yaml` (`ballast-secrets.staging.sops.yaml`), since every cluster has its own generated values.
 */
function defaultSecretsFile(fleetCluster: string | undefined): string {
  const file = process.env.BALLAST_SECRETS_FILE || DEFAULT_SECRETS_FILE;
  if (fleetCluster === undefined) return file;
  return file.endsWith('.sops.yaml') ? `${file.slice(0, -'.sops.yaml'.length)}.${fleetCluster}.sops.yaml` : `${file}.${fleetCluster}`;
}

function checkConfig(path: string, config: PlatformConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const add = (problem: string, fix: string) => problems.push({ path, problem, fix });

  if (!config.domain) {
    add('domain is empty', 'Set domain to the DNS domain the platform serves, e.g. "example.com"');
  } else if (!isDnsSubdomain(config.domain) || !config.domain.includes('.')) {
    add(`domain "${config.domain}" is not a DNS domain`, 'Use a lowercase domain with at least one dot, e.g. "example.com"');
  }
  if (!isDnsLabel(config.clusterName ?? '')) {
    add(
      `clusterName "${config.clusterName ?? ''}" is not a valid DNS label`,
      'Use at most 63 lowercase letters, digits and "-", e.g. "production"',
    );
  }
  const url = config.git?.url ?? '';
  const credentials = urlCredentialsProblem(url);
  if (!/^(https?|ssh):\/\/[^\s]+$/.test(url)) {
    add(`git.url "${redactedUrl(url)}" is not an http(s):// or ssh:// URL`, 'Set git.url to the clone URL of the repository Flux watches');
  } else if (credentials) {
    // The URL is written into the FluxInstance (Terraform JSON) and Git: a token in it would be in plain text there.
    add(`git.url holds a credential (${credentials}), which would be written to the output in plain text`, 'Remove the credentials from the URL and set git.auth: { username, password: SecretValue.fromVariable(...) }');
  }
  if (config.git?.auth !== undefined) {
    const auth = config.git.auth as { username?: unknown; password?: unknown };
    if (!SecretValue.isSecretValue(auth.password)) {
      add(`git.auth.password is a ${auth.password === null ? 'null' : typeof auth.password}, not a SecretValue, and would be written to the output as it is`, 'Pass SecretValue.fromVariable("git_token", "...") (or fromEnv, fromFile)');
    }
    if (typeof auth.username !== 'string' || auth.username === '' || /[\s:]/.test(auth.username)) {
      add('git.auth.username is not a user name', 'Give the user name of the token (for GitHub any non-empty name, e.g. "git")');
    }
  }
  if (config.git?.auth && !url.startsWith('https://')) {
    add(`git.auth is set but git.url "${redactedUrl(url)}" is not an https:// URL`, 'Use the https:// clone URL with git.auth, or remove git.auth');
  }
  if (config.git?.branch !== undefined) {
    const problem = typeof config.git.branch === 'string' ? gitRefProblem(config.git.branch) : 'is not a string';
    if (problem) add(`git.branch "${String(config.git.branch)}" ${problem}`, 'Set git.branch to the short name of a branch, e.g. "main" or "release/1.x"');
  }
  const gitPath = config.git?.path;
  if (gitPath !== undefined && gitPath !== '' && (!isSafeRelativePath(gitPath) || !/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(gitPath) || gitPath.split('/').some((p) => p === '.' || p === '..'))) {
    add(`git.path "${gitPath}" is not a folder inside the repository`, 'Use a relative path like "flux" or "deploy/flux", without "..", leading or trailing slash');
  }
  for (const [key, value] of Object.entries(config.flux ?? {})) {
    if (!['interval', 'retryInterval', 'timeout'].includes(key)) {
      add(`flux.${key} is not a setting`, 'Use interval, retryInterval or timeout');
    } else if (value !== undefined) {
      const problem = durationProblem(value);
      if (problem) add(`flux.${key} ${problem}`, describeDuration);
    }
  }

  if (config.k6Metrics !== undefined && !K6_METRICS_MODES.includes(config.k6Metrics)) {
    add(`k6Metrics "${String(config.k6Metrics)}" is not a k6 metrics mode`, `Use one of ${K6_METRICS_MODES.map((m) => `"${m}"`).join(', ')}`);
  }

  for (const r of config.sops?.ageRecipients ?? []) {
    if (!/^age1[02-9ac-hj-np-z]{58}$/.test(r)) add(`sops.ageRecipients has "${r}", which is not an age public key`, 'Use the public key age-keygen prints ("age1" and 58 more characters)');
  }

  if (config.terraform?.backend !== undefined) {
    for (const p of stateBackendProblems(config.terraform.backend, 'terraform.backend')) add(p.problem, p.fix);
  }
  for (const p of releasePolicyProblems(config.releasePolicy, 'releasePolicy')) add(p.problem, p.fix);

  const seen = new Set<string>();
  for (const pool of config.nodePools ?? []) {
    if (seen.has(pool.name)) add(`node pool "${pool.name}" is defined twice`, 'Give every node pool a unique name');
    seen.add(pool.name);
    if (!isDnsLabel(pool.name)) add(`node pool name "${pool.name}" is not a valid DNS label`, 'Use lowercase letters, digits and "-"');
    if (Object.keys(pool.labels ?? {}).length === 0) {
      add(`node pool "${pool.name}" has no labels`, 'Give the pool the labels its nodes carry, so workloads can select them');
    }
    for (const [key, value] of Object.entries(pool.labels ?? {})) {
      if (!isLabelKey(key)) {
        add(
          `node pool "${pool.name}" has the label key "${key}", which is not a valid Kubernetes label key`,
          'Use an optional DNS prefix and "/", then at most 63 letters, digits, "-", "_" or "." (e.g. "node.example.com/pool")',
        );
      }
      if (typeof value !== 'string' || !isLabelValue(value)) {
        add(
          `node pool "${pool.name}" has the label "${key}" with value "${String(value)}", which is not a valid label value`,
          'Use at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit',
        );
      }
    }
    if (pool.capacity) {
      const { nodes, cpu, memory } = pool.capacity;
      if (!Number.isInteger(nodes) || nodes < 1) add(`node pool "${pool.name}" has capacity.nodes ${nodes}`, 'Give the number of nodes, 1 or more');
      const cpuWrong = cpuProblem(cpu);
      if (cpuWrong) add(`node pool "${pool.name}" has capacity.cpu that ${cpuWrong}`, `${describeCpu}, the allocatable CPU of one node`);
      const memoryWrong = sizeProblem(memory);
      if (memoryWrong) add(`node pool "${pool.name}" has capacity.memory that ${memoryWrong}`, `${describeSize}, the allocatable memory of one node`);
    }
    for (const taint of pool.taints ?? []) {
      if (!isLabelKey(taint.key ?? '')) {
        add(
          `node pool "${pool.name}" has a taint with key "${taint.key ?? ''}", which is not a valid Kubernetes taint key`,
          'Use an optional DNS prefix and "/", then at most 63 letters, digits, "-", "_" or "."',
        );
      }
      if (taint.value !== undefined && !isLabelValue(taint.value)) {
        add(
          `node pool "${pool.name}" has a taint "${taint.key}" with value "${taint.value}", which is not a valid taint value`,
          'Use at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit',
        );
      }
      if (!TAINT_EFFECTS.includes(taint.effect)) {
        add(`node pool "${pool.name}" has a taint with effect "${taint.effect}"`, `Use one of ${TAINT_EFFECTS.join(', ')}`);
      }
    }
  }
  return problems;
}
