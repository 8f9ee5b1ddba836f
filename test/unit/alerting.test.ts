// Alertmanager as KubePrometheusStack renders it: receivers by severity whose credentials are files of a
// Secret (never values in the chart values), every mistake reported at once, and the runbook links of
// ballast's alerts. The e2e tier (test/e2e/alertmanager.test.ts) runs amtool and Alertmanager on it.
import { Duration } from 'cdk8s';
import { AlertReceiver, BallastAlert, KubePrometheusStack, PrometheusRule, RUNBOOKS, runbookUid, SecretValue } from '../../lib/internal';
import { testPlatform } from '../support/platforms';
import { problemOf } from '../support/problems';
import { defaultPlan, fluxObjects, synthToTemp } from '../support/synth';

const variable = (name: string) => SecretValue.fromVariable(name, name);
const values = (s: KubePrometheusStack) => s.helmChart!.values as any;

test('receivers by severity: critical pages, warnings go to the team, info to no one; credentials are mounted files', () => {
  const platform = testPlatform();
  const pager = AlertReceiver.pagerDuty('on-call', { routingKey: variable('pd_key') });
  const team = AlertReceiver.email('team', { to: ['team@example.com'], from: 'alerts@example.com', smarthost: 'smtp.example.com:587', authUsername: 'alerts', authPassword: variable('smtp_password') });
  const stack = new KubePrometheusStack(platform, 'monitoring', { alerting: { critical: pager, warning: team } });
  const alertmanager = values(stack).alertmanager;
  expect(alertmanager.alertmanagerSpec.secrets).toEqual(['alertmanager-receivers']);
  expect(alertmanager.config.route.routes.map((r: any) => [r.matchers.join(), r.receiver])).toEqual([
    ['alertname = "Watchdog"', 'null'],
    ['alertname = "InfoInhibitor"', 'null'],
    ['severity = "critical"', 'on-call'],
    ['severity = "warning"', 'team'],
    ['severity = "info"', 'null'],
  ]);
  expect(alertmanager.config.receivers.find((r: any) => r.name === 'team').email_configs[0]).toMatchObject({
    to: 'team@example.com',
    auth_username: 'alerts',
    auth_password_file: '/etc/alertmanager/secrets/alertmanager-receivers/team-auth-password',
    require_tls: true,
  });
  const secret = stack.manifests().find((m) => m.kind === 'Secret' && (m.metadata as any).name === 'alertmanager-receivers');
  // A Terraform-written Secret: it is a bootstrap secret, not an object of the chart values.
  expect(secret).toBeUndefined();
  expect(JSON.stringify(values(stack))).not.toContain('smtp_password');
});

// Mutation check: without the SecretValue check of receivers (alert-receiver.ts), the plain-string webhook
// URL is not reported and this test fails.
test('every mistake in the alerting options is reported at once', () => {
  const message = problemOf(() => {
    const platform = testPlatform();
    return new KubePrometheusStack(platform, 'monitoring', {
      alerting: {
        critical: [
          AlertReceiver.slack('Platform Team', { webhookUrl: 'https://hooks.slack.com/services/T/B/x' as unknown as SecretValue }),
          AlertReceiver.email('mail', { to: ['not-an-address'], from: 'alerts@example.com', smarthost: 'smtp.example.com', authUsername: 'alerts' }),
        ],
        warning: AlertReceiver.webhook('mail', { url: variable('hook') }),
        routes: [{ matchers: {}, receiver: AlertReceiver.webhook('team', { url: variable('team') }) }],
        groupWait: Duration.seconds(0),
      },
    });
  });
  for (const problem of [
    'receiver name "Platform Team" is not valid',
    'receiver "Platform Team" has its webhook-url as string. Give it as a SecretValue',
    'receiver "mail" has the recipients ["not-an-address"]',
    'receiver "mail" has the smarthost "smtp.example.com"',
    'receiver "mail" has only one of authUsername and authPassword',
    'two receivers are named "mail"',
    'alerting.routes[0] has no matchers',
    'alerting.groupWait',
  ]) {
    expect(message).toContain(problem);
  }
  // Each names the component (`<construct path>: <what is wrong>. <how to fix>.`).
  expect(message).toMatch(/ballast\/monitoring: two receivers are named "mail"\. Give every receiver its own name/);
});

test('no critical receiver, or turning Alertmanager off without a reason, is refused', () => {
  expect(problemOf(() => new KubePrometheusStack(testPlatform(), 'monitoring', { alerting: { critical: [] } }))).toContain('alerting has no critical receiver');
  expect(problemOf(() => new KubePrometheusStack(testPlatform(), 'monitoring', { alerting: { disabled: ' ' } }))).toContain('alerting.disabled has no reason');
  const off = new KubePrometheusStack(testPlatform(), 'monitoring', { alerting: { disabled: 'alerts go to the central Alertmanager' } });
  expect(values(off).alertmanager).toMatchObject({ enabled: false });
});

test('without alerting options Alertmanager runs and routes everything to the null receiver, with no Secret', () => {
  const alertmanager = values(new KubePrometheusStack(testPlatform(), 'monitoring')).alertmanager;
  expect(alertmanager.enabled).toBe(true);
  expect(alertmanager.config.route.receiver).toBe('null');
  expect(alertmanager.config.receivers).toEqual([{ name: 'null' }]);
  expect(alertmanager.alertmanagerSpec.secrets).toBeUndefined();
});

test("the chart's own alerts that ballast's replace are turned off, so one condition notifies once", () => {
  expect(values(new KubePrometheusStack(testPlatform(), 'monitoring')).defaultRules.disabled).toEqual({ TargetDown: true, KubePersistentVolumeFillingUp: true, KubeHpaMaxedOut: true });
});

describe('runbooks', () => {
  const objects = fluxObjects(`${synthToTemp()}/flux`);
  const rules = objects.filter((o) => o.object.kind === 'PrometheusRule').flatMap((o) => (o.object.spec as any).groups.flatMap((g: any) => g.rules.filter((r: any) => r.alert)));
  const dashboards = objects.filter((o) => o.object.kind === 'ConfigMap' && (o.object.metadata as any).annotations?.grafana_folder === 'Runbooks');

  test("every alert of the default platform links its runbook: a Grafana dashboard the platform provisions, at grafana.<domain>", () => {
    expect(rules.length).toBeGreaterThanOrEqual(12);
    const uids = new Set(dashboards.map((d) => JSON.parse(Object.values((d.object as any).data)[0] as string).uid));
    for (const rule of rules) {
      expect(rule.annotations.runbook_url).toBe(`https://grafana.platform.example.com/d/${runbookUid(rule.alert as BallastAlert)}`);
      expect(uids).toContain(runbookUid(rule.alert as BallastAlert));
    }
  });

  test('a runbook dashboard holds the text (meaning, what to check, how to fix) and graphs the signal', () => {
    const model = JSON.parse(Object.values((dashboards.find((d) => (d.object.metadata as any).name === 'runbook-postgres-replica-lagging')!.object as any).data)[0] as string);
    const [text, graph] = model.panels;
    expect(text.options.content).toContain(RUNBOOKS.PostgresReplicaLagging.meaning);
    expect(text.options.content).toMatch(/### Check[\s\S]*### Fix/);
    expect(graph.targets[0].expr).toBe(RUNBOOKS.PostgresReplicaLagging.signal);
  });

  test("the platform's runbookBaseUrl sends the links to a team's wiki instead", () => {
    const platform = testPlatform({ runbookBaseUrl: 'https://wiki.example.com/runbooks/' });
    new KubePrometheusStack(platform, 'monitoring');
    const rule = platform.node.findAll().find((c): c is PrometheusRule => c instanceof PrometheusRule)!;
    const alerts = rule.groups.flatMap((g) => g.rules).filter((r) => 'alert' in r) as { runbookUrl?: string }[];
    expect(alerts[0].runbookUrl).toBe('https://wiki.example.com/runbooks/runbook-scrape-target-down');
    expect(problemOf(() => testPlatform({ runbookBaseUrl: 'wiki/runbooks' }))).toContain('runbookBaseUrl "wiki/runbooks" is not an http(s) URL');
  });

  test('the default platform pages PagerDuty for critical alerts and tells Slack of warnings', () => {
    const { platform } = defaultPlan();
    const config = values(platform.node.findChild('monitoring') as KubePrometheusStack).alertmanager.config;
    expect(config.receivers.map((r: any) => Object.keys(r).join())).toEqual(['name', 'name,pagerduty_configs', 'name,slack_configs']);
  });
});
