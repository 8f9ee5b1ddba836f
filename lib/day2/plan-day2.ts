import { Component } from '../core/component';
import { ConfigProblem, ValidationError } from '../core/errors';
import { PlatformContext } from '../core/platform-context';
import { SecretUnavailable, SecretValue } from '../core/secret';
import type { FluxStep } from '../model/flux-layout';
import { Manifest, PRUNE_DISABLED } from '../model/manifest';
import { helmRelease } from '../plan/flux-sources';
import type { FluxPlacement, PlacementPlan } from '../plan/placement';
import { SecretStore, SecretStoreError } from '../secrets/secret-store';
import type { DeploymentPlan, PlanOptions } from './deployment-plan';
import { guardChanges } from './guard';
import { Inventory, inventoryItems, INVENTORY_FILE, objectId, parseItemId } from './inventory';

/** Where the plan's messages say the previous output is. */
const inventoryPath = (previousOutput?: string) => `${previousOutput ?? 'the previous output'}/${INVENTORY_FILE}`;

/**
 * The platform's secrets file for this synth, and the resolver the plan reads generated values with (a
 * value the file cannot give becomes a SecretUnavailable, which the plan reports with the Secret's path).
 */
export function openSecretStore(
  root: PlatformContext,
  previous: Inventory | undefined,
  previousOutput: string | undefined,
  rotate: ReadonlySet<string>,
): { secretStore: SecretStore; generated: (name: string, length: number) => string } {
  const secretStore = new SecretStore({
    file: root.sops.secretsFile,
    recipients: root.sops.ageRecipients,
    identityFile: root.sops.identityFile,
    previouslyUsed: new Set(previous?.generatedSecrets ?? []),
    rotate,
    previousOutput: inventoryPath(previousOutput),
    legacyFile: '.ballast/generated-secrets.json',
  });
  const generated = (name: string, length: number) => {
    try {
      return secretStore.generated(name, length);
    } catch (err) {
      if (err instanceof SecretStoreError) throw new SecretUnavailable(err.problem, err.fix);
      throw err;
    }
  };
  return { secretStore, generated };
}

/**
 * Day 2 of a placement: its inventory, the guard's verdict against the previous one (refusals are thrown
 * with the other problems, unless only reported), the Terraform blocks that stay from earlier synths, and
 * the Flux placements with the objects a handover keeps in Git once more. Throws a ValidationError.
 */
export function planDay2(
  plan: PlacementPlan,
  images: DeploymentPlan['images'],
  options: PlanOptions,
  context: { readonly platformPath: string; readonly rotate: ReadonlySet<string>; readonly secretStore: SecretStore },
): DeploymentPlan {
  const problems: ConfigProblem[] = [];
  // A rotation of a name that is neither a generated secret nor a variable would silently do nothing.
  for (const name of context.secretStore.unusedRotations().filter((n) => !plan.terraform.revisions.has(n))) {
    problems.push({
      path: context.platformPath,
      problem: `rotate names ${name}, which is neither a generated secret nor a Terraform variable of this platform`,
      fix: `Use one of: ${[...context.secretStore.used.map((u) => u.name), ...plan.terraform.revisions.keys()].sort().join(', ') || 'none'}`,
    });
  }
  const root = plan.platform;
  const previous = options.previous;
  const items = inventoryItems(plan);
  // The Terraform variable behind each key of each Terraform-written Secret, for the handover steps.
  const secretVariables = (id: string) => {
    const s = plan.terraform.secrets.find((x) => `secret/${x.namespace}/${x.name}` === id);
    return Object.fromEntries(
      Object.entries(s?.data ?? {}).flatMap(([key, v]) => (v instanceof SecretValue && !v.knownAtSynth ? [[key, v.variable]] : [])),
    );
  };
  // The generated secret behind each key of each Secret in Git, for a handover from Terraform.
  const generatedSecrets = (id: string) => {
    const declared = plan.components.flatMap((c) => c.bootstrapSecrets).find((b) => `secret/${b.namespace}/${b.name}` === id);
    return Object.fromEntries(
      Object.entries(declared?.data ?? {}).flatMap(([key, v]) => (v instanceof SecretValue && v.source.kind === 'generated' ? [[key, { name: v.source.name, length: v.source.length }]] : [])),
    );
  };
  const guard = guardChanges(previous, items, options.acknowledge ?? [], context.platformPath, inventoryPath(options.previousOutput), secretVariables, generatedSecrets, root.sops.secretsFile);
  if (options.enforceGuard ?? true) problems.push(...guard.problems);
  problems.push(...guard.staleAcknowledgements);

  const inCode = new Set(items.filter((i) => i.address).map((i) => i.address));
  // Forgotten resources keep their removed block for as long as they stay out of the code.
  const retired = [...(previous?.retired ?? []), ...guard.handover.removed]
    .filter((r, i, all) => !inCode.has(r.address) && all.findIndex((x) => x.address === r.address) === i)
    .sort((a, b) => (a.address < b.address ? -1 : 1));
  // Renames stay in the stack while what they lead to is in the code: a state not applied in between must
  // still move, not replace. A chain (a -> b, then b -> c) keeps every link.
  const moves = [...(previous?.moved ?? []), ...guard.handover.moved].filter((m, i, all) => all.findIndex((x) => x.from === m.from) === i);
  const leadsToCode = (to: string, seen = new Set<string>()): boolean =>
    inCode.has(to) || (!seen.has(to) && moves.some((m) => m.from === to && leadsToCode(m.to, new Set([...seen, to]))));
  const moved = moves.filter((m) => leadsToCode(m.to)).sort((a, b) => (a.from < b.from ? -1 : 1));
  // Imports stay while their target is Terraform's (a synth before the apply must not drop one); the
  // newest import of an address wins.
  const imports = [...guard.handover.imports, ...(previous?.imports ?? [])]
    .filter((im, i, all) => inCode.has(im.to) && all.findIndex((x) => x.to === im.to) === i)
    .sort((a, b) => (a.to < b.to ? -1 : 1));
  // What a removal kept is remembered until it is back in the code.
  const inCodeIds = new Set(items.map((i) => i.id));
  const kept = [...guard.handover.kept, ...(previous?.kept ?? [])]
    .filter((k, i, all) => !inCodeIds.has(k.id) && all.findIndex((x) => x.id === k.id) === i)
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  // A release that replaced a renamed one keeps taking ownership while it is in the code (a synth before
  // the apply must not lose it; on later applies it changes nothing).
  const takeOwnership = [...new Set([...guard.handover.takeOwnership, ...(previous?.takeOwnership ?? [])])].filter((a) => inCode.has(a)).sort();
  const variables = plan.terraform.variables.map((v) => v.variable);
  const inventory: Inventory = {
    format: 1,
    cluster: root.clusterName,
    items,
    generatedSecrets: context.secretStore.used.map((u) => u.name),
    revisions: Object.fromEntries(plan.terraform.revisions),
    retired,
    moved,
    ...(imports.length ? { imports } : {}),
    ...(kept.length ? { kept } : {}),
    ...(takeOwnership.length ? { takeOwnership } : {}),
    ...(Object.keys(images.code).length > 0 ? { automatedImages: images.code } : {}),
  };
  if (problems.length > 0) throw new ValidationError(problems);
  return {
    ...plan,
    images,
    flux: withRetained(plan.flux, guard.handover.fluxRetained, plan.components, plan.terraform.manifests),
    day2: {
      inventory,
      changes: guard.changes,
      handover: { ...guard.handover, moved, imports, kept, takeOwnership },
      retired,
      secretStore: context.secretStore,
      rotatedVariables: variables.filter((v) => context.rotate.has(v)),
    },
  };
}

/**
 * Objects that leave Flux for Terraform in this synth, written into Git once more with pruning disabled
 * (a HelmRelease also suspended, so helm-controller neither upgrades nor, later, uninstalls it): Flux applies
 * the annotation before it stops managing them, and then leaves them to Terraform.
 */
function withRetained(
  placements: readonly FluxPlacement[],
  ids: readonly string[],
  components: readonly Component[],
  tfManifests: readonly { component: Component; manifest: Manifest }[],
): FluxPlacement[] {
  const out = [...placements];
  // Into the component's own file of its first step: one file per component and step.
  const retained = (component: Component, manifest: Manifest) => {
    const step: FluxStep = component.tier === 'apps' ? 'apps' : 'controllers';
    const i = out.findIndex((p) => p.component === component && p.step === step);
    if (i >= 0) out[i] = { ...out[i], manifests: [...out[i].manifests, manifest] };
    else out.push({ component, step, manifests: [manifest], encryptedSecrets: [] });
  };
  for (const id of ids) {
    const { kind, namespace, name } = parseItemId(id);
    if (kind === 'namespace') {
      const owner = components.find((c) => c.namespace === name)!;
      retained(owner, { apiVersion: 'v1', kind: 'Namespace', metadata: { name, annotations: { ...PRUNE_DISABLED } } });
    } else if (kind === 'release') {
      const owner = components.find((c) => c.namespace === namespace && c.helmChart?.releaseName === name)!;
      const release = helmRelease(owner.helmChart!, { namespace: namespace!, stateful: true, dependsOn: [] }) as Manifest;
      retained(owner, { ...release, spec: { ...(release.spec as object), suspend: true } });
    } else if (kind === 'object') {
      const found = tfManifests.find((m) => objectId(m.manifest) === id)!;
      const m = found.manifest;
      retained(found.component, { ...m, metadata: { ...m.metadata, annotations: { ...((m.metadata.annotations as object) ?? {}), ...PRUNE_DISABLED } } });
    }
  }
  return out;
}
