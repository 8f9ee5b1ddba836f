import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { catalog } from '../../catalog';
import { Component, ComponentOptions } from '../../core/component';
import { fail, reportProblem } from '../../core/errors';
import { HelmValues } from '../../core/helm-chart';
import { ReleasePolicy } from '../../core/release-policy';
import { prometheusDuration, requireDuration } from '../../core/durations';
import { urlCredentialsProblem } from '../../core/grammar';
import { binaryQuantity, describeSize, sizeProblem } from '../../core/quantities';
import { ContainerResources, renderResources, requestsOf } from '../../core/resource-checks';
import { IDashboardHost, IIngressController, IPrometheus } from '../../core/interfaces';
import { platformOf } from '../../core/platform-context';
import { SecretValue } from '../../core/secret';
import { IngressRoute } from '../ingress/ingress-route';
import type { RouteTls } from '../tls/route-tls';
import { CommunityDashboard } from './community-dashboards';
import { DASHBOARD_FOLDER_ANNOTATION, DASHBOARD_LABEL, GrafanaDashboard } from './grafana-dashboard';
import { addPlatformDashboards } from './platform-dashboards';
import { addNote } from '../../core/notes';
import { platformAlerts, REPLACED_CHART_ALERTS } from './platform-alerts';
import { AlertingOptions, RECEIVERS_SECRET, renderAlerting } from './alerting';
import { runbookDashboards } from './dashboards/runbook-dashboards';
import { PrometheusRule } from './prometheus-rule';
import { NetworkPeer, PodGroup } from '../../core/network';

/** Properties of the monitoring stack. */
export interface KubePrometheusStackProps extends ComponentOptions {
  /**
   * Node pool that runs Prometheus, Alertmanager, Grafana, the operator and kube-state-metrics
   * (node-exporter runs on every node).
   * @default any node
   */
  readonly nodePool?: string;
  /** How long Prometheus keeps samples (whole milliseconds, more than zero). @default Duration.days(15) */
  readonly retention?: Duration;
  /** Size of Prometheus' volume. @default Size.gibibytes(50) */
  readonly storageSize?: Size;
  /** Storage class of Prometheus' volume. @default the cluster's default class */
  readonly storageClassName?: string;
  /** @default the sensitive Terraform variable `grafana_admin_password` */
  readonly grafanaAdminPassword?: SecretValue;
  /**
   * Serves Grafana at `grafana.<domain>` (admin networks only; Grafana has its own login) and Prometheus
   * at `prometheus.<domain>` (admin networks and admin login: Prometheus has none).
   * @default not exposed
   */
  readonly ingress?: IIngressController;
  /** The certificate of its routes (issuer, wildcard, or `{ disabled: '<reason>' }`). @default a Certificate per host from the platform's issuer */
  readonly routeTls?: RouteTls;
  /**
   * Alertmanager and who it notifies: receivers by severity (every credential a SecretValue, mounted from a
   * Secret), routes, grouping; `{ disabled: '<reason>' }` runs no Alertmanager. The platform's alerts
   * carry the severities it routes on (`critical`, `warning`, `info`) and link their runbooks.
   * @default Alertmanager runs and notifies no one (alerts show in its UI)
   */
  readonly alerting?: AlertingOptions | { readonly disabled: string };
  /**
   * Opt-in: dashboards Grafana downloads from grafana.com by id when its pod starts, which needs internet
   * access (egress to grafana.com) at every start; without it they are missing. ballast's own dashboards
   * (Kubernetes, autoscaling, k6, Traefik) are written into the output and need none. Each one adds a
   * synth note saying so.
   * @default none
   */
  readonly communityDashboards?: CommunityDashboard[];
  /** The Load test overview dashboard (k6 beside the service under load), beside the k6 results one. @default true */
  readonly loadTestDashboard?: boolean;
  /** Chart values deep-merged over ballast's. @default none */
  readonly extraValues?: HelmValues;
  /** Secret chart values by dotted value path, passed by reference (see `ChartComponentOptions.sensitiveValues`). @default none */
  readonly sensitiveValues?: Record<string, SecretValue>;
  /** How its Helm release is installed, upgraded and kept, over the platform's (`ChartComponentOptions.releasePolicy`). @default the platform's */
  readonly releasePolicy?: ReleasePolicy;
}

const RELEASE = 'kube-prometheus-stack';
/** Prometheus' web port (queries and the remote-write receiver alike), and Grafana's container port. */
const PROMETHEUS_PORT = 9090;
const GRAFANA_PORT = 3000;
const ALERTMANAGER_PORT = 9093;
const DATASOURCE_UID = 'prometheus';
const PROMETHEUS_RESOURCES: ContainerResources = { cpu: { request: Cpu.millis(500) }, memory: { request: Size.gibibytes(2), limit: Size.gibibytes(4) } };
/** The Grafana dashboard provider of the community dashboards, and the folder it shows them in. */
const COMMUNITY_PROVIDER = 'community';

/**
 * Prometheus, Alertmanager and Grafana from kube-prometheus-stack. Prometheus accepts remote write
 * (k6 pushes its metrics there) and selects every ServiceMonitor, PodMonitor and rule in the cluster, not
 * only the ones carrying the chart's `release` label.
 */
/** Options of `KubePrometheusStack.fromExisting`. */
export interface ExistingPrometheusOptions {
  /** In-cluster URL of its query API, e.g. `http://prometheus-operated.monitoring.svc.cluster.local:9090`. */
  readonly queryUrl: string;
  /** In-cluster URL of its remote-write receiver (`.../api/v1/write`; the receiver must be on). */
  readonly remoteWriteUrl: string;
  /** Its operator's CRD groups are installed (ServiceMonitor, PodMonitor, PrometheusRule). @default ['monitoring.coreos.com'] */
  readonly crdGroups?: readonly string[];
}

export class KubePrometheusStack extends Component implements IPrometheus, IDashboardHost {
  /**
   * A Prometheus that already runs in the cluster (a kube-prometheus-stack of another team, a managed
   * one), by its URLs: autoscalers query it and load tests write to it. Its operator's CRDs are assumed
   * installed, so ServiceMonitors and PrometheusRules pass synth without a monitoring component here.
   */
  public static fromExisting(scope: Construct, id: string, options: ExistingPrometheusOptions): IPrometheus {
    for (const [what, url] of [['queryUrl', options?.queryUrl], ['remoteWriteUrl', options?.remoteWriteUrl]] as const) {
      if (typeof url !== 'string' || !/^https?:\/\/[^\s/]+/.test(url)) fail(scope, `KubePrometheusStack.fromExisting has ${what} "${String(url)}"`, 'Give its in-cluster http(s) URL');
      const credentials = urlCredentialsProblem(url);
      if (credentials) fail(scope, `KubePrometheusStack.fromExisting ${what} holds a credential (${credentials})`, 'Give the URL without credentials');
    }
    platformOf(scope).assumeInstalled({ crdGroups: options.crdGroups ?? catalog.kubePrometheusStack.crdGroups ?? [] });
    // A construct of its own, which renders nothing: IPrometheus is an IConstruct.
    return Object.assign(new Construct(scope, id), { description: `the existing Prometheus at ${options.queryUrl}`, queryUrl: options.queryUrl, remoteWriteUrl: options.remoteWriteUrl });
  }

  /** Where clients push samples with Prometheus remote write. */
  public readonly remoteWriteUrl: string;
  /** `IPrometheus`: the Prometheus pods and their port, for the policies of those that query or write to it. */
  public readonly server: { readonly pods: PodGroup; readonly port: number };
  /** Base URL of the Prometheus HTTP API, for queries and data sources. */
  public readonly queryUrl: string;
  /** Grafana's in-cluster URL. */
  public readonly grafanaUrl: string;
  /** The uid of Grafana's Prometheus datasource (at `queryUrl`); every ballast dashboard queries it. */
  public readonly datasourceUid = DATASOURCE_UID;
  /** The chart values' map of community dashboards, which `addCommunityDashboard` extends. */
  private community: HelmValues;

  constructor(scope: Construct, id: string, props: KubePrometheusStackProps = {}) {
    super(scope, id, { namespace: props.namespace ?? 'monitoring', deployWith: props.deployWith, secrets: props.secrets, allowReservedNamespace: props.allowReservedNamespace, networkPolicies: props.networkPolicies, podSecurity: props.podSecurity });
    const storageSize = props.storageSize ?? Size.gibibytes(50);
    // Kubernetes refuses a volume of 0 bytes (ValidatePersistentVolumeClaimSpec: a positive quantity).
    const storageProblem = sizeProblem(storageSize);
    if (storageProblem) reportProblem(this, `storageSize ${storageProblem}`, describeSize);
    // More than zero (as the text form had to be): a retention of no time keeps nothing worth a volume.
    const retention = props.retention ?? Duration.days(15);
    requireDuration(this, 'retention', retention);
    // Prometheus keeps its samples on a volume: never pruned, never destroyed by a refactor.
    this.stateful = true;

    const placement: HelmValues = this.scheduling(props.nodePool) ?? {};
    const alertmanager = this.alertmanagerValues(props.alerting);
    this.community = {};
    (props.communityDashboards ?? []).forEach((d) => this.addCommunityDashboard(d));

    const services = `${this.namespace}.svc.cluster.local`;
    this.queryUrl = this.addOutputUrl('queryUrl', `http://${RELEASE}-prometheus.${services}:9090`);
    this.remoteWriteUrl = this.addOutputUrl('remoteWriteUrl', `${this.queryUrl}/api/v1/write`);
    this.grafanaUrl = this.addOutputUrl('grafanaUrl', `http://${RELEASE}-grafana.${services}`);

    // The pods whose requests ballast sets (the chart's others set none by default).
    this.claimCapacity({ pool: props.nodePool, what: 'Prometheus', replicas: () => 1, requests: requestsOf(PROMETHEUS_RESOURCES) });
    const admin = this.addBootstrapSecret(
      'grafana-admin',
      { 'admin-password': props.grafanaAdminPassword ?? this.defaultSecret('grafana_admin_password', 'Password of the Grafana "admin" user.') },
      { plainData: { 'admin-user': 'admin' } },
    );

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
            retention: prometheusDuration(retention),
            storageSpec: {
              volumeClaimTemplate: {
                spec: {
                  ...(props.storageClassName ? { storageClassName: props.storageClassName } : {}),
                  accessModes: ['ReadWriteOnce'],
                  resources: { requests: { storage: binaryQuantity(storageSize) } },
                },
              },
            },
            resources: renderResources(PROMETHEUS_RESOURCES),
            ...placement,
          },
        },
        alertmanager: { ...alertmanager, alertmanagerSpec: { ...(alertmanager.alertmanagerSpec as HelmValues), ...placement } },
        // ballast's own alerts replace these (one alert per condition, with ballast's runbook).
        defaultRules: { disabled: Object.fromEntries(REPLACED_CHART_ALERTS.map((a) => [a, true])) },
        prometheusOperator: { ...placement },
        'kube-state-metrics': { ...placement },
        grafana: {
          admin: { existingSecret: admin.name, userKey: 'admin-user', passwordKey: 'admin-password' },
          sidecar: {
            // Dashboards are ConfigMaps with this label in any namespace: components keep theirs beside them.
            dashboards: {
              enabled: true,
              label: DASHBOARD_LABEL.name,
              labelValue: DASHBOARD_LABEL.value,
              searchNamespace: 'ALL',
              folderAnnotation: DASHBOARD_FOLDER_ANNOTATION,
              provider: { foldersFromFilesStructure: true },
            },
            // One datasource with a fixed uid, at the URL other components get as queryUrl.
            // The chart provisions an Alertmanager datasource unless told not to, even with Alertmanager
            // off: Grafana would show a datasource whose URL answers nothing.
            datasources: {
              enabled: true,
              defaultDatasourceEnabled: true,
              isDefaultDatasource: true,
              uid: DATASOURCE_UID,
              url: this.queryUrl,
              alertmanager: { enabled: alertmanager.enabled },
            },
          },
          dashboardProviders: {
            'dashboardproviders.yaml': {
              apiVersion: 1,
              providers: [
                {
                  name: COMMUNITY_PROVIDER,
                  orgId: 1,
                  folder: 'Community',
                  type: 'file',
                  disableDeletion: true,
                  editable: false,
                  options: { path: `/var/lib/grafana/dashboards/${COMMUNITY_PROVIDER}` },
                },
              ],
            },
          },
          dashboards: { [COMMUNITY_PROVIDER]: this.community },
          ...placement,
        },
      },
      { releaseName: RELEASE, extraValues: props.extraValues, userSensitiveValues: props.sensitiveValues, releasePolicy: props.releasePolicy },
    );

    const prometheus = this.network.addPods('prometheus', { 'app.kubernetes.io/name': 'prometheus', prometheus: `${RELEASE}-prometheus` }, { roles: ['scraper'] });
    const grafana = this.network.addPods('grafana', { 'app.kubernetes.io/name': 'grafana', 'app.kubernetes.io/instance': RELEASE });
    const stateMetrics = this.network.addPods('kube-state-metrics', { 'app.kubernetes.io/name': 'kube-state-metrics' });
    const operator = this.network.addPods('prometheus-operator', { app: `${RELEASE}-operator` });
    this.server = { pods: prometheus, port: PROMETHEUS_PORT };
    this.network.allowFrom(grafana, { to: prometheus, ports: [{ port: PROMETHEUS_PORT }], why: "Grafana's datasource queries Prometheus" });
    this.network.allowFrom(prometheus, { to: prometheus, ports: [{ port: PROMETHEUS_PORT }, { port: 8080 }], why: 'Prometheus scrapes itself and its config reloader' });
    this.network.allowFrom(prometheus, { to: grafana, ports: [{ port: GRAFANA_PORT }], why: "scrapes Grafana's metrics" });
    this.network.allowFrom(prometheus, { to: stateMetrics, ports: [{ port: 8080 }], why: "scrapes kube-state-metrics" });
    this.network.allowFrom(prometheus, { to: operator, ports: [{ port: 10250 }], why: "scrapes the operator's metrics" });
    this.network.allowFrom(NetworkPeer.anywhere(), { to: operator, ports: [{ port: 10250 }], why: "the API server calls the operator's admission webhook (from outside the pod network)" });
    if (alertmanager.enabled) {
      const am = this.network.addPods('alertmanager', { 'app.kubernetes.io/name': 'alertmanager', alertmanager: `${RELEASE}-alertmanager` });
      this.network.allowFrom(prometheus, { to: am, ports: [{ port: ALERTMANAGER_PORT }, { port: 8080 }], why: 'Prometheus sends alerts to Alertmanager, and scrapes it and its config reloader' });
      this.network.allowFrom(grafana, { to: am, ports: [{ port: ALERTMANAGER_PORT }], why: "Grafana's Alertmanager datasource shows alerts and silences" });
    }
    if (props.ingress) {
      this.network.allowFrom(NetworkPeer.role('ingress'), { to: grafana, ports: [{ port: GRAFANA_PORT }], why: `routes https://grafana.${this.platform.domain}` });
      this.network.allowFrom(NetworkPeer.role('ingress'), { to: prometheus, ports: [{ port: PROMETHEUS_PORT }], why: `routes https://prometheus.${this.platform.domain}` });
      new IngressRoute(this, 'grafana', {
        host: `grafana.${this.platform.domain}`,
        backend: { name: `${RELEASE}-grafana`, port: 80 },
        middlewares: props.ingress.allowAdminNetworks ? [props.ingress.allowAdminNetworks] : [],
        tls: props.routeTls,
      });
      new IngressRoute(this, 'prometheus', {
        host: `prometheus.${this.platform.domain}`,
        backend: { name: `${RELEASE}-prometheus`, port: 9090 },
        middlewares: props.ingress.adminMiddlewares,
        tls: props.routeTls,
      });
    }
    // Values are read at synth, so dashboards added later by other components (a database's) still land.
    this.community = (this.helmChart!.values.grafana as { dashboards: { [COMMUNITY_PROVIDER]: HelmValues } }).dashboards[COMMUNITY_PROVIDER];
    new PrometheusRule(this, 'platform-alerts', { groups: [platformAlerts(this)] });
    addPlatformDashboards(this, { datasourceUid: DATASOURCE_UID, k6Metrics: this.platform.k6Metrics, traefik: props.ingress !== undefined, loadTestOverview: props.loadTestDashboard ?? true });
    // The runbooks every ballast alert links (the platform's runbookBaseUrl points here by default).
    for (const model of runbookDashboards(DATASOURCE_UID)) new GrafanaDashboard(this, model.uid as string, { dashboard: model, folder: 'Runbooks' });
  }

  /** The chart's `alertmanager` values; the receivers' credentials go into a Secret Alertmanager mounts. */
  private alertmanagerValues(alerting: KubePrometheusStackProps['alerting']): HelmValues & { enabled: boolean } {
    if (alerting !== undefined && 'disabled' in alerting) {
      if (typeof alerting.disabled !== 'string' || alerting.disabled.trim() === '') reportProblem(this, 'alerting.disabled has no reason', "Say why no Alertmanager runs, e.g. { disabled: 'alerts go to the central Alertmanager' }");
      return { enabled: false };
    }
    const rendered = renderAlerting(alerting);
    rendered.problems.forEach(([problem, fix]) => reportProblem(this, problem, fix));
    // With a mistake reported, no Secret: a credential given as a plain string must not reach it.
    if (rendered.problems.length === 0 && rendered.secrets.length > 0) this.addBootstrapSecret(RECEIVERS_SECRET, Object.fromEntries(rendered.secrets.map((s) => [s.key, s.value])));
    return { enabled: true, config: rendered.config as HelmValues, alertmanagerSpec: rendered.secrets.length > 0 ? { secrets: [RECEIVERS_SECRET] } : {} };
  }

  /**
   * Opt-in: has Grafana download a grafana.com dashboard at a pinned revision when its pod starts, its
   * datasource input mapped to the platform datasource. It needs internet access (egress to grafana.com)
   * at every start of Grafana's pod: a synth note says so.
   */
  public addCommunityDashboard(dashboard: CommunityDashboard): void {
    if (dashboard.name in this.community) {
      fail(this, `community dashboard "${dashboard.name}" is listed twice`, 'Give every community dashboard a unique name');
    }
    this.community[dashboard.name] = {
      gnetId: dashboard.id,
      revision: dashboard.revision,
      datasource: [{ name: dashboard.datasourceInput ?? 'DS_PROMETHEUS', value: DATASOURCE_UID }],
    };
    addNote(this, `Grafana downloads the community dashboard "${dashboard.name}" (grafana.com ${dashboard.id}, revision ${dashboard.revision}) when its pod starts: it needs internet access to grafana.com, and is missing without it`);
  }
}
