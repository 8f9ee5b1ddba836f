import { catalog } from '../catalog';
import { writtenCrdGroups } from '../core/crd-providers';
import { Component } from '../core/component';
import { ConfigProblem, constructPath, ValidationError } from '../core/errors';
import { isBuiltInNamespace } from '../core/grammar';
import { BootstrapSecret } from '../core/secret';
import { checkChartValues, NO_SCHEMA } from '../reference/chart-schema';
import { ReferenceData, REFERENCE_HOW_TO } from '../reference/locate';
import { leastStrict } from '../core/network';
import type { NamespaceNetwork } from './network-policies';
import type { NamespacePlan, PlacementPlan } from './placement';

/**
 * Every release's values against its chart's values.schema.json, when the reference data has it: values
 * the chart would refuse at deploy time (often from extraValues) fail synth instead. Returns a note for
 * the releases whose schema was not available (a chart that ships no schema is documented, not noted).
 */
export function checkChartValuesOf(components: readonly Component[], reference: ReferenceData | undefined, problems: ConfigProblem[]): string[] {
  const unchecked = new Map<string, string[]>();
  for (const c of components) {
    const chart = c.helmChart;
    if (!chart) continue;
    const check = checkChartValues(chart, reference);
    const name = `${chart.chart.chart} ${chart.chart.version}`;
    if (check.status === 'invalid') {
      problems.push({
        path: constructPath(c),
        problem: `the values of chart ${name} break its values.schema.json: ${check.errors.join('; ')}`,
        fix: "Correct these values in the component's props or extraValues",
      });
    } else if (check.status === 'unchecked' && check.reason !== NO_SCHEMA) {
      unchecked.set(check.reason, [...(unchecked.get(check.reason) ?? []), name]);
    }
  }
  return [...unchecked.entries()].map(([reason, charts]) =>
    reason === 'no reference data'
      ? `chart values not checked against the charts' values.schema.json (${charts.join(', ')}): no reference data; ${REFERENCE_HOW_TO}`
      : `chart values not checked against a values.schema.json (${charts.join(', ')}): ${reason}`,
  );
}

/**
 * A namespace is created by Terraform when a Terraform-managed component lives in it, or when it holds
 * a secret Terraform writes (the namespace must exist first); otherwise Flux creates it from Git.
 */
export function planNamespaces(components: readonly Component[], secrets: BootstrapSecret[], network: readonly NamespaceNetwork[]): NamespacePlan[] {
  const disabled = new Map(network.filter((n) => n.disabled !== undefined).map((n) => [n.namespace, n.disabled!]));
  const byName = new Map<string, Component[]>();
  for (const c of components) {
    const members = byName.get(c.namespace);
    if (members) members.push(c);
    else byName.set(c.namespace, [c]);
  }
  const secretNamespaces = new Set(secrets.map((s) => s.namespace));
  return [...byName.entries()]
    // The cluster's own namespaces (a component allowed there) are neither created nor pruned by ballast.
    .filter(([name]) => !isBuiltInNamespace(name))
    .map(([name, members]) => ({
      name,
      owner:
        members.some((c) => c.deployWith === 'terraform') || secretNamespaces.has(name)
          ? ('terraform' as const)
          : ('flux' as const),
      stateful: members.some((c) => c.stateful),
      podSecurity: {
        level: leastStrict(members.map((c) => c.podSecurity.level)),
        reasons: [...new Set(members.map((c) => `${c.node.id}: ${c.podSecurity.level}, ${c.podSecurity.reason}`))].sort(),
      },
      ...(disabled.has(name) ? { networkPoliciesDisabled: disabled.get(name)! } : {}),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Two releases of one name in a namespace, a chart version that is not exact, a Terraform release waiting for Flux. */
export function checkReleases(components: readonly Component[], problems: ConfigProblem[]): void {
  const releases = new Map<string, Component>();
  for (const c of components) {
    if (!c.helmChart) continue;
    const key = `${c.namespace}/${c.helmChart.releaseName}`;
    const other = releases.get(key);
    if (other) {
      problems.push({
        path: constructPath(c),
        problem: `Helm release "${c.helmChart.releaseName}" in namespace "${c.namespace}" is also installed by ${constructPath(other)}`,
        fix: 'Give one of them another releaseName or namespace',
      });
    }
    releases.set(key, c);
    // An optional leading "v" as some projects tag their charts (cert-manager's v1.21.1); never a range.
    if (!/^v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$/.test(c.helmChart.chart.version)) {
      problems.push({
        path: constructPath(c),
        problem: `chart ${c.helmChart.chart.chart} has version "${c.helmChart.chart.version}", which is not an exact version`,
        fix: 'Pin an exact version such as "1.2.3" (or "v1.2.3") in the catalog',
      });
    }
  }
  for (const c of components) {
    for (const d of c.dependencies) {
      if (d.deployWith === 'flux' && c.deployWith === 'terraform') {
        problems.push({
          path: constructPath(c),
          problem: `it is deployed by Terraform but must wait for ${constructPath(d)}, which Flux deploys after Terraform`,
          fix: 'Deploy both with the same backend, or the dependency with terraform',
        });
      }
    }
  }
}

export function terraformReleases(components: readonly Component[]): PlacementPlan['terraform']['releases'] {
  const startsFlux = (c: Component) => c.helmChart!.chart === catalog.fluxInstance;
  const managed = dependencyOrder(components.filter((c) => c.deployWith === 'terraform' && c.helmChart));
  return [...managed.filter((c) => !startsFlux(c)), ...managed.filter(startsFlux)].map((c) => ({
    component: c,
    chart: c.helmChart!,
    startsFlux: startsFlux(c),
  }));
}

/** Components sorted so that every component comes after the ones it depends on (stable otherwise). */
function dependencyOrder(components: readonly Component[]): Component[] {
  const out: Component[] = [];
  const visit = (c: Component, stack: Component[]) => {
    if (out.includes(c)) return;
    if (stack.includes(c)) {
      throw new ValidationError([{ path: constructPath(c), problem: 'its deployAfter dependencies form a cycle', fix: 'Remove one deployAfter call' }]);
    }
    c.dependencies.filter((d) => components.includes(d)).forEach((d) => visit(d, [...stack, c]));
    out.push(c);
  };
  components.forEach((c) => visit(c, []));
  return out;
}

/** Which component's chart installs the CRDs of each API group; two charts installing one group are a problem. */
export function crdOwners(components: readonly Component[], problems: ConfigProblem[]): Map<string, Component> {
  const crdOwner = new Map<string, Component>();
  for (const c of components) {
    const clashes = new Map<Component, string[]>();
    for (const group of [...(c.helmChart?.chart.crdGroups ?? []), ...writtenCrdGroups(c)]) {
      const other = crdOwner.get(group);
      if (other) clashes.set(other, [...(clashes.get(other) ?? []), group]);
      else crdOwner.set(group, c);
    }
    for (const [other, groups] of clashes) {
      problems.push({
        path: constructPath(c),
        problem: `its chart installs the CRDs of ${groups.join(', ')}, which ${constructPath(other)} already installs`,
        fix: 'Keep only one component that installs these CRDs',
      });
    }
  }
  return crdOwner;
}
