// What a PodMonitor emits (kube-prometheus-stack installs its CRD).
import { Component, KubePrometheusStack, PodMonitor } from '../../../lib';
import { synthComponent } from '../../../lib/testing';

test('PodMonitor', () => {
  const output = synthComponent((platform) => {
    new KubePrometheusStack(platform, 'monitoring');
    const app = new Component(platform, 'app', { namespace: 'app' });
    return new PodMonitor(app, 'monitor', { name: 'worker', selector: { 'app.kubernetes.io/name': 'worker' }, port: 'metrics', path: '/stats' });
  });
  expect(output).toMatchSnapshot();
});
