import * as fs from 'fs';
import * as path from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { sopsDecrypt } from '../../../lib/internal';
import { TEST_AGE } from '../synth';
import { componentFileName, DeploymentPlan, FLUX_STEPS, Manifest, MANUAL_FOLDER, STEP_FOLDERS, terraformObjects } from '../../../lib/internal';

/** One object to apply, and where it comes from (for error messages). */
export interface Rollout {
  readonly source: string;
  readonly object: Manifest;
}

/**
 * The objects of a Flux Kustomization's folder, in the order its kustomization.yaml lists them (a listed
 * folder is followed into its own kustomization.yaml, as kustomize does).
 */
export function folderObjects(fluxDir: string, folder: string, identity: string = TEST_AGE.identity): Rollout[] {
  const listing = path.join(fluxDir, folder, 'kustomization.yaml');
  if (!fs.existsSync(listing)) throw new Error(`${path.relative(fluxDir, listing)} is missing`);
  const { resources = [] } = parse(fs.readFileSync(listing, 'utf8')) as { resources?: string[] };
  return resources.flatMap((entry) => {
    const rel = path.join(folder, entry);
    const file = path.join(fluxDir, rel);
    if (fs.statSync(file).isDirectory()) return folderObjects(fluxDir, rel, identity);
    return parseAllDocuments(fs.readFileSync(file, 'utf8'))
      // An encrypted Secret reaches the cluster decrypted, as kustomize-controller applies it.
      .map((doc) => {
        const object = doc.toJSON() as (Manifest & { sops?: unknown }) | null;
        return object?.sops ? (sopsDecrypt(doc.toString(), identity) as Manifest) : object;
      })
      .filter((object): object is Manifest => object !== null)
      .map((object) => ({ source: `dist/flux/${rel}`, object }));
  });
}

/**
 * Every Kubernetes object ballast produces, in the order they reach a cluster: Terraform first (its
 * namespaces, then the Secrets Flux and the charts read, then its plain objects), then Flux's own
 * Kustomizations under clusters/<cluster>/, then each Flux step in dependency order. Terraform objects
 * carry `test-<variable>` where Terraform would put a sensitive variable.
 */
export function rolloutOrder(plan: DeploymentPlan, fluxDir: string): Rollout[] {
  const tf = terraformObjects(plan, (v) => `test-${v.variable}`);
  return [
    ...tf.namespaces.map((object) => ({ source: 'dist/cdktf (Terraform namespace)', object })),
    ...tf.secrets.map((object) => ({ source: 'dist/cdktf (Terraform secret)', object })),
    ...tf.manifests.map((object) => ({ source: 'dist/cdktf (Terraform manifest)', object })),
    ...folderObjects(fluxDir, path.join('clusters', plan.platform.clusterName)),
    ...FLUX_STEPS.flatMap((step) => folderObjects(fluxDir, STEP_FOLDERS[step])),
    // Load tests, as someone applies them by hand once the platform runs.
    ...plan.manual.flatMap(({ component }) => folderObjects(fluxDir, path.join(MANUAL_FOLDER, componentFileName(component)))),
  ];
}
