import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { catalog } from '../../catalog';
import { ChartComponentOptions, Component } from '../../core/component';
import { NetworkPeer } from '../../core/network';
import { PodMonitor } from '../monitoring/pod-monitor';
import { PrometheusRule } from '../monitoring/prometheus-rule';
import { withRunbook } from '../monitoring/platform-alerts';

/** Properties of Keda. */
export interface KedaProps extends ChartComponentOptions {
  /**
   * The operator serves its Prometheus metrics (`keda_scaler_*`, `keda_scaled_object_*`: scaler values,
   * activity, errors, latency) and a PodMonitor scrapes them; the autoscaling dashboard shows them, and
   * KedaScalerErrors alerts when a scaler keeps failing. Needs a component that installs the
   * prometheus-operator CRDs, such as KubePrometheusStack.
   * @default false
   */
  readonly metrics?: boolean;
}

/** The operator's metrics port (chart value `prometheus.operator.port`, its default). */
const OPERATOR_METRICS_PORT = 8080;

/** KEDA (chart keda 2.20.2): event-driven autoscaling, the `keda.sh` CRDs and the metrics API server. */
export class Keda extends Component {
  constructor(scope: Construct, id: string, props: KedaProps = {}) {
    super(scope, id, { namespace: props.namespace ?? 'keda', deployWith: props.deployWith, secrets: props.secrets, allowReservedNamespace: props.allowReservedNamespace, networkPolicies: props.networkPolicies, podSecurity: props.podSecurity });
    this.addChart(
      catalog.keda,
      {
        crds: { install: true },
        ...(props.metrics ? { prometheus: { operator: { enabled: true, port: OPERATOR_METRICS_PORT } } } : {}),
        ...this.scheduling(props.nodePool),
      },
      { releaseName: 'keda', extraValues: props.extraValues, userSensitiveValues: props.sensitiveValues, releasePolicy: props.releasePolicy },
    );
    const operator = this.network.addPods('keda-operator', { 'app.kubernetes.io/name': 'keda-operator' }, { roles: ['keda-operator'] });
    const metricsServer = this.network.addPods('keda-metrics-apiserver', { 'app.kubernetes.io/name': 'keda-operator-metrics-apiserver' });
    const webhooks = this.network.addPods('keda-admission-webhooks', { 'app.kubernetes.io/name': 'keda-admission-webhooks' });
    // The API server is outside the pod network: it serves KEDA's external metrics API and calls its webhooks from there.
    this.network.allowFrom(NetworkPeer.anywhere(), { to: metricsServer, ports: [{ port: 6443 }], why: 'the API server proxies the external metrics API to it' });
    this.network.allowFrom(NetworkPeer.anywhere(), { to: webhooks, ports: [{ port: 9443 }], why: 'the API server calls the admission webhooks' });
    this.network.allowFrom(metricsServer, { to: operator, ports: [{ port: 9666 }], why: 'the metrics server reads the scalers\' metrics from the operator over gRPC' });
    if (props.metrics) {
      this.network.allowFrom(NetworkPeer.role('scraper'), { to: operator, ports: [{ port: OPERATOR_METRICS_PORT }], why: "scrapes the operator's metrics" });
      new PodMonitor(this, 'metrics', { name: 'keda-operator', selector: { ...operator.labels }, port: 'metrics' });
      new PrometheusRule(this, 'alerts', {
        name: 'keda-alerts',
        groups: [
          {
            name: 'ballast.keda',
            rules: [
              withRunbook(this, {
                alert: 'KedaScalerErrors',
                // keda_scaler_detail_errors_total (KEDA 2.20, pkg/metricscollector/prommetrics.go); the scrape
                // keeps the operator's namespace, so the ScaledObject's is exported_namespace.
                expr: 'sum by (exported_namespace, scaledObject, scaler) (rate(keda_scaler_detail_errors_total[5m])) > 0',
                for: Duration.minutes(10),
                severity: 'warning',
                summary: 'Scaler {{ $labels.scaler }} of {{ $labels.scaledObject }} in {{ $labels.exported_namespace }} keeps failing to read its metric',
                description: 'The workload keeps its replicas (or its fallback) and no longer follows its load.',
              }),
            ],
          },
        ],
      });
    }
  }
}
