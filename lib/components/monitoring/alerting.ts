import { Duration } from 'cdk8s';
import { durationProblem, describeDuration, prometheusDuration } from '../../core/durations';
import { AlertReceiver, ReceiverSecret } from './alert-receiver';
import { ALERT_SEVERITIES, AlertSeverity } from './prometheus-rule';

/** Alerts with these labels go to `receiver` before the severity routes see them. */
export interface AlertRoute {
  /** Label values an alert must have, e.g. `{ namespace: 'articles' }`. */
  readonly matchers: Readonly<Record<string, string>>;
  readonly receiver: AlertReceiver;
  /** Let the matching alerts go on to the severity routes too. @default false */
  readonly continue?: boolean;
}

/** Who Alertmanager notifies, by severity, and how it groups notifications. */
export interface AlertingOptions {
  /** Who gets `critical` alerts: the ones that need someone now (page them). */
  readonly critical: AlertReceiver | readonly AlertReceiver[];
  /** Who gets `warning` alerts, and alerts that carry no severity. @default the critical receivers */
  readonly warning?: AlertReceiver | readonly AlertReceiver[];
  /** Who gets `info` alerts. @default no one (they show in Alertmanager) */
  readonly info?: AlertReceiver | readonly AlertReceiver[];
  /** Routes tried first, e.g. a team's namespace to the team. @default none */
  readonly routes?: readonly AlertRoute[];
  /** Receives the always-firing `Watchdog` alert every 5 minutes: a dead man's switch that notices when alerting itself stops. @default none */
  readonly heartbeat?: AlertReceiver;
  /** Labels that make one notification of many alerts. @default ['namespace', 'alertname'] */
  readonly groupBy?: readonly string[];
  /** Wait before the first notification of a group (more alerts join it). @default Duration.seconds(30) */
  readonly groupWait?: Duration;
  /** Wait before notifying of new alerts in a group already notified. @default Duration.minutes(5) */
  readonly groupInterval?: Duration;
  /** Notify again of alerts still firing after this long. @default Duration.hours(4) */
  readonly repeatInterval?: Duration;
}

/** The Secret Alertmanager mounts (`alertmanagerSpec.secrets`) with the receivers' credentials. */
export const RECEIVERS_SECRET = 'alertmanager-receivers';
/** Where the operator mounts a Secret listed in `alertmanagerSpec.secrets` (prometheus-operator's convention). */
const SECRETS_DIR = `/etc/alertmanager/secrets/${RECEIVERS_SECRET}`;
/** The receiver that drops what it gets (as in the chart's default configuration). */
const DROP = 'null';

/** Alertmanager's configuration, and the secrets its receivers read. */
export interface RenderedAlerting {
  readonly config: Record<string, unknown>;
  readonly secrets: ReceiverSecret[];
  readonly problems: [string, string][];
}

const listOf = (r: AlertReceiver | readonly AlertReceiver[] | undefined): readonly AlertReceiver[] => (r === undefined ? [] : Array.isArray(r) ? r : [r as AlertReceiver]);
const matcher = (label: string, value: string) => `${label} = ${JSON.stringify(value)}`;

/**
 * The whole Alertmanager configuration: routes by severity (critical, warning, info), the chart's
 * inhibitions (a critical alert silences the warning and info alerts of the same name in its namespace, a
 * warning the info ones), and one receiver per name. Every problem of the options is returned at once.
 */
export function renderAlerting(options: AlertingOptions | undefined): RenderedAlerting {
  const problems: [string, string][] = [];
  const receivers = new Map<string, AlertReceiver>();
  const use = (r: AlertReceiver, where: string): AlertReceiver => {
    if (!(r instanceof AlertReceiver)) {
      problems.push([`alerting.${where} is not an AlertReceiver`, 'Make it with AlertReceiver.webhook, email, slack or pagerDuty']);
      return r;
    }
    const seen = receivers.get(r.name);
    if (seen && seen !== r) problems.push([`two receivers are named "${r.name}"`, 'Give every receiver its own name, or pass the same receiver object']);
    if (!seen) {
      receivers.set(r.name, r);
      problems.push(...r.problems());
    }
    return r;
  };
  const bySeverity: Record<AlertSeverity, readonly AlertReceiver[]> = {
    critical: listOf(options?.critical).map((r, i) => use(r, `critical[${i}]`)),
    warning: listOf(options?.warning ?? options?.critical).map((r, i) => use(r, `warning[${i}]`)),
    info: listOf(options?.info).map((r, i) => use(r, `info[${i}]`)),
  };
  if (options !== undefined && bySeverity.critical.length === 0) problems.push(['alerting has no critical receiver', 'Give alerting.critical the receiver that is paged']);
  const heartbeat = options?.heartbeat === undefined ? undefined : use(options.heartbeat, 'heartbeat');

  const routes: Record<string, unknown>[] = [
    // The chart's always-firing alerts: Watchdog proves the pipeline works, InfoInhibitor only inhibits.
    { receiver: heartbeat?.name ?? DROP, matchers: [matcher('alertname', 'Watchdog')], ...(heartbeat ? { group_wait: '0s', group_interval: '1m', repeat_interval: '5m' } : {}) },
    { receiver: DROP, matchers: [matcher('alertname', 'InfoInhibitor')] },
  ];
  (options?.routes ?? []).forEach((route, i) => {
    const labels = Object.entries(route?.matchers ?? {});
    if (labels.length === 0) problems.push([`alerting.routes[${i}] has no matchers`, 'Give the labels its alerts have, e.g. { namespace: "articles" }']);
    for (const [label, value] of labels) {
      if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(label) || typeof value !== 'string') problems.push([`alerting.routes[${i}] matches the label "${label}"`, 'Use label names of letters, digits and "_" with string values']);
    }
    const receiver = use(route?.receiver, `routes[${i}].receiver`);
    routes.push({ receiver: receiver?.name, matchers: labels.map(([l, v]) => matcher(l, String(v))), ...(route?.continue ? { continue: true } : {}) });
  });
  for (const severity of ALERT_SEVERITIES) {
    const to = bySeverity[severity];
    if (to.length === 0) routes.push({ receiver: DROP, matchers: [matcher('severity', severity)] });
    // One route per receiver; all but the last go on, so every receiver of the severity is notified.
    to.forEach((r, i) => routes.push({ receiver: r.name, matchers: [matcher('severity', severity)], ...(i < to.length - 1 ? { continue: true } : {}) }));
  }

  const timing = { groupWait: Duration.seconds(30), groupInterval: Duration.minutes(5), repeatInterval: Duration.hours(4) };
  const durations = {} as Record<keyof typeof timing, string>;
  for (const key of Object.keys(timing) as (keyof typeof timing)[]) {
    const value = options?.[key] ?? timing[key];
    const problem = durationProblem(value, { positive: true });
    if (problem) problems.push([`alerting.${key} ${problem}`, describeDuration]);
    durations[key] = problem ? '' : prometheusDuration(value);
  }
  const groupBy = options?.groupBy ?? ['namespace', 'alertname'];
  if (!Array.isArray(groupBy) || groupBy.some((l) => typeof l !== 'string' || !/^([a-zA-Z_][a-zA-Z0-9_]*|\.\.\.)$/.test(l))) {
    problems.push([`alerting.groupBy ${JSON.stringify(groupBy)} is not a list of label names`, 'Give label names, e.g. ["namespace", "alertname"], or ["..."] for no grouping']);
  }

  const config = {
    global: { resolve_timeout: '5m' },
    route: {
      // Alerts without a severity (a third party's rules) go where warnings go.
      receiver: bySeverity.warning[0]?.name ?? DROP,
      group_by: groupBy,
      group_wait: durations.groupWait,
      group_interval: durations.groupInterval,
      repeat_interval: durations.repeatInterval,
      routes,
    },
    inhibit_rules: [
      { source_matchers: [matcher('severity', 'critical')], target_matchers: ['severity =~ "warning|info"'], equal: ['namespace', 'alertname'] },
      { source_matchers: [matcher('severity', 'warning')], target_matchers: [matcher('severity', 'info')], equal: ['namespace', 'alertname'] },
      { source_matchers: [matcher('alertname', 'InfoInhibitor')], target_matchers: [matcher('severity', 'info')], equal: ['namespace'] },
    ],
    receivers: [{ name: DROP }, ...[...receivers.values()].map((r) => r.render((key) => `${SECRETS_DIR}/${key}`))],
    templates: ['/etc/alertmanager/config/*.tmpl'],
  };
  return { config, secrets: [...receivers.values()].flatMap((r) => r.secrets), problems };
}
