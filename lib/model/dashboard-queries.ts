// The Prometheus queries of a Grafana dashboard (its JSON model, as the foundation SDK's `build()` or a
// hand-written file gives it): the `expr` of each panel target and annotation whose datasource is
// Prometheus. A datasource left out is the platform's default, which is Prometheus in the Grafana
// ballast installs; a target of another datasource (Loki, Tempo) holds another language and is skipped, as
// is a datasource named only by uid or a template variable without its type. Template variable queries
// (`label_values(...)`) are Grafana's own functions, not PromQL, and are skipped too.

/** One query of a dashboard and where it is, for a message: `panel "CPU" target A`. */
export interface DashboardQuery {
  readonly where: string;
  readonly expr: string;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The datasource type a target uses: its own, else its panel's; undefined when neither names a type. */
function datasourceType(target: Json, panel: Json | undefined): string | 'default' | undefined {
  for (const ds of [target.datasource, panel?.datasource]) {
    if (ds === undefined || ds === null) continue;
    if (isObject(ds)) return typeof ds.type === 'string' ? ds.type : undefined;
    return undefined; // a uid or name: the type is not known here
  }
  return 'default';
}

const isPrometheus = (type: string | undefined) => type === 'prometheus' || type === 'default';

/** Every Prometheus query of `dashboard`, with where it is. */
export function dashboardQueries(dashboard: unknown): DashboardQuery[] {
  const out: DashboardQuery[] = [];
  if (!isObject(dashboard)) return out;
  const visit = (panels: unknown) => {
    if (!Array.isArray(panels)) return;
    for (const panel of panels) {
      if (!isObject(panel)) continue;
      const title = typeof panel.title === 'string' && panel.title !== '' ? `panel "${panel.title}"` : `panel ${String(panel.id ?? '(no id)')}`;
      for (const target of Array.isArray(panel.targets) ? panel.targets : []) {
        if (!isObject(target) || typeof target.expr !== 'string' || target.expr.trim() === '' || target.hide === true) continue;
        if (isPrometheus(datasourceType(target, panel))) out.push({ where: `${title} target ${String(target.refId ?? '')}`.trim(), expr: target.expr });
      }
      // A collapsed row keeps its panels inside.
      visit(panel.panels);
    }
  };
  visit(dashboard.panels);
  const annotations = isObject(dashboard.annotations) ? dashboard.annotations.list : undefined;
  for (const a of Array.isArray(annotations) ? annotations : []) {
    if (isObject(a) && typeof a.expr === 'string' && a.expr.trim() !== '' && isPrometheus(datasourceType(a, undefined))) {
      out.push({ where: `annotation "${String(a.name ?? '')}"`, expr: a.expr });
    }
  }
  return out;
}
