import { parse } from 'yaml';
import { CatalogChart, HelmValues, Manifest, mergeValues } from '../../../lib/internal';

/** A Helm release exactly as a backend wrote it, with what stands in for its secret values. */
export interface SynthesizedRelease {
  readonly backend: 'flux' | 'terraform';
  /** Where it was read, for messages: a dist/ file, or the Terraform resource. */
  readonly source: string;
  readonly releaseName: string;
  readonly namespace: string;
  readonly chart: CatalogChart;
  /** The values as synthesized: the HelmRelease's `spec.values`, or the helm_release's `values`. */
  readonly values: HelmValues;
  /** Secret values, by value path: what Flux's valuesFrom or Terraform's set_wo put there. */
  readonly sensitive: readonly { path: string; value: string }[];
}

/**
 * Every release of a synthesized platform, in install order: Terraform's (from the stack JSON), then each
 * HelmRelease of the Flux rollout with its `valuesFrom` read from the Secrets the rollout holds.
 */
export function synthesizedReleases(stack: Record<string, any>, rollout: readonly { source: string; object: Manifest }[], charts: readonly CatalogChart[]): SynthesizedRelease[] {
  // valuesFrom reads a Secret of the release's namespace, whoever wrote it (Terraform, or SOPS in Git);
  // chartRef names an OCIRepository of the release's namespace.
  const secrets = rollout.filter((r) => r.object.kind === 'Secret' || r.object.kind === 'OCIRepository').map((r) => r.object);
  return [
    ...terraformReleases(stack, charts),
    ...rollout.filter((r) => r.object.kind === 'HelmRelease').map((r) => fluxRelease(r.source, r.object, charts, secrets)),
  ];
}

/** `namespace/release (backend)`, for messages. */
export function releaseLabel(r: SynthesizedRelease): string {
  return `${r.chart.chart} ${r.chart.version} (${r.backend} release ${r.namespace}/${r.releaseName})`;
}

/** The catalog chart of the OCIRepository a chartRef names: the last part of its URL, its tag. */
function ociChart(charts: readonly CatalogChart[], ref: { kind: string; name: string; namespace?: string } | undefined, namespace: string, objects: readonly Manifest[], where: string): CatalogChart {
  const repo = objects.find((o) => o.kind === ref?.kind && o.kind === 'OCIRepository' && o.metadata.name === ref?.name && o.metadata.namespace === (ref?.namespace ?? namespace)) as
    | (Manifest & { spec: { url: string; ref: { tag: string } } })
    | undefined;
  if (!repo) throw new Error(`${where}: the HelmRelease's chartRef ${JSON.stringify(ref)} names no OCIRepository of the rollout`);
  return catalogChart(charts, repo.spec.url.split('/').pop()!, repo.spec.ref.tag, where);
}

function catalogChart(charts: readonly CatalogChart[], name: string, version: string, where: string): CatalogChart {
  const found = charts.find((c) => c.chart === name && c.version === version);
  if (!found) throw new Error(`${where}: chart ${name} ${version} is not in the catalog`);
  return found;
}

/** What a Secret holds under `key` (stringData, or base64 data), or undefined. */
function secretValue(secrets: readonly Manifest[], namespace: string, name: string, key: string): string | undefined {
  const s = secrets.find((o) => o.kind === 'Secret' && o.metadata.name === name && o.metadata.namespace === namespace) as
    | (Manifest & { data?: Record<string, string>; stringData?: Record<string, string> })
    | undefined;
  if (s?.stringData?.[key] !== undefined) return s.stringData[key];
  if (s?.data?.[key] !== undefined) return Buffer.from(s.data[key], 'base64').toString('utf8');
  return undefined;
}

/**
 * A Flux HelmRelease as helm-controller renders it: its `spec.values`, with each `valuesFrom` entry read
 * from the Secret it names (`secrets`: what Terraform writes, with test values), and its chart from
 * `spec.chart` or from the OCIRepository its `chartRef` names (among `secrets` too).
 */
export function fluxRelease(source: string, object: Manifest, charts: readonly CatalogChart[], secrets: readonly Manifest[]): SynthesizedRelease {
  const spec = object.spec as {
    releaseName?: string;
    chart?: { spec: { chart: string; version: string } };
    chartRef?: { kind: string; name: string; namespace?: string };
    values?: HelmValues;
    valuesFrom?: { kind: string; name: string; valuesKey: string; targetPath?: string; optional?: boolean }[];
  };
  const namespace = object.metadata.namespace!;
  const sensitive = (spec.valuesFrom ?? []).map((v) => {
    const value = v.kind === 'Secret' ? secretValue(secrets, namespace, v.name, v.valuesKey) : undefined;
    if (value === undefined && !v.optional) throw new Error(`${source}: HelmRelease ${namespace}/${object.metadata.name} reads ${v.kind} ${v.name} key ${v.valuesKey}, which nothing writes`);
    if (!v.targetPath) throw new Error(`${source}: valuesFrom without targetPath is not supported by this check`);
    return { path: v.targetPath, value: value ?? '' };
  });
  return {
    backend: 'flux',
    source,
    releaseName: spec.releaseName ?? object.metadata.name,
    namespace,
    chart: spec.chart ? catalogChart(charts, spec.chart.spec.chart, spec.chart.spec.version, source) : ociChart(charts, spec.chartRef, namespace, secrets, source),
    values: spec.values ?? {},
    sensitive,
  };
}

interface HelmReleaseResource {
  name: string;
  namespace: string;
  chart: string;
  version: string;
  values?: string[];
  set_wo?: { name: string; value: string }[];
  depends_on?: string[];
}

/**
 * The helm_release resources of a synthesized cdktf stack, in the order Terraform applies them (after their
 * `depends_on`), with namespace references resolved and `test-<variable>` for each sensitive variable.
 */
export function terraformReleases(stack: Record<string, any>, charts: readonly CatalogChart[]): SynthesizedRelease[] {
  const releases = (stack.resource?.helm_release ?? {}) as Record<string, HelmReleaseResource>;
  const namespaces = (stack.resource?.kubernetes_namespace_v1 ?? {}) as Record<string, { metadata: { name: string }[] | { name: string } }>;
  const resolve = (ref: string) => {
    const m = /^\$\{kubernetes_namespace_v1\.([^.]+)\.metadata\[0\]\.name\}$/.exec(ref);
    if (!m) return ref;
    const meta = namespaces[m[1]]?.metadata;
    return Array.isArray(meta) ? meta[0].name : meta.name;
  };
  const order: string[] = [];
  const visit = (id: string) => {
    if (order.includes(id)) return;
    for (const dep of releases[id].depends_on ?? []) {
      const m = /^helm_release\.(.+)$/.exec(dep);
      if (m && releases[m[1]]) visit(m[1]);
    }
    order.push(id);
  };
  Object.keys(releases).forEach(visit);
  return order.map((id) => {
    const r = releases[id];
    const source = `dist/cdktf helm_release.${id}`;
    return {
      backend: 'terraform' as const,
      source,
      releaseName: r.name,
      namespace: resolve(r.namespace),
      chart: catalogChart(charts, r.chart, r.version, source),
      values: (r.values ?? []).reduce<HelmValues>((acc, text) => mergeValues(acc, (parse(text) as HelmValues) ?? {}), {}),
      sensitive: (r.set_wo ?? []).map((s) => ({ path: s.name, value: `test-${/^\$\{var\.([^}]+)\}$/.exec(s.value)?.[1] ?? 'value'}` })),
    };
  });
}
