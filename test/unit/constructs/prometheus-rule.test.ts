// What a PrometheusRule emits: typed recording and alerting rules (kube-prometheus-stack installs its CRD).
import { Component, Duration, KubePrometheusStack, PrometheusRule } from '../../../lib';
import { synthComponent } from '../../../lib/testing';

test('PrometheusRule', () => {
  const output = synthComponent((platform) => {
    new KubePrometheusStack(platform, 'monitoring');
    const app = new Component(platform, 'app', { namespace: 'app' });
    return new PrometheusRule(app, 'rules', {
      groups: [
        {
          name: 'app',
          interval: Duration.minutes(1),
          rules: [
            { record: 'job:http_requests:rate5m', expr: 'sum by (job) (rate(http_requests_total[5m]))' },
            { alert: 'AppErrors', expr: 'sum(rate(http_requests_total{code=~"5.."}[5m])) > 1', for: Duration.minutes(10), severity: 'critical', summary: 'The app answers errors' },
          ],
        },
      ],
    });
  });
  expect(output).toMatchSnapshot();
});
