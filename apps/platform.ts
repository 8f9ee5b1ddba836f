import { Construct } from 'constructs';
import {
  CloudNativePg,
  Flux,
  HorizontalAutoscaler,
  Keda,
  KedaScaler,
  KubePrometheusStack,
  Platform,
  PostgresCluster,
  SonarQube,
  Traefik,
  TRAEFIK_RECORDED,
  WebService,
} from '../lib';

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
        capacity: { nodes: 1, cpu: '3800m', memory: '14Gi' },
      },
      {
        name: 'storage',
        labels: { 'node.ballast.dev/pool': 'storage' },
        taints: [{ key: 'node.ballast.dev/pool', value: 'storage', effect: 'NoSchedule' }],
        capacity: { nodes: 2, cpu: '3800m', memory: '7Gi' },
      },
      // Applications: no taint, so anything unplaced may also land here.
      { name: 'apps', labels: { 'node.ballast.dev/pool': 'apps' }, capacity: { nodes: 3, cpu: '3800m', memory: '7Gi' } },
    ],
  });

  const flux = new Flux(platform, 'flux');
  const traefik = new Traefik(platform, 'traefik', { deployWith: 'terraform', metrics: true });
  const monitoring = new KubePrometheusStack(platform, 'monitoring', { deployWith: 'flux', nodePool: 'monitor', ingress: traefik });
  new CloudNativePg(platform, 'cnpg');
  // One primary and one read replica on the storage pool (two nodes: they never share one).
  const postgres = new PostgresCluster(platform, 'postgres', { replicas: 1, nodePool: 'storage', storageSize: '20Gi', dashboardsIn: monitoring });
  new SonarQube(platform, 'sonarqube', { database: postgres, ingress: traefik, nodePool: 'apps' });
  new Keda(platform, 'keda');

  // The demo: an Articles API that writes to the primary and reads from the replica, and its UI, on one
  // host: /api to the API, the rest to the UI. The images are the user's builds of the demo (pinned tags).
  const host = `articles.${platform.domain}`;
  const api = new WebService(platform, 'articles-api', {
    namespace: 'articles',
    nodePool: 'apps',
    image: 'ghcr.io/example/articles-api:1.0.0',
    port: 8080,
    route: { host, pathPrefix: '/api' },
    // Flux follows new 1.x tags of the image and commits them to the image line.
    imageAutomation: { flux, semverRange: '^1.0.0' },
    resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '512Mi' } },
    database: {
      cluster: postgres,
      name: 'articles',
      env: (db) => ({ ConnectionStrings__DefaultConnection: db.npgsql, ConnectionStrings__DefaultRoConnection: db.npgsqlReadOnly }),
    },
  });
  // Scaled on the requests Traefik routes to it: one replica per 50 requests per second, 2 to 10.
  new KedaScaler(api, 'scaler', {
    target: api,
    trigger: {
      prometheus: monitoring,
      query: `sum(${TRAEFIK_RECORDED.requestRate}{service="${api.traefikService}"})`,
      threshold: 50,
      activationThreshold: 1,
    },
    minReplicas: 2,
    maxReplicas: 10,
    fallback: { failureThreshold: 3, replicas: 4 },
    behavior: { scaleDown: { stabilizationWindowSeconds: 120, percent: 50, periodSeconds: 60 } },
  });
  const ui = new WebService(platform, 'articles-ui', {
    namespace: 'articles',
    nodePool: 'apps',
    image: 'ghcr.io/example/articles-ui:1.0.0',
    port: 8080,
    route: { host },
    metricsPath: false,
  });
  new HorizontalAutoscaler(ui, 'hpa', { target: ui, minReplicas: 2, maxReplicas: 4, cpuUtilization: 70 });
  return platform;
}
