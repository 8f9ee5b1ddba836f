import { JsonPatch } from 'cdk8s';
import { Component } from '../core/component';
import { ConfigProblem, constructPath } from '../core/errors';
import { valuesSecretProblems } from '../core/secret-inputs';
import { helmRelease } from '../flux/helm';
import { checkChartValues } from '../reference/chart-schema';
import { ReferenceData } from '../reference/locate';
import { Manifest } from './deployment-plan';

/** helm_release attributes that decide what is installed, where, or what is kept: not for overrides. */
export const PROTECTED_RELEASE_ATTRIBUTES = ['name', 'namespace', 'repository', 'chart', 'version', 'values', 'set_wo', 'set_wo_revision', 'set_sensitive', 'depends_on', 'lifecycle', 'provider'];

/**
 * The user's patches of a Flux HelmRelease and overrides of a Terraform helm_release, checked as ballast's
 * own release is: the patches apply, the release keeps its identity (kind, name, namespace), the values it
 * ends with pass the chart's schema, and no secret comes in through them.
 */
export function checkReleasePatches(components: readonly Component[], reference: ReferenceData | undefined, problems: ConfigProblem[]): void {
  for (const c of components) {
    const chart = c.helmChart;
    if (!chart) continue;
    const path = constructPath(c);
    const patches = chart.fluxPatches ?? [];
    if (patches.length > 0) {
      const own = helmRelease({ ...chart, fluxPatches: [] }, { namespace: c.namespace, dependsOn: [], stateful: c.stateful });
      let patched: Manifest;
      try {
        // A copy: applying patches changes the document they are applied to.
        patched = JsonPatch.apply(structuredClone(own), ...patches) as Manifest;
      } catch (err) {
        problems.push({ path, problem: `a patchHelmRelease patch does not apply to its HelmRelease: ${(err as Error).message.split('\n')[0]}`, fix: 'Patch paths of the HelmRelease as diff shows it (e.g. /spec/interval, /spec/values/replicas)' });
        continue;
      }
      const identity = (m: Manifest) => JSON.stringify([m?.apiVersion, m?.kind, m?.metadata?.name, m?.metadata?.namespace]);
      if (identity(patched) !== identity(own)) {
        problems.push({ path, problem: 'a patchHelmRelease patch changes the apiVersion, kind, name or namespace of its HelmRelease', fix: 'Rename the release with releaseName or move the component with namespace instead' });
        continue;
      }
      const values = (patched.spec as { values?: unknown } | undefined)?.values;
      for (const op of patches.map((p) => p._toJson() as { path: string; value?: unknown })) {
        if (op.value === undefined) continue;
        const at = op.path.split('/');
        problems.push(...valuesSecretProblems(path, { [at.pop() ?? '']: op.value }, `patchHelmRelease ${at.join('/') || '/'}`));
      }
      const check = checkChartValues({ ...chart, values: (values ?? {}) as typeof chart.values }, reference);
      if (check.status === 'invalid') {
        problems.push({ path, problem: `the values of its patched HelmRelease break the values.schema.json of chart ${chart.chart.chart} ${chart.chart.version}: ${check.errors.join('; ')}`, fix: 'Correct the patch' });
      }
    }
    for (const o of chart.terraformOverrides ?? []) {
      const attribute = String(o.path).split('.')[0];
      if (PROTECTED_RELEASE_ATTRIBUTES.includes(attribute)) {
        problems.push({ path, problem: `overrideHelmRelease sets "${o.path}", which decides what is installed, where, or what is kept`, fix: `Set it through the component (releaseName, namespace, the catalog, extraValues, sensitiveValues); overrides are for other attributes (timeout, atomic, wait, max_history...)` });
      } else if (!/^[a-z_][a-z0-9_]*(\.[A-Za-z0-9_]+)*$/.test(String(o.path))) {
        problems.push({ path, problem: `overrideHelmRelease has the attribute path "${o.path}"`, fix: 'Use a helm_release attribute name, e.g. "timeout" or "max_history"' });
      }
      problems.push(...valuesSecretProblems(path, { [attribute]: o.value }, 'overrideHelmRelease'));
    }
  }
}
