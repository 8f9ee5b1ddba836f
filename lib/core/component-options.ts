import type { HelmValues, SensitiveHelmValue } from './helm-chart';
import type { NetworkPolicyOptOut, PodSecurityDeclaration } from './network';
import type { ReleasePolicy } from './release-policy';
import type { SecretValue } from './secret';

// The options and small types of a Component, apart from the class so that a props interface can be
// read on its own.

/** The backend that deploys a component: Flux from Git, or Terraform at bootstrap. */
export type Backend = 'flux' | 'terraform';

/** Where a component's Secrets come from: Terraform's sensitive variables, or SOPS files in Git. */
export type SecretsBackend = 'terraform' | 'sops';

/**
 * Where a component sits in the Flux layout. `infrastructure` components are applied first (charts in
 * `infrastructure/controllers`, their custom resources in `infrastructure/configs`); `apps` after both;
 * `loadtests` in `loadtests/<name>/`, which no Flux Kustomization reconciles (applied by hand).
 */
export type Tier = 'infrastructure' | 'apps' | 'loadtests';

/** Options every component accepts. */
export interface ComponentOptions {
  /** Which backend deploys this component. Changing it is the only edit needed to move it. @default 'flux' */
  readonly deployWith?: Backend;
  /**
   * How the component's Secrets reach the cluster: written by the Terraform bootstrap from sensitive
   * variables, or SOPS-encrypted into the Flux repository (values from `SecretValue.fromEnv`, `fromFile`
   * or `generated`; needs `deployWith: 'flux'` and the platform's `sops.ageRecipients`).
   * @default 'terraform'
   */
  readonly secrets?: SecretsBackend;
  /** Namespace of everything the component owns. @default the component's own default */
  readonly namespace?: string;
  /**
   * Allows the component in a namespace the cluster or Flux owns (`default`, `kube-system`, `kube-public`,
   * `kube-node-lease`, `flux-system`, any `kube-*`). ballast then neither creates nor prunes that
   * namespace, but the component's own objects are still pruned by Flux when removed from the code, so
   * say it only for a component meant to live there.
   * @default false
   */
  readonly allowReservedNamespace?: boolean;
  /**
   * Opts the component's namespace out of the NetworkPolicies ballast derives from the platform's
   * connections, with the reason (written on the namespace as `ballast.dev/network-policies-disabled`).
   * Any component of a namespace opting out leaves the whole namespace without them.
   * @default policies on: a default deny of ingress, and one allow per connection the platform makes
   */
  readonly networkPolicies?: NetworkPolicyOptOut;
  /**
   * The Pod Security Standards level the component's pods meet, with the reason, when it is not the one
   * the component declares (a chart's extraValues that add a privileged container, say). The namespace is
   * labelled with the least strict level of its components.
   * @default the component's own: `restricted` for ballast's workloads, the chart's level for a chart
   */
  readonly podSecurity?: PodSecurityDeclaration;
}

/** Options of a component that installs one chart: where its pods run, and values over ballast's. */
export interface ChartComponentOptions extends ComponentOptions {
  /** Node pool of the chart's workloads. @default any node */
  readonly nodePool?: string;
  /** Chart values deep-merged over ballast's. A secret does not belong here: use `sensitiveValues`. @default none */
  readonly extraValues?: HelmValues;
  /**
   * Secret chart values by dotted value path (`grafana.adminPassword`), passed by reference: a Secret the
   * release reads (`valuesFrom` on Flux, a sensitive `set` on Terraform), never written into values.
   * @default none
   */
  readonly sensitiveValues?: Record<string, SecretValue>;
  /**
   * How its Helm release is installed, upgraded and kept (timeout, wait, remediation, drift detection,
   * CRD policy, interval), over the platform's `releasePolicy`.
   * @default the platform's release policy
   */
  readonly releasePolicy?: ReleasePolicy;
}

/** What a concrete component passes to its base class. */
export interface ComponentProps extends ComponentOptions {
  readonly namespace: string;
  /** @default 'infrastructure' */
  readonly tier?: Tier;
}

/**
 * Longest component id: ids become file names (`<id>.yaml`, joined with their parents' ids), and a
 * name past the file system's limit (255 bytes) would fail at write time instead of at synth.
 */
export const MAX_COMPONENT_ID_LENGTH = 100;

/** A URL a component hands to other components or to people, by name. */
export interface OutputUrl {
  /** The property that holds it, e.g. `queryUrl`. */
  readonly name: string;
  /** An in-cluster Service URL (`http://<service>.<namespace>.svc.cluster.local:<port>/...`) or a public URL. */
  readonly url: string;
}

/** A comment on one line of one of the component's objects in the Flux repository. */
export interface ObjectComment {
  readonly kind: string;
  readonly name: string;
  readonly path: readonly (string | number)[];
  readonly comment: string;
}

/** Options for a component's Helm release. */
export interface AddChartOptions {
  /** @default the chart name */
  readonly releaseName?: string;
  /** Chart values set by the user, deep-merged over the component's values. @default none */
  readonly extraValues?: HelmValues;
  /** Secret chart values, passed by reference. @default none */
  readonly sensitiveValues?: readonly SensitiveHelmValue[];
  /** The user's secret chart values by dotted path (`ChartComponentOptions.sensitiveValues`). @default none */
  readonly userSensitiveValues?: Record<string, SecretValue>;
  /** The release policy over the platform's (`ChartComponentOptions.releasePolicy`). @default the platform's */
  readonly releasePolicy?: ReleasePolicy;
}
