// The platform's alerting rules (`platformAlerts()`), as the monitoring stack writes them: only that PrometheusRule.
import { KubePrometheusStack } from '../../../lib';
import { synthComponent } from '../../../lib/testing';

test('platformAlerts', () => {
  const output = synthComponent((platform) => new KubePrometheusStack(platform, 'monitoring'), { only: 'monitoring/platform-alerts' });
  expect(output).toMatchSnapshot();
});
