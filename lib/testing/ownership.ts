import { IConstruct } from 'constructs';
import { chartObjects } from '../core/chart-objects';
import { Component } from '../core/component';
import { sensitiveValuesSecretName } from '../core/helm-chart';
import { chartSource, helmRelease } from '../plan/flux-sources';
import { Manifest, apiGroup } from '../model/manifest';
import type { DeploymentPlan } from '../day2/deployment-plan';
import { terraformAddress } from '../model/terraform-addresses';

/**
 * Which construct wrote each object of the Flux repository and each resource of the Terraform stack, by
 * construct path. An object a construct creates (an IngressRoute, a ServiceMonitor) belongs to that
 * construct; what the backends add for a component (its Namespace, chart source, HelmRelease, Secrets,
 * `helm_release`) belongs to the component. Built from the plan, the same one the renderers read.
 */
export interface Ownership {
  /** The construct path that owns `object` of the Flux repository, if any (the Flux Kustomizations have none). */
  fluxOwner(object: Manifest): string | undefined;
  /** The construct paths that own the Terraform resource at `address` (a namespace has every component in it). */
  terraformOwners(address: string): readonly string[];
}

/** One object's identity: API group, kind, namespace and name (one owner each; the plan checks it). */
export function objectIdentity(m: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }): string {
  return [apiGroup(m.apiVersion), m.kind, m.metadata.namespace ?? '', m.metadata.name].join('/');
}

/** The ownership of every object and resource the two backends write for `plan`. */
export function ownershipOf(plan: DeploymentPlan): Ownership {
  // The construct that created each ApiObject (the plan's manifests are their JSON, without paths).
  const constructs = new Map<string, string>();
  for (const c of plan.components) {
    for (const o of chartObjects(c)) constructs.set(objectIdentity(o.toJson() as Manifest), o.node.path);
  }
  const componentLevel = new Map<string, string>();
  for (const p of plan.flux) {
    const owner = p.component.node.path;
    if (p.namespace) componentLevel.set(objectIdentity({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: p.namespace } }), owner);
    if (p.chart) {
      // The renderer's own builders, so the identities are the ones it writes.
      componentLevel.set(objectIdentity(helmRelease(p.chart, { namespace: p.component.namespace, stateful: false, dependsOn: [] })), owner);
      const source = chartSource(p.chart, p.component.namespace, p.writesHelmRepository === true);
      if (source) componentLevel.set(objectIdentity(source), owner);
    }
    for (const s of p.encryptedSecrets) componentLevel.set(objectIdentity(s), owner);
  }

  const resources = new Map<string, string[]>();
  const own = (address: string, owner: IConstruct) => resources.set(address, [...(resources.get(address) ?? []), owner.node.path]);
  for (const { component, chart } of plan.terraform.releases) own(terraformAddress('release', component.namespace, chart.releaseName), component);
  for (const { component, manifest } of plan.terraform.manifests) {
    const address = terraformAddress('manifest', component.namespace, manifest.kind, manifest.metadata.name);
    resources.set(address, [constructs.get(objectIdentity(manifest)) ?? component.node.path]);
  }
  for (const c of plan.components) {
    for (const s of c.bootstrapSecrets) own(terraformAddress('secret', s.namespace, s.name), c);
    if (c.helmChart?.sensitiveValues?.length) own(terraformAddress('secret', c.namespace, sensitiveValuesSecretName(c.helmChart)), c);
  }
  for (const ns of plan.namespaces.filter((n) => n.owner === 'terraform')) {
    plan.components.filter((c: Component) => c.namespace === ns.name).forEach((c) => own(terraformAddress('namespace', ns.name), c));
  }

  return {
    fluxOwner: (object) => constructs.get(objectIdentity(object)) ?? componentLevel.get(objectIdentity(object)),
    terraformOwners: (address) => resources.get(address) ?? [],
  };
}
