import { ConfigProblem, constructPath } from '../core/errors';
import { FLUX_STEPS } from '../model/flux-layout';
import { apiGroup, Manifest } from '../model/manifest';
import { chartSource, isOciChart } from './flux-sources';
import type { FluxPlacement, NamespacePlan } from './placement';

/**
 * Marks the placement that writes each HelmRepository (namespace and name): the first that needs it. Two
 * charts whose repositories share a name in one namespace but not the URL cannot both be served. A chart
 * from an OCI registry has an OCIRepository of its own instead, named after its release (one per release
 * name and namespace). An object of a component that is also one of these sources would be a second copy.
 */
export function helmRepositoryWriters(placements: FluxPlacement[], problems: ConfigProblem[]): FluxPlacement[] {
  const writers = new Map<string, FluxPlacement>();
  const sorted = [...placements].sort((a, b) => FLUX_STEPS.indexOf(a.step) - FLUX_STEPS.indexOf(b.step));
  for (const p of sorted) {
    if (!p.chart || isOciChart(p.chart)) continue;
    const repo = p.chart.chart.repository;
    const key = `${p.component.namespace}/${repo.name}`;
    const other = writers.get(key);
    if (!other) writers.set(key, p);
    else if (other.chart!.chart.repository.url !== repo.url || (other.chart!.chart.repository.type ?? 'default') !== (repo.type ?? 'default')) {
      problems.push({
        path: constructPath(p.component),
        problem: `its chart comes from the Helm repository "${repo.name}" (${repo.url}) in namespace "${p.component.namespace}", where ${constructPath(other.component)} has a repository of that name at ${other.chart!.chart.repository.url}`,
        fix: 'Give the catalog entries different repository names, or put the components in different namespaces',
      });
    }
  }
  const writing = new Set(writers.values());
  const identity = (m: Manifest) => `${apiGroup(m.apiVersion)}/${m.kind}/${m.metadata.namespace ?? ''}/${m.metadata.name}`;
  const sources = new Map<string, FluxPlacement>();
  for (const p of placements) {
    const source = p.chart ? chartSource(p.chart, p.component.namespace, writing.has(p)) : undefined;
    if (source) sources.set(identity(source), p);
  }
  for (const p of placements) {
    for (const m of p.manifests) {
      const writer = sources.get(identity({ ...m, metadata: { ...m.metadata, namespace: m.metadata.namespace ?? p.component.namespace } }));
      if (!writer) continue;
      problems.push({
        path: constructPath(p.component),
        problem: `it creates ${m.kind} "${m.metadata.name}" in namespace "${p.component.namespace}", which ballast writes as the chart source of ${constructPath(writer.component)}`,
        fix: `Give the object another name${m.kind === 'OCIRepository' ? ', or the release another releaseName' : ''}`,
      });
    }
  }
  return placements.map((p) => (writing.has(p) ? { ...p, writesHelmRepository: true } : p));
}

/** Puts each Flux-owned namespace into the earliest step that deploys something into it. */
export function withNamespaces(placements: FluxPlacement[], namespaces: readonly NamespacePlan[]): FluxPlacement[] {
  const fluxOwned = new Set(namespaces.filter((n) => n.owner === 'flux').map((n) => n.name));
  const sorted = [...placements].sort((a, b) => FLUX_STEPS.indexOf(a.step) - FLUX_STEPS.indexOf(b.step));
  const first = new Map<string, FluxPlacement>();
  for (const p of sorted) {
    const ns = p.component.namespace;
    if (fluxOwned.has(ns) && !first.has(ns)) first.set(ns, p);
  }
  return placements.map((p) => (first.get(p.component.namespace) === p ? { ...p, namespace: p.component.namespace } : p));
}
