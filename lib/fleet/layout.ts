import * as path from 'path';
import { toYaml } from '../core/yaml';
import { INVENTORY_FILE } from '../day2/inventory';
import type { FileTree, FluxDocument, FluxRepository } from '../flux/repository';
import type { Manifest } from '../model/manifest';
import { jsonPatch, JsonPatchOperation } from './json-patch';

/** The Flux repository of one cluster of a fleet, rendered as if it were alone (`renderFluxRepository`). */
export interface ClusterRepository {
  readonly cluster: string;
  readonly repo: FluxRepository;
}

// The folders of the layout are named where previous outputs are read (day2), which both programs do.
import { BASE_FOLDER, CLUSTERS_FOLDER } from '../day2/previous-output';
export { BASE_FOLDER, CLUSTERS_FOLDER };

/** What the layout shared and what it kept per cluster, for the synth summary and the bench. */
export interface FleetLayoutStats {
  /** Files written once under `base/`. */
  readonly baseFiles: number;
  /** Resource files a cluster holds on its own (whole, or the part no other cluster shares). */
  readonly ownFiles: number;
  /** JSON6902 patches over base objects, in all clusters. */
  readonly patches: number;
}

/** The fleet's Flux repository: every cluster's tree under `clusters/<name>/`, what they share under `base/`. */
export interface FleetLayout {
  readonly files: FileTree;
  readonly stats: FleetLayoutStats;
}

/** Why a cluster holds a file (or part of it) on its own: written as a comment in its kustomization.yaml. */
const REASONS = {
  only: 'only this cluster has it',
  chart: "its chart version or source differs from the shared one, so the whole file is this cluster's",
  automation: "Flux's image automation commits tags to it, and each cluster's automation commits only its own tree",
  encrypted: 'SOPS-encrypted Secrets (encrypted per cluster; a patch would break their MAC)',
  partial: 'objects that not every cluster sharing the file has',
} as const;
type Reason = keyof typeof REASONS;

/** One cluster's kustomization folder while it is laid out. */
interface ClusterFolder {
  readonly resources: string[];
  readonly patches: { target: Record<string, string>; patch: string }[];
  readonly reasons: Map<string, Set<Reason>>;
}

/**
 * Lays several clusters' Flux trees out as one repository, after Flux's multi-cluster example: each
 * cluster's step folders move to `clusters/<name>/<step>/`; a resource file that more than one cluster has
 * is written once as a kustomization of its own, `base/<step>/<file name>/`, with the objects of the
 * largest group of clusters that render it alike (ties go to `baseline`, then to the first cluster); each
 * cluster's `kustomization.yaml` lists the base folders it uses, its own files, and a JSON6902 patch for
 * every object of a base file it renders differently, so that one file shows all a cluster's differences.
 *
 * Kept whole per cluster, and listed with the reason in the kustomization.yaml: files only one cluster has;
 * files whose chart version or source differs from the shared one (the values belong to that chart);
 * files Flux's image automation writes tags into. Kept per cluster in its own file beside the base:
 * SOPS-encrypted Secrets, and objects only some of the sharing clusters have.
 *
 * Base folders are kustomizations rather than loose files because kustomize loads a file only from below
 * the kustomization's own folder (its default load restrictor, which `kubectl kustomize` applies);
 * a folder elsewhere is loaded as a kustomization of its own.
 */
export function layoutFleet(clusters: readonly ClusterRepository[], baseline?: string): FleetLayout {
  const order = clusters.map((c) => c.cluster);
  const files: FileTree = new Map();
  const folders = new Map<string, ClusterFolder>();
  const folderOf = (cluster: string, dir: string): ClusterFolder => {
    const key = `${cluster}\0${dir}`;
    let folder = folders.get(key);
    if (!folder) folders.set(key, (folder = { resources: [], patches: [], reasons: new Map() }));
    return folder;
  };
  const own = (cluster: string, file: string, docs: readonly FluxDocument[], reason: Reason) => {
    const dir = path.posix.dirname(file);
    const folder = folderOf(cluster, dir);
    files.set(`${CLUSTERS_FOLDER}/${cluster}/${file}`, docs.map((d) => d.text).join('---\n'));
    folder.resources.push(path.posix.basename(file));
    const reasons = folder.reasons.get(path.posix.basename(file)) ?? new Set<Reason>();
    reasons.add(reason);
    folder.reasons.set(path.posix.basename(file), reasons);
  };
  let baseFiles = 0;
  let patches = 0;

  // Which clusters have each resource file, and each cluster's kustomization folders (an empty step too).
  const holders = new Map<string, string[]>();
  for (const { cluster, repo } of clusters) {
    for (const [file, content] of repo.files) {
      if (file.startsWith(`${CLUSTERS_FOLDER}/`)) files.set(`${CLUSTERS_FOLDER}/${cluster}/${file.slice(`${CLUSTERS_FOLDER}/${cluster}/`.length)}`, content);
      // The inventories are laid out on their own (fleetInventoryFiles): what clusters share is kept once.
      else if (file === INVENTORY_FILE) continue;
      else if (path.posix.basename(file) === 'kustomization.yaml') folderOf(cluster, path.posix.dirname(file));
      else if (repo.documents.has(file)) holders.set(file, [...(holders.get(file) ?? []), cluster]);
      else files.set(`${CLUSTERS_FOLDER}/${cluster}/${file}`, content);
    }
  }
  const repoOf = new Map(clusters.map((c) => [c.cluster, c.repo]));
  const docsOf = (cluster: string, file: string) => repoOf.get(cluster)!.documents.get(file)!;

  for (const [file, having] of [...holders].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (having.length === 1) {
      own(having[0], file, docsOf(having[0], file), 'only');
      continue;
    }
    if (having.some((c) => docsOf(c, file).some((d) => d.text.includes('"$imagepolicy"')))) {
      for (const c of having) own(c, file, docsOf(c, file), 'automation');
      continue;
    }
    // The clusters that share the file: the largest group with the same chart version and source.
    const bySignature = groupBy(having, (c) => chartSignature(docsOf(c, file)));
    const sharing = pick(bySignature, baseline, order);
    for (const c of having) if (!sharing.includes(c)) own(c, file, docsOf(c, file), 'chart');
    if (sharing.length === 1) {
      own(sharing[0], file, docsOf(sharing[0], file), 'chart');
      continue;
    }
    // Objects every sharing cluster has go to base (the most common rendering); the rest stay per cluster.
    const keyed = new Map(sharing.map((c) => [c, new Map(docsOf(c, file).filter((d) => d.object).map((d) => [objectKey(d.object!), d]))]));
    const first = keyed.get(sharing[0])!;
    const shared = [...first.keys()].filter((k) => sharing.every((c) => keyed.get(c)!.has(k)));
    if (shared.length === 0) {
      for (const c of sharing) own(c, file, docsOf(c, file), 'partial');
      continue;
    }
    const baseDocs = shared.map((k) => {
      const groups = groupBy(sharing, (c) => keyed.get(c)!.get(k)!.text);
      return keyed.get(pick(groups, baseline, order)[0])!.get(k)!;
    });
    const stem = path.posix.basename(file, '.yaml');
    const dir = path.posix.dirname(file);
    const baseDir = `${BASE_FOLDER}/${dir}/${stem}`;
    files.set(`${baseDir}/${stem}.yaml`, baseDocs.map((d) => d.text).join('---\n'));
    files.set(`${baseDir}/kustomization.yaml`, kustomization([`${stem}.yaml`]));
    baseFiles++;
    for (const c of sharing) {
      const folder = folderOf(c, dir);
      folder.resources.push(path.posix.relative(`${CLUSTERS_FOLDER}/${c}/${dir}`, baseDir));
      const mine = keyed.get(c)!;
      baseDocs.forEach((base, i) => {
        const theirs = mine.get(shared[i])!;
        if (theirs.text === base.text) return;
        folder.patches.push({ target: patchTarget(theirs.object!), patch: toYaml(jsonPatch(base.object, theirs.object)) });
        patches++;
      });
      const rest = docsOf(c, file).filter((d) => !d.object || !shared.includes(objectKey(d.object)));
      if (rest.length > 0) own(c, file, rest, rest.every((d) => !d.object) ? 'encrypted' : 'partial');
    }
  }

  for (const [key, folder] of folders) {
    const [cluster, dir] = key.split('\0');
    files.set(`${CLUSTERS_FOLDER}/${cluster}/${dir}/kustomization.yaml`, kustomization(folder.resources.sort(), folder.patches, folder.reasons));
  }
  return {
    files: new Map([...files].sort(([a], [b]) => (a < b ? -1 : 1))),
    stats: { baseFiles, ownFiles: [...folders.values()].reduce((n, f) => n + f.reasons.size, 0), patches },
  };
}

/** A kustomization.yaml: its resources and patches, after a comment that says why files are the cluster's own. */
function kustomization(resources: string[], patches: ClusterFolder['patches'] = [], reasons: ClusterFolder['reasons'] = new Map()): string {
  const header = [...reasons]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([file, why]) => `#   ${file}: ${[...why].map((r) => REASONS[r]).join('; ')}\n`)
    .join('');
  const body = toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources, ...(patches.length > 0 ? { patches } : {}) });
  return header ? `# This cluster's own files (not shared under ${BASE_FOLDER}/):\n${header}${body}` : body;
}

/** The identity of an object in a kustomization: group, kind, namespace and name. */
function objectKey(m: Manifest): string {
  const group = m.apiVersion.includes('/') ? m.apiVersion.split('/')[0] : '';
  return `${group}/${m.kind}/${m.metadata.namespace ?? ''}/${m.metadata.name}`;
}

/** The kustomize patch target of exactly `m` (kustomize anchors the name, a regular expression). */
function patchTarget(m: Manifest): Record<string, string> {
  const [group, version] = m.apiVersion.includes('/') ? m.apiVersion.split('/') : ['', m.apiVersion];
  return {
    ...(group ? { group } : {}),
    version,
    kind: m.kind,
    ...(m.metadata.namespace ? { namespace: m.metadata.namespace } : {}),
    name: m.metadata.name.replace(/[.]/g, '\\.'),
  };
}

/**
 * What a file's Flux sources and releases pull: chart, version and source of each HelmRelease, URL of each
 * HelmRepository, URL and tag of each OCIRepository.
 */
function chartSignature(docs: readonly FluxDocument[]): string {
  const parts: unknown[] = [];
  for (const { object: o } of docs) {
    const spec = (o?.spec ?? {}) as Record<string, unknown>;
    if (o?.kind === 'HelmRelease') {
      const chart = (spec.chart as { spec?: Record<string, unknown> } | undefined)?.spec;
      parts.push([o.metadata.name, chart?.chart, chart?.version, chart?.sourceRef, spec.chartRef]);
    } else if (o?.kind === 'HelmRepository') parts.push([o.metadata.name, spec.url, spec.type]);
    else if (o?.kind === 'OCIRepository') parts.push([o.metadata.name, spec.url, spec.ref]);
  }
  return JSON.stringify(parts);
}

function groupBy(clusters: readonly string[], key: (cluster: string) => string): string[][] {
  const groups = new Map<string, string[]>();
  for (const c of clusters) groups.set(key(c), [...(groups.get(key(c)) ?? []), c]);
  return [...groups.values()];
}

/** The largest group; among equals the one with the baseline cluster, then the one with the earliest cluster. */
function pick(groups: readonly string[][], baseline: string | undefined, order: readonly string[]): string[] {
  const rank = (g: string[]) => [g.length, baseline !== undefined && g.includes(baseline) ? 1 : 0, -Math.min(...g.map((c) => order.indexOf(c)))];
  return [...groups].sort((a, b) => {
    const [x, y] = [rank(a), rank(b)];
    return y[0] - x[0] || y[1] - x[1] || y[2] - x[2];
  })[0];
}

export type { JsonPatchOperation };
