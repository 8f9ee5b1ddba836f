import * as crypto from 'crypto';
import * as path from 'path';
import { Component } from '../core/component';
import { constructPath } from '../core/errors';
import { releasePolicyOf } from '../core/helm-chart';
import { jsonOfPatch } from '../core/object-patches';
import { renderedReleasePolicy } from '../core/release-policy';
import { SecretValue } from '../core/secret';
import { isPruneDisabled } from '../model/manifest';
import type { Manifest } from '../model/manifest';
import type { PlacementPlan } from '../plan/placement';
import { terraformAddress } from '../model/terraform-addresses';
import { readInventoryFile } from './inventory-file';

/** Who applies an item: Flux from Git, Terraform, or a person (load tests). */
export type InventoryOwner = 'flux' | 'terraform' | 'manual';

/**
 * One thing a synth puts into the cluster, with who owns it. Ids are stable names a user can type:
 * `namespace/<name>`, `release/<namespace>/<release>`, `secret/<namespace>/<name>`, and
 * `object/<group or core>/<Kind>/<namespace>/<name>` (`-` for no namespace).
 */
export interface InventoryItem {
  readonly id: string;
  readonly owner: InventoryOwner;
  /** Construct path of the component it belongs to (`platform` for the repository's own objects). */
  readonly component: string;
  /** True when it holds data, or a retained object needs it (a database role's credentials). */
  readonly stateful: boolean;
  /**
   * How its backend keeps it when the code drops it: Flux's `kustomize.toolkit.fluxcd.io/prune: disabled`,
   * Terraform's `prevent_destroy`. Set exactly for stateful items.
   */
  readonly protection?: 'prune-disabled' | 'prevent-destroy';
  /** Its Terraform resource address, when Terraform owns it. */
  readonly address?: string;
  /** The apiVersion of an object (its id holds only the group), for a Terraform import of it. */
  readonly apiVersion?: string;
  /** A digest of what was rendered: of the object, or for a Secret of its keys and their sources, never of a value. */
  readonly digest: string;
  /**
   * How long a backup store keeps backups (an ObjectStore's `retentionPolicy`, e.g. `30d`): the guard
   * refuses shortening it unless acknowledged, as the plugin then deletes the older backups.
   */
  readonly retention?: string;
}

/** The retention of a backup store object (the Barman Cloud plugin's ObjectStore), if it has one. */
function retentionOf(m: Manifest): { retention: string } | Record<string, never> {
  const policy = (m.spec as { retentionPolicy?: unknown } | undefined)?.retentionPolicy;
  return m.kind === 'ObjectStore' && m.apiVersion.startsWith('barmancloud.cnpg.io/') && typeof policy === 'string' ? { retention: policy } : {};
}

/** A Terraform resource that left the code on purpose: its `removed { destroy = false }` block stays. */
export interface RetiredResource {
  readonly id: string;
  readonly address: string;
}

/** Terraform adopts an existing object (`import { to, id }`): kept in every synth until its target leaves Terraform. */
export interface PendingImport {
  readonly to: string;
  readonly id: string;
}

/** Something that left the code on purpose and stays in the cluster (it holds data): a re-add adopts it. */
export interface KeptItem {
  readonly id: string;
  /** Who managed it when it left. */
  readonly owner: InventoryOwner;
}

/**
 * What one synth put where: committed with the output (`<flux output>/.ballast/inventory.json`), so the
 * next synth can tell what a change removes, moves between owners or renames.
 */
export interface Inventory {
  readonly format: 1;
  readonly cluster: string;
  readonly items: readonly InventoryItem[];
  /** Names of the generated secrets the output uses (their values are in the secrets file, not here). */
  readonly generatedSecrets: readonly string[];
  /** Revision of each Terraform variable's write-only uses (raised by a rotation). */
  readonly revisions: Readonly<Record<string, number>>;
  readonly retired: readonly RetiredResource[];
  /** Terraform renames of unchanged objects: their `moved` blocks stay, as the removed blocks do. */
  readonly moved?: readonly { readonly from: string; readonly to: string }[];
  /**
   * Terraform imports of objects that came to Terraform (from Flux, or back into the code): their blocks
   * stay in every synth while their target is Terraform's, so a synth before the apply never drops one
   * (Terraform ignores an import block whose resource is already in its state).
   */
  readonly imports?: readonly PendingImport[];
  /** Items that left the code acknowledged and stay in the cluster, until they come back into the code. */
  readonly kept?: readonly KeptItem[];
  /**
   * Terraform addresses of releases that replace a renamed one: Helm takes ownership of the old release's
   * objects they render under the same names (`take_ownership`), for as long as they are in the code.
   */
  readonly takeOwnership?: readonly string[];
  /**
   * The code's image of each image under a Flux image-policy marker (`<namespace>/<Deployment>`): while
   * the code keeps it, the next synth keeps a tag Flux's image automation committed instead.
   */
  readonly automatedImages?: Readonly<Record<string, string>>;
}

/** Where the inventory lives inside the Flux output folder. */
export const INVENTORY_FILE = '.ballast/inventory.json';

/**
 * The inventory of the output in `fluxDir`, or undefined when there is none (a first synth). A damaged
 * one (cut short, conflicted, of another shape or a newer format, a folder, unreadable, a link leading out
 * of `within`, the output folder) is refused with its path and the fix.
 */
export function readInventory(fluxDir: string, within: string = fluxDir): Inventory | undefined {
  return readInventoryFile(path.join(fluxDir, INVENTORY_FILE), within, 'inventory') as Inventory | undefined;
}

/** The inventory as the bytes of its file: sorted, one item per line, so a Git diff of it reads well. */
export function inventoryText(inventory: Inventory): string {
  const items = inventory.items.map((i) => `    ${JSON.stringify(i)}`).join(',\n');
  const retired = inventory.retired.map((r) => `    ${JSON.stringify(r)}`).join(',\n');
  return [
    '{',
    `  "format": 1,`,
    `  "cluster": ${JSON.stringify(inventory.cluster)},`,
    `  "generatedSecrets": ${JSON.stringify(inventory.generatedSecrets)},`,
    `  "revisions": ${JSON.stringify(inventory.revisions)},`,
    `  "retired": [${retired ? `\n${retired}\n  ` : ''}],`,
    `  "moved": ${JSON.stringify(inventory.moved ?? [])},`,
    ...(inventory.imports?.length ? [`  "imports": ${JSON.stringify(inventory.imports)},`] : []),
    ...(inventory.kept?.length ? [`  "kept": ${JSON.stringify(inventory.kept)},`] : []),
    ...(inventory.takeOwnership?.length ? [`  "takeOwnership": ${JSON.stringify(inventory.takeOwnership)},`] : []),
    ...(inventory.automatedImages ? [`  "automatedImages": ${JSON.stringify(inventory.automatedImages)},`] : []),
    `  "items": [${items ? `\n${items}\n  ` : ''}]`,
    '}',
    '',
  ].join('\n');
}

/** A short digest of what was rendered: it only tells a change apart, so the one-shot SHA-1 (fast) does. */
function digest(value: unknown): string {
  return crypto.hash('sha1', JSON.stringify(value)).slice(0, 16);
}

/** An inventory id taken apart: its kind, the namespace (none for a namespace or cluster-scoped object) and name. */
export interface ItemIdParts {
  readonly kind: 'namespace' | 'release' | 'secret' | 'object';
  readonly namespace?: string;
  readonly name: string;
  /** For an object: its API group (`core` for the core group) and its Kubernetes kind. */
  readonly group?: string;
  readonly objectKind?: string;
}

/** The parts of an id made by `inventoryItems` (see `InventoryItem.id`). */
export function parseItemId(id: string): ItemIdParts {
  const [kind, ...rest] = id.split('/');
  if (kind === 'namespace') return { kind, name: rest[0] };
  if (kind === 'object') {
    const [group, objectKind, ns, name] = rest;
    return { kind, group, objectKind, namespace: ns === '-' ? undefined : ns, name };
  }
  return { kind: kind as 'release' | 'secret', namespace: rest[0], name: rest[1] };
}

/** The inventory id of a Kubernetes object. */
export function objectId(m: Manifest): string {
  const group = m.apiVersion.includes('/') ? m.apiVersion.split('/')[0] : 'core';
  return `object/${group}/${m.kind}/${m.metadata.namespace ?? '-'}/${m.metadata.name}`;
}

/** A Secret's shape without its values: keys, type, labels and where each value comes from. */
function secretShape(type: string | undefined, labels: unknown, data: Record<string, SecretValue | string>): unknown {
  return { type, labels, data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v instanceof SecretValue ? v.origin : v])) };
}

/** Everything `plan` puts into the cluster, by owner, sorted by id. */
export function inventoryItems(plan: PlacementPlan): InventoryItem[] {
  const items = new Map<string, InventoryItem>();
  const add = (item: InventoryItem) => items.set(item.id, item);
  const pathOf = (c: Component) => constructPath(c);
  const namespaceOwners = new Map<string, Component>();
  for (const c of plan.components) if (!namespaceOwners.has(c.namespace)) namespaceOwners.set(c.namespace, c);

  for (const ns of plan.namespaces) {
    add({
      id: `namespace/${ns.name}`,
      owner: ns.owner,
      component: pathOf(namespaceOwners.get(ns.name)!),
      stateful: ns.stateful,
      ...(ns.owner === 'terraform' ? { address: terraformAddress('namespace', ns.name) } : {}),
      digest: digest({ name: ns.name }),
    });
  }
  for (const c of plan.components) {
    const chart = c.helmChart;
    if (!chart) continue;
    add({
      id: `release/${c.namespace}/${chart.releaseName}`,
      owner: c.deployWith,
      component: pathOf(c),
      stateful: c.stateful,
      ...(c.deployWith === 'terraform' ? { address: terraformAddress('release', c.namespace, chart.releaseName) } : {}),
      digest: digest({
        // The chart's Pod Security level labels its namespace, which is not the release: left out, so that
        // the level's reason (or its measurement) changing is no change of every release.
        chart: { ...chart.chart, podSecurity: undefined },
        values: chart.values,
        sensitive: (chart.sensitiveValues ?? []).map((v) => [v.path, v.value.origin]),
        // How the release is installed and kept (timeout, wait, remediation, drift, CRDs): a change of it
        // changes what each backend applies, so diff shows it.
        policy: renderedReleasePolicy(releasePolicyOf(chart)),
        // Patches and overrides change what is deployed: diff shows them. (Absent when none, so that the
        // digests of releases without any stay as they were.)
        ...((chart.fluxPatches ?? []).length > 0 ? { patches: chart.fluxPatches!.map(jsonOfPatch) } : {}),
        ...((chart.terraformOverrides ?? []).length > 0 ? { overrides: chart.terraformOverrides } : {}),
      }),
    });
  }
  for (const s of plan.terraform.secrets) {
    const owner = plan.components.find((c) => c.bootstrapSecrets.includes(s)) ?? namespaceOwners.get(s.namespace);
    add({
      id: `secret/${s.namespace}/${s.name}`,
      owner: 'terraform',
      component: owner ? pathOf(owner) : 'platform',
      stateful: plan.terraform.protectedSecrets.has(`${s.namespace}/${s.name}`),
      address: terraformAddress('secret', s.namespace, s.name),
      digest: digest(secretShape(s.type, s.labels, s.data)),
    });
  }
  for (const p of plan.flux) {
    for (const s of p.encryptedSecrets) {
      const declared = p.component.bootstrapSecrets.find((b) => b.name === s.metadata.name && b.namespace === s.metadata.namespace);
      add({
        id: `secret/${s.metadata.namespace}/${s.metadata.name}`,
        owner: 'flux',
        component: pathOf(p.component),
        stateful: isPruneDisabled(s),
        digest: digest(declared ? secretShape(declared.type, declared.labels, declared.data) : { keys: Object.keys((s.stringData as object) ?? {}) }),
      });
    }
    for (const m of p.manifests) {
      add({ id: objectId(m), owner: 'flux', component: pathOf(p.component), stateful: isPruneDisabled(m), apiVersion: m.apiVersion, digest: digest(m), ...retentionOf(m) });
    }
  }
  for (const { component, manifest } of plan.terraform.manifests) {
    add({
      id: objectId(manifest),
      owner: 'terraform',
      component: pathOf(component),
      stateful: isPruneDisabled(manifest),
      address: terraformAddress('manifest', component.namespace, manifest.kind, manifest.metadata.name),
      apiVersion: manifest.apiVersion,
      digest: digest(manifest),
      ...retentionOf(manifest),
    });
  }
  for (const { component, manifests } of plan.manual) {
    for (const m of manifests) add({ id: objectId(m), owner: 'manual', component: pathOf(component), stateful: false, apiVersion: m.apiVersion, digest: digest(m) });
  }
  return [...items.values()]
    .map((i) => (i.stateful && i.owner !== 'manual' ? { ...i, protection: i.owner === 'flux' ? ('prune-disabled' as const) : ('prevent-destroy' as const) } : i))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}
