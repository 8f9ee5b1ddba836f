import * as fs from 'fs';
import * as path from 'path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { Manifest, sopsDecrypt } from '../../../lib/internal';
import { folderObjects } from '../e2e/rollout';

/** A Flux Kustomization of a synthesized tree's clusters/<cluster> folder. */
export interface StepKustomization {
  readonly name: string;
  readonly path: string;
  readonly dependsOn: string[];
}

/** The Kustomizations the root Kustomization applies from `clusters/<cluster>` of `fluxDir`. */
export function stepKustomizations(fluxDir: string, clusterName: string): StepKustomization[] {
  return folderObjects(fluxDir, path.join('clusters', clusterName))
    .map(({ object }) => object as Manifest & { spec: { path: string; dependsOn?: { name: string }[] } })
    .filter((o) => o.apiVersion.startsWith('kustomize.toolkit.fluxcd.io/') && o.kind === 'Kustomization')
    .map((o) => ({ name: o.metadata.name, path: o.spec.path, dependsOn: (o.spec.dependsOn ?? []).map((d) => d.name) }));
}

/** A SOPS-encrypted document of the tree, and its plaintext as decrypted with the test identity. */
export interface EncryptedDocument {
  readonly file: string;
  readonly plaintext: Manifest;
}

/**
 * Every SOPS-encrypted document of the folder `folder` (as its kustomization.yaml lists the files,
 * followed into listed folders), decrypted with `identity` by ballast's own sopsDecrypt.
 */
export function encryptedDocuments(fluxDir: string, folder: string, identity: string): EncryptedDocument[] {
  const { resources = [] } = parse(fs.readFileSync(path.join(fluxDir, folder, 'kustomization.yaml'), 'utf8')) as { resources?: string[] };
  return resources.flatMap((entry) => {
    const rel = path.join(folder, entry);
    const file = path.join(fluxDir, rel);
    if (fs.statSync(file).isDirectory()) return encryptedDocuments(fluxDir, rel, identity);
    return parseAllDocuments(fs.readFileSync(file, 'utf8'))
      .filter((doc) => (doc.toJSON() as { sops?: unknown } | null)?.sops !== undefined)
      .map((doc) => ({ file: rel, plaintext: sopsDecrypt(doc.toString(), identity) as Manifest }));
  });
}

/**
 * Takes `file` out of the resources of `folder`/kustomization.yaml and deletes it, in a copy of a tree:
 * the commit a user makes to drop a component. Throws when the folder does not list the file, so a
 * test editing a tree that changed shape fails instead of pushing the same tree again.
 */
export function dropResource(fluxDir: string, folder: string, file: string): void {
  const listing = path.join(fluxDir, folder, 'kustomization.yaml');
  const kustomization = parse(fs.readFileSync(listing, 'utf8')) as { resources?: string[] };
  if (!kustomization.resources?.includes(file)) {
    throw new Error(`${path.join(folder, 'kustomization.yaml')} does not list ${file} (it lists ${kustomization.resources?.join(', ')})`);
  }
  kustomization.resources = kustomization.resources.filter((r) => r !== file);
  fs.writeFileSync(listing, stringify(kustomization));
  fs.rmSync(path.join(fluxDir, folder, file));
}
