import { Duration, Size } from 'cdk8s';
// The WebService and its autoscalers: zero-downtime defaults, one port everywhere, the rules of autoscaling.
import * as path from 'path';
import {
  Component,
  HorizontalAutoscaler,
  Keda,
  KedaScaler,
  KubePrometheusStack,
  Manifest,
  planPlatform,
  Traefik,
  WebService,
  WebServiceProps,
} from '../../lib/internal';
import { crossReferences, Located } from '../support/charts/cross-references';
import { rolloutOrder } from '../support/e2e/rollout';
import { testPlatform } from '../support/platforms';
import { defaultPlan, synthToTemp } from '../support/synth';
import { problemOf } from '../support/problems';

function setup(props: Partial<WebServiceProps> = {}) {
  const platform = testPlatform();
  const monitoring = new KubePrometheusStack(platform, 'monitoring', { ingress: new Traefik(platform, 'traefik', { metrics: true }) });
  new Keda(platform, 'keda');
  const api = new WebService(platform, 'api', { image: 'ghcr.io/acme/api:1.4.2', route: { host: 'api.example.com' }, ...props });
  return { platform, monitoring, api };
}
const objectOf = (c: Component, kind: string) => (c.manifests() as Manifest[]).find((m) => m.kind === kind) as any;

test('zero-downtime defaults: readiness, preStop pause under the grace period, surge-only rollout, requests, restricted context', () => {
  const { api } = setup();
  const d = objectOf(api, 'Deployment');
  const pod = d.spec.template.spec;
  const c = pod.containers[0];
  expect(d.spec.replicas).toBe(2);
  expect(d.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } });
  expect(c.readinessProbe.httpGet).toEqual({ path: '/healthz', port: 'http', scheme: 'HTTP' });
  expect(c.lifecycle.preStop.sleep.seconds).toBeLessThan(pod.terminationGracePeriodSeconds);
  expect(c.resources.requests).toEqual({ cpu: '100m', memory: '128Mi' });
  expect(pod.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  // cdk8s-plus also states runAsNonRoot and privileged: false on the container, as the restricted Pod Security Standard asks.
  expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, privileged: false, runAsNonRoot: true, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
  expect(c.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
  expect(objectOf(api, 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
});

test('the container port is declared once and used by name by the probes, the Service, the monitor; the route uses the Service port', () => {
  const { api } = setup({ port: 3000, servicePort: 8080 });
  const c = objectOf(api, 'Deployment').spec.template.spec.containers[0];
  expect(c.ports).toEqual([{ name: 'http', containerPort: 3000, protocol: 'TCP' }]);
  expect(objectOf(api, 'Service').spec.ports).toEqual([{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }]);
  expect(objectOf(api, 'ServiceMonitor').spec.endpoints[0].port).toBe('http');
  expect(objectOf(api, 'IngressRoute').spec.routes[0].services).toEqual([{ kind: 'Service', name: 'api', port: 8080 }]);
  expect(api.traefikService).toBe('api-api-8080@kubernetescrd');
});

test('an autoscaled Deployment has no replicas; HPA on CPU and memory with behaviour; KEDA on a Prometheus query at queryUrl', () => {
  const { api, monitoring } = setup();
  new KedaScaler(api, 'scaler', {
    target: api,
    trigger: { prometheus: monitoring, query: 'sum(rate(http_requests_total[1m]))', threshold: 50, activationThreshold: 2 },
    cpuUtilization: 80,
    minReplicas: 0,
    maxReplicas: 5,
  });
  expect(objectOf(api, 'Deployment').spec).not.toHaveProperty('replicas');
  const so = objectOf(api, 'ScaledObject');
  expect(so.spec.triggers).toEqual([
    { type: 'prometheus', metadata: { serverAddress: monitoring.queryUrl, query: 'sum(rate(http_requests_total[1m]))', threshold: '50', activationThreshold: '2' } },
    { type: 'cpu', metricType: 'Utilization', metadata: { value: '80' } },
  ]);
  expect([so.spec.minReplicaCount, so.spec.maxReplicaCount]).toEqual([0, 5]);

  const other = setup().api;
  new HorizontalAutoscaler(other, 'hpa', { target: other, minReplicas: 2, maxReplicas: 6, cpuUtilization: 70, memoryUtilization: 80, behavior: { scaleUp: { pods: 2, period: Duration.seconds(30) } } });
  const hpa = objectOf(other, 'HorizontalPodAutoscaler');
  expect(hpa.spec).toEqual({
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' },
    minReplicas: 2,
    maxReplicas: 6,
    metrics: [
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } },
    ],
    behavior: { scaleUp: { selectPolicy: 'Max', policies: [{ type: 'Pods', value: 2, periodSeconds: 30 }] } },
  });
  expect(objectOf(other, 'Deployment').spec).not.toHaveProperty('replicas');
});

test('one replica and no autoscaler: no PodDisruptionBudget; an autoscaler that can run more adds one', () => {
  const { api } = setup({ replicas: 1 });
  expect(objectOf(api, 'PodDisruptionBudget')).toBeUndefined();
  new HorizontalAutoscaler(api, 'hpa', { target: api, maxReplicas: 3, cpuUtilization: 70 });
  expect(objectOf(api, 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
});

test.each([
  [
    'an HPA and a ScaledObject on one workload',
    () => {
      const { api, monitoring } = setup();
      new HorizontalAutoscaler(api, 'hpa', { target: api, maxReplicas: 3, cpuUtilization: 70 });
      new KedaScaler(api, 'keda', { target: api, trigger: { prometheus: monitoring, query: 'up', threshold: 1 }, maxReplicas: 3 });
    },
    'ballast/api/keda: ballast/api is already scaled by the HorizontalPodAutoscaler ballast/api/hpa. Keep one autoscaler per workload: an HPA or a KEDA ScaledObject, not both.',
  ],
  [
    'max below min',
    () => {
      const { platform, api } = setup();
      new HorizontalAutoscaler(api, 'hpa', { target: api, minReplicas: 5, maxReplicas: 3, cpuUtilization: 70 });
      // Props problems are reported when the platform is planned, all of them together.
      planPlatform(platform);
    },
    'ballast/api/hpa: minReplicas 5 is above maxReplicas 3. Make minReplicas at most maxReplicas.',
  ],
  [
    'a CPU target without a CPU request',
    () => {
      const { platform, api } = setup({ resources: { memory: { request: Size.mebibytes(128) } } });
      new HorizontalAutoscaler(api, 'hpa', { target: api, maxReplicas: 3, cpuUtilization: 70 });
      planPlatform(platform);
    },
    'ballast/api/hpa: it scales ballast/api on cpu utilization, but the container requests no cpu. Set the cpu request (resources.cpu.request) on ballast/api: utilization is a share of the request.',
  ],
  [
    'an image without a pinned version',
    () => setup({ image: 'ghcr.io/acme/api' }).api,
    'ballast/api: image "ghcr.io/acme/api" has no pinned tag or digest. Name a version, e.g. "ghcr.io/acme/api:1.4.2".',
  ],
  ['an image on latest', () => setup({ image: 'ghcr.io/acme/api:latest' }).api, 'ballast/api: image "ghcr.io/acme/api:latest" uses the tag latest. Pin a version so that a re-apply installs the same thing.'],
])('%s is refused at synth', (_name, build, message) => {
  expect(problemOf(build)).toBe(message);
});

test("what the demo's objects point at exists: Service selectors and target ports, monitors, routes, autoscaler targets", () => {
  const { plan } = defaultPlan();
  // The API's dashboard points at Grafana's sidecar and datasource, which only Grafana's chart renders (the chart tier checks them).
  const rollout = rolloutOrder(plan, path.join(synthToTemp(), 'flux')).filter((o) => o.object.metadata.namespace === 'articles' && o.object.metadata.name !== 'articles-api-dashboard');
  expect(crossReferences(rollout)).toEqual([]);
  const mutate = (kind: string, change: (o: any) => void): Located[] =>
    rollout.map((o) => {
      if (o.object.kind !== kind || o.object.metadata.name !== 'articles-api') return o;
      const copy = JSON.parse(JSON.stringify(o.object));
      change(copy);
      return { ...o, object: copy };
    });
  expect(crossReferences(mutate('Service', (s) => (s.spec.ports[0].targetPort = 'web')))).toEqual([
    expect.stringContaining('Service articles/articles-api port http -> targetPort web: the selected pods (dist/flux/apps/articles-api.yaml: Deployment articles/articles-api) name no such port'),
  ]);
  expect(crossReferences(mutate('Service', (s) => (s.spec.selector = { app: 'api' })))).toEqual([
    expect.stringContaining('Service articles/articles-api selects pods {app=api}, which no workload has'),
  ]);
  expect(crossReferences(mutate('ScaledObject', (s) => (s.spec.scaleTargetRef.name = 'article-api')))).toEqual([
    expect.stringContaining('ScaledObject articles/articles-api -> Deployment articles/article-api: no such workload'),
  ]);
});
