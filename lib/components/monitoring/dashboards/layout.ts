import { cachedJson } from '../../../core/build-cache';
import type { DashboardModel } from '../grafana-dashboard';

// ballast's dashboards as plain data (rows of panels, each with its PromQL), turned into Grafana's JSON
// model by the Grafana Foundation SDK. The data is cheap to compute and is the cache key: the SDK (a
// quarter second to load) is only required when a dashboard with new content is built.

/** The version of the Grafana foundation SDK the dashboards are built with (part of the cache key). */
const SDK_VERSION = '0.0.21';

/** One query of a panel: PromQL and the legend of its series. */
export interface PanelQuery {
  readonly expr: string;
  readonly legend: string;
}

/** A panel: a time series graph (default) or a stat, with its unit and width in grid columns (of 24). */
export interface PanelSpec {
  readonly title: string;
  readonly description?: string;
  readonly kind?: 'graph' | 'stat';
  /** Grafana unit id (`reqps`, `s`, `bytes`, `percentunit`...). @default 'none' */
  readonly unit?: string;
  /** @default 12 for a graph, 4 for a stat */
  readonly width?: number;
  readonly queries: readonly PanelQuery[];
}

/** A template variable from Grafana's `label_values(<selector>, <label>)`. */
export interface VariableSpec {
  readonly name: string;
  readonly label: string;
  readonly query: string;
  /** Several values and "All". @default false */
  readonly multi?: boolean;
}

/** A whole dashboard: rows of panels under a title each. */
export interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly datasourceUid: string;
  readonly variables?: readonly VariableSpec[];
  readonly rows: readonly { readonly title: string; readonly panels: readonly PanelSpec[] }[];
  /** @default 'now-6h' */
  readonly from?: string;
  /** @default '30s' */
  readonly refresh?: string;
}

/** `q(expr, legend)`: a panel query, for terse dashboard files. */
export const q = (expr: string, legend: string): PanelQuery => ({ expr, legend });

/** The dashboard's JSON model, from the build cache when the same spec was built before. */
export function buildDashboard(spec: DashboardSpec): DashboardModel {
  return cachedJson('dashboards', __filename, SDK_VERSION, spec, () => build(spec));
}

function build(spec: DashboardSpec): DashboardModel {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const dashboard = require('@grafana/grafana-foundation-sdk/dashboard') as typeof import('@grafana/grafana-foundation-sdk/dashboard');
  const timeseries = require('@grafana/grafana-foundation-sdk/timeseries') as typeof import('@grafana/grafana-foundation-sdk/timeseries');
  const stat = require('@grafana/grafana-foundation-sdk/stat') as typeof import('@grafana/grafana-foundation-sdk/stat');
  const prometheus = require('@grafana/grafana-foundation-sdk/prometheus') as typeof import('@grafana/grafana-foundation-sdk/prometheus');
  /* eslint-enable @typescript-eslint/no-require-imports */

  const datasource = { type: 'prometheus', uid: spec.datasourceUid };
  const builder = new dashboard.DashboardBuilder(spec.title)
    .uid(spec.uid)
    .tags([...spec.tags])
    .description(spec.description)
    .time({ from: spec.from ?? 'now-6h', to: 'now' })
    .refresh(spec.refresh ?? '30s');
  for (const v of spec.variables ?? []) {
    builder.withVariable(
      new dashboard.QueryVariableBuilder(v.name)
        .label(v.label)
        .datasource(datasource)
        .query({ query: v.query, refId: v.name })
        .definition(v.query)
        .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
        .sort(dashboard.VariableSort.AlphabeticalAsc)
        .multi(v.multi ?? false)
        .includeAll(v.multi ?? false),
    );
  }
  // Rows one under the other; panels left to right, wrapping at Grafana's 24 columns.
  let y = 0;
  for (const row of spec.rows) {
    builder.withRow(new dashboard.RowBuilder(row.title).gridPos({ x: 0, y, w: 24, h: 1 }));
    y += 1;
    let x = 0;
    let rowHeight = 0;
    for (const p of row.panels) {
      const kind = p.kind ?? 'graph';
      const w = p.width ?? (kind === 'stat' ? 4 : 12);
      const h = kind === 'stat' ? 4 : 8;
      if (x + w > 24) {
        x = 0;
        y += rowHeight;
        rowHeight = 0;
      }
      const panel = kind === 'stat' ? new stat.PanelBuilder() : new timeseries.PanelBuilder();
      panel.title(p.title).unit(p.unit ?? 'none').datasource(datasource).gridPos({ x, y, w, h });
      if (p.description) panel.description(p.description);
      for (const query of p.queries) panel.withTarget(new prometheus.DataqueryBuilder().expr(query.expr).legendFormat(query.legend).datasource(datasource));
      builder.withPanel(panel);
      x += w;
      rowHeight = Math.max(rowHeight, h);
    }
    y += rowHeight;
  }
  return builder.build() as unknown as DashboardModel;
}
