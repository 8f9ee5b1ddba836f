import { Component } from '../core/component';
import { ConfigProblem, constructPath } from '../core/errors';
import { isPositiveFluxDuration } from '../core/duration-grammar';
import { chartSource, helmRelease } from './flux-sources';
import { checkAgainstCrd } from '../model/crd-grammar';
import { hpaBehaviorViolations } from '../model/hpa-behavior';
import { describeSemverRange, semverRangeProblem } from '../model/semver-range';
import { queryViolations } from './consumer-queries';
import type { FluxPlacement } from './placement';
import type { Manifest } from '../model/manifest';
import { checkObjectLimits } from './object-limits';
import { ObjectViolation, violationsProblem } from './object-violation';

// Values the consumer of an object refuses, checked on the plan's final objects (after every escape-hatch
// patch) before anything is written:
// - custom resources against the grammar of their CRD (lib/model/crd-grammar.ts, generated from the
//   CRDs of the versions ballast installs): types, integer or number, minimum and maximum, enums,
//   patterns, required fields, lengths, int-or-string, and fields the CRD does not know;
// - the `behavior` of an autoscaling/v2 HPA (and the one KEDA passes to its HPA) against Kubernetes' own
//   validation (lib/model/hpa-behavior.ts);
// - Flux intervals and timeouts that Go's time.ParseDuration reads as zero or less;
// - an ImagePolicy's semver range against Masterminds/semver's grammar (lib/model/semver-range.ts);
// - PromQL in ScaledObjects, PrometheusRules and Grafana dashboards (lib/plan/consumer-queries.ts);
// - object sizes, ConfigMap and Secret keys, and Helm values sizes (lib/plan/object-limits.ts).
// One problem per object lists every value of it that is refused.

/** An object of the plan and the component it belongs to. */
interface PlacedObject {
  readonly component: Component;
  readonly manifest: Manifest;
}

/** The group of an apiVersion (`keda.sh/v1alpha1` -> `keda.sh`). */
const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');

/** The values of a custom resource its CRD refuses, or the problem of a version it does not serve. */
function crdViolations(o: PlacedObject): ObjectViolation[] | ConfigProblem {
  const m = o.manifest;
  const check = checkAgainstCrd(m);
  const group = groupOf(m.apiVersion);
  if (check.status === 'unserved') {
    // The cluster's own CRDs (assumeInstalled) may serve other versions than the ones ballast installs.
    if (o.component.platform.assumed.crdGroups.has(group)) return [];
    return {
      path: constructPath(o.component),
      problem: `${m.kind} "${m.metadata?.name}" has apiVersion ${m.apiVersion}, which the ${group} CRD of the version ballast installs does not serve`,
      fix: `Use ${check.served.join(' or ')}`,
    };
  }
  if (check.status !== 'checked') return [];
  return check.violations.map((v) => ({ pointer: v.pointer, what: v.what, why: `the ${group} CRD says ${v.constraint}`, fix: v.fix }));
}

/** The HPA behavior of an HPA or a ScaledObject, against the API server's rules. */
function behaviorViolations(m: Manifest): ObjectViolation[] {
  const spec = (m.spec ?? {}) as Record<string, unknown>;
  const at =
    m.kind === 'HorizontalPodAutoscaler' && m.apiVersion === 'autoscaling/v2'
      ? { behavior: spec.behavior, pointer: '/spec/behavior' }
      : m.kind === 'ScaledObject' && m.apiVersion.startsWith('keda.sh/')
        ? { behavior: (spec.advanced as { horizontalPodAutoscalerConfig?: { behavior?: unknown } } | undefined)?.horizontalPodAutoscalerConfig?.behavior, pointer: '/spec/advanced/horizontalPodAutoscalerConfig/behavior' }
        : undefined;
  if (!at) return [];
  return hpaBehaviorViolations(at.behavior, at.pointer).map((v) => ({ pointer: v.pointer, what: v.what, why: `the API server allows ${v.allowed} in an autoscaling/v2 HPA's behavior`, fix: `set ${v.pointer} to ${v.allowed}` }));
}

/** The intervals and timeouts of a Flux object that parse (the CRD's pattern) but do not tick: zero. */
function fluxDurationViolations(m: Manifest, already: ReadonlySet<string>): ObjectViolation[] {
  if (!groupOf(m.apiVersion).endsWith('.toolkit.fluxcd.io')) return [];
  const spec = (m.spec ?? {}) as Record<string, unknown>;
  const chartSpec = ((spec.chart as { spec?: Record<string, unknown> } | undefined)?.spec ?? {}) as Record<string, unknown>;
  const fields: [string, unknown][] = [
    ['/spec/interval', spec.interval],
    ['/spec/timeout', spec.timeout],
    ['/spec/retryInterval', spec.retryInterval],
    ['/spec/chart/spec/interval', chartSpec.interval],
  ];
  return fields
    .filter(([pointer, value]) => typeof value === 'string' && !already.has(pointer) && !isPositiveFluxDuration(value))
    .map(([pointer, value]) => ({
      pointer,
      what: `is ${JSON.stringify(value)}, which is not a duration above zero`,
      why: "Flux reads it with Go's time.ParseDuration and waits that long between runs",
      fix: `set ${pointer} to a duration such as "10m"`,
    }));
}

/** The semver range of an ImagePolicy, as image-reflector-controller parses it. */
function semverViolations(m: Manifest): ObjectViolation[] {
  if (m.kind !== 'ImagePolicy' || groupOf(m.apiVersion) !== 'image.toolkit.fluxcd.io') return [];
  const semver = ((m.spec as { policy?: { semver?: { range?: unknown } } } | undefined)?.policy?.semver);
  if (!semver || semver.range === undefined) return [];
  const problem = semverRangeProblem(semver.range);
  return problem
    ? [{ pointer: '/spec/policy/semver/range', what: `is not a semver range: ${problem}`, why: 'Flux reads it with Masterminds/semver', fix: describeSemverRange.replace(/^Use/, 'use') }]
    : [];
}

/** Every violation of one object, in the order of the checks. */
function objectProblems(o: PlacedObject, problems: ConfigProblem[]): void {
  const m = o.manifest;
  if (!m || typeof m !== 'object' || typeof m.kind !== 'string' || typeof m.apiVersion !== 'string') return;
  const crd = crdViolations(o);
  if (!Array.isArray(crd)) {
    problems.push(crd);
    return;
  }
  const pointers = new Set(crd.map((v) => v.pointer));
  const violations = [...crd, ...behaviorViolations(m), ...fluxDurationViolations(m, pointers), ...semverViolations(m), ...queryViolations(m)];
  if (violations.length === 0) return;
  const { problem, fix } = violationsProblem(m.kind, String(m.metadata?.name), violations);
  problems.push({ path: constructPath(o.component), problem, fix });
}

/**
 * The HelmReleases and chart sources Flux gets for the placements' charts, as the renderer writes them
 * (with the user's patchHelmRelease patches). A patch that does not apply is reported by the release
 * patch check, and its release is left out here.
 */
function releaseObjects(flux: readonly FluxPlacement[]): PlacedObject[] {
  const out: PlacedObject[] = [];
  for (const p of flux) {
    if (!p.chart) continue;
    const namespace = p.component.namespace;
    const source = chartSource(p.chart, namespace, true);
    if (source) out.push({ component: p.component, manifest: source });
    try {
      out.push({ component: p.component, manifest: helmRelease(p.chart, { namespace, stateful: p.component.stateful, dependsOn: [] }) });
    } catch {
      // Reported by checkReleasePatches.
    }
  }
  return out;
}

/**
 * Checks every object of the plan, the HelmReleases and chart sources Flux gets, and the components'
 * Secrets and chart values against what their consumers accept; adds one problem per object.
 */
export function checkConsumerValues(
  components: readonly Component[],
  flux: readonly FluxPlacement[],
  terraform: readonly PlacedObject[],
  manual: readonly { readonly component: Component; readonly manifests: readonly Manifest[] }[],
  problems: ConfigProblem[],
): void {
  const all: PlacedObject[] = [
    ...flux.flatMap((p) => p.manifests.map((manifest) => ({ component: p.component, manifest }))),
    ...releaseObjects(flux),
    ...terraform,
    ...manual.flatMap((m) => m.manifests.map((manifest) => ({ component: m.component, manifest }))),
  ];
  // An object another check of the plan has refused already (a Certificate without an issuer, a plain
  // secret in a ConfigMap) is not reported again: one cause, one problem.
  const earlier = new Map<string, string[]>();
  for (const p of problems) earlier.set(p.path, [...(earlier.get(p.path) ?? []), p.problem]);
  const reported = (o: PlacedObject) => (earlier.get(constructPath(o.component)) ?? []).some((text) => text.includes(`${o.manifest?.kind} "${o.manifest?.metadata?.name}"`));
  const objects = earlier.size > 0 ? all.filter((o) => !reported(o)) : all;
  for (const o of objects) objectProblems(o, problems);
  checkObjectLimits(objects, components, problems);
}
