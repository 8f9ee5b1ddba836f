import { Testing } from 'cdk8s';
import { SecretValue, Traefik } from '../../lib/internal';
import { testPlatform } from '../support/platforms';

function traefik(props: ConstructorParameters<typeof Traefik>[2] = {}) {
  return new Traefik(testPlatform(), 'traefik', props);
}
const byKind = (t: Traefik, kind: string) => t.manifests().filter((m) => m.kind === kind) as any[];

test('the dashboard route answers traefik.<domain> on websecure behind both admin Middlewares', () => {
  const [route] = byKind(traefik(), 'IngressRoute');
  expect(route.apiVersion).toBe('traefik.io/v1alpha1');
  expect(route.metadata).toEqual({ name: 'dashboard', namespace: 'traefik' });
  expect(route.spec.entryPoints).toEqual(['websecure']);
  expect(route.spec.routes[0].match).toBe('Host(`traefik.example.com`)');
  expect(route.spec.routes[0].middlewares).toEqual([
    { name: 'admin-networks', namespace: 'traefik' },
    { name: 'admin-login', namespace: 'traefik' },
  ]);
  expect(route.spec.routes[0].services).toEqual([{ kind: 'TraefikService', name: 'api@internal' }]);
});

test('the Middlewares allow-list the admin networks and ask for basic auth from the bootstrap secret', () => {
  const t = traefik({ adminSourceRange: ['203.0.113.0/24'] });
  const [allow, login] = byKind(t, 'Middleware');
  expect(allow.spec).toEqual({ ipAllowList: { sourceRange: ['203.0.113.0/24'] } });
  expect(login.spec.basicAuth.secret).toBe('traefik-admin-users');
  expect(t.bootstrapSecrets).toEqual([
    { namespace: 'traefik', name: 'traefik-admin-users', type: undefined, data: { users: expect.any(SecretValue) } },
  ]);
});

test('chart values: HTTPS redirect, PDB with several replicas, no unprotected dashboard, node pool', () => {
  const values = traefik({ replicas: 3, nodePool: 'monitor' }).helmChart!.values as any;
  expect(values.deployment.replicas).toBe(3);
  expect(values.podDisruptionBudget).toEqual({ enabled: true, maxUnavailable: 1 });
  expect(values.ports.web.http.redirections.entryPoint).toEqual({ to: 'websecure', scheme: 'https', permanent: true, priority: 1 });
  expect(values.ingressRoute.dashboard.enabled).toBe(false);
  expect(values.nodeSelector).toEqual({ pool: 'monitor' });
  expect(values.tolerations).toEqual([{ key: 'pool', operator: 'Equal', value: 'monitor', effect: 'NoSchedule' }]);
  expect(traefik({ replicas: 1 }).helmChart!.values.podDisruptionBudget).toEqual({ enabled: false });
});

test('extraValues are deep-merged last', () => {
  const values = traefik({ extraValues: { deployment: { replicas: 5 }, logs: { general: { level: 'DEBUG' } } } }).helmChart!.values as any;
  expect(values.deployment).toEqual({ replicas: 5 });
  expect(values.podDisruptionBudget.enabled).toBe(true);
});

test('objects synthesize as cdk8s manifests in the component namespace', () => {
  const t = traefik();
  expect(Testing.synth(t).every((m: any) => m.metadata.namespace === 'traefik')).toBe(true);
});

test('metrics: a PodMonitor selects the proxies by the fixed instance label on the metrics port', () => {
  const t = traefik({ metrics: true });
  const [monitor] = byKind(t, 'PodMonitor');
  expect(monitor.apiVersion).toBe('monitoring.coreos.com/v1');
  expect(monitor.spec).toEqual({
    selector: { matchLabels: { 'app.kubernetes.io/name': 'traefik', 'app.kubernetes.io/instance': 'traefik' } },
    podMetricsEndpoints: [{ port: 'metrics', path: '/metrics' }],
  });
  expect(t.helmChart!.values.instanceLabelOverride).toBe('traefik');
  expect(byKind(traefik(), 'PodMonitor')).toEqual([]);
});
