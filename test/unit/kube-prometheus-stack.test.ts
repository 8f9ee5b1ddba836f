import { Duration, KubePrometheusStack, Size, Traefik } from '../../lib/internal';
import { testPlatform } from '../support/platforms';

function stack(props: ConstructorParameters<typeof KubePrometheusStack>[2] = {}) {
  return new KubePrometheusStack(testPlatform(), 'monitoring', props);
}

test('Prometheus receives remote write and selects monitors without the release label', () => {
  const spec = (stack().helmChart!.values as any).prometheus.prometheusSpec;
  expect(spec.enableRemoteWriteReceiver).toBe(true);
  for (const kind of ['serviceMonitor', 'podMonitor', 'rule', 'probe', 'scrapeConfig']) {
    expect(spec[`${kind}SelectorNilUsesHelmValues`]).toBe(false);
  }
});

test('typed outputs name the Prometheus service of the release', () => {
  const s = stack();
  expect(s.queryUrl).toBe('http://kube-prometheus-stack-prometheus.monitoring.svc.cluster.local:9090');
  expect(s.remoteWriteUrl).toBe('http://kube-prometheus-stack-prometheus.monitoring.svc.cluster.local:9090/api/v1/write');
  expect((s.helmChart!.values as any).fullnameOverride).toBe('kube-prometheus-stack');
  expect(stack({ namespace: 'observability' }).queryUrl).toContain('.observability.svc.cluster.local');
});

test('the monitor node pool places every workload but node-exporter', () => {
  const v = stack({ nodePool: 'monitor' }).helmChart!.values as any;
  const placement = { nodeSelector: { pool: 'monitor' }, tolerations: [{ key: 'pool', operator: 'Equal', value: 'monitor', effect: 'NoSchedule' }] };
  expect(v.prometheus.prometheusSpec).toMatchObject(placement);
  expect(v.alertmanager.alertmanagerSpec).toMatchObject(placement);
  expect(v.prometheusOperator).toMatchObject(placement);
  expect(v.grafana).toMatchObject(placement);
  expect(v['kube-state-metrics']).toMatchObject(placement);
  expect(v['prometheus-node-exporter']).toBeUndefined();
});

test('Prometheus keeps data on a volume and the component is stateful', () => {
  const s = stack({ storageSize: Size.gibibytes(100), retention: Duration.days(30) });
  const spec = (s.helmChart!.values as any).prometheus.prometheusSpec;
  expect(spec.retention).toBe('30d');
  expect(spec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage).toBe('100Gi');
  expect(s.stateful).toBe(true);
});

test('Grafana reads its admin credentials from a bootstrap secret and is routed when an ingress is given', () => {
  const platform = testPlatform();
  const traefik = new Traefik(platform, 'traefik');
  const s = new KubePrometheusStack(platform, 'monitoring', { ingress: traefik });
  expect((s.helmChart!.values as any).grafana.admin).toEqual({ existingSecret: 'grafana-admin', userKey: 'admin-user', passwordKey: 'admin-password' });
  const route = s.manifests().find((m) => m.kind === 'IngressRoute') as any;
  expect(route.spec.routes[0].match).toBe('Host(`grafana.example.com`)');
  expect(route.spec.routes[0].services).toEqual([{ kind: 'Service', name: 'kube-prometheus-stack-grafana', port: 80 }]);
  expect(stack().manifests().filter((m) => m.kind === 'IngressRoute')).toEqual([]);
});

test('Grafana gets an Alertmanager datasource only when Alertmanager runs', () => {
  const datasources = (s: KubePrometheusStack) => (s.helmChart!.values as any).grafana.sidecar.datasources;
  expect(datasources(stack({ alerting: { disabled: 'alerts go to a central Alertmanager' } }))).toMatchObject({ alertmanager: { enabled: false } });
  expect(datasources(stack())).toMatchObject({ alertmanager: { enabled: true } });
});
