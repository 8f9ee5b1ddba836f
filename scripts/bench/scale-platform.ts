// The platform of the bench's scale series: N WebServices, each with an HPA, a ServiceMonitor and an
// IngressRoute with its Certificate, beside Traefik, kube-prometheus-stack and cert-manager.
import { App } from 'cdk8s';
import { AcmeIssuer, CertManager, HorizontalAutoscaler, KubePrometheusStack, Platform, Traefik, WebService } from '../../lib/internal';

/** What a cluster of the bench's fleet changes in the scale platform. */
export interface ScaleCluster {
  readonly name: string;
  /** @default 'example.com' */
  readonly domain?: string;
  /** The services that run more replicas here, and how many. @default none */
  readonly replicas?: Readonly<Record<number, number>>;
  /** The tag of every service's image (a diff where every Deployment changed). @default '1.0.0' */
  readonly imageTag?: string;
}

/** A platform of `services` WebServices (each autoscaled, monitored and routed). */
export function scalePlatform(services: number, app: App = new App(), cluster: ScaleCluster = { name: 'bench' }): Platform {
  const domain = cluster.domain ?? 'example.com';
  const platform = new Platform(app, 'ballast', {
    domain,
    clusterName: cluster.name,
    git: { url: 'https://git.example.com/platform.git' },
  });
  const certManager = new CertManager(platform, 'cert-manager');
  platform.useIssuer(new AcmeIssuer(certManager, 'letsencrypt', { email: `certificates@${domain}` }));
  const traefik = new Traefik(platform, 'traefik', { metrics: true });
  new KubePrometheusStack(platform, 'monitoring', { ingress: traefik });
  for (let i = 0; i < services; i++) {
    const service = new WebService(platform, `svc${i}`, { image: `ghcr.io/acme/api:${cluster.imageTag ?? '1.0.0'}`, route: { host: `svc${i}.${domain}` } });
    new HorizontalAutoscaler(service, 'hpa', { target: service, minReplicas: cluster.replicas?.[i], maxReplicas: Math.max(4, cluster.replicas?.[i] ?? 0), cpuUtilization: 70 });
  }
  return platform;
}
