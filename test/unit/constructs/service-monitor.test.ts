import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
// What a ServiceMonitor emits (kube-prometheus-stack installs its CRD).
import { Component, KubePrometheusStack, ServiceMonitor } from '../../../lib';
import { synthComponent } from '../../../lib/testing';

test('ServiceMonitor', () => {
  const output = synthComponent((platform) => {
    new KubePrometheusStack(platform, 'monitoring');
    const app = new Component(platform, 'app', { namespace: 'app' });
    const service = new kplus.Service(app, 'service', { metadata: { name: 'app', labels: { 'app.kubernetes.io/name': 'app' } }, ports: [{ name: 'http', port: 80 }] });
    return new ServiceMonitor(app, 'monitor', { name: 'app', service, port: 'http', interval: Duration.seconds(15) });
  });
  expect(output).toMatchSnapshot();
});
