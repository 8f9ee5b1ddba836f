// Flux's own controllers reconcile one cluster of a fleet: source-controller clones the fleet repository,
// kustomize-controller builds clusters/staging/<step> (the shared base/ folders, staging's own files and
// its patches over the base), decrypts its SOPS Secrets and applies it to a real kube-apiserver.
import { execFileSync } from 'child_process';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { exampleFleet } from '../../apps/fleet';
import { FLUX_STEPS, Manifest, Platform, STEP_FOLDERS, synthFleet } from '../../lib/internal';
import { getFluxObject, getObject, idOf, inventoryId } from '../support/flux/kube';
import { FluxTestbed } from '../support/flux/testbed';
import { encryptedDocuments, stepKustomizations } from '../support/flux/tree';
import { needsReferenceData } from '../support/reference-gate';
import { tempDir, TEST_AGE } from '../support/synth';
import { toolPath } from '../support/tools';

const dist = tempDir('ballast-fleet-');
const fluxDir = path.join(dist, 'flux');
const { plans } = synthFleet(exampleFleet({ ageRecipients: [TEST_AGE.recipient] }), { fluxDir, terraformDir: path.join(dist, 'cdktf') });
const { plan } = plans.find((p) => p.cluster === 'staging')!;
const platform = plan.platform as unknown as Platform;
const steps = stepKustomizations(fluxDir, 'staging');

const reconciled = needsReferenceData("a fleet cluster reconciled by Flux's own controllers");
let bed: FluxTestbed;
reconciled.beforeAll(async () => {
  bed = await FluxTestbed.start();
}, 300_000);
afterAll(() => bed?.stop());

/** What kustomize builds from a folder of the repository, as inventory ids. */
function builtIds(folder: string): string[] {
  const out = execFileSync(toolPath('kubectl'), ['kustomize', path.join(fluxDir, folder)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return parseAllDocuments(out)
    .map((d) => d.toJSON() as Manifest)
    .filter((o) => o)
    .map((o) => inventoryId(idOf(o)))
    .sort();
}

test("staging's Flux Kustomizations apply its own step folders under clusters/staging", () => {
  expect(steps.map((s) => s.path).sort()).toEqual(FLUX_STEPS.map((s) => `./clusters/staging/${STEP_FOLDERS[s]}`).sort());
});

reconciled.test('every step is Ready at the pushed revision and applied what kustomize builds from its folder, base and patches included', async () => {
  const commit = await bed.push(fluxDir, 'ballast: the example fleet', platform.git.path);
  await bed.bootstrap(platform, plan, TEST_AGE.identity);
  await bed.waitForKustomizations(['flux-system', ...steps.map((s) => s.name)], commit);
  for (const step of steps) {
    const live = await getFluxObject(bed.server, { kind: 'Kustomization', name: step.name });
    const inventory = (live?.status?.inventory?.entries ?? []).map((e) => e.id).sort();
    expect({ step: step.name, inventory }).toEqual({ step: step.name, inventory: builtIds(step.path) });
  }
  // A shared object with staging's patch applied: the base holds production's 20Gi, staging's patch 10Gi.
  const cluster = await getObject(bed.server, { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', namespace: 'database', name: 'postgres' });
  expect((cluster?.spec as { storage: { size: string } }).storage.size).toBe('10Gi');
  // Staging's own encrypted Secrets, decrypted by kustomize-controller.
  const secrets = FLUX_STEPS.flatMap((s) => encryptedDocuments(fluxDir, `clusters/staging/${STEP_FOLDERS[s]}`, TEST_AGE.identity));
  expect(secrets.length).toBeGreaterThanOrEqual(2);
  for (const { plaintext } of secrets) expect(await getObject(bed.server, idOf(plaintext))).toBeDefined();
});
