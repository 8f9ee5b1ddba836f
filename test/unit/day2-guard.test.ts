// Day 2: each synth is compared with the inventory the previous one committed. A change that would
// destroy or prune data, move something between Flux and Terraform, or rename a release is refused until
// it is acknowledged by name; then the output carries the handover. Read a case as an example of the workflow.
import * as fs from 'fs';
import * as path from 'path';
import { problemOf } from '../support/problems';
import { Duration, formatDiff, INVENTORY_FILE, planAgainstOutput, PRUNE_DISABLED, readInventory } from '../../lib/internal';
import { fluxObjects as objectsOfTree } from '../support/synth';
import { outputSnapshot, shapedPlatform, Shape, stackJson, synthShape, Workspace, workspace } from '../support/day2';

/** Every object of the Flux output, by `<Kind> <namespace>/<name>`. */
function fluxObjects(ws: Workspace): Map<string, Record<string, any>> {
  // kustomization.yaml files are objects without metadata: not the cluster's.
  const objects = objectsOfTree(ws.flux).map((o) => o.object).filter((o) => o.metadata);
  return new Map(objects.map((o) => [`${o.kind} ${o.metadata.namespace ?? '-'}/${o.metadata.name}`, o as Record<string, any>]));
}

const diffOf = (ws: Workspace, shape: Shape, acknowledge: string[] = []) =>
  formatDiff(planAgainstOutput(() => shapedPlatform(ws, shape), { fluxDir: ws.flux, acknowledge }), readInventory(ws.flux) !== undefined);

test('the inventory is committed with the output, and an unchanged re-synth is no change at all', () => {
  const ws = workspace();
  synthShape(ws);
  const inventory = readInventory(ws.flux)!;
  expect(fs.existsSync(path.join(ws.flux, INVENTORY_FILE))).toBe(true);
  const byId = new Map(inventory.items.map((i) => [i.id, i]));
  expect(byId.get('namespace/database')).toMatchObject({ owner: 'terraform', stateful: true, protection: 'prevent-destroy', address: 'kubernetes_namespace_v1.namespace_database' });
  expect(byId.get('release/monitoring/kube-prometheus-stack')).toMatchObject({ owner: 'flux', stateful: true, protection: 'prune-disabled', component: 'ballast/monitoring' });
  expect(byId.get('object/postgresql.cnpg.io/Cluster/database/postgres')).toMatchObject({ owner: 'flux', stateful: true, protection: 'prune-disabled' });
  // What Terraform protects with prevent_destroy is what the inventory says it does.
  const tf = stackJson(ws);
  for (const item of inventory.items.filter((i) => i.owner === 'terraform')) {
    const [type, name] = item.address!.split('.');
    expect([item.id, tf.resource[type][name].lifecycle?.prevent_destroy === true]).toEqual([item.id, item.protection === 'prevent-destroy']);
  }
  // The role credentials a retained Cluster names are protected like the data.
  expect(byId.get('secret/database/postgres-app-credentials')).toMatchObject({ owner: 'terraform', stateful: true });
  expect(byId.get('object/apps/Deployment/web/web')).toMatchObject({ owner: 'flux', stateful: false });
  // No secret value, nor a digest of one, is in it.
  expect(fs.readFileSync(path.join(ws.flux, INVENTORY_FILE), 'utf8')).not.toContain('AGE-SECRET');
  expect(inventory.revisions).toEqual({ app_db_password: 1, grafana_admin_password: 1, traefik_admin_users: 1 });

  expect(diffOf(ws, {})).toEqual({ text: expect.stringContaining('0 to add, 0 to change, 0 to remove'), exitCode: 0 });
  expect(synthShape(ws).plan.day2.changes).toEqual([]);
});

describe('removing a component that holds data', () => {
  const ws = workspace();
  synthShape(ws);
  const before = outputSnapshot(ws);

  test('is refused, naming each item, what would happen to it and how to acknowledge it; nothing is written', () => {
    const message = problemOf(() => void synthShape(ws, { postgres: false }));
    expect(message).toContain(
      'ballast: namespace/database (of ballast/postgres) holds data and is no longer in the code: Terraform would destroy kubernetes_namespace_v1.namespace_database. If that is what you want, acknowledge it by name (--acknowledge namespace/database',
    );
    expect(message).toContain('object/postgresql.cnpg.io/Cluster/database/postgres (of ballast/postgres) holds data and is no longer in the code: Flux stops managing it and, as it is prune-disabled, leaves it in the cluster');
    expect(message).toContain('secret/database/postgres-app-credentials (of ballast/postgres) holds data');
    expect(outputSnapshot(ws)).toEqual(before);
  });

  test('diff shows it first, as refused, and exits 2', () => {
    const { text, exitCode } = diffOf(ws, { postgres: false });
    expect(exitCode).toBe(2);
    expect(text.split('\n').find((l) => l.startsWith('  '))).toMatch(/\[refused: --acknowledge /);
    expect(text).toContain('- object/apps/Deployment/app/app removed (destroys or prunes)');
  });

  test('acknowledged by component: Terraform forgets its resources instead of destroying them, and keeps forgetting them', () => {
    const { plan } = synthShape(ws, { postgres: false }, { acknowledge: ['ballast/postgres'] });
    const removed = (stackJson(ws).removed as { from: string; lifecycle: { destroy: boolean } }[]).map((r) => `${r.from} destroy=${r.lifecycle.destroy}`);
    // The kept namespace keeps its Pod Security labels and reasons: forgotten with it.
    removed.sort();
    expect(removed).toEqual([
      'kubernetes_annotations.namespace_database_annotations destroy=false',
      'kubernetes_labels.namespace_database_labels destroy=false',
      'kubernetes_namespace_v1.namespace_database destroy=false',
      'kubernetes_secret_v1.secret_database_postgres-app-credentials destroy=false',
    ]);
    expect(plan.day2.changes.filter((c) => c.acknowledged).map((c) => c.id)).toEqual([
      'namespace/database',
      'object/postgresql.cnpg.io/Cluster/database/postgres',
      'object/postgresql.cnpg.io/Database/database/postgres-app',
      'secret/database/postgres-app-credentials',
    ]);
    expect(stackJson(ws).terraform.required_version).toBe('>= 1.11');
    // The next synth needs no acknowledgement, and the removed blocks stay: a state that was not applied
    // in between must still forget, not destroy.
    synthShape(ws, { postgres: false });
    expect((stackJson(ws).removed as { from: string }[]).map((r) => r.from).sort()).toEqual(removed.map((r) => r.split(' ')[0]));
    expect(readInventory(ws.flux)!.retired.map((r) => r.id)).toEqual(['namespace/database', 'secret/database/postgres-app-credentials']);
  });

  test('coming back into the code: Terraform adopts what the removal kept, and the forgetting ends', () => {
    expect(readInventory(ws.flux)!.kept).toEqual([
      { id: 'namespace/database', owner: 'terraform' },
      { id: 'object/postgresql.cnpg.io/Cluster/database/postgres', owner: 'flux' },
      { id: 'object/postgresql.cnpg.io/Database/database/postgres-app', owner: 'flux' },
      { id: 'secret/database/postgres-app-credentials', owner: 'terraform' },
    ]);
    // The kept role Secret cannot be imported (its password would reach the state): Terraform creates it
    // anew, so the re-add waits for the user to say so, and says how to keep the password.
    // (Mutation: importing Secrets like the rest makes the synth pass here.)
    const message = problemOf(() => void synthShape(ws, {}));
    expect(message).toContain('secret/database/postgres-app-credentials comes back into the code, owned by Terraform');
    expect(message).toContain(`export TF_VAR_app_db_password="$(kubectl -n database get secret postgres-app-credentials -o jsonpath='{.data.password}' | base64 -d)"`);
    expect(message).toContain('kubectl -n database delete secret postgres-app-credentials');
    synthShape(ws, {}, { acknowledge: ['secret/database/postgres-app-credentials'] });
    expect(stackJson(ws).removed).toBeUndefined();
    expect(readInventory(ws.flux)!.retired).toEqual([]);
    // The kept namespace is imported (mutation: no import for kept items makes this undefined).
    expect(stackJson(ws).import).toEqual([{ to: 'kubernetes_namespace_v1.namespace_database', id: 'database' }]);
    expect(readInventory(ws.flux)!.kept).toBeUndefined();
    // The import stays for the next synth, until the namespace leaves Terraform.
    synthShape(ws, {});
    expect(stackJson(ws).import).toEqual([{ to: 'kubernetes_namespace_v1.namespace_database', id: 'database' }]);
  });
});

test('a bootstrap secret that moves a Flux namespace to Terraform: refused, then handed over (Flux keeps it unpruned, Terraform imports it)', () => {
  const ws = workspace();
  synthShape(ws);
  expect(problemOf(() => void synthShape(ws, { appToken: true }))).toContain(
    'ballast: namespace/web would move from Flux to Terraform (because of ballast/web): without a handover Flux deletes it and Terraform finds it in the way. Acknowledge the move by name (--acknowledge namespace/web)',
  );
  synthShape(ws, { appToken: true }, { acknowledge: ['namespace/web'] });
  expect(stackJson(ws).import).toEqual([{ to: 'kubernetes_namespace_v1.namespace_web', id: 'web' }]);
  expect(fluxObjects(ws).get('Namespace -/web')!.metadata.annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
  // The next synth: Terraform owns it, Git no longer has it, nothing to acknowledge. The import block
  // stays (a synth before the apply must not drop it; Terraform ignores it once the state has the
  // namespace) until the namespace leaves Terraform. (Mutation: keeping imports for one synth only.)
  synthShape(ws, { appToken: true });
  expect(fluxObjects(ws).has('Namespace -/web')).toBe(false);
  expect(stackJson(ws).import).toEqual([{ to: 'kubernetes_namespace_v1.namespace_web', id: 'web' }]);
  synthShape(ws, { appToken: false }, { acknowledge: ['namespace/web'] });
  expect(stackJson(ws).import).toBeUndefined();
});

test('a Secret that moves from Git to Terraform is never imported: Flux releases it, Terraform creates it anew with values the user keeps', () => {
  const ws = workspace();
  synthShape(ws, { postgres: 'sops' });
  const message = problemOf(() => void synthShape(ws, { postgres: 'terraform' }));
  // The role's password changes unless the user gives Terraform the one the Secret holds: the message says how.
  expect(message).toContain(`export TF_VAR_app_db_password="$(kubectl -n database get secret postgres-app-credentials -o jsonpath='{.data.password}' | base64 -d)"`);
  // The database's copy is prune-disabled (the retained Cluster names it): the user deletes it right before the apply.
  expect(message).toContain('kubectl -n database delete secret postgres-app-credentials');
  // The app's copy is pruned by Flux first.
  expect(message).toMatch(/secret\/app\/postgres-app-credentials would move from Flux to Terraform[^]*Flux prunes it when it reconciles this commit; run terraform apply after that/);
  synthShape(ws, { postgres: 'terraform' }, { acknowledge: ['ballast/postgres', 'ballast/app'] });
  // Mutation: importing Secrets as before puts kubernetes_secret_v1 addresses here.
  expect((stackJson(ws).import as { to: string }[]).map((i) => i.to)).toEqual(['kubernetes_namespace_v1.namespace_app', 'kubernetes_namespace_v1.namespace_database']);
  expect(fluxObjects(ws).has('Secret database/postgres-app-credentials')).toBe(false);
});

test('switching deployWith: each release is handed over to its new backend', () => {
  const ws = workspace();
  synthShape(ws);
  const message = problemOf(() => void synthShape(ws, { traefik: 'flux', monitoring: 'terraform' }));
  expect(message).toContain('release/traefik/traefik would move from Terraform to Flux');
  expect(message).toContain('release/monitoring/kube-prometheus-stack would move from Flux to Terraform');
  synthShape(ws, { traefik: 'flux', monitoring: 'terraform' }, { acknowledge: ['ballast/traefik', 'ballast/monitoring'] });
  const tf = stackJson(ws);
  // Traefik leaves Terraform without being uninstalled; Flux's HelmRelease takes the release over.
  expect(tf.removed).toContainEqual({ from: 'helm_release.release_traefik_traefik', lifecycle: { destroy: false } });
  // Its plain objects go with it (its NetworkPolicies): Terraform forgets them without deleting them, and
  // Flux applies the same objects, so the namespace is never without its policies.
  expect(tf.removed).toContainEqual({ from: 'kubernetes_manifest.manifest_traefik_networkpolicy_traefik-ingress', lifecycle: { destroy: false } });
  expect((tf.removed as { lifecycle: { destroy: boolean } }[]).every((r) => r.lifecycle.destroy === false)).toBe(true);
  expect(fluxObjects(ws).get('NetworkPolicy traefik/traefik-ingress')).toBeDefined();
  expect(fluxObjects(ws).get('HelmRelease traefik/traefik')!.spec.suspend).toBeUndefined();
  // kube-prometheus-stack: Terraform adopts it; Flux keeps its HelmRelease once more, suspended and unpruned.
  expect(tf.import).toContainEqual({ to: 'helm_release.release_monitoring_kube-prometheus-stack', id: 'monitoring/kube-prometheus-stack' });
  // Its plain objects move too (kubernetes_manifest's import id names the full apiVersion).
  expect(tf.import).toContainEqual({
    to: 'kubernetes_manifest.manifest_monitoring_configmap_load-test-overview',
    id: 'apiVersion=v1,kind=ConfigMap,namespace=monitoring,name=load-test-overview',
  });
  expect(fluxObjects(ws).get('ConfigMap monitoring/load-test-overview')!.metadata.annotations).toMatchObject({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
  const kept = fluxObjects(ws).get('HelmRelease monitoring/kube-prometheus-stack')!;
  expect(kept.spec.suspend).toBe(true);
  expect(kept.metadata.annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
});

test('renaming a release that holds data is refused; acknowledged, Terraform forgets the old one', () => {
  const ws = workspace();
  synthShape(ws, { store: { releaseName: 'store', deployWith: 'terraform' } });
  expect(problemOf(() => void synthShape(ws, { store: { releaseName: 'store-v2', deployWith: 'terraform' } }))).toContain(
    'ballast: release/store/store would be renamed to release/store/store-v2: Terraform would delete the old one, which holds data, and install the new one from nothing',
  );
  // The refusal gives the order of steps that moves the release without taking it down.
  const refusal = problemOf(() => void synthShape(ws, { store: { releaseName: 'store-v2', deployWith: 'terraform' } }));
  expect(refusal).toContain('Acknowledged, in this order: terraform apply installs store-v2 in store with take_ownership');
  expect(refusal).toContain('make Helm forget the old release without deleting what the new one adopted (helm uninstall would delete it): kubectl -n store delete secret -l owner=helm,name=store');
  synthShape(ws, { store: { releaseName: 'store-v2', deployWith: 'terraform' } }, { acknowledge: ['release/store/store'] });
  expect(stackJson(ws).removed).toEqual([{ from: 'helm_release.release_store_store', lifecycle: { destroy: false } }]);
  // The new release takes ownership of the old one's objects, in this synth and the next (mutation:
  // without it the real apply stops at "invalid ownership metadata", test/e2e/release-rename.test.ts).
  expect(stackJson(ws).resource.helm_release['release_store_store-v2'].take_ownership).toBe(true);
  synthShape(ws, { store: { releaseName: 'store-v2', deployWith: 'terraform' } });
  expect(stackJson(ws).resource.helm_release['release_store_store-v2'].take_ownership).toBe(true);
  expect(stackJson(ws).resource.helm_release.release_traefik_traefik.take_ownership).toBeUndefined();
});

test('moving a database\'s Secrets from Terraform to Git is an owner change like any other', () => {
  const ws = workspace();
  synthShape(ws, { postgres: 'terraform' });
  const message = problemOf(() => void synthShape(ws, { postgres: 'sops' }));
  expect(message).toContain('secret/database/postgres-app-credentials would move from Terraform to Flux');
  // The role password would become the secrets file's generated one: the message says how to keep the
  // one Terraform wrote (mutation: without it, the password changes under the running apps unannounced).
  expect(message).toContain(
    `its values become the generated ones of ${ws.secrets} (app_db_password), not the ones Terraform wrote: to keep those (running apps use them), store them in the file before this synth (each must be URL-safe and as long as the generated one: app_db_password 32 characters; a value that is not cannot be kept, so rotate it instead), for each key: v="$(kubectl -n database get secret postgres-app-credentials -o jsonpath='{.data.password}' | base64 -d)"; sops --set `,
  );
  expect(message).toContain(String.raw`sops --set "[\"generated\"][\"app_db_password\"] \"$v\"" ` + ws.secrets);
  expect(message).toContain('namespace/database would move from Terraform to Flux');
  synthShape(ws, { postgres: 'sops' }, { acknowledge: ['ballast/postgres', 'ballast/app'] });
  expect((stackJson(ws).removed as { from: string }[]).map((r) => r.from).sort()).toEqual([
    'kubernetes_annotations.namespace_app_annotations',
    'kubernetes_annotations.namespace_database_annotations',
    'kubernetes_labels.namespace_app_labels',
    'kubernetes_labels.namespace_database_labels',
    'kubernetes_namespace_v1.namespace_app',
    'kubernetes_namespace_v1.namespace_database',
    'kubernetes_secret_v1.secret_app_postgres-app-credentials',
    'kubernetes_secret_v1.secret_database_postgres-app-credentials',
  ]);
});

test('an unchanged object whose Terraform address changed (an older naming) moves in the state, without asking', () => {
  const ws = workspace();
  synthShape(ws);
  // As if an earlier version had named the release's resource differently.
  const file = path.join(ws.flux, INVENTORY_FILE);
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"address":"helm_release.release_traefik_traefik"', '"address":"helm_release.traefik"'));
  const { plan } = synthShape(ws);
  expect(stackJson(ws).moved).toEqual([{ from: 'helm_release.traefik', to: 'helm_release.release_traefik_traefik' }]);
  expect(plan.day2.changes.map((c) => `${c.kind} ${c.id}`)).toEqual(['address release/traefik/traefik']);
  // It stays for the next synths, as removed blocks do: a state not applied in between still moves.
  synthShape(ws);
  expect(stackJson(ws).moved).toEqual([{ from: 'helm_release.traefik', to: 'helm_release.release_traefik_traefik' }]);
});

test('an acknowledgement that names nothing guarded is an error, and nothing is written', () => {
  const ws = workspace();
  synthShape(ws);
  const before = outputSnapshot(ws);
  expect(problemOf(() => void synthShape(ws, {}, { acknowledge: ['namespace/nothing'] }))).toBe(
    'ballast: acknowledge names namespace/nothing, which this synth neither removes, renames nor moves between owners. Remove it from the acknowledgements (an acknowledgement holds for the one synth that makes the change).',
  );
  expect(outputSnapshot(ws)).toEqual(before);
});

test('diff: 0 without changes, 1 for changes, 2 when something would be pruned', () => {
  const ws = workspace();
  synthShape(ws, { extraApp: false });
  expect(diffOf(ws, { extraApp: false }).exitCode).toBe(0);
  const added = diffOf(ws, {});
  expect(added.exitCode).toBe(1);
  expect(added.text).toContain('+ object/apps/Deployment/web/web added');
  synthShape(ws, {});
  const removed = diffOf(ws, { extraApp: false });
  expect(removed.exitCode).toBe(2);
  expect(removed.text).toMatch(/^flux:\n {2}- namespace\/web removed \(destroys or prunes\)\n {6}Flux prunes it from the cluster\n {2}- object\/apps\/Deployment\/web\/web removed/m);
});

describe('a backup store holds data', () => {
  const STORE = 'object/barmancloud.cnpg.io/ObjectStore/database/postgres-backups';
  const ws = workspace();
  synthShape(ws, { backupRetention: Duration.days(30) });

  test('its ObjectStore is prune-disabled, and the inventory records its retention', () => {
    const store = fluxObjects(ws).get('ObjectStore database/postgres-backups')!;
    expect(store.metadata.annotations).toEqual(PRUNE_DISABLED);
    expect(readInventory(ws.flux)!.items.find((i) => i.id === STORE)).toMatchObject({ owner: 'flux', stateful: true, protection: 'prune-disabled', retention: '30d' });
  });

  // Mutation: making retentionDays in lib/day2/guard.ts return the same number for every retention lets
  // the shorter one through, and this test fails.
  test('shortening its retention is refused until acknowledged; lengthening it is not', () => {
    const before = outputSnapshot(ws);
    expect(problemOf(() => void synthShape(ws, { backupRetention: Duration.days(7) }))).toBe(
      `ballast: ${STORE} would keep backups for 7d instead of 30d: the plugin would delete the older backups, and no restore could reach back that far any more (${path.join(ws.flux, INVENTORY_FILE)}). If that is what you want, acknowledge it by name (--acknowledge ${STORE}, or acknowledge: ['${STORE}'] in the platform config); to keep them, keep the retention.`,
    );
    expect(outputSnapshot(ws)).toEqual(before);
    const { plan } = synthShape(ws, { backupRetention: Duration.days(7) }, { acknowledge: [STORE] });
    expect(plan.day2.changes.find((c) => c.id === STORE)).toMatchObject({ kind: 'changed', guarded: true, acknowledged: true });
    expect(synthShape(ws, { backupRetention: Duration.days(60) }).plan.day2.changes.find((c) => c.id === STORE)).toMatchObject({ kind: 'changed', guarded: false });
  });

  // Mutation: removing PRUNE_DISABLED from the ObjectStore in lib/components/database/postgres-backup.ts
  // makes the removal pass unasked, and this test fails.
  test('removing the backups is refused like removing a database, naming the store', () => {
    expect(problemOf(() => void synthShape(ws, {}))).toContain(`${STORE} (of ballast/postgres) holds data and is no longer in the code: Flux stops managing it and, as it is prune-disabled, leaves it in the cluster`);
  });
});
