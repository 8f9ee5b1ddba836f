import { DASHBOARD_LABEL } from '../components/monitoring/grafana-dashboard';
import { dashboardQuerySyntaxError, describePromqlError, promqlSyntaxError, PromqlSyntaxError } from '../core/promql';
import { dashboardQueries } from '../model/dashboard-queries';
import type { Manifest } from '../model/manifest';
import type { ObjectViolation } from './object-violation';

// The PromQL in the plan's final objects (escape-hatch patches included), parsed with the Prometheus
// grammar: the query of a KEDA Prometheus trigger, the expr of every PrometheusRule rule, and the queries
// of every Grafana dashboard ConfigMap (the label Grafana's sidecar looks for), whose JSON must parse too.

const WHY = 'the Prometheus grammar';

function violation(pointer: string, query: string, error: PromqlSyntaxError, label = 'query'): ObjectViolation {
  return { pointer, what: `${label} ${JSON.stringify(query)} does not parse ${describePromqlError(error)}`, why: WHY, fix: `correct the PromQL at ${pointer}` };
}

const records = (value: unknown): Record<string, unknown>[] => (Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => v !== null && typeof v === 'object') : []);

/** The PromQL of a KEDA ScaledObject's Prometheus triggers. */
function scaledObjectQueries(m: Manifest): ObjectViolation[] {
  const out: ObjectViolation[] = [];
  records((m.spec as { triggers?: unknown } | undefined)?.triggers).forEach((t, i) => {
    const query = (t.metadata as { query?: unknown } | undefined)?.query;
    if (t.type !== 'prometheus' || typeof query !== 'string') return;
    const error = promqlSyntaxError(query);
    if (error) out.push(violation(`/spec/triggers/${i}/metadata/query`, query, error));
  });
  return out;
}

/** The expr of every rule of a PrometheusRule (a number is a valid expr, the CRD's int-or-string). */
function ruleQueries(m: Manifest): ObjectViolation[] {
  const out: ObjectViolation[] = [];
  records((m.spec as { groups?: unknown } | undefined)?.groups).forEach((g, i) =>
    records(g.rules).forEach((r, j) => {
      if (typeof r.expr !== 'string') return;
      const error = promqlSyntaxError(r.expr);
      if (error) out.push(violation(`/spec/groups/${i}/rules/${j}/expr`, r.expr, error, 'expr'));
    }),
  );
  return out;
}

/** The queries of a dashboard ConfigMap: each `*.json` value must be JSON, and its Prometheus queries must parse. */
function dashboardConfigMapQueries(m: Manifest): ObjectViolation[] {
  const out: ObjectViolation[] = [];
  for (const [key, text] of Object.entries((m.data ?? {}) as Record<string, unknown>)) {
    if (!key.endsWith('.json') || typeof text !== 'string') continue;
    const pointer = `/data/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    let dashboard: unknown;
    try {
      dashboard = JSON.parse(text);
    } catch (err) {
      out.push({ pointer, what: `is not JSON (${(err as Error).message.split('\n')[0]})`, why: "Grafana's dashboard sidecar loads it as a JSON dashboard", fix: `make ${pointer} a dashboard's JSON model` });
      continue;
    }
    for (const q of dashboardQueries(dashboard)) {
      const error = dashboardQuerySyntaxError(q.expr);
      if (error) out.push(violation(pointer, q.expr, error, `${q.where}: query`));
    }
  }
  return out;
}

/** The PromQL syntax errors of one object. */
export function queryViolations(m: Manifest): ObjectViolation[] {
  if (m.kind === 'ScaledObject' && m.apiVersion.startsWith('keda.sh/')) return scaledObjectQueries(m);
  if (m.kind === 'PrometheusRule' && m.apiVersion.startsWith('monitoring.coreos.com/')) return ruleQueries(m);
  if (m.kind === 'ConfigMap' && m.apiVersion === 'v1' && (m.metadata?.labels as Record<string, unknown> | undefined)?.[DASHBOARD_LABEL.name] !== undefined) return dashboardConfigMapQueries(m);
  return [];
}
