// What a KedaScaler emits: a ScaledObject on a Prometheus query of the platform's Prometheus.
import { Keda, KedaScaler, KubePrometheusStack, WebService } from '../../../lib';
import { synthComponent } from '../../../lib/testing';

test('KedaScaler', () => {
  const output = synthComponent((platform) => {
    new Keda(platform, 'keda'); // the ScaledObject's CRD
    const prometheus = new KubePrometheusStack(platform, 'monitoring');
    const api = new WebService(platform, 'api', { image: 'ghcr.io/acme/api:1.4.2', metricsPath: false });
    return new KedaScaler(api, 'scaler', {
      target: api,
      trigger: { prometheus, query: 'sum(rate(http_requests_total{service="api"}[1m]))', threshold: 50, activationThreshold: 1 },
      minReplicas: 0,
      maxReplicas: 10,
      fallback: { failureThreshold: 3, replicas: 4 },
    });
  });
  expect(output).toMatchSnapshot();
});
