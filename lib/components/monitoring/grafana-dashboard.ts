import * as crypto from 'crypto';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { reportProblem } from '../../core/errors';
import { dashboardQuerySyntaxError, describePromqlError } from '../../core/promql';
import { requireDnsLabel } from '../../core/names';
import { dashboardQueries } from '../../model/dashboard-queries';
import { insideComponent } from '../../core/in-component';

/**
 * The label Grafana's dashboard sidecar looks for, as KubePrometheusStack sets it in the chart values
 * (`grafana.sidecar.dashboards.label` / `labelValue`); the sidecar searches every namespace.
 */
export const DASHBOARD_LABEL = { name: 'grafana_dashboard', value: '1' } as const;
/** The annotation that puts a dashboard into a Grafana folder (`grafana.sidecar.dashboards.folderAnnotation`). */
export const DASHBOARD_FOLDER_ANNOTATION = 'grafana_folder';

/** A dashboard as Grafana's JSON model: at least a uid and a title. */
export type DashboardModel = { uid?: string; title?: string; [key: string]: unknown };

/** Properties of a GrafanaDashboard. */
export interface GrafanaDashboardProps {
  /** ConfigMap name. @default the construct id */
  readonly name?: string;
  /** The dashboard's JSON model (from the foundation SDK's `build()`, or hand-written). */
  readonly dashboard: DashboardModel;
  /** Grafana folder. @default 'ballast' */
  readonly folder?: string;
}

/**
 * A Grafana dashboard as a ConfigMap that Grafana's sidecar picks up, in any namespace: the component
 * that owns the data keeps the dashboard beside it.
 */
export class GrafanaDashboard extends Construct {
  public readonly uid: string;

  constructor(scope: Construct, id: string, props: GrafanaDashboardProps) {
    super(scope, id);
    // Every problem is reported (reportProblem) and the plan lists them together; nothing is rendered
    // while one stands.
    const uid = props.dashboard.uid;
    if (!uid || !/^[a-zA-Z0-9_-]{1,40}$/.test(uid)) {
      reportProblem(this, `the dashboard uid "${uid ?? ''}" is missing or not valid`, 'Give the dashboard a fixed uid of at most 40 letters, digits, "-" or "_"');
    }
    if (!props.dashboard.title) reportProblem(this, 'the dashboard has no title', 'Give the dashboard a title');
    // Each Prometheus query parsed as Prometheus would, after Grafana's template variables
    // ($__rate_interval, ${namespace}) have their place-holders: a panel with a query that does not parse
    // shows an error instead of a graph.
    for (const q of dashboardQueries(props.dashboard)) {
      const error = dashboardQuerySyntaxError(q.expr);
      if (error) reportProblem(this, `the dashboard's ${q.where} has the query ${JSON.stringify(q.expr)}, which does not parse ${describePromqlError(error)}`, 'Correct the PromQL of that query');
    }
    this.uid = uid ?? '';
    if (!insideComponent(this, 'dashboard ConfigMap', 'Create it inside a component: the KubePrometheusStack, or the component whose data it shows')) return;
    const name = requireDnsLabel(this, 'ConfigMap name', props.name ?? id);
    new ApiObject(this, 'resource', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name,
        labels: { [DASHBOARD_LABEL.name]: DASHBOARD_LABEL.value },
        annotations: { [DASHBOARD_FOLDER_ANNOTATION]: props.folder ?? 'ballast' },
      },
      data: { [`${name}.json`]: JSON.stringify(props.dashboard, null, 2) },
    });
  }
}

/**
 * A fixed dashboard uid from its parts (`ballast-postgres-<namespace>-<cluster>`), as Grafana allows it:
 * at most 40 characters, a digest of the whole in place of the tail of a longer one, so that two
 * instances of a component get two dashboards.
 */
export function dashboardUid(...parts: string[]): string {
  const uid = parts.join('-').replace(/[^a-zA-Z0-9_-]/g, '-');
  if (uid.length <= 40) return uid;
  return `${uid.slice(0, 31)}-${crypto.createHash('sha256').update(uid).digest('hex').slice(0, 8)}`;
}
