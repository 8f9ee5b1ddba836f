import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { catalog } from '../catalog';
import { Backend, Component, prepareApp } from '../core/component';
import { ConfigProblem, constructPath, inConstruct, problemsOf, reportedProblems, ValidationError } from '../core/errors';
import { HelmChartSpec } from '../core/helm-chart';
import { isPlatform, PlatformContext } from '../core/platform-context';
import { BootstrapSecret, SecretValue } from '../core/secret';
import { nestedSecretIn, plainSecretsInObject } from '../core/secret-inputs';
import { isBuiltInNamespace } from '../core/grammar';
import { checkFileNames, checkObjectIdentities, checkSecretIdentities, checkSecretReferences } from './identity-checks';
import { checkReleasePatches } from './release-patches';
import { chartSource, isOciChart } from '../flux/helm';
import { checkChartValues, NO_SCHEMA } from '../reference/chart-schema';
import { locateReferenceData, REFERENCE_HOW_TO } from '../reference/locate';
import { checkCapacity } from './capacity';
import { checkDependencyCycles } from './dependency-cycles';
import { checkImageMarkers } from './image-markers';
import { checkRouteConflicts } from './route-conflicts';
import { checkRouteTls } from './route-tls';
import { checkConsumerValues } from './consumer-grammar';
import { placeSecrets } from './secret-placement';
import { Change, Handover } from '../day2/guard';
import { Inventory, RetiredResource } from '../day2/inventory';
import { openSecretStore, planDay2 } from '../day2/plan-day2';
import { codeImages, KeptImage, keepAutomatedTags } from '../day2/image-tags';
import { SecretStore } from '../secrets/secret-store';

/** A Kubernetes object as plain JSON. */
export type Manifest = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
};

/** The Flux steps, applied in this order (after flux2-kustomize-helm-example). */
export const FLUX_STEPS = ['controllers', 'configs', 'apps'] as const;
export type FluxStep = (typeof FLUX_STEPS)[number];

/** What one component contributes to one Flux step. */
export interface FluxPlacement {
  readonly component: Component;
  readonly step: FluxStep;
  /** Namespace object to create in this step, when Flux owns the component's namespace. */
  readonly namespace?: string;
  /** The component's Helm release, when Flux deploys it and it belongs to this step. */
  readonly chart?: HelmChartSpec;
  readonly manifests: Manifest[];
  /** Secrets written SOPS-encrypted into this step's file: plaintext here, encrypted by the renderer. */
  readonly encryptedSecrets: Manifest[];
  /**
   * True when this placement writes the HelmRepository of its chart: one per repository and namespace,
   * in the first placement that needs it (two copies would make kustomize refuse the folder, or two Flux
   * Kustomizations fight over one object). A chart from an OCI registry always comes with its own
   * OCIRepository instead (`chartSource` in lib/flux/helm.ts).
   * @default false
   */
  readonly writesHelmRepository?: boolean;
}

/** A namespace and the backend that creates it. */
export interface NamespacePlan {
  readonly name: string;
  readonly owner: Backend;
  /** True when any component in it holds data: never pruned or destroyed. */
  readonly stateful: boolean;
}

/**
 * Every decision about who deploys what, made once from the component tree. The Flux and Terraform
 * renderers only turn this plan into files; neither decides placement itself.
 */
export interface DeploymentPlan {
  /** The platform's settings (domain, cluster, Git source, Flux intervals). */
  readonly platform: PlatformContext;
  /** Components in construct-path order. */
  readonly components: readonly Component[];
  readonly namespaces: readonly NamespacePlan[];
  readonly flux: readonly FluxPlacement[];
  /**
   * Objects written to `loadtests/<name>/` of the Flux repository, outside every path Flux reconciles:
   * someone applies them to run a test. Their namespace is created by the `apps` step.
   */
  readonly manual: readonly { readonly component: Component; readonly manifests: readonly Manifest[] }[];
  readonly terraform: {
    /**
     * Helm releases Terraform installs, in dependency order. The one that starts Flux comes last and
     * waits for all others (`startsFlux`), so that the CRDs and secrets of the Terraform-managed
     * components exist when Flux first reconciles the repository.
     */
    readonly releases: readonly { component: Component; chart: HelmChartSpec; startsFlux: boolean }[];
    /** Plain (built-in kind) objects of Terraform-managed components. */
    readonly manifests: readonly { component: Component; manifest: Manifest }[];
    /**
     * Secrets the bootstrap creates before anything else: the components' bootstrap secrets, then one per
     * Flux-deployed release with sensitive values (its `valuesFrom` source).
     */
    readonly secrets: readonly BootstrapSecret[];
    /** Sensitive variables, sorted by name, each declared once. */
    readonly variables: readonly SecretValue[];
    /**
     * The revision of each sensitive variable's write-only uses (1 unless rotated by name): Terraform
     * re-sends a write-only value only when its revision changes.
     */
    readonly revisions: ReadonlyMap<string, number>;
    /** `namespace/name` of the Secrets of components that hold data: kept when the code drops them. */
    readonly protectedSecrets: ReadonlySet<string>;
  };
  /** SOPS: the age recipients, and the Flux steps whose files hold encrypted Secrets (their Kustomizations decrypt). */
  readonly sops: { readonly recipients: readonly string[]; readonly steps: readonly FluxStep[] };
  /**
   * What synth could not check, one sentence each (chart values without reference data or schema); the
   * entry points print them. Not part of the output.
   */
  readonly notes: readonly string[];
  /** Day 2: this synth compared with the previous one. */
  readonly day2: {
    /** What this synth puts where; written to `<flux output>/.ballast/inventory.json`. */
    readonly inventory: Inventory;
    /** Changes against the previous inventory, guarded and destructive ones first (empty on a first synth). */
    readonly changes: readonly Change[];
    /** What the backends emit to carry out acknowledged changes. */
    readonly handover: Handover;
    /** Terraform resources forgotten on purpose, this synth's and earlier ones: their removed blocks stay. */
    readonly retired: readonly RetiredResource[];
    /** The generated secret values: saved by the entry point once the output is written. */
    readonly secretStore: SecretStore;
    /** Terraform variables rotated in this synth (their write-only revision went up). */
    readonly rotatedVariables: readonly string[];
  };
  /**
   * Images under a Flux image-policy marker: the code's image of each (`<namespace>/<Deployment>`), and the
   * tags this synth keeps from the previous output because Flux's image automation committed them.
   */
  readonly images: { readonly code: Readonly<Record<string, string>>; readonly kept: readonly KeptImage[] };
}

/** What a plan is compared with, and what the user allows. */
export interface PlanOptions {
  /**
   * The inventory of the previous synth (in its Flux output), compared with this plan.
   * @default none: a first synth, nothing to compare
   */
  readonly previous?: Inventory;
  /**
   * The Flux folder of the previous output: named in messages, and read for the image tags Flux's image
   * automation committed there. @default none ('the previous output' in messages)
   */
  readonly previousOutput?: string;
  /** Guarded changes allowed by id, in addition to the platform's `acknowledge`. @default none */
  readonly acknowledge?: readonly string[];
  /** Secrets to rotate by name, in addition to the platform's `rotateSecrets`. @default none */
  readonly rotate?: readonly string[];
  /**
   * False to report guarded changes in `day2.changes` instead of failing (what `diff` does).
   * @default true
   */
  readonly enforceGuard?: boolean;
}

/** True for API groups Kubernetes serves itself: the core group, `apps`, `batch`, `*.k8s.io`... */
export function isBuiltInGroup(apiVersion: string): boolean {
  const group = apiGroup(apiVersion);
  return group === '' || !group.includes('.') || group.endsWith('.k8s.io');
}

export function apiGroup(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

/** The components under `root`, in construct-path order. */
export function componentsOf(root: IConstruct): Component[] {
  return componentsAmong(root.node.findAll());
}

/** The components among `constructs`, in construct-path order. */
function componentsAmong(constructs: readonly IConstruct[]): Component[] {
  // A construct's path is built from its scopes on every read: read it once per component, not per comparison.
  return constructs
    .filter((c): c is Component => Component.isComponent(c))
    .map((c) => ({ c, path: c.node.path }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map(({ c }) => c);
}

/**
 * Plans the platform rooted at `root`. Throws a ValidationError listing every problem when the
 * platform cannot be deployed as described.
 */
export function planDeployment(root: IConstruct, options: PlanOptions = {}): DeploymentPlan {
  if (!isPlatform(root)) {
    throw new ValidationError([{ path: constructPath(root), problem: 'this construct is not a Platform', fix: 'Pass the Platform itself' }]);
  }
  const problems: ConfigProblem[] = [];
  const constructs = root.node.findAll();
  const components = componentsAmong(constructs);
  // Every mistake in the props, all at once, before any object is read from constructs built with them.
  const fromProps = reportedProblems(constructs);
  if (fromProps.length > 0) throw new ValidationError(fromProps);
  prepareApp(components);
  for (const chart of constructs.filter((c) => Chart.isChart(c) && !Component.isComponent(c))) {
    problems.push({
      path: constructPath(chart),
      problem: 'it is a cdk8s Chart but not a ballast Component, so no backend would deploy its objects',
      fix: 'Extend Component instead of Chart (it is a Chart with a namespace and a backend)',
    });
  }

  // Which component's chart installs the CRDs of each API group.
  const crdOwner = new Map<string, Component>();
  for (const c of components) {
    const clashes = new Map<Component, string[]>();
    for (const group of c.helmChart?.chart.crdGroups ?? []) {
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

  checkReleases(components, problems);
  checkDependencyCycles(components, problems);
  const notes = checkChartValuesOf(components, problems);
  checkReleasePatches(components, locateReferenceData(), problems);

  const previous = options.previous;
  // Before any object is read: tags Flux's image automation committed stay (see lib/day2/image-tags.ts).
  const images = { code: codeImages(components), kept: keepAutomatedTags(components, previous?.automatedImages, options.previousOutput) };
  // Each component's objects are resolved once per plan (after the kept tags are patched in): the
  // placement and the checks read the same JSON.
  const resolved = new Map<Component, Manifest[]>();
  const manifestsOf = (c: Component): Manifest[] => resolved.get(c) ?? resolved.set(c, c.manifests() as Manifest[]).get(c)!;
  // Every component's objects, with the escape hatches' patches applied: the patches that fail, all at once.
  const renderProblems = components.flatMap((c) => inConstruct(c, 'placing its objects', () => problemsOf(() => manifestsOf(c))));
  if (renderProblems.length > 0) throw new ValidationError(renderProblems);
  const rotate = new Set([...root.rotateSecrets, ...(options.rotate ?? [])]);
  const { secretStore, generated } = openSecretStore(root, previous, options.previousOutput, rotate);
  const placedSecrets = placeSecrets(components, root.sops.ageRecipients, constructPath(root), problems, generated);
  const secrets = placedSecrets.terraform;
  const namespaces = planNamespaces(components, secrets);
  const flux: FluxPlacement[] = [];
  const tfManifests: { component: Component; manifest: Manifest }[] = [];
  const manual: { component: Component; manifests: Manifest[] }[] = [];
  for (const c of components) {
    if (c.tier === 'loadtests') {
      manual.push({ component: c, manifests: inConstruct(c, 'placing its objects', () => placeManual(c, manifestsOf(c), crdOwner, problems)) });
      // The namespace must exist before anyone applies the test: the apps step creates it.
      flux.push({ component: c, step: 'apps', manifests: [], encryptedSecrets: [] });
      continue;
    }
    const placed = inConstruct(c, 'placing its objects', () => placeComponent(c, manifestsOf(c), crdOwner, problems));
    flux.push(...placed.flux);
    tfManifests.push(...placed.terraform.map((manifest) => ({ component: c, manifest })));
  }
  // Encrypted Secrets go with the component's objects, in the step its Flux placement applies first.
  const firstPlacement = new Map<Component, FluxPlacement>();
  for (const p of flux) if (!firstPlacement.has(p.component)) firstPlacement.set(p.component, p);
  for (const { component, secret } of placedSecrets.sops) {
    const own = firstPlacement.get(component);
    if (own) own.encryptedSecrets.push(secret);
    else {
      const placement: FluxPlacement = { component, step: component.tier === 'apps' ? 'apps' : 'controllers', manifests: [], encryptedSecrets: [secret] };
      flux.push(placement);
      firstPlacement.set(component, placement);
    }
  }
  checkImageMarkers(components, flux.flatMap((p) => p.manifests), problems);
  checkFileNames(components, problems);
  checkObjectIdentities(
    [...flux.flatMap((p) => p.manifests.map((manifest) => ({ component: p.component, manifest }))), ...tfManifests, ...manual.flatMap((m) => m.manifests.map((manifest) => ({ component: m.component, manifest })))],
    components.flatMap((component) => component.bootstrapSecrets.map((secret) => ({ component, secret }))),
    problems,
  );
  checkSecretIdentities(components, secrets, problems);
  const createdSecrets = new Set([...components.flatMap((c) => c.bootstrapSecrets), ...secrets].map((s) => `${s.namespace}/${s.name}`));
  checkSecretReferences(components, createdSecrets, root.assumed.secrets, problems);
  const withRepositories = helmRepositoryWriters(flux, problems);
  checkCapacity(root, components, problems, notes);
  checkRouteConflicts(
    [...flux.flatMap((p) => p.manifests.map((manifest) => ({ component: p.component, manifest }))), ...tfManifests],
    problems,
  );
  checkRouteTls(root, components, problems, manifestsOf);
  checkConsumerValues(components, flux, tfManifests, manual, problems);

  if (problems.length > 0) throw new ValidationError(problems);

  const variables = new Map<string, SecretValue>();
  const addVariable = (v: SecretValue) => variables.set(v.variable, v);
  for (const s of secrets) Object.values(s.data).forEach((v) => v instanceof SecretValue && v.source.kind === 'variable' && addVariable(v));
  for (const c of components) (c.helmChart?.sensitiveValues ?? []).forEach((s) => s.value.source.kind === 'variable' && addVariable(s.value));

  const sortedVariables = [...variables.values()].sort((a, b) => (a.variable < b.variable ? -1 : 1));
  // A rotated Terraform variable gets a new write-only revision; the others keep theirs.
  const revisions = new Map(sortedVariables.map((v) => [v.variable, (previous?.revisions[v.variable] ?? 1) + (rotate.has(v.variable) ? 1 : 0)]));
  for (const name of secretStore.unusedRotations().filter((n) => !revisions.has(n))) {
    problems.push({
      path: constructPath(root),
      problem: `rotate names ${name}, which is neither a generated secret nor a Terraform variable of this platform`,
      fix: `Use one of: ${[...secretStore.used.map((u) => u.name), ...revisions.keys()].sort().join(', ') || 'none'}`,
    });
  }
  const plan = {
    platform: root,
    components,
    namespaces,
    images,
    flux: withNamespaces(withRepositories, namespaces),
    manual,
    terraform: {
      releases: terraformReleases(components),
      manifests: tfManifests,
      secrets,
      variables: sortedVariables,
      revisions,
      protectedSecrets: new Set(components.filter((c) => c.stateful).flatMap((c) => c.bootstrapSecrets.map((b) => `${b.namespace}/${b.name}`))),
    },
    sops: {
      recipients: root.sops.ageRecipients,
      steps: FLUX_STEPS.filter((step) => flux.some((p) => p.step === step && p.encryptedSecrets.length > 0)),
    },
    notes,
  };

  // The guard: this plan against the previous synth's inventory, and what carrying it out takes.
  const day2 = planDay2(plan, { ...options, acknowledge: [...root.acknowledge, ...(options.acknowledge ?? [])] }, { platformPath: constructPath(root), rotate, secretStore }, problems);
  if (problems.length > 0) throw new ValidationError(problems);
  return { ...plan, flux: day2.flux, day2: day2.day2 };
}


/**
 * Every release's values against its chart's values.schema.json, when the reference data has it: values
 * the chart would refuse at deploy time (often from extraValues) fail synth instead. Returns a note for
 * the releases whose schema was not available (a chart that ships no schema is documented, not noted).
 */
function checkChartValuesOf(components: Component[], problems: ConfigProblem[]): string[] {
  const reference = locateReferenceData();
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
 * Where each object of a component goes. Built-in kinds go with the component's backend; custom
 * resources always go to Flux, one step after the chart that installs their CRD (a Terraform plan
 * against an empty cluster cannot hold objects of a kind its own apply installs).
 */
function placeComponent(
  c: Component,
  objects: readonly Manifest[],
  crdOwner: ReadonlyMap<string, Component>,
  problems: ConfigProblem[],
): { flux: FluxPlacement[]; terraform: Manifest[] } {
  const assumedGroups = c.platform.assumed.crdGroups;
  const ownStep: FluxStep = c.tier === 'apps' ? 'apps' : 'controllers';
  const crStep: FluxStep = c.tier === 'apps' ? 'apps' : 'configs';
  const byStep = new Map<FluxStep, Manifest[]>();
  const put = (step: FluxStep, m: Manifest) => {
    const list = byStep.get(step);
    if (list) list.push(m);
    else byStep.set(step, [m]);
  };
  const terraform: Manifest[] = [];
  const problem = (text: string, fix: string) => problems.push({ path: constructPath(c), problem: text, fix });

  for (const m of objects) {
    const where = `${m.kind} "${m.metadata.name}" (${m.apiVersion})`;
    const nested = nestedSecretIn(m);
    if (nested) {
      problem(`${where} holds ${nested}, whose values would be written to the output`, 'Declare the Secret with addBootstrapSecret and SecretValue inputs instead');
      continue;
    }
    if (plainSecretProblem(c, where, m, problems)) continue;
    if (isBuiltInGroup(m.apiVersion)) {
      if (m.kind === 'Namespace') {
        problem(`it creates Namespace "${m.metadata.name}" itself`, 'Remove it: ballast creates the namespace of every component');
      } else if (m.kind === 'Secret' || m.kind === 'SecretList') {
        problem(`it creates ${where}, whose values would be written to the output`, 'Declare it with addBootstrapSecret and SecretValue inputs instead');
      } else if (c.deployWith === 'terraform') {
        terraform.push(m);
      } else {
        put(ownStep, m);
      }
      continue;
    }
    const group = apiGroup(m.apiVersion);
    const source = crdOwner.get(group);
    if (!source && assumedGroups.has(group)) {
      // The cluster has these CRDs already (Platform.assumeInstalled): the object goes with the component.
      put(ownStep, m);
      continue;
    }
    if (!source) {
      problem(`no component installs the CRD of ${where}`, `Add the component whose chart installs the ${group} CRDs, or declare them with platform.assumeInstalled({ crdGroups: ['${group}'] }) when the cluster has them`);
      continue;
    }
    const sourceStep = source.deployWith === 'terraform' ? undefined : source.tier === 'apps' ? 'apps' : 'controllers';
    if (sourceStep !== undefined && FLUX_STEPS.indexOf(sourceStep) >= FLUX_STEPS.indexOf(crStep)) {
      problem(
        `${where} would be applied in the same Flux step as the chart that installs its CRD (${constructPath(source)})`,
        'Make the component that installs the CRD an infrastructure component',
      );
      continue;
    }
    put(crStep, m);
  }

  // A Flux-deployed chart has a placement (its HelmRelease) even when the component has no objects there.
  if (c.helmChart && c.deployWith === 'flux' && !byStep.has(ownStep)) byStep.set(ownStep, []);
  const flux = FLUX_STEPS.filter((step) => byStep.has(step)).map((step) => ({
    component: c,
    step,
    chart: step === ownStep && c.deployWith === 'flux' ? c.helmChart : undefined,
    manifests: byStep.get(step)!,
    encryptedSecrets: [],
  }));
  return { flux, terraform };
}

/**
 * Reports a secret written as plain text into an object (a ConfigMap value, an env literal, a field named
 * like a password), whether the component or a patch put it there; true when there was one.
 */
function plainSecretProblem(c: Component, where: string, m: Manifest, problems: ConfigProblem[]): boolean {
  // A Secret object is refused whole, with its own message.
  if (m.kind === 'Secret' || m.kind === 'SecretList') return false;
  const found = plainSecretsInObject(m);
  if (found.length === 0) return false;
  problems.push({
    path: constructPath(c),
    problem: `${where} holds a secret as plain text at ${found.join(', ')}, which would be written to the output`,
    fix: 'Put the value in a Secret (addBootstrapSecret with a SecretValue, or an env SecretValue of a WebService) and reference it (valueFrom.secretKeyRef, a Secret name)',
  });
  return true;
}

/** The objects of a component applied by hand (a load test): built-in kinds, and custom resources of a known CRD. */
function placeManual(c: Component, objects: readonly Manifest[], crdOwner: ReadonlyMap<string, Component>, problems: ConfigProblem[]): Manifest[] {
  const out: Manifest[] = [];
  for (const m of objects) {
    if (plainSecretProblem(c, `${m.kind} "${m.metadata.name}" (${m.apiVersion})`, m, problems)) continue;
    if (m.kind === 'Secret' || m.kind === 'SecretList' || m.kind === 'Namespace' || nestedSecretIn(m)) {
      problems.push({ path: constructPath(c), problem: `it creates ${m.kind} "${m.metadata.name}" in a folder applied by hand`, fix: 'Leave namespaces and secrets to ballast' });
    } else if (!isBuiltInGroup(m.apiVersion) && !crdOwner.has(apiGroup(m.apiVersion)) && !c.platform.assumed.crdGroups.has(apiGroup(m.apiVersion))) {
      problems.push({ path: constructPath(c), problem: `no component installs the CRD of ${m.kind} "${m.metadata.name}" (${m.apiVersion})`, fix: `Add the component whose chart installs the ${apiGroup(m.apiVersion)} CRDs, or declare them with platform.assumeInstalled({ crdGroups: ['${apiGroup(m.apiVersion)}'] }) when the cluster has them` });
    } else {
      out.push(m);
    }
  }
  return out;
}

/**
 * Marks the placement that writes each HelmRepository (namespace and name): the first that needs it. Two
 * charts whose repositories share a name in one namespace but not the URL cannot both be served. A chart
 * from an OCI registry has an OCIRepository of its own instead, named after its release (one per release
 * name and namespace). An object of a component that is also one of these sources would be a second copy.
 */
function helmRepositoryWriters(placements: FluxPlacement[], problems: ConfigProblem[]): FluxPlacement[] {
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
function withNamespaces(placements: FluxPlacement[], namespaces: readonly NamespacePlan[]): FluxPlacement[] {
  const fluxOwned = new Set(namespaces.filter((n) => n.owner === 'flux').map((n) => n.name));
  const sorted = [...placements].sort((a, b) => FLUX_STEPS.indexOf(a.step) - FLUX_STEPS.indexOf(b.step));
  const first = new Map<string, FluxPlacement>();
  for (const p of sorted) {
    const ns = p.component.namespace;
    if (fluxOwned.has(ns) && !first.has(ns)) first.set(ns, p);
  }
  return placements.map((p) => (first.get(p.component.namespace) === p ? { ...p, namespace: p.component.namespace } : p));
}

/**
 * A namespace is created by Terraform when a Terraform-managed component lives in it, or when it holds
 * a secret Terraform writes (the namespace must exist first); otherwise Flux creates it from Git.
 */
function planNamespaces(components: Component[], secrets: BootstrapSecret[]): NamespacePlan[] {
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
    }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

function checkReleases(components: Component[], problems: ConfigProblem[]): void {
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

function terraformReleases(components: Component[]): DeploymentPlan['terraform']['releases'] {
  const startsFlux = (c: Component) => c.helmChart!.chart === catalog.fluxInstance;
  const managed = dependencyOrder(components.filter((c) => c.deployWith === 'terraform' && c.helmChart));
  return [...managed.filter((c) => !startsFlux(c)), ...managed.filter(startsFlux)].map((c) => ({
    component: c,
    chart: c.helmChart!,
    startsFlux: startsFlux(c),
  }));
}

/** Components sorted so that every component comes after the ones it depends on (stable otherwise). */
function dependencyOrder(components: Component[]): Component[] {
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
