// The real hashicorp helm and kubernetes providers (../shared/terraform-providers, mirrored by
// `scripts/tools.sh terraform-providers`) applying a synthesized stack to a loopback kube-apiserver.
//
// Two things differ from a real cluster, and both are set in a Terraform override file beside cdk.tf.json
// (never by editing it, so the stack under test is byte for byte what synth wrote):
// - no chart repository is reachable: `chart` points at the chart's folder in the chart cache
//   ($BALLAST_CHART_CACHE, ../shared/charts in CI), `repository` and `version` are unset;
// - nothing runs pods (no kubelet): a release that waits never becomes ready, so `wait`, `wait_for_jobs`
//   and `atomic` are off.
// flux-operator and flux-instance are not in the cache (their charts are AGPL, never vendored): small
// fixture charts of the same names stand in, one installing the FluxInstance CRD, one a FluxInstance.
import * as fs from 'fs';
import * as path from 'path';
import { CatalogChart } from '../../../lib/internal';
import { chartCacheDir, findCachedChart } from '../../../scripts/reference/chart-archive';
import { gatedTests, GatedTests } from '../not-run';
import { schemasDir } from '../shared-data';
import { toolPath } from '../tools';
import { plannedChanges, PlannedChange, terraform, TerraformRun, terraformOk } from './terraform';

/** Charts that never come from the cache: a fixture of the same name is written instead. */
const FIXTURE_CHARTS = ['flux-operator', 'flux-instance'];

/** The file that adapts the stack to the loopback cluster (Terraform merges `*_override.tf.json` last). */
export const OVERRIDE_FILE = 'loopback_override.tf.json';

interface ReleaseJson {
  readonly chart: string;
  readonly version?: string;
  readonly name: string;
}

/** The charts of `charts` the cache lacks (fixtures never count as missing). */
function missingCharts(charts: readonly { chart: string; version: string }[]): string[] {
  return charts
    .filter((c) => !FIXTURE_CHARTS.includes(c.chart) && !findCachedChart(c as CatalogChart))
    .map((c) => `${c.chart} ${c.version} (in ${chartCacheDir()})`);
}

/**
 * The tests that install `charts` from the chart cache: skipped with the chart marker when one is
 * missing, and a failure at once with BALLAST_REQUIRE_CHARTS=1 (CI, where ../shared/charts has them).
 */
export function needsCharts(charts: readonly { chart: string; version: string }[]): GatedTests {
  const missing = missingCharts(charts);
  if (missing.length > 0 && process.env.BALLAST_REQUIRE_CHARTS === '1') throw new Error(`BALLAST_REQUIRE_CHARTS=1, but the chart cache lacks ${missing.join(', ')}`);
  return gatedTests(missing.length === 0, 'chart', charts.map((c) => `${c.chart} ${c.version}`).join(', '));
}

/** Writes the two fixture charts into `dir` once; returns the folder of each by name. */
function fixtureCharts(dir: string): Record<string, string> {
  const operator = path.join(dir, 'flux-operator');
  const instance = path.join(dir, 'flux-instance');
  if (!fs.existsSync(path.join(instance, 'Chart.yaml'))) {
    fs.mkdirSync(path.join(operator, 'crds'), { recursive: true });
    fs.mkdirSync(path.join(instance, 'templates'), { recursive: true });
    const chartYaml = (name: string) => `apiVersion: v2\nname: ${name}\nversion: 0.49.0\ndescription: test fixture standing in for ${name}\n`;
    fs.writeFileSync(path.join(operator, 'Chart.yaml'), chartYaml('flux-operator'));
    fs.writeFileSync(path.join(operator, 'values.yaml'), '{}\n');
    fs.copyFileSync(path.join(schemasDir(), 'crds', 'flux-operator', 'fluxcd.controlplane.io_fluxinstances.yaml'), path.join(operator, 'crds', 'fluxinstances.yaml'));
    fs.writeFileSync(path.join(instance, 'Chart.yaml'), chartYaml('flux-instance'));
    fs.writeFileSync(path.join(instance, 'values.yaml'), 'instance: {}\n');
    fs.writeFileSync(
      path.join(instance, 'templates', 'instance.yaml'),
      'apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata:\n  name: {{ .Release.Name }}\n  namespace: {{ .Release.Namespace }}\nspec:\n{{ toYaml .Values.instance | indent 2 }}\n',
    );
  }
  return { 'flux-operator': operator, 'flux-instance': instance };
}

/**
 * Writes OVERRIDE_FILE into `stackDir`: every helm_release from a local chart folder, without waiting.
 * Call it after every synth (a synth replaces the folder). `fixtures` is where the fixture charts go;
 * `statePath` moves the local state (a stack synthesized outside a project folder).
 */
export function writeLoopbackOverrides(stackDir: string, fixtures: string, statePath?: string): void {
  const json = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')) as { resource?: { helm_release?: Record<string, ReleaseJson> } };
  const fixture = fixtureCharts(fixtures);
  const releases = Object.entries(json.resource?.helm_release ?? {}).map(([name, r]) => {
    const local = fixture[r.chart] ?? findCachedChart({ chart: r.chart, version: r.version } as CatalogChart);
    if (!local) throw new Error(`${name}: chart ${r.chart} ${r.version} is not in the chart cache ${chartCacheDir()}`);
    return [name, { chart: path.resolve(local), repository: null, version: null, wait: false, wait_for_jobs: false, atomic: false }];
  });
  const override = {
    ...(releases.length ? { resource: { helm_release: Object.fromEntries(releases) } } : {}),
    // A stack synthesized outside a project folder keeps its state where the test says.
    ...(statePath ? { terraform: { backend: { local: { path: statePath } } } } : {}),
  };
  fs.writeFileSync(path.join(stackDir, OVERRIDE_FILE), `${JSON.stringify(override, null, 2)}\n`);
}

/** A stack folder run with the real providers against one cluster, with the values of its variables. */
export class RealStack {
  constructor(
    /** `dist/cdktf/stacks/<stack>` of the workspace. */
    public readonly dir: string,
    private readonly kubeconfig: string,
    /** Sensitive variables by name (without `TF_VAR_`). */
    private readonly variables: Readonly<Record<string, string>>,
    private readonly fixtures: string,
    /** Where the state goes instead of the stack's own local path. @default the stack's backend */
    private readonly statePath?: string,
  ) {}

  /** The environment of every run: the mirror's CLI config, the cluster, the variables. */
  public get env(): Record<string, string> {
    return {
      TF_CLI_CONFIG_FILE: toolPath('terraform-rc'),
      TF_VAR_kubeconfig_path: this.kubeconfig,
      ...Object.fromEntries(Object.entries(this.variables).map(([k, v]) => [`TF_VAR_${k}`, v])),
    };
  }

  /** After a synth: the override file, and `terraform init` (the synth removed `.terraform/`). */
  public async init(): Promise<void> {
    writeLoopbackOverrides(this.dir, this.fixtures, this.statePath);
    await terraformOk(this.dir, ['init', '-input=false'], this.env);
  }

  public plan(): Promise<Record<string, PlannedChange>> {
    return plannedChanges(this.dir, this.env);
  }

  /** `terraform plan` as a person reads it. */
  public planText(): Promise<string> {
    return terraformOk(this.dir, ['plan', '-input=false'], this.env);
  }

  public apply(): Promise<TerraformRun> {
    return terraform(this.dir, ['apply', '-auto-approve', '-input=false'], this.env);
  }

  /** Applies, and fails with Terraform's whole output unless it succeeds. */
  public applyOk(): Promise<string> {
    return terraformOk(this.dir, ['apply', '-auto-approve', '-input=false'], this.env);
  }
}

/** The changes of a plan other than no-ops, as `<address>: <actions>` lines, for readable expectations. */
export function changesOf(plan: Record<string, PlannedChange>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(plan)
      .filter(([, c]) => !(c.actions.length === 1 && c.actions[0] === 'no-op' && !c.importingId && !c.previousAddress))
      .map(([a, c]) => [a, [c.actions.join('+'), c.importingId ? `import ${c.importingId}` : '', c.previousAddress ? `from ${c.previousAddress}` : ''].filter((x) => x).join(' ')]),
  );
}

/**
 * Every secret value of `values` that a state file or its backup in `root` holds, in plain text or
 * base64: what must stay empty after every lifecycle step.
 */
export function secretsInStateFiles(root: string, values: readonly string[]): string[] {
  const files = fs.readdirSync(root).filter((f) => /\.tfstate(\.backup)?$/.test(f) || /\.tfstate\.\d+\.backup$/.test(f));
  const found: string[] = [];
  for (const f of files) {
    const text = fs.readFileSync(path.join(root, f), 'utf8');
    for (const v of values) {
      if (text.includes(v)) found.push(`${f}: ${v.slice(0, 4)}… in plain text`);
      else if (text.includes(Buffer.from(v).toString('base64'))) found.push(`${f}: ${v.slice(0, 4)}… in base64`);
    }
  }
  return found;
}

/** The state files (and backups) in `root`: proof that the search above had something to search. */
export function stateFiles(root: string): string[] {
  return fs.readdirSync(root).filter((f) => /\.tfstate/.test(f)).sort();
}
