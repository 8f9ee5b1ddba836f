import type { Backend, Component } from '../core/component';
import type { HelmChartSpec } from '../core/helm-chart';
import type { PlatformContext } from '../core/platform-context';
import type { BootstrapSecret, SecretValue } from '../core/secret';
import type { FluxStep } from '../model/flux-layout';
import type { Manifest } from '../model/manifest';
import type { NetworkConnection, PodSecurityLevel } from '../model/network';
import type { ReferenceData } from '../reference/locate';

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
   * OCIRepository instead (`chartSource` in lib/plan/flux-sources.ts).
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
  /**
   * The Pod Security Standards level its Namespace is labelled with (enforce, warn and audit): the least
   * strict its components declare, with each component's reason.
   */
  readonly podSecurity: { readonly level: PodSecurityLevel; readonly reasons: readonly string[] };
  /** Why it has no NetworkPolicies from ballast, when it has none (an annotation on the Namespace). */
  readonly networkPoliciesDisabled?: string;
}

/**
 * Every decision about who deploys what, made once from the component tree, before anything is compared
 * with an earlier synth (that is day 2's, lib/day2). The Flux and Terraform renderers only turn the
 * finished plan into files; neither decides placement itself.
 */
export interface PlacementPlan {
  /** The platform's settings (domain, cluster, Git source, Flux intervals). */
  readonly platform: PlatformContext;
  /** Components in construct-path order. */
  readonly components: readonly Component[];
  readonly namespaces: readonly NamespacePlan[];
  /** Every connection the components declared: what the NetworkPolicies admit, and nothing else. */
  readonly connections: readonly NetworkConnection[];
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
}

/**
 * What the placement reads besides the component tree. Everything here is data the caller found (the
 * reference folder, the secret store, the previous revisions): the plan itself reads no file and no
 * environment variable, so the same inputs give the same plan on every machine.
 */
export interface PlacementInputs {
  /**
   * Reference data to check chart values against (their `values.schema.json`), or undefined to skip that
   * check with a note. The entry point locates it once (`locateReferenceData`).
   */
  readonly reference: ReferenceData | undefined;
  /**
   * The value of a generated secret by name and length (the platform's secrets file); may throw
   * SecretUnavailable, which the plan reports with the Secret's path.
   * @default none: a generated secret is reported as unavailable
   */
  readonly generated?: (name: string, length: number) => string;
  /** Terraform variables rotated by name: their write-only revision goes up by one. @default none */
  readonly rotate?: ReadonlySet<string>;
  /** The revision of each Terraform variable in the previous synth. @default every variable at 1 */
  readonly previousRevisions?: Readonly<Record<string, number>>;
}
