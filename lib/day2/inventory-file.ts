import * as fs from 'fs';
import * as path from 'path';
import { fileError, FileRole, readCheckoutJson, restoreFromGit, shownPath } from '../core/checkout-file';
import { Shape, shapeProblem } from '../core/json-shape';
import { packageRoot } from '../reference/locate';

// The inventory files as they are read back: parsed, of the right shape and of a format this version
// reads, or refused with the file's path. The inventory is what the guard compares a synth with, so the
// fix never says to delete it (the next synth would then see nothing to protect): Git has the good copy.

/** The format of the inventory files this version writes and reads. */
export const INVENTORY_FORMAT = 1;

/** What an inventory file is, in messages, and how a damaged one is put right. */
export const INVENTORY_ROLE: FileRole = {
  what: 'the inventory of the previous synth',
  restore: (shown) => `${restoreFromGit(shown)} (do not delete it: the guard reads from it what the last synth deployed, data included)`,
};

/** An inventory id (see `InventoryItem.id`). */
const ITEM_ID = { pattern: /^(?:namespace\/[^/\s]+|(?:release|secret)\/[^/\s]+\/[^/\s]+|object\/[^/\s]+\/[^/\s]+\/[^/\s]+\/[^/\s]+)$/, means: 'an inventory id (namespace/<name>, release/<namespace>/<name>, secret/<namespace>/<name> or object/<group>/<kind>/<namespace>/<name>)' };
const OWNER = { oneOf: ['flux', 'terraform', 'manual'] } as const;

const ITEM: Shape = {
  fields: {
    id: ITEM_ID,
    owner: OWNER,
    component: 'string',
    stateful: 'boolean',
    protection: { oneOf: ['prune-disabled', 'prevent-destroy'] },
    address: 'string',
    apiVersion: 'string',
    digest: 'string',
    retention: 'string',
  },
  optional: ['protection', 'address', 'apiVersion', 'retention'],
};

const OWNERS: readonly unknown[] = OWNER.oneOf;
const PROTECTIONS: readonly unknown[] = [undefined, 'prune-disabled', 'prevent-destroy'];
const stringOrAbsent = (v: unknown) => v === undefined || typeof v === 'string';

/** True when every item has the shape of `ITEM`: the fast path of the check (`shapeProblem` says what is wrong). */
function itemsFit(items: unknown): boolean {
  if (!Array.isArray(items)) return false;
  for (const i of items as Record<string, unknown>[]) {
    if (typeof i !== 'object' || i === null || Array.isArray(i)) return false;
    if (typeof i.id !== 'string' || !ITEM_ID.pattern.test(i.id) || !OWNERS.includes(i.owner) || typeof i.component !== 'string') return false;
    if (typeof i.stateful !== 'boolean' || typeof i.digest !== 'string' || !PROTECTIONS.includes(i.protection)) return false;
    if (!stringOrAbsent(i.address) || !stringOrAbsent(i.apiVersion) || !stringOrAbsent(i.retention)) return false;
  }
  return true;
}

/** The shape of a platform's (or a fleet cluster's) inventory file. */
const INVENTORY: Shape = {
  fields: {
    format: 'integer',
    cluster: 'string',
    items: { list: ITEM },
    generatedSecrets: { list: 'string' },
    revisions: { map: 'integer' },
    retired: { list: { fields: { id: ITEM_ID, address: 'string' } } },
    moved: { list: { fields: { from: 'string', to: 'string' } } },
    imports: { list: { fields: { to: 'string', id: 'string' } } },
    kept: { list: { fields: { id: ITEM_ID, owner: OWNER } } },
    takeOwnership: { list: 'string' },
    automatedImages: { map: 'string' },
    sharedItems: 'string',
  },
  optional: ['moved', 'imports', 'kept', 'takeOwnership', 'automatedImages', 'sharedItems'],
};

/** The shape of a fleet's shared inventory file (`base/.ballast/inventory.json`). */
const SHARED_INVENTORY: Shape = { fields: { format: 'integer', items: { list: ITEM } } };

/** This ballast's version, for the message about a newer format. */
function ballastVersion(): string {
  try {
    const version = (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version?: unknown }).version;
    return typeof version === 'string' ? version : 'this version';
  } catch {
    return 'this version';
  }
}

/**
 * The inventory file `file` (of either kind) checked: undefined when there is none, else of the shape
 * `kind` names. `within` is the output folder it must not lead out of.
 */
export function readInventoryFile(file: string, within: string, kind: 'inventory' | 'shared'): unknown {
  const parsed = readCheckoutJson(file, INVENTORY_ROLE, { within });
  if (parsed === undefined) return undefined;
  const format = (parsed as { format?: unknown } | null)?.format;
  // A newer format first: its shape may differ, and what the user needs is the newer ballast.
  if (typeof format === 'number' && Number.isSafeInteger(format) && format > INVENTORY_FORMAT) {
    throw fileError(
      file,
      `${INVENTORY_ROLE.what} is in inventory format ${format}, written by a newer ballast; ballast ${ballastVersion()} reads format ${INVENTORY_FORMAT}`,
      `Upgrade ballast to the version the rest of the team synthesizes with (npm ci installs the one in package-lock.json); do not rewrite or delete ${shownPath(file)}: the guard reads from it what the last synth deployed`,
    );
  }
  // Items are most of an inventory (thousands): when they all fit, the rest is checked without them.
  const shape = kind === 'inventory' ? INVENTORY : SHARED_INVENTORY;
  const items = (parsed as { items?: unknown } | null)?.items;
  const checked = itemsFit(items) ? { ...(parsed as object), items: [] } : parsed;
  const problem = shapeProblem(checked, shape) ?? (format !== INVENTORY_FORMAT ? `format is not ${INVENTORY_FORMAT}` : undefined);
  if (problem) throw fileError(file, `${INVENTORY_ROLE.what} is not an inventory ballast wrote: ${problem}`, INVENTORY_ROLE.restore(shownPath(file)));
  return parsed;
}
