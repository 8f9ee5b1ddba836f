import * as path from 'path';
import { cachedJson } from '../../../core/build-cache';
import type { DashboardModel } from '../grafana-dashboard';
import { BallastAlert, Runbook, RUNBOOKS, runbookUid } from '../runbooks';

/** The version of the Grafana foundation SDK the dashboards are built with (part of the cache key). */
const SDK_VERSION = '0.0.21';

/**
 * One Grafana dashboard per runbook of ballast's alerts, at the uid the alert's `runbook_url` names: the
 * runbook as text, and its signal graphed over the last hours. Built from RUNBOOKS, so a changed text or
 * a new alert changes the dashboards with it.
 */
export function runbookDashboards(datasourceUid: string): DashboardModel[] {
  const inputs = { datasourceUid, runbooks: RUNBOOKS };
  // The SDK takes a quarter second to load: a re-synth with the same runbooks reuses the built JSON.
  return cachedJson('dashboards', path.join(__dirname, path.basename(__filename)), SDK_VERSION, inputs, () =>
    (Object.entries(RUNBOOKS) as [BallastAlert, Runbook][]).map(([alert, runbook]) => build(alert, runbook, datasourceUid)),
  );
}

/** The runbook as Markdown: what it means, what to check, how to fix. */
export function runbookMarkdown(alert: BallastAlert, runbook: Runbook): string {
  const list = (items: readonly string[]) => items.map((i, n) => `${n + 1}. ${i}`).join('\n');
  return `## ${alert}\n\n${runbook.meaning}\n\n### Check\n\n${list(runbook.check)}\n\n### Fix\n\n${list(runbook.fix)}\n`;
}

function build(alert: BallastAlert, runbook: Runbook, datasourceUid: string): DashboardModel {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const dashboard = require('@grafana/grafana-foundation-sdk/dashboard') as typeof import('@grafana/grafana-foundation-sdk/dashboard');
  const text = require('@grafana/grafana-foundation-sdk/text') as typeof import('@grafana/grafana-foundation-sdk/text');
  const timeseries = require('@grafana/grafana-foundation-sdk/timeseries') as typeof import('@grafana/grafana-foundation-sdk/timeseries');
  const prometheus = require('@grafana/grafana-foundation-sdk/prometheus') as typeof import('@grafana/grafana-foundation-sdk/prometheus');
  const datasource = { type: 'prometheus', uid: datasourceUid };
  return new dashboard.DashboardBuilder(`Runbook: ${alert}`)
    .uid(runbookUid(alert))
    .tags(['ballast', 'runbook'])
    .description(runbook.meaning)
    .time({ from: 'now-6h', to: 'now' })
    .withPanel(new text.PanelBuilder().title('What to do').mode(text.TextMode.Markdown).content(runbookMarkdown(alert, runbook)).gridPos({ x: 0, y: 0, w: 12, h: 16 }))
    .withPanel(
      new timeseries.PanelBuilder()
        .title('Signal')
        .description(`The query behind ${alert}, across every namespace.`)
        .datasource(datasource)
        .gridPos({ x: 12, y: 0, w: 12, h: 16 })
        .withTarget(new prometheus.DataqueryBuilder().expr(runbook.signal).datasource(datasource)),
    )
    .build() as unknown as DashboardModel;
}
