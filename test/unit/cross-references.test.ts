// The reference checker of the chart tier on fixtures that imitate what real charts do: each accepted case
// (Grafana's variables and built-in datasources, a sidecar reaching Grafana on localhost, objects an
// operator creates at run time) beside a negative one, so that the checker still finds real breaks.
import { catalog, DASHBOARD_LABEL, Manifest } from '../../lib/internal';
import { crossReferences, isGrafanaBuiltInOrVariable, Located, runtimeObjectsOf } from '../support/charts/cross-references';

const at = (object: Record<string, unknown>): Located => ({ source: 'fixture', object: object as Manifest });
const dashboard = (uids: string[]) =>
  at({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'dash', namespace: 'monitoring', labels: { [DASHBOARD_LABEL.name]: DASHBOARD_LABEL.value } },
    data: { 'dash.json': JSON.stringify({ panels: uids.map((uid, i) => ({ id: i, type: 'timeseries', datasource: { type: 'prometheus', uid }, targets: [{ expr: 'up', datasource: { uid } }] })) }) },
  });
const grafana = (env: { name: string; value: string }[]) =>
  at({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'grafana', namespace: 'monitoring' },
    spec: {
      template: {
        metadata: { labels: { app: 'grafana' } },
        spec: {
          containers: [
            { name: 'grafana', ports: [{ name: 'grafana', containerPort: 3000 }] },
            { name: 'sidecar', env: [{ name: 'LABEL', value: DASHBOARD_LABEL.name }, { name: 'LABEL_VALUE', value: DASHBOARD_LABEL.value }, { name: 'NAMESPACE', value: 'ALL' }, ...env] },
          ],
        },
      },
    },
  });
const datasource = at({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'ds', namespace: 'monitoring', labels: { grafana_datasource: '1' } },
  data: { 'ds.yaml': 'datasources:\n  - uid: prometheus\n    url: http://prometheus.monitoring:9090\n' },
});
const prometheusService = at({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'prometheus', namespace: 'monitoring' }, spec: { ports: [{ name: 'http', port: 9090 }] } });
const base = [grafana([]), datasource, prometheusService];

test.each(['$datasource', '${datasource}', '${DS_PROMETHEUS}', '[[datasource]]', '-- Mixed --', '-- Grafana --', 'grafana', '-- Dashboard --'])('a dashboard on %s needs no provisioned datasource', (uid) => {
  expect(isGrafanaBuiltInOrVariable(uid)).toBe(true);
  expect(crossReferences([...base, dashboard(['prometheus', uid])])).toEqual([]);
});

test('a dashboard on a datasource nobody provisions is still a break', () => {
  expect(isGrafanaBuiltInOrVariable('loki')).toBe(false);
  expect(crossReferences([...base, dashboard(['loki'])])).toEqual(['fixture: ConfigMap monitoring/dash dash.json -> datasource loki: no chart provisions a datasource with that uid (provisioned: prometheus)']);
});

test('a sidecar reaching Grafana at localhost is the pod itself; another host must be a Service', () => {
  expect(crossReferences([grafana([{ name: 'REQ_URL', value: 'http://localhost:3000/api/admin/provisioning/dashboards/reload' }]), datasource, prometheusService])).toEqual([]);
  expect(crossReferences([grafana([{ name: 'REQ_URL', value: 'http://grafana.monitoring:3000/api/admin/provisioning/dashboards/reload' }]), datasource, prometheusService])).toEqual([
    expect.stringContaining('container sidecar env REQ_URL (http://grafana.monitoring:3000/api/admin/provisioning/dashboards/reload) -> Service monitoring/grafana: no such Service'),
  ]);
});

describe('objects a chart\'s controller creates at run time, declared in the catalog with the reason', () => {
  const keda = at({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'keda-operator', namespace: 'keda' },
    spec: { template: { metadata: { labels: { app: 'keda-operator' } }, spec: { containers: [{ name: 'keda' }], volumes: [{ name: 'certificates', secret: { secretName: 'kedaorg-certs' } }] } } },
  });
  const kubeletMonitor = at({
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name: 'kube-prometheus-stack-kubelet', namespace: 'monitoring' },
    spec: { namespaceSelector: { matchNames: ['kube-system'] }, selector: { matchLabels: { 'app.kubernetes.io/name': 'kubelet', 'k8s-app': 'kubelet' } }, endpoints: [{ port: 'https-metrics' }] },
  });
  const apiserverMonitor = at({
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name: 'kube-prometheus-stack-apiserver', namespace: 'monitoring' },
    spec: { namespaceSelector: { matchNames: ['default'] }, selector: { matchLabels: { component: 'apiserver', provider: 'kubernetes' } }, endpoints: [{ port: 'https' }] },
  });
  const runtime = runtimeObjectsOf([
    { chart: catalog.keda, releaseName: 'keda', namespace: 'keda' },
    { chart: catalog.kubePrometheusStack, releaseName: 'kube-prometheus-stack', namespace: 'monitoring' },
  ]);

  test('are there for the check, each with its reason', () => {
    expect(runtime.map((r) => `${r.object.kind} ${r.object.metadata.namespace}/${r.object.metadata.name}`)).toEqual([
      'Secret keda/kedaorg-certs',
      'Service default/kubernetes',
      'Service kube-system/kube-prometheus-stack-kubelet',
      'Secret monitoring/kube-prometheus-stack-admission',
    ]);
    expect(runtime.every((r) => /^\S+ at run time \(.{20,}\)$/.test(r.source))).toBe(true);
    expect(crossReferences([keda, kubeletMonitor, apiserverMonitor], [], runtime)).toEqual([]);
  });

  test('without the declaration, the same references are breaks', () => {
    expect(crossReferences([keda, kubeletMonitor, apiserverMonitor])).toEqual([
      'fixture: ServiceMonitor monitoring/kube-prometheus-stack-kubelet selects Services {app.kubernetes.io/name=kubelet, k8s-app=kubelet}, which no Service has',
      'fixture: ServiceMonitor monitoring/kube-prometheus-stack-apiserver selects Services {component=apiserver, provider=kubernetes}, which no Service has',
      'fixture: Deployment keda/keda-operator volume certificates -> Secret keda/kedaorg-certs: no such Secret (Secrets there: none)',
    ]);
  });

  test('a declared Service without the port a monitor scrapes is still a break', () => {
    const wrongPort = at({ ...kubeletMonitor.object, spec: { ...(kubeletMonitor.object.spec as object), endpoints: [{ port: 'metrics' }] } });
    expect(crossReferences([wrongPort], [], runtime)).toEqual([expect.stringContaining('scrapes port metrics, which the selected Services (kube-prometheus-stack at run time')]);
  });
});
