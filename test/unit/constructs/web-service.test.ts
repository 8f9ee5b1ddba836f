// What a WebService emits: Deployment, Service, PDB, ServiceMonitor, its route, and here an HPA.
import { Flux, HorizontalAutoscaler, KubePrometheusStack, Traefik, WebService } from '../../../lib';
import { synthComponent } from '../../../lib/testing';

test('WebService, routed and scaled by an HPA', () => {
  const output = synthComponent((platform) => {
    new KubePrometheusStack(platform, 'monitoring'); // the ServiceMonitor's CRD
    new Traefik(platform, 'traefik'); // the IngressRoute's CRD
    const api = new WebService(platform, 'api', { image: 'ghcr.io/acme/api:1.4.2', route: { host: 'api.example.com', pathPrefix: '/v1' } });
    new HorizontalAutoscaler(api, 'hpa', { target: api, minReplicas: 2, maxReplicas: 6, cpuUtilization: 70 });
    return api;
  });
  expect(output).toMatchSnapshot();
});

test('WebService with Flux image automation: the image line carries the policy marker', () => {
  const output = synthComponent((platform) => {
    const flux = new Flux(platform, 'flux'); // the image.toolkit.fluxcd.io CRDs
    return new WebService(platform, 'api', { image: 'ghcr.io/acme/api:1.4.2', replicas: 1, metricsPath: false, imageAutomation: { flux, semverRange: '^1.4.0' } });
  });
  expect(output).toMatchSnapshot();
});
