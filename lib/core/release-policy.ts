import type { CatalogChart, CrdLocation, DriftIgnoreRule } from './chart-types';
import type { ConfigProblem } from './errors';
import { Duration } from 'cdk8s';
import { durationProblem, goDuration, wholeSeconds } from './durations';

export type { CrdLocation, DriftIgnoreRule, DriftIgnoreTarget } from './chart-types';

// How Helm installs, upgrades and keeps each release: one typed policy that both backends render from
// (Flux's HelmRelease fields, Terraform's helm_release attributes), with ballast's defaults, the
// platform's and then the component's settings on top.

/**
 * What Helm does with the CRDs of a chart's `crds/` folder (Flux's CRD policy): `Create` installs the
 * missing ones, `CreateReplace` also replaces the ones that exist (Helm itself never upgrades them),
 * `Skip` does neither.
 */
export type CrdPolicy = 'CreateReplace' | 'Create' | 'Skip';

/** Flux's drift detection: correct changes made in the cluster, only report them, or neither. */
export type DriftDetectionMode = 'enabled' | 'warn' | 'disabled';

/** How a failed upgrade is undone before the next attempt. */
export type UpgradeRemediationStrategy = 'rollback' | 'uninstall';

/** What Helm does when an install or upgrade fails. */
export interface ReleaseRemediation {
  /**
   * Further attempts after a failed install or upgrade, each after undoing the failed one (Flux). A
   * Terraform apply does not retry: the next apply is the next attempt.
   * @default 3
   */
  readonly retries?: number;
  /** How a failed upgrade is undone (Flux; Terraform's `atomic` always rolls back). @default 'rollback' */
  readonly upgradeStrategy?: UpgradeRemediationStrategy;
}

/**
 * How a component's Helm release is installed, upgraded and kept: set for the whole platform
 * (`PlatformConfig.releasePolicy`) and per component (`releasePolicy` of its props), the component's
 * settings over the platform's over ballast's defaults.
 *
 * | setting | Flux HelmRelease | Terraform helm_release |
 * |---|---|---|
 * | `interval` | `spec.interval` | (Terraform runs when applied) |
 * | `timeout` | `spec.timeout` | `timeout` (seconds) |
 * | `wait` | `disableWait` of install, upgrade and rollback when false | `wait`, `wait_for_jobs` |
 * | `remediation` | `install.remediation`, `upgrade.remediation` | `atomic` (with `wait`) |
 * | `driftDetection`, `driftIgnore` | `spec.driftDetection` | (none: the helm provider does not compare the cluster's objects) |
 * | `crds` | `install.crds`, `upgrade.crds` | `skip_crds` for `Skip` (Helm never replaces CRDs of `crds/`) |
 */
export interface ReleasePolicy {
  /** How often Flux reconciles the release, and so how soon drift is corrected. @default Duration.minutes(30) */
  readonly interval?: Duration;
  /**
   * How long Helm waits for each operation of an install, upgrade or rollback (its hooks, and with
   * `wait` its resources), the same on both backends. A whole number of seconds (Terraform counts in
   * seconds).
   * @default Duration.minutes(10)
   */
  readonly timeout?: Duration;
  /**
   * Wait until the release's workloads are ready (and its Jobs complete) before it counts as installed.
   * Terraform's helm provider (Helm 3's wait) also waits for a `LoadBalancer` Service to get its address,
   * which a cluster without a load-balancer controller never gives; Flux's helm-controller (kstatus) does not.
   * @default true
   */
  readonly wait?: boolean;
  /** Undo and retry a failed install or upgrade, or `false` to leave a failed release as it is. @default { retries: 3, upgradeStrategy: 'rollback' } */
  readonly remediation?: ReleaseRemediation | false;
  /** Flux's drift detection of the release's objects. @default 'enabled' */
  readonly driftDetection?: DriftDetectionMode;
  /**
   * Fields drift detection leaves alone, added to the ones the chart's catalog entry names (a platform's
   * rules and a component's both apply).
   * @default none
   */
  readonly driftIgnore?: readonly DriftIgnoreRule[];
  /**
   * What Flux does with the CRDs of the chart's `crds/` folder on install and upgrade. Applies only to
   * charts that keep their CRDs there (`CatalogChart.crdsIn`); charts that install them as templates
   * upgrade them as any template.
   * @default 'CreateReplace'
   */
  readonly crds?: CrdPolicy;
}

/** A release policy with every default applied, as the renderers read it. */
export interface ResolvedReleasePolicy {
  readonly interval: Duration;
  readonly timeout: Duration;
  readonly wait: boolean;
  readonly remediation: Required<ReleaseRemediation> | false;
  readonly driftDetection: DriftDetectionMode;
  /** The chart's rules, then the platform's, then the component's. */
  readonly driftIgnore: readonly DriftIgnoreRule[];
  /** The CRD policy, or undefined for a chart without a `crds/` folder (nothing to set). */
  readonly crds?: CrdPolicy;
}

/** ballast's defaults: the same timeout on both backends, remediation with retries, drift corrected. */
export const DEFAULT_RELEASE_POLICY = {
  interval: Duration.minutes(30),
  timeout: Duration.minutes(10),
  wait: true,
  remediation: { retries: 3, upgradeStrategy: 'rollback' },
  driftDetection: 'enabled',
  crds: 'CreateReplace',
} as const satisfies Required<Omit<ReleasePolicy, 'driftIgnore'>>;

const SETTINGS = ['interval', 'timeout', 'wait', 'remediation', 'driftDetection', 'driftIgnore', 'crds'];
const CRD_POLICIES: readonly CrdPolicy[] = ['CreateReplace', 'Create', 'Skip'];
const DRIFT_MODES: readonly DriftDetectionMode[] = ['enabled', 'warn', 'disabled'];
const STRATEGIES: readonly UpgradeRemediationStrategy[] = ['rollback', 'uninstall'];
const TARGET_FIELDS = ['group', 'version', 'kind', 'name', 'namespace', 'labelSelector', 'annotationSelector'];

const quoted = (list: readonly string[]) => list.map((v) => `"${v}"`).join(', ');

/**
 * What is wrong with a release policy given by `where` (`releasePolicy`), as problem and fix pairs
 * without the construct path. Checked at run time too: JavaScript callers pass anything.
 */
export function releasePolicyProblems(policy: unknown, where: string): { problem: string; fix: string }[] {
  const out: { problem: string; fix: string }[] = [];
  const add = (problem: string, fix: string) => out.push({ problem, fix });
  if (policy === undefined) return out;
  if (typeof policy !== 'object' || policy === null || Array.isArray(policy)) {
    add(`${where} is ${describe(policy)}, not an object`, `Pass an object of ${SETTINGS.join(', ')}`);
    return out;
  }
  const p = policy as Record<string, unknown>;
  for (const key of Object.keys(p).filter((k) => !SETTINGS.includes(k))) add(`${where}.${key} is not a setting`, `Use ${SETTINGS.join(', ')}`);
  const interval = p.interval === undefined ? undefined : durationProblem(p.interval);
  if (interval) add(`${where}.interval ${interval}`, 'Use a cdk8s Duration of whole milliseconds, e.g. Duration.minutes(30)');
  // Terraform's helm_release counts its timeout in seconds: a fraction would differ between the backends.
  const timeout = p.timeout === undefined ? undefined : durationProblem(p.timeout, { step: 's' });
  if (timeout) add(`${where}.timeout ${timeout}`, 'Use a cdk8s Duration of whole seconds, e.g. Duration.minutes(10) or Duration.seconds(90)');
  if (p.wait !== undefined && typeof p.wait !== 'boolean') add(`${where}.wait is ${describe(p.wait)}`, 'Use true or false');
  if (p.remediation !== undefined && p.remediation !== false) {
    const r = p.remediation as Record<string, unknown> | null;
    if (typeof r !== 'object' || r === null || Array.isArray(r)) {
      add(`${where}.remediation is ${describe(p.remediation)}`, 'Use false, or an object with retries and upgradeStrategy');
    } else {
      for (const key of Object.keys(r).filter((k) => k !== 'retries' && k !== 'upgradeStrategy')) add(`${where}.remediation.${key} is not a setting`, 'Use retries or upgradeStrategy');
      if (r.retries !== undefined && !(typeof r.retries === 'number' && Number.isInteger(r.retries) && r.retries >= 0)) {
        add(`${where}.remediation.retries is ${show(r.retries)}`, 'Use a whole number of 0 or more (0: undo a failed release once, without retrying it)');
      }
      if (r.upgradeStrategy !== undefined && !STRATEGIES.includes(r.upgradeStrategy as UpgradeRemediationStrategy)) {
        add(`${where}.remediation.upgradeStrategy ${show(r.upgradeStrategy)} is not a remediation strategy`, `Use one of ${quoted(STRATEGIES)}`);
      }
    }
  }
  if (p.driftDetection !== undefined && !DRIFT_MODES.includes(p.driftDetection as DriftDetectionMode)) {
    add(`${where}.driftDetection ${show(p.driftDetection)} is not a drift detection mode`, `Use one of ${quoted(DRIFT_MODES)}`);
  }
  if (p.crds !== undefined && !CRD_POLICIES.includes(p.crds as CrdPolicy)) {
    add(`${where}.crds ${show(p.crds)} is not a CRD policy`, `Use one of ${quoted(CRD_POLICIES)}`);
  }
  if (p.driftIgnore !== undefined) out.push(...driftIgnoreProblems(p.driftIgnore, `${where}.driftIgnore`));
  return out;
}

/** What is wrong with a list of drift ignore rules (a policy's, or a catalog entry's). */
export function driftIgnoreProblems(rules: unknown, where: string): { problem: string; fix: string }[] {
  const out: { problem: string; fix: string }[] = [];
  if (!Array.isArray(rules)) return [{ problem: `${where} is ${describe(rules)}, not a list`, fix: 'Pass a list of { paths, target } rules' }];
  rules.forEach((rule: unknown, i) => {
    const at = `${where}[${i}]`;
    const r = rule as Record<string, unknown> | null;
    if (typeof r !== 'object' || r === null || Array.isArray(r)) {
      out.push({ problem: `${at} is ${describe(rule)}`, fix: 'Use { paths: ["/spec/replicas"], target: { kind: "Deployment" } }' });
      return;
    }
    for (const key of Object.keys(r).filter((k) => k !== 'paths' && k !== 'target')) out.push({ problem: `${at}.${key} is not a setting`, fix: 'Use paths and target' });
    const paths = r.paths;
    if (!Array.isArray(paths) || paths.length === 0 || paths.some((p) => typeof p !== 'string' || !(p === '' || p.startsWith('/')))) {
      out.push({ problem: `${at}.paths is not a list of JSON Pointers`, fix: 'Give one or more paths such as "/spec/replicas" (RFC 6901: each starts with "/")' });
    }
    if (r.target !== undefined) {
      const t = r.target as Record<string, unknown> | null;
      if (typeof t !== 'object' || t === null || Array.isArray(t)) {
        out.push({ problem: `${at}.target is ${describe(r.target)}`, fix: `Use an object of ${TARGET_FIELDS.join(', ')}` });
      } else {
        for (const [key, value] of Object.entries(t)) {
          if (!TARGET_FIELDS.includes(key)) out.push({ problem: `${at}.target.${key} is not a setting`, fix: `Use ${TARGET_FIELDS.join(', ')}` });
          else if (typeof value !== 'string') out.push({ problem: `${at}.target.${key} is ${describe(value)}`, fix: 'Give a string' });
        }
      }
    }
  });
  return out;
}

/**
 * What is wrong with a component's release policy and with what its chart says about CRDs and drift (a
 * user's own `CatalogChart` is checked here, at run time, like ballast's).
 */
export function chartPolicyProblems(path: string, chart: CatalogChart, policy: ReleasePolicy | undefined): ConfigProblem[] {
  const found = releasePolicyProblems(policy, 'releasePolicy');
  const locations: readonly CrdLocation[] = ['crds-dir', 'templates', 'runtime'];
  if (chart.crdsIn !== undefined && !locations.includes(chart.crdsIn)) {
    found.push({ problem: `chart ${chart.chart} has crdsIn ${show(chart.crdsIn)}`, fix: `Use one of ${quoted(locations)}` });
  }
  if (chart.driftIgnore !== undefined) found.push(...driftIgnoreProblems(chart.driftIgnore, `the driftIgnore of chart ${chart.chart}`));
  if (policy?.crds !== undefined && CRD_POLICIES.includes(policy.crds) && crdLocation(chart) !== 'crds-dir') {
    // Said for one component, it is a misunderstanding; said for the platform, it is for the charts it fits.
    found.push({
      problem: `releasePolicy.crds is set, but chart ${chart.chart} has no CRDs in a crds/ folder (${chart.crdsIn === undefined ? 'none declared' : `crdsIn: '${chart.crdsIn}'`}), so it would do nothing`,
      fix: "Remove releasePolicy.crds, or set crdsIn: 'crds-dir' on a chart of your own that keeps its CRDs there",
    });
  }
  return found.map((p) => ({ path, ...p }));
}

/**
 * Where `chart` keeps its CRDs: as its catalog entry says; a chart that names CRD groups without saying
 * is taken to use `crds/` (a CRD policy is harmless on a chart that has no such folder, while CRDs of
 * that folder left at their first version are not).
 */
export function crdLocation(chart: CatalogChart): CrdLocation | undefined {
  return chart.crdsIn ?? ((chart.crdGroups ?? []).length > 0 ? 'crds-dir' : undefined);
}

/**
 * The policy of a release of `chart`: ballast's defaults, then each layer in order (the platform's, then
 * the component's), then what the chart decides (its CRDs' location, its drift ignore rules). Layers
 * are expected to be checked (`releasePolicyProblems`).
 */
export function resolveReleasePolicy(chart: CatalogChart, ...layers: readonly (ReleasePolicy | undefined)[]): ResolvedReleasePolicy {
  let remediation: Required<ReleaseRemediation> | false = { ...DEFAULT_RELEASE_POLICY.remediation };
  const driftIgnore: DriftIgnoreRule[] = [...(chart.driftIgnore ?? [])];
  const merged: Omit<Required<ReleasePolicy>, 'remediation' | 'driftIgnore'> = { ...DEFAULT_RELEASE_POLICY };
  for (const layer of layers) {
    if (!layer) continue;
    const { remediation: r, driftIgnore: ignore, ...rest } = layer;
    for (const [key, value] of Object.entries(rest)) if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
    // A layer that turns remediation back on starts again from the defaults, not from "off".
    if (r === false) remediation = false;
    else if (r !== undefined) remediation = { ...(remediation || DEFAULT_RELEASE_POLICY.remediation), ...definedOnly(r) };
    driftIgnore.push(...(ignore ?? []));
  }
  return {
    interval: merged.interval,
    timeout: merged.timeout,
    wait: merged.wait,
    remediation,
    driftDetection: merged.driftDetection,
    driftIgnore,
    ...(crdLocation(chart) === 'crds-dir' ? { crds: merged.crds } : {}),
  };
}

/**
 * A resolved policy with its durations as the backends write them (Flux text, Terraform seconds), for
 * digests: two Durations that render the same (`Duration.minutes(30)`, `Duration.hours(0.5)`) digest the
 * same, and the digests of the policies written as text before Duration stay as they were.
 */
export function renderedReleasePolicy(policy: ResolvedReleasePolicy): Record<string, unknown> {
  const { interval, timeout, ...rest } = policy;
  return { interval: goDuration(interval), timeout: goDuration(timeout), timeoutSeconds: wholeSeconds(timeout), ...rest };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}


function show(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : describe(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the string "${value}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return `a ${typeof value}`;
}
