import { Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { constructPath, fail, reportProblem, ValidationError } from './core/errors';
import { isDnsLabel, isDnsSubdomain } from './core/names';
import { NodePool } from './core/node-pool';
import { K6MetricsMode } from './core/k6-metrics';
import { AssumedInstalled, AssumeInstalledOptions, FLEET_CLUSTER_CONTEXT, markPlatform, platformOf, PlatformContext } from './core/platform-context';
import { IIssuer, platformIssuer, useIssuer } from './core/tls';
import { ReleasePolicy } from './core/release-policy';
import { DEFAULT_STATE_BACKEND } from './core/state-backend-config';
import { DEFAULT_SECRETS_FILE, FluxSyncConfig, PlatformConfig } from './core/platform-config';
import { checkConfig, defaultSecretsFile } from './core/platform-config-checks';

export { DEFAULT_SECRETS_FILE };
export type { FluxSyncConfig, GitAuth, GitSourceConfig, PlatformConfig, SopsConfig, TerraformConfig } from './core/platform-config';


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
  public readonly terraform: PlatformContext['terraform'];
  public readonly releasePolicy?: ReleasePolicy;
  public readonly networkPoliciesDisabled?: string;
  public readonly runbookBaseUrl: string;
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
    this.terraform = { backend: config.terraform?.backend ?? DEFAULT_STATE_BACKEND };
    this.releasePolicy = config.releasePolicy;
    this.networkPoliciesDisabled = config.networkPolicies?.disabled;
    this.runbookBaseUrl = (config.runbookBaseUrl ?? `https://grafana.${config.domain}/d`).replace(/\/+$/, '');
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
