import * as fs from 'fs';
import * as path from 'path';
import { Inventory, INVENTORY_FILE, InventoryItem, inventoryText, readInventory } from '../day2/inventory';
import { BASE_FOLDER, CLUSTERS_FOLDER, clusterFolder } from './layout';

/** Where the inventory items every cluster of a fleet has alike are kept once. */
export const SHARED_INVENTORY_FILE = `${BASE_FOLDER}/${INVENTORY_FILE}`;

/** A cluster's inventory file in a fleet: its own items, and the file of the items it shares. */
interface ClusterInventoryFile extends Inventory {
  /** The shared items' file, relative to the Flux output folder. */
  readonly sharedItems?: string;
}

/**
 * The inventory files of a fleet: the items every cluster has exactly alike once in
 * `base/.ballast/inventory.json`, and each cluster's other items (and its secrets, revisions, retired and
 * moved resources, automated images) in `clusters/<name>/.ballast/inventory.json`, which names the shared
 * file. So the inventories, like the manifests, grow with what differs between clusters rather than with
 * their number. A fleet of one cluster keeps all of its items in its own file.
 */
export function fleetInventoryFiles(inventories: readonly { cluster: string; inventory: Inventory }[]): Map<string, string> {
  const files = new Map<string, string>();
  const text = (item: InventoryItem) => JSON.stringify(item);
  let shared = new Set<string>();
  if (inventories.length > 1) {
    shared = new Set(inventories[0].inventory.items.map(text));
    for (const { inventory } of inventories.slice(1)) {
      const mine = new Set(inventory.items.map(text));
      shared = new Set([...shared].filter((t) => mine.has(t)));
    }
  }
  if (shared.size > 0) {
    const items = inventories[0].inventory.items.filter((i) => shared.has(text(i)));
    files.set(SHARED_INVENTORY_FILE, `{\n  "format": 1,\n  "items": [\n${items.map((i) => `    ${text(i)}`).join(',\n')}\n  ]\n}\n`);
  }
  for (const { cluster, inventory } of inventories) {
    const own = inventoryText({ ...inventory, items: inventory.items.filter((i) => !shared.has(text(i))) });
    // The shared file is named right after the format, so that a reader sees at once that items are elsewhere.
    const withShared = shared.size > 0 ? own.replace('  "format": 1,\n', `  "format": 1,\n  "sharedItems": ${JSON.stringify(SHARED_INVENTORY_FILE)},\n`) : own;
    files.set(`${CLUSTERS_FOLDER}/${cluster}/${INVENTORY_FILE}`, withShared);
  }
  return files;
}

/**
 * The inventory of `cluster` in the fleet output `fluxDir`, its shared items merged back in. The first
 * fleet synth of an output a single platform wrote takes that platform's inventory when it is of the same
 * cluster, so that the guard still sees what the change removes.
 */
export function readClusterInventory(fluxDir: string, cluster: string): Inventory | undefined {
  const own = readInventory(clusterFolder(fluxDir, cluster)) as ClusterInventoryFile | undefined;
  if (!own) {
    const single = readInventory(fluxDir);
    return single?.cluster === cluster ? single : undefined;
  }
  if (own.sharedItems === undefined) return own;
  const file = path.join(fluxDir, own.sharedItems);
  if (!fs.existsSync(file)) throw new Error(`${path.join(clusterFolder(fluxDir, cluster), INVENTORY_FILE)}: names the shared inventory ${own.sharedItems}, which is missing. Restore it from Git, or remove the cluster's inventory to start a new history.`);
  const shared = (JSON.parse(fs.readFileSync(file, 'utf8')) as { items: InventoryItem[] }).items;
  const { sharedItems: _shared, ...inventory } = own;
  return { ...inventory, items: [...own.items, ...shared].sort((a, b) => (a.id < b.id ? -1 : 1)) };
}
