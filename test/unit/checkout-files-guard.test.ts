// The guard's view of the previous output is the inventory checked against what the output itself holds:
// an inventory edited by hand (a line removed, a flag flipped, the whole file deleted) cannot hide a
// data-holding object whose Flux file or Terraform resource is still there, so its removal is refused
// until acknowledged, as it would be with the intact inventory.
import * as fs from 'fs';
import * as path from 'path';
import { guardView } from '../../lib/day2/guard-view';
import { INVENTORY_FILE, readInventory } from '../../lib/internal';
import { problemOf } from '../support/problems';
import { outputSnapshot, synthShape, workspace, Workspace } from '../support/day2';

const CLUSTER = 'object/postgresql.cnpg.io/Cluster/database/postgres';
const inventoryFile = (ws: Workspace) => path.join(ws.flux, INVENTORY_FILE);

/** The inventory file without the lines of `ids` (items listed one a line, as ballast writes them). */
function hide(ws: Workspace, ...ids: string[]): void {
  const lines = fs.readFileSync(inventoryFile(ws), 'utf8').split('\n');
  const kept = lines.filter((l) => !ids.some((id) => l.includes(`{"id":${JSON.stringify(id)},`)));
  expect(lines.length - kept.length).toBe(ids.length);
  // The last item keeps no trailing comma: the file stays valid JSON, as a careful hand edit leaves it.
  fs.writeFileSync(inventoryFile(ws), kept.join('\n').replace(/,(\n {2}\])/, '$1'));
}

/** The items of the postgres component that hold data, by id. */
const postgresData = (ws: Workspace) => readInventory(ws.flux)!.items.filter((i) => i.component === 'ballast/postgres' && i.stateful).map((i) => i.id);

test('an intact output adds nothing to the guard’s view (the inventory already lists all it holds)', () => {
  for (const shape of [{}, { postgres: 'sops' as const, monitoring: 'terraform' as const }, { store: { releaseName: 'store', deployWith: 'terraform' as const } }]) {
    const ws = workspace();
    synthShape(ws, shape);
    const inventory = readInventory(ws.flux)!;
    // Mutation: guardView adding every held object, listed or not, makes this fail (the same object back is expected).
    expect(guardView(inventory, ws.flux, ws.terraform, inventory.cluster)).toBe(inventory);
  }
});

describe('an inventory edited to hide a database', () => {
  test('a Cluster removed from inventory.json while its file holds it: its removal is still refused; nothing is written', () => {
    const ws = workspace();
    synthShape(ws);
    hide(ws, ...postgresData(ws));
    const before = outputSnapshot(ws);
    const message = problemOf(() => void synthShape(ws, { postgres: false }));
    // Mutation: without guardView at the call site (previous = the file's inventory), this synth passes.
    expect(message).toContain(`${CLUSTER} (of ballast/postgres) holds data and is no longer in the code: Flux stops managing it and, as it is prune-disabled, leaves it in the cluster`);
    // The Terraform side is read too: the namespace and the role credentials have prevent_destroy.
    expect(message).toContain('namespace/database (of ballast/postgres) holds data and is no longer in the code: Terraform would destroy kubernetes_namespace_v1.namespace_database');
    expect(message).toContain('secret/database/postgres-app-credentials (of ballast/postgres) holds data');
    expect(outputSnapshot(ws)).toEqual(before);
    // Acknowledged by its component, as with the intact inventory, it passes: what holds data is kept.
    const passed = synthShape(ws, { postgres: false }, { acknowledge: ['ballast/postgres'] });
    expect(passed.plan.day2.handover.kept.map((k) => k.id)).toEqual(expect.arrayContaining([CLUSTER, 'namespace/database']));
  });

  test('a flag flipped to stateful: false is raised again from the file’s prune-disabled annotation', () => {
    const ws = workspace();
    synthShape(ws);
    const text = fs.readFileSync(inventoryFile(ws), 'utf8');
    const line = text.split('\n').find((l) => l.includes(`{"id":"${CLUSTER}",`))!;
    fs.writeFileSync(inventoryFile(ws), text.replace(line, line.replace('"stateful":true', '"stateful":false').replace(',"protection":"prune-disabled"', '')));
    const view = guardView(readInventory(ws.flux), ws.flux, ws.terraform, 'test')!;
    // Mutation: skipping the "listed but not stateful" branch in guardView makes this fail.
    expect(view.items.find((i) => i.id === CLUSTER)).toMatchObject({ stateful: true, protection: 'prune-disabled' });
  });

  test('a deleted inventory: the output’s files alone are the view, and the removal is refused', () => {
    const ws = workspace();
    synthShape(ws);
    fs.rmSync(inventoryFile(ws));
    const message = problemOf(() => void synthShape(ws, { postgres: false }));
    // Nothing names its component: its file does, and acknowledges all that file holds.
    expect(message).toContain(`${CLUSTER} (of infrastructure/configs/postgres.yaml) holds data and is no longer in the code`);
    expect(message).toContain('namespace/database (of infrastructure/configs/postgres.yaml) holds data');
  });

  test('a Terraform release that holds data, hidden from the inventory, is still guarded by its prevent_destroy', () => {
    const ws = workspace();
    const store = { releaseName: 'store', deployWith: 'terraform' as const };
    synthShape(ws, { store });
    hide(ws, 'release/store/store', 'namespace/store');
    const message = problemOf(() => void synthShape(ws));
    // Mutation: terraformHoldings returning [] makes this synth pass.
    expect(message).toContain('release/store/store (of release/store/store) holds data and is no longer in the code: Terraform would destroy helm_release.release_store_store');
  });
});
