// What the monitoring stack emits: the chart with ballast's values, the platform alerts and the load-test dashboard.
import { KubePrometheusStack } from '../../../lib';
import { synthComponent } from '../../../lib/testing';

test('KubePrometheusStack', () => {
  expect(synthComponent((platform) => new KubePrometheusStack(platform, 'monitoring', { retention: '7d' }))).toMatchSnapshot();
});
