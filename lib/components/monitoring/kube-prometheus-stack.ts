import { Construct } from 'constructs';
import { catalog } from '../../catalog';
import { Component, ComponentOptions } from '../../core/component';
import { fail } from '../../core/errors';
import { HelmValues } from '../../core/helm-chart';
import { SecretValue } from '../../core/secret';
import { IngressRoute } from '../ingress/ingress-route';
import { Traefik } from '../ingress/traefik';

/** Properties of the monitoring stack. */
export interface KubePrometheusStackProps extends ComponentOptions {
  /**
   * Node pool that runs Prometheus, Alertmanager, Grafana, the operator and kube-state-metrics
   * (node-exporter runs on every node).
   * @default any node
   */
  readonly nodePool?: string;
  /** How long Prometheus keeps samples. @default '15d' */
  readonly retention?: string;
  /** Size of Prometheus' volume. @default '50Gi' */
  readonly storageSize?: string;
  /** Storage class of Prometheus' volume. @default the cluster's default class */
  readonly storageClassName?: string;
  /** @default the sensitive Terraform variable `grafana_admin_password` */
  readonly grafanaAdminPassword?: SecretValue;
  /** Serves Grafana at `grafana.<domain>` behind the ingress' admin Middlewares. @default not exposed */
  readonly ingress?: Traefik;
  /** Chart values deep-merged over ballast's. @default none */
  readonly extraValues?: HelmValues;
}

const RELEASE = 'kube-prometheus-stack';
const QUANTITY = /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$/;

/**
 * Prometheus, Alertmanager and Grafana from kube-prometheus-stack. Prometheus accepts remote write
 * (k6 pushes its metrics there) and selects every ServiceMonitor, PodMonitor and rule in the cluster, not
 * only the ones carrying the chart's `release` label.
 */
export class KubePrometheusStack extends Component {
  /** Where clients push samples with Prometheus remote write. */
  public readonly remoteWriteUrl: string;
  /** Base URL of the Prometheus HTTP API, for queries and data sources. */
  public readonly queryUrl: string;
  /** Grafana's in-cluster URL. */
  public readonly grafanaUrl: string;

  constructor(scope: Construct, id: string, props: KubePrometheusStackProps = {}) {
    super(scope, id, { namespace: props.namespace ?? 'monitoring', deployWith: props.deployWith });
    const storageSize = props.storageSize ?? '50Gi';
    if (!QUANTITY.test(storageSize)) {
      fail(this, `storageSize "${storageSize}" is not a Kubernetes quantity`, 'Use a size such as "50Gi"');
    }
    const retention = props.retention ?? '15d';
    if (!/^[0-9]+(ms|s|m|h|d|w|y)$/.test(retention)) {
      fail(this, `retention "${retention}" is not a Prometheus duration`, 'Use a duration such as "15d"');
    }
    // Prometheus keeps its samples on a volume: never pruned, never destroyed by a refactor.
    this.stateful = true;

    const placement: HelmValues = this.scheduling(props.nodePool) ?? {};

    const services = `${this.namespace}.svc.cluster.local`;
    this.queryUrl = this.addOutputUrl('queryUrl', `http://${RELEASE}-prometheus.${services}:9090`);
    this.remoteWriteUrl = this.addOutputUrl('remoteWriteUrl', `${this.queryUrl}/api/v1/write`);
    this.grafanaUrl = this.addOutputUrl('grafanaUrl', `http://${RELEASE}-grafana.${services}`);

    const admin = this.addBootstrapSecret('grafana-admin', {
      'admin-user': 'admin',
      'admin-password':
        props.grafanaAdminPassword ?? SecretValue.fromVariable('grafana_admin_password', 'Password of the Grafana "admin" user.'),
    });

    this.addChart(
      catalog.kubePrometheusStack,
      {
        // Pins the object names (and the Service names above) to the release name.
        fullnameOverride: RELEASE,
        prometheus: {
          prometheusSpec: {
            enableRemoteWriteReceiver: true,
            // Empty selectors then select every monitor and rule in every namespace.
            serviceMonitorSelectorNilUsesHelmValues: false,
            podMonitorSelectorNilUsesHelmValues: false,
            ruleSelectorNilUsesHelmValues: false,
            probeSelectorNilUsesHelmValues: false,
            scrapeConfigSelectorNilUsesHelmValues: false,
            retention,
            storageSpec: {
              volumeClaimTemplate: {
                spec: {
                  ...(props.storageClassName ? { storageClassName: props.storageClassName } : {}),
                  accessModes: ['ReadWriteOnce'],
                  resources: { requests: { storage: storageSize } },
                },
              },
            },
            resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { memory: '4Gi' } },
            ...placement,
          },
        },
        alertmanager: { alertmanagerSpec: { ...placement } },
        prometheusOperator: { ...placement },
        'kube-state-metrics': { ...placement },
        grafana: {
          admin: { existingSecret: admin.name, userKey: 'admin-user', passwordKey: 'admin-password' },
          ...placement,
        },
      },
      { releaseName: RELEASE, extraValues: props.extraValues },
    );

    if (props.ingress) {
      new IngressRoute(this, 'grafana', {
        host: `grafana.${this.platform.domain}`,
        backend: { name: `${RELEASE}-grafana`, port: 80 },
        middlewares: [props.ingress.allowAdminNetworks],
      });
    }
  }
}
