import * as path from 'path';
import { statOrNothing } from '../core/checkout-file';
import { STACK_NAME } from '../model/terraform-addresses';
import { fluxHoldings, HeldObject } from './flux-holdings';
import { Inventory, INVENTORY_FILE, InventoryItem, parseItemId } from './inventory';
import { clusterFolder } from './previous-output';
import { HeldResource, terraformHoldings } from './terraform-holdings';

// The guard compares a synth with the previous inventory. The inventory is one JSON file, committed and
// edited like any other: a line removed from it (by hand, or by a merge that took the wrong side) would
// hide a database from the guard, and its removal would pass unacknowledged. So the guard's view is the
// inventory completed with what the previous output itself holds that keeps data: the Flux objects
// written prune-disabled and the Terraform resources with prevent_destroy. Hiding one would take editing
// the inventory and the output file that holds it.

/** The digest of an item the inventory did not list: it tells nothing apart, so a synth shows it as changed. */
const UNKNOWN_DIGEST = 'not-in-inventory';

/** Where a cluster's previous output is: its Flux tree (a fleet cluster's, or the root) and its Terraform stack. */
interface Place {
  readonly fleetCluster?: string;
  readonly stack: string;
  /** True when the inventory file of that tree exists (read by the caller). */
  readonly hasInventory: boolean;
}

const exists = (file: string) => statOrNothing(file) !== undefined;

/**
 * The tree the previous output keeps for `cluster`: a fleet's cluster tree when it has one (its inventory,
 * or its step folders when the inventory is gone), else the single platform's layout at the root.
 */
function placeOf(fluxDir: string, cluster: string | undefined): Place {
  if (cluster !== undefined) {
    const tree = clusterFolder(fluxDir, cluster);
    const own = exists(path.join(tree, INVENTORY_FILE));
    const steps = ['infrastructure', 'apps'].some((s) => statOrNothing(path.join(tree, s))?.isDirectory());
    if (own || steps) return { fleetCluster: cluster, stack: cluster, hasInventory: own };
  }
  return { stack: STACK_NAME, hasInventory: exists(path.join(fluxDir, INVENTORY_FILE)) };
}

/** The namespace an item is in, or that it is (a namespace's own item). */
function namespaceOf(id: string): string | undefined {
  const parts = parseItemId(id);
  return parts.kind === 'namespace' ? parts.name : parts.namespace;
}

/**
 * The component an item the inventory does not list belongs to: that of another object of its file (one
 * file is one component's), else of its namespace, else of anything else in that namespace.
 */
function componentOf(held: HeldObject | HeldResource, items: ReadonlyMap<string, InventoryItem>): string {
  for (const id of 'neighbours' in held ? held.neighbours : []) {
    const found = items.get(id);
    if (found) return found.component;
  }
  const namespace = namespaceOf(held.id);
  if (namespace !== undefined) {
    const found = items.get(`namespace/${namespace}`) ?? [...items.values()].find((i) => namespaceOf(i.id) === namespace);
    if (found) return found.component;
  }
  // Nothing tells it: its file (which acknowledges all that file holds), or for a resource its id.
  return 'file' in held ? held.file : held.id;
}

/**
 * The previous inventory as the guard must see it: `previous` (read from the output in `fluxDir` for
 * `cluster`) with every data-holding object the output's files hold added when it is missing, and marked
 * as holding data when it is listed as not (same owner). When the inventory file is gone while the output
 * still holds such objects, they alone are the view. An item the inventory lists under another owner is
 * left as it is: a handover writes an object into Git once more, prune-disabled, for its new owner.
 */
export function guardView(previous: Inventory | undefined, fluxDir: string, terraformDir: string, cluster: string | undefined): Inventory | undefined {
  const place = placeOf(fluxDir, cluster);
  // An inventory that exists but is another cluster's is not this cluster's history.
  if (previous === undefined && place.hasInventory) return undefined;
  const held: { owner: 'flux' | 'terraform'; item: HeldObject | HeldResource }[] = [
    ...fluxHoldings(fluxDir, place.fleetCluster).map((item) => ({ owner: 'flux' as const, item })),
    ...terraformHoldings(terraformDir, place.stack).map((item) => ({ owner: 'terraform' as const, item })),
  ];
  if (held.length === 0) return previous;
  const items = new Map((previous?.items ?? []).map((i) => [i.id, i]));
  const byAddress = new Map((previous?.items ?? []).filter((i) => i.address).map((i) => [i.address!, i]));
  let changed = false;
  for (const { owner, item } of held) {
    const listed = items.get(item.id) ?? ('objectId' in item ? items.get(item.objectId) : byAddress.get(item.address));
    const protection = owner === 'flux' ? ('prune-disabled' as const) : ('prevent-destroy' as const);
    if (listed) {
      if (listed.owner === owner && !listed.stateful) {
        items.set(listed.id, { ...listed, stateful: true, protection });
        changed = true;
      }
      continue;
    }
    items.set(item.id, {
      id: item.id,
      owner,
      component: componentOf(item, items),
      stateful: true,
      protection,
      ...('address' in item ? { address: item.address } : {}),
      ...(item.apiVersion ? { apiVersion: item.apiVersion } : {}),
      digest: UNKNOWN_DIGEST,
    });
    changed = true;
  }
  if (!changed) return previous;
  const sorted = [...items.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  return previous
    ? { ...previous, items: sorted }
    : { format: 1, cluster: cluster ?? '', items: sorted, generatedSecrets: [], revisions: {}, retired: [], moved: [] };
}
