import { CatalogChart, DeploymentPlan, Manifest } from '../../../lib/internal';
import { allCrds } from '../shared-data';
import { rolloutOrder } from '../e2e/rollout';
import { describeObject, ServerSideApply } from '../e2e/server-side-apply';
import { Located } from './cross-references';
import { operatorObjects } from './operator-objects';
import { renderRelease } from './render';
import { fluxRelease, releaseLabel, SynthesizedRelease, terraformReleases } from './synthesized-releases';

/**
 * Kinds applied with `dryRun=All` only: the server validates them, but nothing here serves what they point
 * at (webhook Services, aggregated APIs), and stored, they would route later requests to nowhere.
 */
const DRY_RUN_KINDS = new Set(['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'APIService']);

/** What rolling the platform out with its charts did. */
export interface ChartRolloutResult {
  /** One line per rejection or server warning, naming the file or template, the object and the reason. */
  readonly problems: string[];
  /** Everything applied, ballast's objects and the charts', for the cross-reference check. */
  readonly applied: Located[];
  /** Each release, in the order it was installed, with how many objects its chart rendered. */
  readonly releases: { release: SynthesizedRelease; objects: number }[];
}

export interface ChartRolloutOptions {
  readonly helm: string;
  readonly ssa: ServerSideApply;
  readonly plan: DeploymentPlan;
  /** The synthesized Flux tree and Terraform stack JSON. */
  readonly fluxDir: string;
  readonly stack: Record<string, any>;
  /**
   * The chart's archive or folder (from the chart cache); undefined for a chart the tier leaves out by
   * name (flux-operator and flux-instance, AGPL, never vendored): its release is not rendered, and the CRDs
   * of the groups it declares come from the reference data.
   */
  readonly chartPath: (chart: CatalogChart) => string | undefined;
  /**
   * What exists before the rollout starts, for a test platform without the Flux bootstrap: namespaces, and
   * the CRDs of API groups (from the reference data). @default nothing
   */
  readonly preinstalled?: { readonly namespaces: readonly string[]; readonly crdGroups: readonly string[] };
}

/**
 * Applies the platform as a cluster receives it, with every Helm release rendered from its real chart:
 * Terraform's objects, then its releases in dependency order, then Flux's steps, each HelmRelease followed
 * by what its chart renders. A release's CRDs go first and must be Established; CRDs of its groups that no
 * template carries (controllers install them at run time, like the Flux toolkit's) come from the reference
 * data. Every apply is server-side with strict field validation.
 */
export async function rollOutWithCharts(options: ChartRolloutOptions): Promise<ChartRolloutResult> {
  const { ssa } = options;
  const problems: string[] = [];
  const applied: Located[] = [];
  const releases: ChartRolloutResult['releases'] = [];
  const rollout = rolloutOrder(options.plan, options.fluxDir);
  // valuesFrom reads a Secret of the release's namespace, whoever wrote it (Terraform, or SOPS in Git).
  // What a HelmRelease reads: Secrets (valuesFrom) and OCIRepositories (chartRef).
  const secrets = rollout.filter((r) => r.object.kind === 'Secret' || r.object.kind === 'OCIRepository').map((r) => r.object);

  const apply = async (item: Located, dryRun = false) => {
    try {
      const { warnings } = await ssa.apply(item.object, { dryRun });
      warnings.forEach((w) => problems.push(`${item.source}: ${describeObject(item.object)} drew a warning: ${w}`));
      applied.push(item);
    } catch (err) {
      problems.push(`${item.source}: ${describeObject(item.object)} was rejected: ${(err as Error).message}`);
    }
  };

  const install = async (release: SynthesizedRelease) => {
    const chartPath = options.chartPath(release.chart);
    const rendered = chartPath === undefined ? [] : renderRelease(options.helm, release, chartPath, await ssa.servedApiVersions());
    releases.push({ release, objects: rendered.length });
    const crds = rendered.filter((r) => r.object.kind === 'CustomResourceDefinition');
    for (const crd of crds) await apply(crd);
    const groups = new Set(crds.map((c) => (c.object.spec as { group: string }).group));
    // The CRD groups the component declares for its chart (the plan's view, which placed its custom resources).
    const owner = options.plan.components.find((c) => c.helmChart?.releaseName === release.releaseName && c.namespace === release.namespace);
    const declared = owner?.helmChart?.chart.crdGroups ?? release.chart.crdGroups ?? [];
    const atRunTime = allCrds()
      .filter(({ crd }) => declared.includes(crd.spec.group) && !groups.has(crd.spec.group))
      .map(({ file, crd }) => ({ source: `reference data ${file} (installed at run time by ${releaseLabel(release)})`, object: crd as Manifest }));
    for (const crd of atRunTime) await apply(crd);
    await ssa.waitEstablished([...crds, ...atRunTime].map((c) => c.object.metadata.name));
    for (const r of rendered.filter((x) => x.object.kind !== 'CustomResourceDefinition')) {
      // Helm installs a namespaced object without a namespace into the release's namespace.
      const namespaced = await ssa.isNamespaced(r.object.apiVersion, r.object.kind).catch(() => false);
      const object = namespaced && !r.object.metadata.namespace ? { ...r.object, metadata: { ...r.object.metadata, namespace: release.namespace } } : r.object;
      await apply({ source: r.source, object }, DRY_RUN_KINDS.has(object.kind));
    }
  };

  const charts = options.plan.components.flatMap((c) => (c.helmChart ? [c.helmChart.chart] : []));
  for (const name of options.preinstalled?.namespaces ?? []) {
    await apply({ source: 'test setup (installed before the rollout)', object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } });
  }
  const preinstalled = allCrds()
    .filter(({ crd }) => (options.preinstalled?.crdGroups ?? []).includes(crd.spec.group))
    .map(({ file, crd }) => ({ source: `reference data ${file} (installed before the rollout)`, object: crd as Manifest }));
  for (const crd of preinstalled) await apply(crd);
  await ssa.waitEstablished(preinstalled.map((c) => c.object.metadata.name));

  const tf = rollout.filter((r) => r.source.startsWith('dist/cdktf'));
  for (const item of tf) await apply(item);
  for (const release of terraformReleases(options.stack, charts)) await install(release);
  for (const item of rollout.filter((r) => !r.source.startsWith('dist/cdktf'))) {
    await apply(item);
    if (item.object.kind === 'HelmRelease') await install(fluxRelease(item.source, item.object, charts, secrets));
  }
  // What the operators would create from the custom resources, for the cross-reference check.
  return { problems, applied: [...applied, ...operatorObjects(applied)], releases };
}
