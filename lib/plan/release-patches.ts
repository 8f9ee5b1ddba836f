import { Component } from '../core/component';
import { ConfigProblem, constructPath } from '../core/errors';
import { applyPatches, jsonOfPatch, patchedIdentityProblems } from '../core/object-patches';
import { valuesSecretProblems } from '../core/secret-inputs';
import { helmRelease } from './flux-sources';
import { checkChartValues } from '../reference/chart-schema';
import { ReferenceData } from '../reference/locate';
import type { Manifest } from '../model/manifest';

/**
 * The helm_release attributes (helm provider 3.1.1) `overrideHelmRelease` may set, with the type each
 * takes: how the release is installed and upgraded, never what is installed, where, with which values or
 * credentials, or whether it is kept. Everything else (name, namespace, chart, repository and its
 * credentials, version, devel, values, set*, postrender, skip_crds, create_namespace, reuse_values,
 * replace, upgrade_install, take_ownership, pass_credentials, count, for_each, lifecycle, depends_on,
 * provider) is refused: the component and the day-2 guard decide those.
 */
export const OVERRIDABLE_RELEASE_ATTRIBUTES: Readonly<Record<string, 'boolean' | 'seconds' | 'count' | 'string'>> = {
  atomic: 'boolean',
  cleanup_on_fail: 'boolean',
  dependency_update: 'boolean',
  description: 'string',
  disable_crd_hooks: 'boolean',
  disable_openapi_validation: 'boolean',
  disable_webhooks: 'boolean',
  force_update: 'boolean',
  keyring: 'string',
  lint: 'boolean',
  max_history: 'count',
  recreate_pods: 'boolean',
  render_subchart_notes: 'boolean',
  reset_values: 'boolean',
  timeout: 'seconds',
  verify: 'boolean',
  wait: 'boolean',
  wait_for_jobs: 'boolean',
};

/** HelmRelease fields that decide what is installed, where, and from which Secrets: not for patches. */
const DECIDING_RELEASE_FIELDS = ['chart', 'chartRef', 'releaseName', 'targetNamespace', 'storageNamespace', 'kubeConfig', 'valuesFrom'];

/** Why `value` is not of the attribute's type, or undefined. */
function attributeTypeProblem(type: 'boolean' | 'seconds' | 'count' | 'string', value: unknown): string | undefined {
  switch (type) {
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'true or false';
    case 'seconds':
      return Number.isInteger(value) && (value as number) > 0 ? undefined : 'a whole number of seconds above 0';
    case 'count':
      return Number.isInteger(value) && (value as number) >= 0 ? undefined : 'a whole number, 0 or more';
    case 'string':
      return typeof value === 'string' && value.length <= 1024 ? undefined : 'a string of at most 1024 characters';
  }
}

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
      // The values the patches bring, before they are applied: a SecretValue cannot even be cloned.
      const secretProblems = patches.flatMap((p) => {
        const op = jsonOfPatch(p) as { path?: unknown; value?: unknown } | undefined;
        if (op?.value === undefined || typeof op.path !== 'string') return [];
        const at = op.path.split('/');
        return valuesSecretProblems(path, { [at.pop() ?? '']: op.value }, `patchHelmRelease ${at.join('/') || '/'}`);
      });
      if (secretProblems.length > 0) {
        problems.push(...secretProblems);
        continue;
      }
      const own = helmRelease({ ...chart, fluxPatches: [] }, { namespace: c.namespace, dependsOn: [], stateful: c.stateful });
      const applied = applyPatches(own, patches);
      if ('problems' in applied) {
        for (const problem of applied.problems) {
          problems.push({ path, problem: `a patchHelmRelease patch does not apply to its HelmRelease: ${problem}`, fix: 'Patch paths of the HelmRelease as diff shows it (e.g. /spec/interval, /spec/values/replicas; "add" creates a field)' });
        }
        continue;
      }
      const patched = applied.document as Manifest;
      const identity = patchedIdentityProblems(own, patched);
      const spec = (m: Manifest) => (m.spec ?? {}) as Record<string, unknown>;
      const deciding = DECIDING_RELEASE_FIELDS.filter((f) => JSON.stringify(spec(own)[f]) !== JSON.stringify(spec(patched)[f]));
      if (deciding.length > 0) identity.push(`it changes spec.${deciding.join(', spec.')}, which decide what is installed, where, and from which Secrets`);
      if (identity.length > 0) {
        for (const problem of identity) {
          problems.push({ path, problem: `a patchHelmRelease patch ${problem.replace(/^it /, '')}`, fix: 'Rename the release with releaseName, move the component with namespace, pick the chart in the catalog and pass secret values as sensitiveValues' });
        }
        continue;
      }
      const values = (patched.spec as { values?: unknown } | undefined)?.values;
      const check = checkChartValues({ ...chart, values: (values ?? {}) as typeof chart.values }, reference);
      if (check.status === 'invalid') {
        problems.push({ path, problem: `the values of its patched HelmRelease break the values.schema.json of chart ${chart.chart.chart} ${chart.chart.version}: ${check.errors.join('; ')}`, fix: 'Correct the patch' });
      }
    }
    for (const o of chart.terraformOverrides ?? []) {
      const attribute = String(o.path);
      const type = Object.prototype.hasOwnProperty.call(OVERRIDABLE_RELEASE_ATTRIBUTES, attribute) ? OVERRIDABLE_RELEASE_ATTRIBUTES[attribute] : undefined;
      if (type === undefined) {
        // Not echoed past 60 characters: a path is the user's text, and could hold anything.
        const shown = attribute.length > 60 ? `${attribute.slice(0, 60)}...` : attribute;
        problems.push({ path, problem: `overrideHelmRelease sets "${shown}", which is not among the helm_release attributes it may set`, fix: `Set one of ${Object.keys(OVERRIDABLE_RELEASE_ATTRIBUTES).join(', ')}; what is installed, where, with which values and whether it is kept is set through the component (releaseName, namespace, the catalog, extraValues, sensitiveValues, releasePolicy)` });
        continue;
      }
      const wrong = attributeTypeProblem(type, o.value);
      if (wrong) problems.push({ path, problem: `overrideHelmRelease sets ${attribute} to a ${o.value === null ? 'null' : typeof o.value}, not ${wrong}`, fix: `Give ${attribute} ${wrong}` });
      else problems.push(...valuesSecretProblems(path, { [attribute]: o.value }, 'overrideHelmRelease'));
    }
  }
}
