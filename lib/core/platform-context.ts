import type { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { fail } from './errors';
import { K6MetricsMode } from './k6-metrics';
import { NodePool } from './node-pool';
import type { ReleasePolicy } from './release-policy';
import { SecretValue } from './secret';
import type { TerraformStateBackend } from './state-backend-types';

/**
 * What a component may ask of the platform it belongs to. Components depend on this interface rather
 * than on the Platform class, which keeps the module graph free of cycles.
 */
export interface PlatformContext {
  readonly domain: string;
  readonly clusterName: string;
  /**
   * True when the platform is one cluster of a fleet: its Flux tree is `clusters/<clusterName>/` under
   * `git.path`, beside the fleet's shared `base/`.
   */
  readonly inFleet: boolean;
  readonly git: {
    readonly url: string;
    readonly branch: string;
    readonly path: string;
    readonly auth?: { readonly username: string; readonly password: SecretValue };
  };
  readonly flux: { readonly interval: Duration; readonly retryInterval: Duration; readonly timeout: Duration };
  /** How k6 writes Trend metrics; dashboards and load tests follow it. */
  readonly k6Metrics: K6MetricsMode;
  nodePool(name: string, requester: IConstruct): NodePool;
  /** All node pools, in config order. */
  readonly nodePools: readonly NodePool[];
  /** SOPS: the age recipients that encrypted Secrets in Git are written for (empty: none configured). */
  readonly sops: { readonly ageRecipients: readonly string[]; readonly secretsFile: string; readonly identityFile?: string };
  /** The Terraform side's settings, defaults applied. */
  readonly terraform: { readonly backend: TerraformStateBackend };
  /** The release policy of every Helm release, under each component's own. @default ballast's defaults */
  readonly releasePolicy?: ReleasePolicy;
  /** Where the runbooks of ballast's alerts are read (`PlatformConfig.runbookBaseUrl`), without a trailing `/`. */
  readonly runbookBaseUrl: string;
  /** Why the platform writes no NetworkPolicies, when it writes none. */
  readonly networkPoliciesDisabled?: string;
  /** What the cluster already has that no component installs (`Platform.assumeInstalled`). */
  readonly assumed: AssumedInstalled;
  /** Records what the cluster already has (see `Platform.assumeInstalled`). */
  assumeInstalled(what: AssumeInstalledOptions): void;
}

/** What a cluster already has, installed outside this platform. */
export interface AssumeInstalledOptions {
  /**
   * API groups whose CRDs are installed (by another team, a cloud add-on, or an earlier platform):
   * objects of these groups are written without a component that installs the CRDs, in the component's own
   * Flux step.
   * @default none
   */
  readonly crdGroups?: readonly string[];
  /**
   * Secrets that exist in the cluster (created by hand or by another tool), by `namespace/name`: image
   * pull secrets and `secretKeyRef`s may name them.
   * @default none
   */
  readonly secrets?: readonly string[];
}

/** What the cluster is assumed to have, accumulated. */
export interface AssumedInstalled {
  readonly crdGroups: ReadonlySet<string>;
  readonly secrets: ReadonlySet<string>;
}

/**
 * Context key a fleet sets on the app of each cluster: the cluster's name. The platform built in that app
 * must carry the same `clusterName`.
 */
export const FLEET_CLUSTER_CONTEXT = 'ballast:fleet-cluster';

const PLATFORM_MARK = Symbol.for('ballast.Platform');

/** Marks `platform` as the platform root that `platformOf` finds. */
export function markPlatform(platform: IConstruct & PlatformContext): void {
  Object.defineProperty(platform, PLATFORM_MARK, { value: true });
}

export function isPlatform(c: IConstruct): c is IConstruct & PlatformContext {
  return (c as unknown as Record<symbol, unknown>)[PLATFORM_MARK] === true;
}

/** The platform that `scope` belongs to. */
export function platformOf(scope: IConstruct): PlatformContext {
  for (let s: IConstruct | undefined = scope; s; s = s.node.scope) {
    if (isPlatform(s)) return s;
  }
  return fail(scope, 'this construct is not inside a Platform', 'Create components with a Platform (or one of its children) as scope');
}
