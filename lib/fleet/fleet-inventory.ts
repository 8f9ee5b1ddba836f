import { Inventory, INVENTORY_FILE, InventoryItem, inventoryText } from '../day2/inventory';
import { CLUSTERS_FOLDER, SHARED_INVENTORY_FILE } from '../day2/previous-output';

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
