import { JsonPatch } from 'cdk8s';
import type { CatalogChart } from './chart-types';
import { resolveReleasePolicy, ResolvedReleasePolicy } from './release-policy';
import { SecretValue } from './secret';

/** A JSON value as Helm values hold it. */
export type HelmValue = string | number | boolean | null | HelmValue[] | { [key: string]: HelmValue };
/** A chart's values: a JSON object. */
export type HelmValues = { [key: string]: HelmValue };

/** A chart value that is a secret: passed by reference, never written into values. */
export interface SensitiveHelmValue {
  /** Dotted value path, e.g. `auth.password`. */
  readonly path: string;
  readonly value: SecretValue;
}

/** One Helm release of a component: the chart, the release name and the values both backends use. */
export interface HelmChartSpec {
  readonly chart: CatalogChart;
  readonly releaseName: string;
  readonly values: HelmValues;
  /** @default none */
  readonly sensitiveValues?: readonly SensitiveHelmValue[];
  /**
   * JSON patches of the Flux HelmRelease, applied after ballast's own fields (`Component.patchHelmRelease`).
   * @default none
   */
  readonly fluxPatches?: readonly JsonPatch[];
  /**
   * Overrides of the Terraform `helm_release`, by attribute path, applied after ballast's own
   * (`Component.overrideHelmRelease`).
   * @default none
   */
  readonly terraformOverrides?: readonly TerraformOverride[];
  /**
   * How the release is installed, upgraded and kept, resolved from ballast's defaults, the platform's
   * and the component's `releasePolicy` (`Component.addChart`).
   * @default ballast's defaults for the chart
   */
  readonly policy?: ResolvedReleasePolicy;
}

/** The release policy of `chart` (its own, or ballast's defaults for a spec built without one). */
export function releasePolicyOf(chart: HelmChartSpec): ResolvedReleasePolicy {
  return chart.policy ?? resolveReleasePolicy(chart.chart);
}

/** One attribute of a Terraform resource set from user code (cdktf's `addOverride`). */
export interface TerraformOverride {
  /** Dotted attribute path, e.g. `timeout` or `set.0.name`. */
  readonly path: string;
  readonly value: unknown;
}

/**
 * The Secret that holds a Flux-deployed release's sensitive values: Terraform writes it, the HelmRelease
 * reads it with `valuesFrom`.
 */
export function sensitiveValuesSecretName(chart: HelmChartSpec): string {
  return `${chart.releaseName}-sensitive-values`;
}

function isPlainObject(v: HelmValue | undefined): v is { [key: string]: HelmValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Deep-merges `override` onto `base`: objects merge key by key, anything else (arrays included) is
 * replaced, as Helm merges values files. Neither input is modified.
 */
export function mergeValues(base: HelmValues, override: HelmValues | undefined): HelmValues {
  if (!override) return base;
  const out: HelmValues = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? mergeValues(current, value) : value;
  }
  return out;
}
