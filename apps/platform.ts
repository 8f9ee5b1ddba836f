import { Construct } from 'constructs';
import { Flux, KubePrometheusStack, Platform, Traefik } from '../lib';

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
    ],
  });

  new Flux(platform, 'flux');
  const traefik = new Traefik(platform, 'traefik', { deployWith: 'terraform', metrics: true });
  new KubePrometheusStack(platform, 'monitoring', { deployWith: 'flux', nodePool: 'monitor', ingress: traefik });
  return platform;
}
