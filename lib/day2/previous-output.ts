import * as fs from 'fs';
import * as path from 'path';
import { fileError, isInside, restoreFromGit, shownPath, statOrNothing } from '../core/checkout-file';
import { ConfigProblem } from '../core/errors';
import { Inventory, INVENTORY_FILE, InventoryItem, readInventory } from './inventory';
import { INVENTORY_ROLE, readInventoryFile } from './inventory-file';

// What a previous synth left in the Flux output folder, in either layout: a single platform's inventory
// at the root, or a fleet's (`clusters/<name>/` over `base/`). Both the platform's and the fleet's synth
// read it, so that neither mistakes the other's output for an empty folder: the program a synth runs and
// the program that wrote the output may differ (the wrong `--app`, one platform that becomes a fleet).

/** Folder of the files every cluster of a fleet (or a majority of those that have them) shares. */
export const BASE_FOLDER = 'base';
/** Folder of each cluster's tree in a fleet: its Flux Kustomizations, its step folders and its inventory. */
export const CLUSTERS_FOLDER = 'clusters';

/** A cluster's folder in a fleet's Flux output: its Flux Kustomizations, own files and inventory. */
export function clusterFolder(fluxDir: string, cluster: string): string {
  return path.join(fluxDir, CLUSTERS_FOLDER, cluster);
}

/** Where the inventory items every cluster of a fleet has alike are kept once. */
export const SHARED_INVENTORY_FILE = `${BASE_FOLDER}/${INVENTORY_FILE}`;

/** A cluster's inventory file in a fleet: its own items, and the file of the items it shares. */
export interface ClusterInventoryFile extends Inventory {
  /** The shared items' file, relative to the Flux output folder. */
  readonly sharedItems?: string;
}

/** The clusters whose inventory a fleet's output in `fluxDir` holds (`clusters/<name>/.ballast/`), sorted. */
export function fleetClustersIn(fluxDir: string): string[] {
  const folder = path.join(fluxDir, CLUSTERS_FOLDER);
  let names: string[];
  try {
    if (!statOrNothing(folder)?.isDirectory()) return [];
    names = fs.readdirSync(folder);
  } catch (err) {
    const code = (err as { code?: unknown } | null)?.code;
    throw fileError(folder, `the folder of the clusters' trees cannot be read (${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : String(code)})`, `Let the user who runs ballast read it (chmod u+rx ${shownPath(folder)})`);
  }
  return names.filter((name) => fs.existsSync(path.join(folder, name, INVENTORY_FILE))).sort();
}

/**
 * The inventory of `cluster` in the output `fluxDir`, whichever program wrote it: a fleet's cluster file
 * (its shared items merged back in), or a single platform's inventory when it is of the same cluster. So
 * the first fleet synth over a platform's output, or a platform synth over a fleet's, still sees what the
 * change removes. Every file is read inside `fluxDir` only: the shared file a cluster's inventory names
 * must be the one ballast writes there (a path that leads elsewhere is refused before anything is read).
 */
export function readClusterInventory(fluxDir: string, cluster: string): Inventory | undefined {
  const own = readInventory(clusterFolder(fluxDir, cluster), fluxDir) as ClusterInventoryFile | undefined;
  if (!own) {
    const single = readInventory(fluxDir);
    return single?.cluster === cluster ? single : undefined;
  }
  if (own.sharedItems === undefined) return own;
  const ownFile = path.join(clusterFolder(fluxDir, cluster), INVENTORY_FILE);
  const file = path.join(fluxDir, SHARED_INVENTORY_FILE);
  // Only the file ballast writes: a path read from a file is never followed elsewhere (and not quoted,
  // as nothing of a damaged file's content is).
  if (path.posix.normalize(own.sharedItems.replace(/\\/g, '/')) !== SHARED_INVENTORY_FILE) {
    const outside = path.isAbsolute(own.sharedItems) || !isInside(fluxDir, path.resolve(fluxDir, own.sharedItems));
    throw fileError(
      ownFile,
      `${INVENTORY_ROLE.what} names as its shared items ${outside ? `a file outside the output folder ${shownPath(fluxDir)}, which ballast does not read` : `another file than ${SHARED_INVENTORY_FILE}, the one ballast writes`}`,
      INVENTORY_ROLE.restore(shownPath(ownFile)),
    );
  }
  const shared = readInventoryFile(file, fluxDir, 'shared') as { items: InventoryItem[] } | undefined;
  if (shared === undefined) {
    throw fileError(ownFile, `${INVENTORY_ROLE.what} names the shared inventory ${shownPath(file)}, which is missing`, `${restoreFromGit(shownPath(file))} (it holds the items every cluster shares, data included)`);
  }
  const { sharedItems: _shared, ...inventory } = own;
  return { ...inventory, items: [...own.items, ...shared.items].sort((a, b) => (a.id < b.id ? -1 : 1)) };
}

/** The acknowledgement id of a cluster whose tree a synth removes. */
export const clusterAckId = (cluster: string) => `cluster/${cluster}`;

/** A cluster the previous output holds and the program no longer describes. */
export interface LeavingCluster {
  readonly cluster: string;
  /** How many items its inventory holds, and the ids of those that hold data. */
  readonly items: number;
  readonly stateful: readonly string[];
  readonly acknowledged: boolean;
}

/**
 * The clusters whose tree the previous output in `fluxDir` holds (their inventory under
 * `clusters/<name>/`, or a single platform's at the root) and `clusters` (what the program describes)
 * lacks. A synth would remove the tree: the cluster's Flux stops finding its path, and its Terraform stack
 * leaves the output.
 */
export function leavingClusters(fluxDir: string, clusters: readonly string[], acknowledge: readonly string[]): LeavingCluster[] {
  const previous = new Set<string>(fleetClustersIn(fluxDir));
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

/** Who describes the clusters, for the messages: a fleet, or a single platform's program. */
export type ProgramKind = 'fleet' | 'platform';

/**
 * What a leaving cluster's refusal says, and what an acknowledgement that names no leaving cluster says.
 * `program` is the kind of program this synth runs; `previous` the kind that wrote the output.
 */
export function leavingProblems(leaving: readonly LeavingCluster[], acknowledge: readonly string[], program: ProgramKind = 'fleet', previous: ProgramKind = 'fleet'): ConfigProblem[] {
  const wrongProgram =
    program === 'platform' && previous === 'fleet'
      ? ' The output was written by a fleet and this program is a single platform: if you meant the fleet, run its program (--app <your fleet program>).'
      : '';
  const problems: ConfigProblem[] = leaving
    .filter((l) => !l.acknowledged)
    .map((l) => ({
      path: `${program === 'fleet' ? 'fleet' : 'output'}/${l.cluster}`,
      problem: `the cluster is no longer in the ${program === 'fleet' ? 'fleet' : 'program'}, and this synth would remove its tree ${previous === 'fleet' ? `${CLUSTERS_FOLDER}/${l.cluster}/` : 'at the root of the output'} (${describeLeaving(l)}) and its Terraform stack`,
      fix: `If it is meant to go, destroy or hand over what it runs first (with the stack of the last synth), then acknowledge it (--acknowledge ${clusterAckId(l.cluster)}); to keep it, put it back in the ${program === 'fleet' ? "fleet's clusters" : 'program'}.${wrongProgram}`.replace(/\.$/, ''),
    }));
  for (const ack of acknowledge.filter((a) => a.startsWith('cluster/'))) {
    if (!leaving.some((l) => clusterAckId(l.cluster) === ack)) {
      problems.push({ path: 'arguments', problem: `--acknowledge ${ack} names no cluster that leaves the ${program === 'fleet' ? 'fleet' : 'output'}`, fix: 'Remove it (an acknowledgement holds for the one synth that makes the change)' });
    }
  }
  return problems;
}

/** `12 items, 3 holding data: namespace/database, ...`. */
export function describeLeaving(l: LeavingCluster): string {
  const data = l.stateful.length > 0 ? `, ${l.stateful.length} holding data: ${l.stateful.join(', ')}` : ', none holding data';
  return `${l.items} items${data}`;
}
