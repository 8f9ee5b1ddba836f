// `diff` shows what changes inside an object, as `terraform plan` does inside a resource: each field with
// its old and new value (secret values masked), the immutable fields the API server would refuse, and a
// data-loss warning (exit 2) for a volume that shrinks. Read a case as an example of what a reviewer sees.
import * as path from 'path';
import { diffJson, formatDiff, planAgainstOutput, readInventory, Size } from '../../lib/internal';
import { fieldDiffs, objectDiff } from '../../lib/synth/field-diff';
import { shapedPlatform, Shape, synthShape, Workspace, workspace } from '../support/day2';

/** `ballast diff` of `shape` against the workspace, with its field changes. */
function diffOf(ws: Workspace, shape: Shape): { text: string; exitCode: number; json: ReturnType<typeof diffJson> } {
  const plan = planAgainstOutput(() => shapedPlatform(ws, shape), { fluxDir: ws.flux });
  const fields = fieldDiffs(plan, ws.flux, path.join(ws.terraform, 'stacks', 'ballast', 'cdk.tf.json'));
  return { ...formatDiff(plan, readInventory(ws.flux) !== undefined, fields), json: diffJson(plan, true, fields) };
}

test('an image change: the field, its old and its new value', () => {
  const ws = workspace();
  synthShape(ws);
  const { text, exitCode } = diffOf(ws, { webImage: 'ghcr.io/example/web:1.1.0' });
  expect(exitCode).toBe(1);
  // Mutation: formatDiff without the field lines prints the object id only.
  expect(text).toContain(
    '  ~ object/apps/Deployment/web/web changed\n      ~ spec.template.spec.containers[0].image: "ghcr.io/example/web:1.0.0" -> "ghcr.io/example/web:1.1.0"\n',
  );
});

test("PostgreSQL's volume shrinking: a data-loss warning, and exit 2; growing it is a plain change", () => {
  const ws = workspace();
  synthShape(ws, { postgresStorage: Size.gibibytes(20) });
  const shrink = diffOf(ws, { postgresStorage: Size.gibibytes(10) });
  expect(shrink.text).toContain('~ object/postgresql.cnpg.io/Cluster/database/postgres changed (loses data)');
  expect(shrink.text).toContain('      ~ spec.storage.size: "20Gi" -> "10Gi"\n      ! loses data: spec.storage.size shrinks from 20Gi to 10Gi');
  // Mutation: comparing the sizes as strings ("20Gi" > "100Gi") gets one of these two wrong.
  expect(shrink.exitCode).toBe(2);
  const grow = diffOf(ws, { postgresStorage: Size.gibibytes(100) });
  expect(grow.exitCode).toBe(1);
  expect(grow.text).not.toContain('loses data');
  // For bots: the same, as JSON.
  const change = shrink.json.changes.find((c) => c.id === 'object/postgresql.cnpg.io/Cluster/database/postgres')!;
  expect(change).toMatchObject({ kind: 'changed', owner: 'flux', destructive: true, fields: [{ path: 'spec.storage.size', before: '20Gi', after: '10Gi' }] });
  expect(shrink.json.exitCode).toBe(2);
});

test('a Secret: values never show, masked as terraform plan masks sensitive values', () => {
  const d = objectDiff('secret/x/y', 'Secret', { type: 'Opaque', stringData: { password: 'old-value' } }, { type: 'Opaque', stringData: { password: 'new-value' } }, false)!;
  expect(d.fields).toEqual([{ path: 'stringData.password', sensitive: true, before: '(sensitive value)', after: '(sensitive value)' }]);
  expect(JSON.stringify(d)).not.toMatch(/old-value|new-value/);
});

test('immutable fields: the API server refuses them, the object is replaced (and what holds data loses it)', () => {
  const selector = objectDiff('object/apps/Deployment/a/a', 'Deployment', { spec: { selector: { matchLabels: { app: 'a' } } } }, { spec: { selector: { matchLabels: { app: 'b' } } } }, false)!;
  expect(selector.immutable).toEqual(['spec.selector.matchLabels.app: spec.selector is immutable: the API server refuses the change, so the object must be deleted and created again']);
  expect(selector.dataLoss).toEqual([]);
  const job = objectDiff('object/batch/Job/a/a', 'Job', { spec: { template: { spec: { containers: [{ image: 'a:1' }] } } } }, { spec: { template: { spec: { containers: [{ image: 'a:2' }] } } } }, false)!;
  expect(job.immutable[0]).toMatch(/^spec\.template\.spec\.containers\[0\]\.image: a Job's pod template is immutable/);
  const claim = objectDiff('object/core/PersistentVolumeClaim/a/data', 'PersistentVolumeClaim', { spec: { storageClassName: 'fast' } }, { spec: { storageClassName: 'slow' } }, true)!;
  expect(claim.dataLoss).toEqual(['it holds data, and a change of an immutable field replaces it']);
});

test("NetworkPolicies are objects like any other: diff shows a service's policies going with it", () => {
  const ws = workspace();
  synthShape(ws);
  const { text, json } = diffOf(ws, { extraApp: false });
  // Mutation: policies written outside the components' objects (by a renderer) are not in the inventory,
  // and diff would not show them.
  const policies = json.changes.filter((c) => c.id.startsWith('object/networking.k8s.io/NetworkPolicy/web/'));
  expect(policies.map((c) => [c.id, c.kind]).sort()).toEqual([
    ['object/networking.k8s.io/NetworkPolicy/web/default-deny-ingress', 'removed'],
    ['object/networking.k8s.io/NetworkPolicy/web/web-egress', 'removed'],
    ['object/networking.k8s.io/NetworkPolicy/web/web-ingress', 'removed'],
  ]);
  expect(text).toContain('object/networking.k8s.io/NetworkPolicy/web/web-egress');
});
