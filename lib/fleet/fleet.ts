import { App } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ConfigProblem, ValidationError } from '../core/errors';
import { isDnsLabel } from '../core/names';
import { FLEET_CLUSTER_CONTEXT } from '../core/platform-context';

/** One cluster of a fleet, as the fleet's platform function gets it. */
export interface FleetCluster<S> {
  /** The cluster's name: its `clusterName`, its folder `clusters/<name>/` and its Terraform stack. */
  readonly name: string;
  /** What differs in this cluster (the value given for it in `FleetProps.clusters`). */
  readonly settings: S;
}

/** A fleet: several clusters built from one description. */
export interface FleetProps<S> {
  /**
   * The clusters by name (a DNS label), each with the settings that differ in it: domain, node pools,
   * sizes, versions, which components, Git branch, secret recipients... In the order the output and the
   * reports list them (staging before production, say).
   */
  readonly clusters: Readonly<Record<string, S>>;
  /**
   * Builds the platform of one cluster in `app`, a cdk8s App of its own: the same code for every cluster,
   * reading what differs from `cluster.settings`. The platform's `clusterName` must be `cluster.name`.
   */
  readonly platform: (app: App, cluster: FleetCluster<S>) => IConstruct;
  /**
   * The cluster whose rendering the shared files under `base/` take when as many clusters render an
   * object one way as another (with two clusters, always): the others get the patches. Name the cluster
   * changes reach last (production), so that a change tried in staging shows as a staging patch first.
   * @default the last cluster listed
   */
  readonly baseline?: string;
}

const FLEET_MARK = Symbol.for('ballast.Fleet');

/**
 * Several clusters from one description: one platform per cluster, planned and checked each on its own,
 * written as one Flux repository in the multi-cluster layout (`clusters/<name>/` over a shared `base/`, with
 * per-cluster patches) and one Terraform stack per cluster. A platform program exports a Fleet instead of a
 * platform function to synthesize one.
 */
export class Fleet<S = unknown> {
  /** True for a Fleet (also one made by another copy of this library). */
  public static isFleet(value: unknown): value is Fleet<unknown> {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[FLEET_MARK] === true;
  }

  /** The cluster names, in the order given. */
  public readonly clusters: readonly string[];
  /** The cluster whose rendering shared files take on a tie. */
  public readonly baseline: string;
  /** Builds one cluster's platform (a closure: the settings' type stays out of the class's shape). */
  private readonly buildCluster: (app: App, cluster: string) => IConstruct;

  constructor(props: FleetProps<S>) {
    const problems: ConfigProblem[] = [];
    const clusters = Array.isArray(props.clusters) ? [] : Object.keys(props.clusters ?? {});
    if (Array.isArray(props.clusters)) problems.push({ path: 'fleet', problem: 'clusters is a list', fix: 'Name each cluster: clusters: { staging: {...}, production: {...} }' });
    else if (clusters.length === 0) problems.push({ path: 'fleet', problem: 'the fleet has no clusters', fix: "Name at least one cluster in clusters: { staging: {...}, production: {...} }" });
    for (const name of clusters) {
      if (!isDnsLabel(name)) problems.push({ path: `fleet/${name}`, problem: `cluster name "${name}" is not a valid DNS label`, fix: 'Use lowercase letters, digits and "-" (at most 63), starting and ending with a letter or digit' });
    }
    if (typeof props.platform !== 'function') problems.push({ path: 'fleet', problem: 'platform is not a function', fix: 'Pass platform: (app, cluster) => new Platform(app, ...)' });
    const baseline = props.baseline ?? clusters[clusters.length - 1];
    if (props.baseline !== undefined && !clusters.includes(props.baseline)) {
      problems.push({ path: 'fleet', problem: `baseline "${props.baseline}" is not one of the clusters (${clusters.join(', ')})`, fix: 'Name one of the clusters, or leave baseline out for the last one' });
    }
    if (problems.length > 0) throw new ValidationError(problems);
    this.clusters = clusters;
    this.baseline = baseline;
    this.buildCluster = (app, cluster) => props.platform(app, { name: cluster, settings: props.clusters[cluster] });
    Object.defineProperty(this, FLEET_MARK, { value: true });
  }

  /** Builds the platform of `cluster` in a new cdk8s App, which tells the platform it is that cluster of a fleet. */
  public build(cluster: string): IConstruct {
    if (!this.clusters.includes(cluster)) {
      throw new ValidationError([{ path: 'fleet', problem: `no cluster "${cluster}"`, fix: `Use one of ${this.clusters.join(', ')}` }]);
    }
    const app = new App();
    app.node.setContext(FLEET_CLUSTER_CONTEXT, cluster);
    const platform = this.buildCluster(app, cluster);
    if (typeof (platform as { then?: unknown } | undefined)?.then === 'function') {
      // Settled here so that a rejection cannot end the process unhandled; the refusal says why.
      (platform as unknown as PromiseLike<unknown>).then(undefined, () => undefined);
      throw new ValidationError([
        { path: `fleet/${cluster}`, problem: 'the platform function returned a Promise (it is async), and a fleet builds its clusters one after another without waiting', fix: 'Read what the clusters need before new Fleet({...}) (an async program may await it there) and build each platform without await' },
      ]);
    }
    // A platform in an App of its own would not know it is a fleet cluster (its paths, its secrets file).
    if (platform?.node?.root !== app) {
      throw new ValidationError([
        { path: `fleet/${cluster}`, problem: 'the platform function did not build the platform in the app it was given', fix: 'Build it there and return it: platform: (app, cluster) => new Platform(app, ...)' },
      ]);
    }
    return platform;
  }
}
