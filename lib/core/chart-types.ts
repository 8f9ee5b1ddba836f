import type { PodSecurityLevel } from '../model/network';

// What a chart of the catalog is: its repository, its exact version and what it brings (CRDs, drift
// ignore rules, objects its controllers create). Apart from the catalog's data and from the release
// policy, which both build on it.

/**
 * Where a chart's CRDs come from: Helm's `crds/` folder (installed once, never upgraded by Helm), its
 * templates (upgraded as any template; a chart whose values switch its CRDs on and off keeps them there,
 * since `crds/` cannot be switched), or a controller the chart runs, at run time.
 */
export type CrdLocation = 'crds-dir' | 'templates' | 'runtime';

/** Objects a drift ignore rule applies to (Flux's `driftDetection.ignore[].target`); every field set must match. */
export interface DriftIgnoreTarget {
  /** API group, `''` for the core group. @default any */
  readonly group?: string;
  /** @default any */
  readonly version?: string;
  /** @default any */
  readonly kind?: string;
  /** @default any */
  readonly name?: string;
  /** @default any */
  readonly namespace?: string;
  /** A label selector expression (`app=web,tier!=db`). @default any */
  readonly labelSelector?: string;
  /** An annotation selector expression. @default any */
  readonly annotationSelector?: string;
}

/** Fields drift detection leaves alone: ones a controller or webhook of the cluster changes on purpose. */
export interface DriftIgnoreRule {
  /** JSON Pointers (RFC 6901) into the objects, e.g. `/spec/replicas`. */
  readonly paths: readonly string[];
  /** @default every object of the release */
  readonly target?: DriftIgnoreTarget;
}

/**
 * Where a chart is published. Flux pulls a chart of an HTTP repository through a HelmRepository (one
 * per repository and namespace), and a chart of an OCI registry through an OCIRepository of its own.
 */
export interface ChartRepository {
  /** Short name, used for the Flux HelmRepository object (an OCI chart's OCIRepository is named after its release). */
  readonly name: string;
  /** `https://...` index URL, or `oci://registry/path` (without the chart name) for OCI registries. */
  readonly url: string;
  readonly type: 'default' | 'oci';
}

/** A chart at one exact version. */
export interface CatalogChart {
  readonly chart: string;
  /** Exact version: no ranges, so that both backends install the same bytes. */
  readonly version: string;
  readonly repository: ChartRepository;
  /**
   * API groups whose CRDs this chart installs. Objects of these groups are applied only after the chart
   * (a later Flux step), and never by the Terraform apply that installs the chart.
   * @default none
   */
  readonly crdGroups?: readonly string[];
  /**
   * Where the chart keeps its CRDs: Helm's `crds/` folder, which Helm installs once and never upgrades
   * (Flux's CRD policy `CreateReplace` replaces them on upgrade), or its templates (upgraded with the
   * release, nothing to set).
   * @default 'crds-dir' when crdGroups are given, otherwise none
   */
  readonly crdsIn?: CrdLocation;
  /**
   * Fields of the chart's objects that a controller or webhook changes after install, which Flux's drift
   * detection must leave alone (added to every release policy of the chart).
   * @default none
   */
  readonly driftIgnore?: readonly DriftIgnoreRule[];
  /**
   * Objects that the chart's own controllers create at run time, not its templates, and that its other
   * objects name (a certificate Secret an operator generates, a Service an operator maintains): a check
   * of the rendered chart's references accepts them, each for its stated reason.
   * @default none
   */
  readonly runtimeObjects?: readonly RuntimeObject[];
  /**
   * The Pod Security Standards level every pod the chart runs meets with ballast's values, and why (what
   * forces a level below restricted): its component's namespace is labelled with it. Measured with the
   * API server's PodSecurity admission (test/charts/pod-security.test.ts measures it again on every run).
   * @default baseline, for a chart nobody measured
   */
  readonly podSecurity?: { readonly level: PodSecurityLevel; readonly reason: string };
}

/** An object a chart's controller creates at run time (see `CatalogChart.runtimeObjects`). */
export interface RuntimeObject {
  readonly kind: 'Secret' | 'Service';
  /** `{release}` stands for the release name. */
  readonly name: string;
  /** @default the release's namespace */
  readonly namespace?: string;
  /** Labels a monitor selects it by. @default none */
  readonly labels?: Readonly<Record<string, string>>;
  /** Port names and numbers of a Service. @default none */
  readonly ports?: readonly { readonly name: string; readonly port: number }[];
  /** Who creates it, and why it is not in the chart's templates. */
  readonly reason: string;
}
