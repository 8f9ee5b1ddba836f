// What the monitoring stack emits: the chart with ballast's values, the platform alerts and the load-test dashboard.
import { Duration, KubePrometheusStack } from '../../../lib';
import { synthComponent } from '../../../lib/testing';

test('KubePrometheusStack', () => {
  expect(synthComponent((platform) => new KubePrometheusStack(platform, 'monitoring', { retention: Duration.days(7) }))).toMatchSnapshot();
});
