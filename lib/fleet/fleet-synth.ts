import { ConfigProblem, inConstruct, ValidationError } from '../core/errors';
import { renderFluxRepository } from '../flux/repository';
import type { PlanOptions } from '../day2/deployment-plan';
import { locateReferenceData } from '../reference/locate';
import { previousDocuments } from '../secrets/previous-documents';
import { withAtomicOutput, withLockedOutput, writeFiles } from '../output/output';
import { acknowledgements, built, listFromEnv, PlatformSynthOptions } from '../synth/platform-synth';
import { stateContinuityProblems } from '../synth/state-continuity';
import { STACK_NAME } from '../model/terraform-addresses';
import { planPlatform } from '../synth/plan-platform';
import { SynthStats, synthTerraformStacks } from '../synth/synth';
import { readInventory } from '../day2/inventory';
import { guardView } from '../day2/guard-view';
import { checkFleet, ClusterPlan } from './fleet-checks';
import { fleetInventoryFiles } from './fleet-inventory';
import { clusterFolder, fleetClustersIn, LeavingCluster, leavingClusters, leavingProblems, readClusterInventory } from '../day2/previous-output';
import { Fleet } from './fleet';
import { CLUSTERS_FOLDER, FleetLayoutStats, layoutFleet } from './layout';

/** Where a fleet is synthesized, and what this synth may do. */
export interface FleetSynthOptions extends PlatformSynthOptions {
  /**
   * The clusters this command is about; `BALLAST_CLUSTER` (comma-separated) adds to it. A synth always
   * writes the whole fleet (the shared files depend on every cluster); the acknowledgements and rotations
   * of the command line apply to these clusters only. `diff` and `validate` plan only these.
   * @default every cluster
   */
  readonly clusters?: readonly string[];
}

/** What a synth of a fleet did. */
export interface FleetSynthResult {
  readonly plans: readonly ClusterPlan[];
  /** Clusters of the previous output that left the fleet (acknowledged), whose trees this synth removed. */
  readonly leaving: readonly LeavingCluster[];
  readonly flux: SynthStats;
  readonly terraform: SynthStats;
  readonly layout: FleetLayoutStats;
}

/** The clusters a command is about: `--cluster` and `BALLAST_CLUSTER`, checked against the fleet. */
export function selectedClusters(fleet: Fleet, options: FleetSynthOptions): readonly string[] {
  const named = [...(options.clusters ?? []), ...listFromEnv('BALLAST_CLUSTER')];
  const unknown = named.filter((c) => !fleet.clusters.includes(c));
  if (unknown.length > 0) {
    throw new ValidationError(unknown.map((c) => ({ path: 'arguments', problem: `--cluster ${c}: the fleet has no cluster "${c}"`, fix: `Use one of ${fleet.clusters.join(', ')}` })));
  }
  return named.length > 0 ? fleet.clusters.filter((c) => named.includes(c)) : fleet.clusters;
}

/**
 * Plans every cluster of `clusters` against its previous inventory. Each cluster is checked as a
 * platform on its own; the problems of all clusters are reported together, each path under
 * `fleet/<cluster>/`, then what must hold across the fleet.
 */
function planClusters(fleet: Fleet, clusters: readonly string[], fluxDir: string, options: FleetSynthOptions, enforceGuard: boolean): FleetPlan {
  const selected = selectedClusters(fleet, options);
  const acks = acknowledgements(options);
  // `cluster/<name>` acknowledges a cluster leaving the fleet, `state/<name>` a stack whose state changes
  // place: the fleet's, not one cluster's plan's.
  const acknowledge = acks.filter((a) => !/^(cluster|state)\//.test(a));
  const rotate = [...(options.rotate ?? []), ...listFromEnv('BALLAST_ROTATE')];
  if ((acknowledge.length > 0 || rotate.length > 0) && fleet.clusters.length > 1 && selected.length === fleet.clusters.length) {
    throw new ValidationError([
      {
        path: 'arguments',
        problem: `${acknowledge.length > 0 ? '--acknowledge' : '--rotate'} names no cluster, and an acknowledgement or rotation holds for one cluster's synth`,
        fix: `Add --cluster <name> (or BALLAST_CLUSTER) for the cluster it is meant for: one of ${fleet.clusters.join(', ')}`,
      },
    ]);
  }
  const problems: ConfigProblem[] = [];
  const plans: ClusterPlan[] = [];
  // Looked for once, here at the entry point: every cluster's values are checked against the same data.
  const reference = locateReferenceData() ?? 'none';
  for (const cluster of clusters) {
    const mine = selected.includes(cluster);
    const planOptions: PlanOptions = {
      // Checked against what the output holds: an inventory edited by hand cannot hide data from the guard.
      previous: guardView(readClusterInventory(fluxDir, cluster), fluxDir, options.terraformDir ?? 'dist/cdktf', cluster),
      previousOutput: clusterFolder(fluxDir, cluster),
      acknowledge: mine ? acknowledge : [],
      rotate: mine ? rotate : [],
      enforceGuard,
      reference,
    };
    try {
      plans.push({ cluster, plan: planPlatform(built(() => fleet.build(cluster)), planOptions) });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      // (A problem of the fleet itself already names the cluster.)
      problems.push(...err.problems.map((p) => ({ ...p, path: p.path.startsWith(`fleet/${cluster}`) ? p.path : `fleet/${cluster}/${p.path}` })));
    }
  }
  const leaving = leavingClusters(fluxDir, fleet.clusters, acks);
  if (enforceGuard) problems.push(...leavingProblems(leaving, acks));
  if (problems.length > 0) throw new ValidationError(problems);
  checkFleet(plans);
  return { plans, leaving };
}

/** The plans of a fleet's clusters, and the clusters that leave it. */
export interface FleetPlan {
  readonly plans: ClusterPlan[];
  readonly leaving: LeavingCluster[];
}

/**
 * Synthesizes a fleet as one pair of output folders: the Flux repository in the multi-cluster layout
 * (`clusters/<name>/` over `base/`, see `layoutFleet`) and one Terraform stack per cluster
 * (`stacks/<name>/`, its own backend and state), locked, guarded per cluster and swapped in together as a
 * single platform's are. A refused or failed synth writes nothing.
 */
export function synthFleet(fleet: Fleet, options: FleetSynthOptions = {}): FleetSynthResult {
  const fluxDir = options.fluxDir ?? 'dist/flux';
  const terraformDir = options.terraformDir ?? 'dist/cdktf';
  return withAtomicOutput([fluxDir, terraformDir], ([fluxStaging, terraformStaging]) => {
    const { plans, leaving } = planClusters(fleet, fleet.clusters, fluxDir, options, true);
    const repos = inConstruct('fleet', 'writing the Flux repository', () =>
      plans.map(({ cluster, plan }) => ({
        cluster,
        repo: renderFluxRepository(plan, {
          previous: previousDocuments(clusterFolder(fluxDir, cluster), plan.platform.sops.identityFile),
          stepRoot: `${CLUSTERS_FOLDER}/${cluster}`,
        }),
      })),
    );
    const layout = inConstruct('fleet', 'laying out the fleet repository', () => layoutFleet(repos, fleet.baseline));
    const inventories = fleetInventoryFiles(plans.map(({ cluster, plan }) => ({ cluster, inventory: plan.day2.inventory })));
    const files = new Map([...layout.files, ...inventories].sort(([a], [b]) => (a < b ? -1 : 1)));
    writeFiles(fluxStaging, files, fluxDir);
    const kinds: Record<string, number> = {};
    for (const { repo } of repos) for (const [k, n] of Object.entries(repo.kinds)) kinds[k] = (kinds[k] ?? 0) + n;
    const notes = [...new Set(plans.flatMap((p) => p.plan.notes.map((n) => `${p.cluster}: ${n}`)))];
    const flux: SynthStats = { files: files.size, kinds, notes };
    const terraform = synthTerraformStacks(
      plans.map(({ cluster, plan }) => ({ name: cluster, plan })),
      terraformStaging,
      { finalOutdir: terraformDir },
    );
    // Each cluster's stack continues its own, or the single platform's stack whose inventory it took.
    const previousFleet = fleetClustersIn(fluxDir);
    const single = readInventory(fluxDir)?.cluster;
    const continuations = plans.map(({ cluster }) => ({ stack: cluster, previousStack: !previousFleet.includes(cluster) && single === cluster ? STACK_NAME : cluster }));
    const moves = stateContinuityProblems(continuations, terraformDir, terraformStaging, terraformDir, acknowledgements(options));
    if (moves.length > 0) throw new ValidationError(moves);
    // Saved before the swap, as for a single platform (see synthPlatform).
    for (const { plan } of plans) plan.day2.secretStore.save();
    return { plans, leaving, flux, terraform: { ...terraform, notes }, layout: layout.stats };
  }, { whenLocked: options.noWait ? 'fail' : 'wait' });
}

/**
 * The plan of each selected cluster against its previous output, and the clusters that leave the fleet;
 * guarded changes reported rather than refused. Writes nothing.
 */
export function planFleetAgainstOutput(fleet: Fleet, options: FleetSynthOptions = {}): FleetPlan {
  const fluxDir = options.fluxDir ?? 'dist/flux';
  const terraformDir = options.terraformDir ?? 'dist/cdktf';
  return withLockedOutput([fluxDir, terraformDir], () => planClusters(fleet, selectedClusters(fleet, options), fluxDir, options, false), {
    whenLocked: options.noWait ? 'fail' : 'wait',
  });
}

/** Every check a synth of the selected clusters makes, the day-2 guard included, without writing anything. */
export function validateFleet(fleet: Fleet, options: FleetSynthOptions = {}): FleetPlan {
  const fluxDir = options.fluxDir ?? 'dist/flux';
  const terraformDir = options.terraformDir ?? 'dist/cdktf';
  return withLockedOutput([fluxDir, terraformDir], () => planClusters(fleet, selectedClusters(fleet, options), fluxDir, options, true), {
    whenLocked: options.noWait ? 'fail' : 'wait',
  });
}
