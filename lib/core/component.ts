import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import type { CatalogChart } from './chart-types';
import { CapacityClaim } from './capacity';
import { chartObjects } from './chart-objects';
import { constructPath, fail, reportProblem, ValidationError } from './errors';
import { operationOf } from './object-patches';
import { renderObjects } from './render-objects';
import { HelmChartSpec, HelmValues, mergeValues, TerraformOverride } from './helm-chart';
import { chartPolicyProblems, resolveReleasePolicy } from './release-policy';
import { isHelmReleaseName, isReservedNamespace, RESERVED_NAMESPACES, urlCredentialsProblem } from './grammar';
import { isDnsSubdomain, requireDnsLabel } from './names';
import { Scheduling } from './node-pool';
import { platformOf, PlatformContext } from './platform-context';
import { BootstrapSecret, BootstrapSecretOptions, SecretConstraint, SecretValue } from './secret';
import { bootstrapSecretProblems, valuesSecretProblems } from './secret-inputs';
import { ComponentNetwork, PodSecurityDeclaration, podSecurityProblems } from './network';
import { AddChartOptions, Backend, ComponentProps, MAX_COMPONENT_ID_LENGTH, ObjectComment, OutputUrl, SecretsBackend, Tier } from './component-options';

export { MAX_COMPONENT_ID_LENGTH };
export type { AddChartOptions, Backend, ChartComponentOptions, ComponentOptions, ComponentProps, ObjectComment, OutputUrl, SecretsBackend, Tier } from './component-options';

const COMPONENT_MARK = Symbol.for('ballast.Component');

/** The construct path of the component constructed last: where an unexpected error while building the platform most likely happened. */
let lastConstructed: string | undefined;

/** The path of the component constructed last (for the message of an unexpected error), if any. */
export function lastConstructedComponent(): string | undefined {
  return lastConstructed;
}

/**
 * A part of the platform: a namespace, optionally one Helm release, the Kubernetes objects it owns and
 * the bootstrap secrets it needs. It is a cdk8s Chart, so objects created inside it (cdk8s, cdk8s-plus or
 * ballast constructs) land in its namespace.
 */
export class Component extends Chart {
  /**
   * True for a ballast Component. Use it, not `instanceof`: cdk8s answers `instanceof` of every Chart
   * subclass for any Chart, so `x instanceof Traefik` is true for every component.
   */
  public static isComponent(x: unknown): x is Component {
    return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[COMPONENT_MARK] === true;
  }

  public declare readonly namespace: string;
  public readonly platform: PlatformContext;
  public readonly deployWith: Backend;
  public readonly secretsWith: SecretsBackend;
  public readonly tier: Tier;
  /**
   * True when the component holds data (volumes, databases): Flux never prunes it and Terraform refuses
   * to destroy it, so a refactor cannot delete data.
   */
  public stateful = false;
  private chartSpec?: HelmChartSpec;
  private readonly after: Component[] = [];
  private readonly secrets: BootstrapSecret[] = [];
  private readonly urls: OutputUrl[] = [];
  private readonly comments: ObjectComment[] = [];
  private readonly claims: CapacityClaim[] = [];
  private readonly secretRefs: { readonly name: string; readonly what: string }[] = [];
  private readonly objectPatches = new Map<ApiObject, JsonPatch[]>();
  /** The component's pods, the connections it opens and accepts, its opt-out: the plan writes NetworkPolicies from them. */
  public readonly network: ComponentNetwork;
  private ownSecurity: PodSecurityDeclaration = {
    level: 'baseline',
    reason: 'the component does not declare a level; baseline refuses privileged pods and host namespaces',
  };
  private readonly securityOverride?: PodSecurityDeclaration;

  constructor(scope: Construct, id: string, props: ComponentProps) {
    super(scope, uniqueId(scope, id), { namespace: props.namespace, disableResourceNameHashes: true });
    lastConstructed = constructPath(this);
    Object.defineProperty(this, COMPONENT_MARK, { value: true });
    this.platform = platformOf(this);
    requireDnsLabel(this, 'namespace', props.namespace);
    if (isReservedNamespace(props.namespace) && props.allowReservedNamespace !== true) {
      reportProblem(
        this,
        `namespace "${props.namespace}" is reserved for the cluster and Flux (${RESERVED_NAMESPACES.join(', ')}, kube-*): Flux would take it over and prune what it did not write`,
        'Use a namespace of its own, or set allowReservedNamespace: true for a component meant to live there',
      );
    }
    if (props.deployWith !== undefined && props.deployWith !== 'flux' && props.deployWith !== 'terraform') {
      reportProblem(this, `deployWith "${String(props.deployWith)}" is not a backend`, 'Use "flux" or "terraform"');
    }
    this.deployWith = props.deployWith === 'terraform' ? 'terraform' : 'flux';
    if (props.secrets !== undefined && props.secrets !== 'terraform' && props.secrets !== 'sops') {
      reportProblem(this, `secrets "${String(props.secrets)}" is not a secrets backend`, 'Use "terraform" or "sops"');
    }
    this.secretsWith = props.secrets === 'sops' ? 'sops' : 'terraform';
    this.tier = props.tier ?? 'infrastructure';
    this.network = new ComponentNetwork(this, props.networkPolicies?.disabled);
    this.securityOverride = props.podSecurity;
    for (const problem of podSecurityProblems(props.podSecurity)) reportProblem(this, problem.problem, problem.fix);
  }

  /** The Pod Security Standards level the component's pods meet, and why (its namespace is labelled with the least strict). */
  public get podSecurity(): PodSecurityDeclaration {
    return this.securityOverride ?? this.ownSecurity;
  }

  /** Declares the level the component's pods meet (a chart's, from the catalog; restricted for ballast's own). */
  protected declarePodSecurity(declaration: PodSecurityDeclaration): void {
    this.ownSecurity = declaration;
  }

  /** What the component is, for messages of the components that use it: its construct path. */
  public get description(): string {
    return constructPath(this);
  }

  /** The component's Helm release, if it has one. */
  public get helmChart(): HelmChartSpec | undefined {
    return this.chartSpec;
  }

  /** Secrets this component needs: Terraform's bootstrap, or SOPS files in Git (see `secretsWith`). */
  public get bootstrapSecrets(): readonly BootstrapSecret[] {
    return this.secrets;
  }

  /**
   * The URLs this component exposes to others (`KubePrometheusStack.queryUrl`...). The chart tier checks
   * that each one reaches a Service port or a route that the rendered charts and ballast really create.
   */
  public get outputUrls(): readonly OutputUrl[] {
    return this.urls;
  }

  /** The pods this component places on node pools, for the capacity check. */
  public get capacityClaims(): readonly CapacityClaim[] {
    return this.claims;
  }

  /** Secrets in this component's namespace that its objects read by name (checked at synth: something must create them). */
  public get secretReferences(): readonly { readonly namespace: string; readonly name: string; readonly what: string }[] {
    return this.secretRefs.map((r) => ({ namespace: this.namespace, ...r }));
  }

  /**
   * Records that this component's objects read the Secret `name` of its namespace (`what` says where, for
   * the message). Synth fails unless a component creates that Secret or the platform assumes it exists
   * (`Platform.assumeInstalled({ secrets })`): a pod that names a missing Secret never starts.
   */
  protected referenceSecret(name: string, what: string): void {
    this.secretRefs.push({ name, what });
  }

  /** Records pods this component runs on a pool (from the requests ballast sets), for the capacity check. */
  protected claimCapacity(claim: CapacityClaim): void {
    this.claims.push(claim);
  }

  /** Line comments the Flux repository carries on this component's objects (Flux image-policy markers). */
  public get objectComments(): readonly ObjectComment[] {
    return this.comments;
  }

  /** Puts `comment` at the end of the line of the value at `path` of the object `kind`/`name`. */
  public addObjectComment(comment: ObjectComment): void {
    this.comments.push(comment);
  }

  /** Components that must be ready before this one is installed. */
  public get dependencies(): readonly Component[] {
    return this.after;
  }

  /**
   * A secret input of this component: a Terraform variable when its Secrets go through Terraform, a
   * generated value (kept between synths) when they go to Git encrypted. Components use it for defaults.
   */
  protected defaultSecret(name: string, description: string, constraint?: SecretConstraint): SecretValue {
    const value = this.secretsWith === 'sops' ? SecretValue.generated(name) : SecretValue.fromVariable(name, description, constraint);
    return SecretValue.defaultOf(constructPath(this), value);
  }

  /**
   * Installs this component only after `other` is ready: Flux `dependsOn` between the HelmReleases,
   * Terraform `depends_on` between the releases.
   */
  public deployAfter(other: Component): void {
    if (other === this) fail(this, 'a component cannot depend on itself', 'Remove the deployAfter call');
    if (!this.after.includes(other)) this.after.push(other);
  }

  /**
   * The component's Kubernetes objects (not counting its Helm release), resolved to plain JSON, in the
   * order cdk8s gives them (the topology of this chart's dependency graph). Unlike `Chart.toJson()`, this does not
   * repeat cdk8s' app-wide preparation (dependency inference and validation) for every chart: the planner
   * runs that once for the whole app (`prepareApp`), which keeps synth linear in the number of components.
   */
  public manifests(): Record<string, unknown>[] {
    return renderObjects(this, this.objectPatches);
  }

  /**
   * The nodeSelector and tolerations that place workloads on the node pool `name`; undefined (run
   * anywhere) when no pool is asked for. Fails with this component's path when the pool does not exist.
   */
  protected scheduling(name: string | undefined): Scheduling | undefined {
    return name === undefined ? undefined : this.platform.nodePool(name, this).scheduling();
  }

  /** Gives the component its Helm release. A component has at most one. */
  protected addChart(chart: CatalogChart, values: HelmValues, options: AddChartOptions = {}): HelmChartSpec {
    if (this.chartSpec) {
      fail(this, 'a component can install only one Helm chart', 'Split the charts into separate components');
    }
    if (chart.podSecurity) this.declarePodSecurity(chart.podSecurity);
    const releaseName = options.releaseName ?? chart.chart;
    if (!isHelmReleaseName(releaseName)) {
      fail(
        this,
        `release name "${releaseName}" is not a Helm release name`,
        'Use at most 53 lowercase letters, digits, "-" and ".", starting and ending with a letter or digit (Helm keeps 10 characters for its own Secret names)',
      );
    }
    const problems = valuesSecretProblems(constructPath(this), options.extraValues ?? {}, 'extraValues');
    const credentials = urlCredentialsProblem(chart.repository?.url ?? '');
    if (credentials) {
      // The URL is written into the HelmRepository (Git) and the helm_release (Terraform JSON).
      problems.push({ path: constructPath(this), problem: `the repository URL of chart ${chart.chart} holds a credential (${credentials}), which would be written to the output in plain text`, fix: 'Remove the credentials from the URL; a private chart repository needs a pull Secret, not a URL with a token' });
    }
    const user = Object.entries(options.userSensitiveValues ?? {});
    for (const [valuePath, value] of user) {
      if (!SecretValue.isSecretValue(value)) {
        problems.push({ path: constructPath(this), problem: `sensitiveValues.${valuePath} is a ${typeof value}, not a SecretValue`, fix: 'Pass SecretValue.fromVariable, fromEnv, fromFile or generated' });
      } else if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(valuePath)) {
        problems.push({ path: constructPath(this), problem: `sensitiveValues has the value path "${valuePath}"`, fix: 'Use a dotted path of chart value keys, e.g. "grafana.adminPassword"' });
      }
    }
    problems.push(...chartPolicyProblems(constructPath(this), chart, options.releasePolicy));
    if (problems.length > 0) throw new ValidationError(problems);
    this.chartSpec = {
      chart,
      releaseName,
      values: mergeValues(values, options.extraValues),
      sensitiveValues: [...(options.sensitiveValues ?? []), ...user.map(([path, value]) => ({ path, value }))],
      fluxPatches: [],
      terraformOverrides: [],
      // The platform's policy was checked with the platform's config.
      policy: resolveReleasePolicy(chart, this.platform.releasePolicy, options.releasePolicy),
    };
    return this.chartSpec;
  }

  /**
   * Patches an object this component emits (an escape hatch, as cdk8s' `ApiObject.addJsonPatch`): the
   * patches apply after ballast's own fields, with validation (a path the object lacks is a problem, not
   * a new field), show in `diff`, and the result goes through every check of the plan (identity,
   * placement, secrets, the consumer's grammar). A patch may not change the object's kind, name or
   * namespace, nor the annotations that decide how its backend keeps it. Problems are reported with the
   * others of the synth; the component must emit an object of that kind and name.
   */
  public patchObject(kind: string, name: string, ...patches: JsonPatch[]): void {
    const objects = chartObjects(this);
    const target = objects.find((o) => o.kind === kind && o.name === name);
    if (!target) {
      const known = objects.map((o) => `${o.kind} "${o.name}"`).join(', ') || 'none';
      reportProblem(this, `it emits no ${kind} "${name}" to patch`, `Patch one of its objects (${known}); its chart's objects are patched through patchHelmRelease values`);
      return;
    }
    const malformed = patches.map(operationOf).filter((op): op is string => typeof op === 'string');
    for (const problem of malformed) reportProblem(this, `patchObject ${kind} "${name}": ${problem}`, 'Pass JsonPatch.add, replace, remove, move, copy or test with a path into the object');
    if (malformed.length > 0) return;
    this.objectPatches.set(target, [...(this.objectPatches.get(target) ?? []), ...patches]);
  }

  /**
   * Patches the Flux HelmRelease of this component's chart (interval, timeout, remediation, values...),
   * applied after ballast's own fields. The result is checked as ballast's own release is: its name and
   * namespace stay, its values against the chart's schema and for secrets. Only for a component Flux
   * deploys; a Terraform-deployed one takes `overrideHelmRelease`.
   */
  public patchHelmRelease(...patches: JsonPatch[]): void {
    const chart = this.requireChart('patchHelmRelease');
    if (this.deployWith !== 'flux') fail(this, 'patchHelmRelease patches the Flux HelmRelease, but Terraform deploys this component', 'Use overrideHelmRelease for its helm_release');
    (chart.fluxPatches as JsonPatch[]).push(...patches);
  }

  /**
   * Sets an attribute of this component's Terraform `helm_release` (cdktf's `addOverride`: `timeout`,
   * `atomic`, `wait`, `max_history`...), applied after ballast's own. Attributes that decide what is
   * installed, where, or what is kept (name, namespace, chart, version, values, write-only values,
   * lifecycle, depends_on) are refused. Only for a component Terraform deploys.
   */
  public overrideHelmRelease(path: string, value: unknown): void {
    const chart = this.requireChart('overrideHelmRelease');
    if (this.deployWith !== 'terraform') fail(this, 'overrideHelmRelease sets attributes of the Terraform helm_release, but Flux deploys this component', 'Use patchHelmRelease for its HelmRelease');
    (chart.terraformOverrides as TerraformOverride[]).push({ path, value });
  }

  private requireChart(what: string): HelmChartSpec {
    if (!this.chartSpec) fail(this, `${what} needs a Helm release, and this component installs no chart`, 'Patch its objects with patchObject');
    return this.chartSpec;
  }

  /** Records a URL output under the name of the property that holds it, and returns the URL. */
  protected addOutputUrl(name: string, url: string): string {
    this.urls.push({ name, url });
    return url;
  }

  /**
   * Declares a Secret the component needs in its namespace: created by the Terraform bootstrap, or
   * SOPS-encrypted into the Flux repository (`secrets`). Public so that a component that hands out
   * credentials (a database) can put a copy where its consumer runs.
   */
  public addBootstrapSecret(name: string, data: Record<string, SecretValue>, options: BootstrapSecretOptions = {}): BootstrapSecret {
    if (!isDnsSubdomain(name)) {
      fail(this, `secret name "${name}" is not a Kubernetes object name`, 'Use at most 253 lowercase letters, digits, "-" and ".", starting and ending with a letter or digit');
    }
    if (this.secrets.some((s) => s.name === name)) {
      fail(this, `bootstrap secret "${name}" is declared twice`, 'Give each secret a unique name');
    }
    const problems = bootstrapSecretProblems(constructPath(this), name, data, options.plainData ?? {});
    if (problems.length > 0) throw new ValidationError(problems);
    const { type, labels } = options;
    const secret: BootstrapSecret = { namespace: this.namespace, name, type, data: { ...options.plainData, ...data }, ...(labels ? { labels } : {}) };
    this.secrets.push(secret);
    return secret;
  }
}

function uniqueId(scope: Construct, id: string): string {
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_COMPONENT_ID_LENGTH) {
    fail(
      `${constructPath(scope)}/${String(id).slice(0, 40)}${String(id).length > 40 ? '...' : ''}`,
      `the component id is ${typeof id !== 'string' ? `a ${typeof id}` : `${id.length} characters long`}`,
      `Use an id of 1 to ${MAX_COMPONENT_ID_LENGTH} characters (it names the component's file)`,
    );
  }
  if (scope.node.tryFindChild(id)) {
    fail(
      `${constructPath(scope)}/${id}`,
      `a component named "${id}" already exists`,
      'Give every component a unique id',
    );
  }
  return id;
}
