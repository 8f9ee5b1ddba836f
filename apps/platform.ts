import { Construct } from 'constructs';
import { CloudNativePg, Flux, KubePrometheusStack, Platform, PostgresCluster, SonarQube, Traefik } from '../lib';

/**
 * The default platform: the one both entry points synthesize. Edit it to describe yours; moving a
 * component to the other backend is a change of its `deployWith`.
 */
export function defaultPlatform(scope: Construct): Platform {
  const platform = new Platform(scope, 'ballast', {
    domain: 'platform.example.com',
    clusterName: 'production',
    git: { url: 'https://github.com/example/platform-gitops.git', branch: 'main' },
    nodePools: [
      {
        name: 'monitor',
        labels: { 'node.ballast.dev/pool': 'monitor' },
        taints: [{ key: 'node.ballast.dev/pool', value: 'monitor', effect: 'NoSchedule' }],
      },
      {
        name: 'storage',
        labels: { 'node.ballast.dev/pool': 'storage' },
        taints: [{ key: 'node.ballast.dev/pool', value: 'storage', effect: 'NoSchedule' }],
      },
    ],
  });

  new Flux(platform, 'flux');
  const traefik = new Traefik(platform, 'traefik', { deployWith: 'terraform', metrics: true });
  const monitoring = new KubePrometheusStack(platform, 'monitoring', { deployWith: 'flux', nodePool: 'monitor', ingress: traefik });
  new CloudNativePg(platform, 'cnpg');
  // One primary and one read replica on the storage pool (two nodes: they never share one).
  const postgres = new PostgresCluster(platform, 'postgres', { replicas: 1, nodePool: 'storage', storageSize: '20Gi', dashboardsIn: monitoring });
  new SonarQube(platform, 'sonarqube', { database: postgres, ingress: traefik });
  return platform;
}
