import { App } from 'cdk8s';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { defaultPlatform } from '../../apps/platform';
import { standInIssuer } from '../../lib/testing/stand-in-issuer';
import { ageRecipientOf, DeploymentPlan, generateAgeIdentity, Manifest, planPlatform, Platform, synthFlux, synthTerraform } from '../../lib/internal';

/**
 * The age key of this test run (SOPS_AGE_KEY, set by the global setup for every worker): the test platforms'
 * encrypted Secrets and the run's secrets file are written for it, so that the tests can decrypt them.
 */
export const TEST_AGE = ((identity = process.env.SOPS_AGE_KEY ?? generateAgeIdentity().identity) => ({ identity, recipient: ageRecipientOf(identity) }))();

/** The default platform, planned (fresh constructs every call), its Secrets encrypted for TEST_AGE. */
export function defaultPlan(): { platform: Platform; plan: DeploymentPlan } {
  const platform = defaultPlatform(new App(), { ageRecipients: [TEST_AGE.recipient] });
  return { platform, plan: plannedAndSaved(platform) };
}

/**
 * Plans `platform` and saves the generated secrets it made (as a synth does), so that the next plan of the
 * same platform in this worker reads the same values from the worker's secrets file. A test platform with
 * routes and no issuer gets the stand-in issuer `synthComponent` gives (the TLS tests plan without it).
 */
export function plannedAndSaved(platform: Platform): DeploymentPlan {
  standInIssuer(platform);
  const plan = planPlatform(platform);
  plan.day2.secretStore.save();
  return plan;
}

const tempDirs: string[] = [];
// Registered when a test file imports this module (hooks cannot be added from inside a test).
afterAll(() => tempDirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** A new temporary folder, removed after the test file's tests. */
export function tempDir(prefix = 'ballast-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** Synthesizes both backends of `platform` into a new temporary folder; returns its path. */
export function synthToTemp(platform: Platform = defaultPlan().platform): string {
  const dir = tempDir('ballast-dist-');
  const plan = plannedAndSaved(platform);
  fs.mkdirSync(path.join(dir, 'flux'));
  fs.mkdirSync(path.join(dir, 'cdktf'));
  synthFlux(plan, path.join(dir, 'flux'));
  // As if written to dist/cdktf: the local state path is relative to the final folder.
  synthTerraform(plan, path.join(dir, 'cdktf'), { finalOutdir: 'dist/cdktf' });
  return dir;
}

/** Every file under `dir`, relative path -> content, sorted by path. */
export function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/** Every YAML document of the Flux tree under `fluxDir`, with the file it is in. */
export function fluxObjects(fluxDir: string): { file: string; object: Manifest }[] {
  const out: { file: string; object: Manifest }[] = [];
  for (const [file, content] of Object.entries(readTree(fluxDir))) {
    if (!file.endsWith('.yaml')) continue;
    for (const doc of parseAllDocuments(content)) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
      const object = doc.toJSON() as Manifest;
      if (object) out.push({ file, object });
    }
  }
  return out;
}

/** The Terraform JSON of the stack under `cdktfDir`. */
export function terraformJson(cdktfDir: string): Record<string, any> {
  return JSON.parse(fs.readFileSync(path.join(cdktfDir, 'stacks', 'ballast', 'cdk.tf.json'), 'utf8'));
}
