// What a ServiceMonitor emits (kube-prometheus-stack installs its CRD).
import { Component, KubePrometheusStack, ServiceMonitor } from '../../../lib';
import { synthComponent } from '../../../lib/testing';

test('ServiceMonitor', () => {
  const output = synthComponent((platform) => {
    new KubePrometheusStack(platform, 'monitoring');
    const app = new Component(platform, 'app', { namespace: 'app' });
    return new ServiceMonitor(app, 'monitor', { name: 'app', selector: { 'app.kubernetes.io/name': 'app' }, port: 'http', interval: '15s' });
  });
  expect(output).toMatchSnapshot();
});
