// A team's own cdk8s-plus workload on the platform: the Deployment and Service are plain cdk8s-plus, in a
// Component of the team's own; ballast's KedaScaler scales it, a ServiceMonitor scrapes it and a LoadTest
// sends it load, through the same interfaces a WebService implements (IScalableWorkload, IServiceTarget).
// It reads as an example: everything a user writes is in `Orders` and the test's first lines.
import * as path from 'path';
import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Component, HorizontalAutoscaler, Keda, KedaScaler, KubePrometheusStack, LoadTest, Manifest, NetworkPeer, Platform, ServiceMonitor } from '../../lib';
import { packageRoot } from '../../lib/internal';
import { testPlatform } from '../support/platforms';
import { problemOf } from '../support/problems';
import { plannedAndSaved } from '../support/synth';

/** The orders team's service, written with cdk8s-plus as they would anywhere else. */
class Orders extends Component {
  public readonly deployment: kplus.Deployment;
  public readonly service: kplus.Service;

  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'orders', tier: 'apps' });
    this.deployment = new kplus.Deployment(this, 'deployment', {
      metadata: { name: 'orders' },
      containers: [
        {
          name: 'orders',
          image: 'ghcr.io/acme/orders:2.3.0',
          ports: [{ number: 8080, name: 'http' }],
          resources: { cpu: { request: kplus.Cpu.millis(200) }, memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) } },
        },
      ],
    });
    this.service = this.deployment.exposeViaService({ name: 'orders', ports: [{ name: 'http', port: 80, targetPort: 8080 }] });
    // A ServiceMonitor selects Services by their labels.
    this.service.metadata.addLabel('app.kubernetes.io/name', 'orders');
  }
}

function platformWithOrders(): { platform: Platform; orders: Orders; prometheus: KubePrometheusStack } {
  const platform = testPlatform();
  const prometheus = new KubePrometheusStack(platform, 'monitoring');
  new Keda(platform, 'keda');
  const orders = new Orders(platform, 'orders');
  // Inside the team's component, as WebService's own autoscaler and monitor are inside the WebService.
  new KedaScaler(orders, 'scaler', {
    target: orders.deployment,
    trigger: { prometheus, query: 'sum(rate(http_requests_total{service="orders"}[1m]))', threshold: 40 },
    cpuUtilization: 75,
    minReplicas: 1,
    maxReplicas: 8,
    pollingInterval: Duration.seconds(30),
    behavior: { scaleDown: { stabilizationWindow: Duration.minutes(2), percent: 50 } },
  });
  new ServiceMonitor(orders, 'metrics', { name: 'orders', service: orders.service, port: 'http', interval: Duration.seconds(15) });
  new LoadTest(platform, 'orders-smoke', {
    script: path.join(packageRoot(), 'loadtests', 'articles-crawl.ts'),
    target: orders.service,
    prometheus,
    options: { vus: 5, duration: Duration.minutes(2) },
  });
  return { platform, orders, prometheus };
}

const manifestsOf = (platform: Platform, component: string): Manifest[] => {
  const plan = plannedAndSaved(platform);
  return [...plan.flux, ...plan.manual].filter((p) => p.component.node.id === component).flatMap((p) => [...p.manifests]);
};
const one = (manifests: Manifest[], kind: string): any => {
  const found = manifests.filter((m) => m.kind === kind);
  expect(found).toHaveLength(1);
  return found[0];
};

test("a team's own cdk8s-plus Deployment, scaled by KEDA, monitored and load-tested through the plan", () => {
  const { platform } = platformWithOrders();
  const orders = manifestsOf(platform, 'orders');

  // Mutation: a KedaScaler that names the target by anything but toScalingTarget() (e.g. a WebService's
  // name) does not point at the team's Deployment.
  const scaled = one(orders, 'ScaledObject');
  expect(scaled.metadata).toMatchObject({ name: 'orders', namespace: 'orders' });
  expect(scaled.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'orders' });
  expect(scaled.spec).toMatchObject({ minReplicaCount: 1, maxReplicaCount: 8, pollingInterval: 30, cooldownPeriod: 300 });
  expect(scaled.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown).toEqual({ stabilizationWindowSeconds: 120, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] });
  // Mutation: takeReplicas without markHasAutoscaler leaves cdk8s-plus's replicas: 2 in place, which a
  // re-apply would reset KEDA's count to.
  expect(one(orders, 'Deployment').spec).not.toHaveProperty('replicas');

  // Mutation: a ServiceMonitor that selects by anything but the Service's labels scrapes nothing.
  const monitor = one(orders, 'ServiceMonitor');
  expect(monitor.metadata).toMatchObject({ name: 'orders', namespace: 'orders' });
  expect(monitor.spec).toEqual({ selector: { matchLabels: one(orders, 'Service').metadata.labels }, endpoints: [{ port: 'http', path: '/metrics', interval: '15s' }] });
  expect(monitor.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'orders' });

  // Mutation: a LoadTest that builds the URL from the component's id or forgets the namespace misses it.
  const job = one(manifestsOf(platform, 'orders-smoke'), 'Job');
  const env = Object.fromEntries(job.spec.template.spec.containers[0].env.map((e: { name: string; value?: string }) => [e.name, e.value]));
  expect(env.TARGET_URL).toBe('http://orders.orders.svc.cluster.local');
  expect(JSON.parse(env.K6_OPTIONS)).toEqual({ vus: 5, duration: '2m' });
});

test('an autoscaler on CPU reads the requests of the containers of the target', () => {
  const platform = testPlatform();
  new KubePrometheusStack(platform, 'monitoring');
  const team = new Component(platform, 'team', { namespace: 'team', tier: 'apps' });
  const deployment = new kplus.Deployment(team, 'deployment', { metadata: { name: 'worker' }, containers: [{ name: 'worker', image: 'ghcr.io/acme/worker:1.0.0', resources: { memory: { request: Size.mebibytes(64) } } }] });
  new HorizontalAutoscaler(team, 'hpa', { target: deployment, maxReplicas: 3, cpuUtilization: 70 });
  // Mutation: a requireRequest that reads a WebService's resources instead of toScalingTarget().containers
  // cannot see this Deployment's containers.
  expect(problemOf(() => plannedAndSaved(platform))).toBe(
    'ballast/team/hpa: it scales ballast/team/deployment on cpu utilization, but the container requests no cpu. Set the cpu request (resources.cpu.request) on ballast/team/deployment: utilization is a share of the request.',
  );
});

test('a scaler or monitor outside any component, or in another namespace than its workload, says where it belongs', () => {
  const { platform, orders, prometheus } = platformWithOrders();
  const trigger = { prometheus, query: 'up', threshold: 1 };
  // Mutation: without insideComponent, cdk8s throws a bare "cannot find a parent chart" here.
  const loose = new Construct(platform, 'loose');
  new ServiceMonitor(loose, 'metrics', { service: orders.service, port: 'http' });
  // Mutation: without checkSameNamespace, the ScaledObject lands in namespace other and scales nothing.
  const other = new Component(platform, 'other', { namespace: 'other', tier: 'apps' });
  new KedaScaler(other, 'scaler', { target: orders.deployment, trigger, maxReplicas: 2 });
  expect(problemOf(() => plannedAndSaved(platform)).split('\n')).toEqual([
    'ballast/loose/metrics: it is not inside a component, so no backend would deploy its ServiceMonitor. Create it inside the component that holds the Service: new ServiceMonitor(component, "metrics", { service, port: "http" }).',
    'ballast/other/scaler: ballast/orders/deployment already has an autoscaler. Keep one autoscaler per workload: an HPA or a KEDA ScaledObject, not both.',
    'ballast/other/scaler: it is in namespace other, but its target ballast/orders/deployment is in orders. Create it inside the component that holds the workload: new KedaScaler(component, "scaler", { target: deployment, ... }).',
  ]);
});

test('a monitor of a Service without labels or without the named port is refused with what to do', () => {
  const platform = testPlatform();
  new KubePrometheusStack(platform, 'monitoring');
  const team = new Component(platform, 'team', { namespace: 'team', tier: 'apps' });
  const service = new kplus.Service(team, 'service', { metadata: { name: 'bare' }, ports: [{ port: 80 }] });
  new ServiceMonitor(team, 'metrics', { service, port: 'metrics' });
  expect(problemOf(() => plannedAndSaved(platform)).split('\n')).toEqual([
    'ballast/team/metrics: the Service ballast/team/service has no labels, so a ServiceMonitor cannot select it. Give the Service metadata labels, e.g. { "app.kubernetes.io/name": "<name>" }.',
    'ballast/team/metrics: the Service ballast/team/service has no port named "metrics". Name the metrics port of the Service (its ports have no names) and give that name here.',
  ]);
});

test("the team declares its pods: Prometheus may scrape them and the load test reach them, and nothing else", () => {
  const { platform, orders } = platformWithOrders();
  // What the team adds for NetworkPolicies: its pods (by a label its pod template carries), and who reaches them.
  orders.deployment.podMetadata.addLabel('app', 'orders');
  const pods = orders.network.addPods('orders', { app: 'orders' });
  orders.network.allowFrom(NetworkPeer.role('scraper'), { to: pods, ports: [{ port: 8080 }], why: 'scrapes /metrics' });
  const plan = plannedAndSaved(platform);
  const policies = plan.flux.flatMap((p) => p.manifests).filter((m) => m.kind === 'NetworkPolicy' && m.metadata.namespace === 'orders');
  expect(policies.map((p) => p.metadata.name).sort()).toEqual(['default-deny-ingress', 'orders-ingress']);
  const from = (policies.find((p) => p.metadata.name === 'orders-ingress')!.spec as any).ingress.map((r: any) => [r.from[0].namespaceSelector?.matchLabels['kubernetes.io/metadata.name'], r.ports]);
  // Mutation: matching a connection to a group only by the very same labels leaves the load test out: it
  // targets the Service, whose pods it knows only by namespace.
  expect(from).toEqual([
    ['loadtests', [{ port: 8080, protocol: 'TCP' }]],
    ['monitoring', [{ port: 8080, protocol: 'TCP' }]],
  ]);
  // Without the declaration, the namespace keeps no default deny (its pods would be cut off), and the plan says so.
  const undeclared = plannedAndSaved(platformWithOrders().platform);
  expect(undeclared.namespaces.find((n) => n.name === 'orders')!.networkPoliciesDisabled).toContain('runs pods it does not declare');
});
