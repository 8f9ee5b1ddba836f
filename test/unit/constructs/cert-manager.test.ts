// What cert-manager emits: its chart, which installs and keeps the cert-manager.io and acme.cert-manager.io
// CRDs, and the PodMonitor of its controller.
import { CertManager, KubePrometheusStack } from '../../../lib';
import { synthComponent } from '../../../lib/testing';

test('CertManager on Flux, with metrics', () => {
  const output = synthComponent((platform) => {
    new KubePrometheusStack(platform, 'monitoring');
    return new CertManager(platform, 'cert-manager', { metrics: true });
  });
  expect(output).toMatchSnapshot();
});

test('CertManager with Terraform: a helm_release', () => {
  expect(synthComponent((platform) => new CertManager(platform, 'cert-manager', { deployWith: 'terraform' }))).toMatchSnapshot();
});
