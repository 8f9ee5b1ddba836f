// The platform of the bench's scale series: N WebServices, each with an HPA, a ServiceMonitor and an
// IngressRoute with its Certificate, beside Traefik, kube-prometheus-stack and cert-manager.
import { App } from 'cdk8s';
import { AcmeIssuer, CertManager, HorizontalAutoscaler, KubePrometheusStack, Platform, Traefik, WebService } from '../../lib/internal';

/** A platform of `services` WebServices (each autoscaled, monitored and routed). */
export function scalePlatform(services: number): Platform {
  const platform = new Platform(new App(), 'ballast', {
    domain: 'example.com',
    clusterName: 'bench',
    git: { url: 'https://git.example.com/platform.git' },
  });
  const certManager = new CertManager(platform, 'cert-manager');
  platform.useIssuer(new AcmeIssuer(certManager, 'letsencrypt', { email: 'certificates@example.com' }));
  const traefik = new Traefik(platform, 'traefik', { metrics: true });
  new KubePrometheusStack(platform, 'monitoring', { ingress: traefik });
  for (let i = 0; i < services; i++) {
    const service = new WebService(platform, `svc${i}`, { image: 'ghcr.io/acme/api:1.0.0', route: { host: `svc${i}.example.com` } });
    new HorizontalAutoscaler(service, 'hpa', { target: service, maxReplicas: 4, cpuUtilization: 70 });
  }
  return platform;
}
