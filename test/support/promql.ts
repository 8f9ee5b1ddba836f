import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { DASHBOARD_LABEL, Manifest } from '../../lib/internal';
import { toolPath } from './tools';

/** One PromQL expression ballast writes, and where (file, object, rule or panel). */
export interface EmittedQuery {
  readonly source: string;
  readonly expr: string;
  /** A rule of a PrometheusRule (kept as it is for promtool), or a dashboard query. */
  readonly rule?: Record<string, unknown>;
}

type Panel = { title?: string; targets?: { expr?: string; datasource?: { uid?: string } }[]; panels?: Panel[]; datasource?: { uid?: string } };

/** The dashboards of an object list: ConfigMaps with the sidecar's label, each JSON file parsed. */
export function dashboardsOf(objects: readonly { file: string; object: Manifest }[]): { source: string; json: any }[] {
  return objects
    .filter((o) => o.object.kind === 'ConfigMap' && (o.object.metadata.labels as Record<string, string> | undefined)?.[DASHBOARD_LABEL.name] === DASHBOARD_LABEL.value)
    .flatMap((o) =>
      Object.entries((o.object as { data?: Record<string, string> }).data ?? {}).map(([key, text]) => ({
        source: `${o.file}: ConfigMap ${o.object.metadata.namespace}/${o.object.metadata.name} ${key}`,
        json: JSON.parse(text),
      })),
    );
}

/** Every panel of a dashboard, rows' panels included. */
export function panelsOf(dashboard: { panels?: Panel[] }): Panel[] {
  return (dashboard.panels ?? []).flatMap((p) => [p, ...panelsOf(p)]);
}

/** The series selector inside Grafana's `label_values(<selector>, <label>)` variable query. */
function variableSelector(query: string): string | undefined {
  return /^label_values\((.+),\s*[a-zA-Z_][a-zA-Z0-9_]*\)$/.exec(query.trim())?.[1];
}

/**
 * Every PromQL expression of the objects: the rules of each PrometheusRule, the Prometheus triggers of
 * each KEDA ScaledObject, and each dashboard's panel targets and variable queries.
 */
export function emittedQueries(objects: readonly { file: string; object: Manifest }[]): EmittedQuery[] {
  const out: EmittedQuery[] = [];
  for (const o of objects.filter((x) => x.object.kind === 'PrometheusRule')) {
    for (const g of ((o.object.spec as { groups?: { name: string; rules: Record<string, unknown>[] }[] }).groups ?? [])) {
      for (const r of g.rules) {
        out.push({ source: `${o.file}: PrometheusRule ${o.object.metadata.name} group ${g.name} ${String(r.record ?? r.alert)}`, expr: String(r.expr), rule: r });
      }
    }
  }
  for (const o of objects.filter((x) => x.object.kind === 'ScaledObject')) {
    const triggers = ((o.object.spec as { triggers?: { type: string; metadata?: { query?: string } }[] }).triggers ?? []);
    triggers.forEach((t, i) => {
      if (t.type === 'prometheus' && t.metadata?.query) out.push({ source: `${o.file}: ScaledObject ${o.object.metadata.namespace}/${o.object.metadata.name} trigger ${i}`, expr: t.metadata.query });
    });
  }
  for (const d of dashboardsOf(objects)) {
    for (const v of d.json.templating?.list ?? []) {
      const query = typeof v.query === 'string' ? v.query : v.query?.query;
      const selector = typeof query === 'string' ? variableSelector(query) : undefined;
      if (selector) out.push({ source: `${d.source} variable ${v.name}`, expr: selector });
    }
    for (const p of panelsOf(d.json)) {
      for (const t of p.targets ?? []) if (t.expr) out.push({ source: `${d.source} panel "${p.title}"`, expr: t.expr });
    }
  }
  return out;
}

/**
 * Grafana's variables as values PromQL accepts: `$__rate_interval` and the other interval macros become
 * `1m`, and every other `$name` or `${name}` a plain word (they stand in label matchers).
 */
export function withVariablesReplaced(expr: string): string {
  return expr.replace(/\$__(rate_interval|interval|range)\b/g, '1m').replace(/\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/g, 'x');
}

/** What a promtool run printed, and its exit code. */
export interface PromtoolResult {
  readonly status: number;
  readonly output: string;
}

function promtool(args: string[], files: Record<string, unknown>): PromtoolResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ballast-promtool-'));
  try {
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), typeof content === 'string' ? content : stringify(content));
    const result = spawnSync(toolPath('promtool'), args, { cwd: dir, encoding: 'utf8' });
    if (result.error) throw result.error;
    return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `promtool check rules` of every query, one group per query so that an error names its source: rules as
 * written, dashboard queries (variables replaced) as recording rules.
 */
export function checkQueries(queries: readonly EmittedQuery[]): PromtoolResult {
  const groups = queries.map((q, i) => ({
    name: `${i}: ${q.source}`,
    rules: [q.rule ?? { record: 'ballast:dashboard:query', expr: withVariablesReplaced(q.expr) }],
  }));
  return promtool(['check', 'rules', '--lint=none', 'rules.yaml'], { 'rules.yaml': { groups } });
}

/** `promtool test rules` of unit tests (`tests` of a test file) against the rule groups given. */
export function testRules(groups: unknown[], tests: unknown[]): PromtoolResult {
  return promtool(['test', 'rules', 'tests.yaml'], {
    'rules.yaml': { groups },
    'tests.yaml': { rule_files: ['rules.yaml'], evaluation_interval: '1m', tests },
  });
}

/** Every panel, target and variable of a dashboard that queries a datasource other than `uid`. */
export function foreignDatasources(dashboard: any, uid: string): string[] {
  const off = (ds: { uid?: string } | undefined) => ds !== undefined && ds.uid !== uid;
  const out: string[] = [];
  for (const v of dashboard.templating?.list ?? []) if (v.type === 'query' && (v.datasource === undefined || off(v.datasource))) out.push(`variable ${v.name}`);
  for (const p of panelsOf(dashboard)) {
    if (p.targets && (p.datasource === undefined || off(p.datasource))) out.push(`panel "${p.title}"`);
    (p.targets ?? []).forEach((t, i) => off(t.datasource) && out.push(`panel "${p.title}" target ${i}`));
  }
  return out;
}
