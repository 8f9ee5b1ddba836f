import * as fs from 'fs';
import * as path from 'path';
import { ConfigProblem } from '../core/errors';
import { readInventory } from '../day2/inventory';
import { readClusterInventory } from './fleet-inventory';
import { CLUSTERS_FOLDER } from './layout';

/** The acknowledgement id of a cluster leaving the fleet. */
export const clusterAckId = (cluster: string) => `cluster/${cluster}`;

/** A cluster the previous output holds and the fleet no longer describes. */
export interface LeavingCluster {
  readonly cluster: string;
  /** How many items its inventory holds, and the ids of those that hold data. */
  readonly items: number;
  readonly stateful: readonly string[];
  readonly acknowledged: boolean;
}

/**
 * The clusters whose tree the previous output in `fluxDir` holds (their inventory under
 * `clusters/<name>/`, or a single platform's at the root) and the fleet no longer has. A synth would remove
 * the tree: the cluster's Flux stops finding its path, and its Terraform stack leaves the output.
 */
export function leavingClusters(fluxDir: string, clusters: readonly string[], acknowledge: readonly string[]): LeavingCluster[] {
  const previous = new Set<string>();
  const folder = path.join(fluxDir, CLUSTERS_FOLDER);
  if (fs.existsSync(folder)) {
    for (const name of fs.readdirSync(folder)) if (readInventory(path.join(folder, name))) previous.add(name);
  }
  const single = readInventory(fluxDir)?.cluster;
  if (single !== undefined) previous.add(single);
  return [...previous]
    .filter((c) => !clusters.includes(c))
    .sort()
    .map((cluster) => {
      const items = readClusterInventory(fluxDir, cluster)?.items ?? [];
      return { cluster, items: items.length, stateful: items.filter((i) => i.stateful).map((i) => i.id), acknowledged: acknowledge.includes(clusterAckId(cluster)) };
    });
}

/** What a leaving cluster's refusal says, and what an acknowledgement that names no leaving cluster says. */
export function leavingProblems(leaving: readonly LeavingCluster[], acknowledge: readonly string[]): ConfigProblem[] {
  const problems: ConfigProblem[] = leaving
    .filter((l) => !l.acknowledged)
    .map((l) => ({
      path: `fleet/${l.cluster}`,
      problem: `the cluster is no longer in the fleet, and this synth would remove its tree ${CLUSTERS_FOLDER}/${l.cluster}/ (${describe(l)}) and its Terraform stack`,
      fix: `If it is meant to go, destroy or hand over what it runs first (with the stack of the last synth), then acknowledge it (--acknowledge ${clusterAckId(l.cluster)}); to keep it, put it back in the fleet's clusters`,
    }));
  for (const ack of acknowledge.filter((a) => a.startsWith('cluster/'))) {
    if (!leaving.some((l) => clusterAckId(l.cluster) === ack)) {
      problems.push({ path: 'arguments', problem: `--acknowledge ${ack} names no cluster that leaves the fleet`, fix: 'Remove it (an acknowledgement holds for the one synth that makes the change)' });
    }
  }
  return problems;
}

/** `12 items, 3 holding data: namespace/database, ...`. */
export function describe(l: LeavingCluster): string {
  const data = l.stateful.length > 0 ? `, ${l.stateful.length} holding data: ${l.stateful.join(', ')}` : ', none holding data';
  return `${l.items} items${data}`;
}
