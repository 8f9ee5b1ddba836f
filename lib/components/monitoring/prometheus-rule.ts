import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { reportProblem } from '../../core/errors';
import { prometheusDuration, requireDuration } from '../../core/durations';
import { describePromqlError, promqlSyntaxError } from '../../core/promql';
import { requireDnsLabel } from '../../core/names';
import { insideComponent } from '../../core/in-component';

/** How urgent an alert is; the same values kube-prometheus-stack's Alertmanager config inhibits on. */
export type AlertSeverity = 'critical' | 'warning' | 'info';
/** Every AlertSeverity, for the check of JavaScript callers. */
export const ALERT_SEVERITIES: readonly AlertSeverity[] = ['critical', 'warning', 'info'];

/** A recording rule: stores the result of `expr` as the series `record`. */
export interface RecordingRule {
  /** Name of the recorded series, `level:metric:operations` by convention. */
  readonly record: string;
  /** PromQL expression. */
  readonly expr: string;
  /** @default none */
  readonly labels?: Record<string, string>;
}

/** An alerting rule: fires when `expr` returns series for longer than `for`. */
export interface AlertingRule {
  /** Alert name, in CamelCase by convention. */
  readonly alert: string;
  /** PromQL expression; every series it returns is an alert. */
  readonly expr: string;
  /** How long the condition must hold (whole milliseconds). @default fires at once */
  readonly for?: Duration;
  readonly severity: AlertSeverity;
  /** One line that says what is wrong; may use `{{ $labels.x }}` and `{{ $value }}`. */
  readonly summary: string;
  /** @default none */
  readonly description?: string;
  /** Extra labels. @default none */
  readonly labels?: Record<string, string>;
  /**
   * Where the on-call reads what to do (the `runbook_url` annotation, which Alertmanager's notifications
   * link). ballast's own alerts link their runbooks (`runbookUrl` of the platform).
   * @default none
   */
  readonly runbookUrl?: string;
}

/** A group of rules evaluated together. */
export interface RuleGroup {
  readonly name: string;
  /** How often the group is evaluated (whole milliseconds, more than zero). @default Prometheus' evaluation interval */
  readonly interval?: Duration;
  readonly rules: readonly (RecordingRule | AlertingRule)[];
}

/** Properties of a PrometheusRule. */
export interface PrometheusRuleProps {
  /** Object name. @default the construct id */
  readonly name?: string;
  readonly groups: readonly RuleGroup[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const ALERT_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function isAlertingRule(rule: RecordingRule | AlertingRule): rule is AlertingRule {
  return 'alert' in rule;
}

/**
 * A prometheus-operator PrometheusRule (`monitoring.coreos.com/v1`) with typed recording and alerting
 * rules. kube-prometheus-stack as ballast configures it loads every PrometheusRule, so no `release` label
 * is needed. Names, durations and the syntax of every expr (the Prometheus grammar) are checked here;
 * the tests also load the rules into promtool.
 */
export class PrometheusRule extends Construct {
  public readonly groups: readonly RuleGroup[];

  constructor(scope: Construct, id: string, props: PrometheusRuleProps) {
    super(scope, id);
    this.groups = props.groups;
    // Every problem of the props is reported (reportProblem) and the plan lists them together: a file of
    // rules with five mistakes takes one run.
    const report = (problem: string, fix: string) => reportProblem(this, problem, fix);
    if (props.groups.length === 0) report('it has no rule groups', 'Add at least one group with rules');
    const names = new Set<string>();
    for (const g of props.groups) {
      if (names.has(g.name)) report(`rule group "${g.name}" is defined twice`, 'Give every group a unique name');
      names.add(g.name);
      if (g.interval !== undefined) requireDuration(this, `the interval of group "${g.name}"`, g.interval);
      if (g.rules.length === 0) report(`rule group "${g.name}" has no rules`, 'Add rules or remove the group');
      for (const r of g.rules) {
        const name = isAlertingRule(r) ? `alert "${r.alert}"` : `record "${r.record}"`;
        if (typeof r.expr !== 'string' || !r.expr.trim()) {
          report(`a rule of group "${g.name}" has an empty expr`, 'Write the PromQL expression');
        } else {
          const error = promqlSyntaxError(r.expr);
          if (error) report(`${name} of group "${g.name}" has the expr ${JSON.stringify(r.expr)}, which does not parse ${describePromqlError(error)}`, 'Correct the PromQL: Prometheus refuses to load a rule file with a query that does not parse');
        }
        if (isAlertingRule(r)) {
          if (!ALERT_NAME.test(r.alert)) report(`alert name "${r.alert}" is not valid`, 'Use letters, digits and "_", e.g. "TargetDown"');
          if (!ALERT_SEVERITIES.includes(r.severity)) report(`alert "${r.alert}" has severity "${String(r.severity)}"`, `Use one of ${ALERT_SEVERITIES.join(', ')} (Alertmanager routes and inhibits on them)`);
          for (const [key, value] of Object.entries(r.labels ?? {})) {
            if (key === 'severity') report(`alert "${r.alert}" sets the label severity in labels`, 'Use the severity property');
            else if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(key) || typeof value !== 'string') report(`alert "${r.alert}" has the label "${key}"`, 'Use label names of letters, digits and "_" with string values');
          }
          if (r.runbookUrl !== undefined && (typeof r.runbookUrl !== 'string' || !/^https?:\/\/[^\s/]+\S*$/.test(r.runbookUrl))) {
            report(`alert "${r.alert}" has the runbookUrl "${String(r.runbookUrl)}"`, 'Give an http(s) URL where the on-call reads what to do');
          }
          // A `for` of zero is Prometheus' own default (fire at once), so it is allowed.
          if (r.for !== undefined) requireDuration(this, `the for of alert "${r.alert}"`, r.for, { positive: false });
        } else if (!METRIC_NAME.test(r.record)) {
          report(`record name "${r.record}" is not a metric name`, 'Use letters, digits, "_" and ":", e.g. "service:http_requests:rate1m"');
        }
      }
    }
    if (!insideComponent(this, 'PrometheusRule', 'Create it inside a component: the KubePrometheusStack, or the component whose metrics it watches')) return;
    new ApiObject(this, 'resource', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: requireDnsLabel(this, 'PrometheusRule name', props.name ?? id) },
      spec: {
        groups: props.groups.map((g) => ({
          name: g.name,
          ...(g.interval ? { interval: prometheusDuration(g.interval) } : {}),
          rules: g.rules.map((r) =>
            isAlertingRule(r)
              ? {
                  alert: r.alert,
                  expr: r.expr,
                  ...(r.for ? { for: prometheusDuration(r.for) } : {}),
                  labels: { ...r.labels, severity: r.severity },
                  annotations: {
                    summary: r.summary,
                    ...(r.description ? { description: r.description } : {}),
                    ...(r.runbookUrl ? { runbook_url: r.runbookUrl } : {}),
                  },
                }
              : { record: r.record, expr: r.expr, ...(r.labels ? { labels: r.labels } : {}) },
          ),
        })),
      },
    });
  }
}
