import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { catalog } from '../../catalog';
import { ChartComponentOptions, Component } from '../../core/component';
import { fail } from '../../core/errors';
import { HelmValues } from '../../core/helm-chart';
import { ContainerResources, renderResources, requestsOf } from '../../core/resource-checks';
import { IIssuer, registerIssuer, requireIssuer } from '../../core/tls';
import { PodMonitor } from '../monitoring/pod-monitor';
import { PrometheusRule } from '../monitoring/prometheus-rule';
import { certificateAlerts } from './certificate-alerts';
import { NetworkPeer } from '../../core/network';

/** Properties of cert-manager. */
export interface CertManagerProps extends ChartComponentOptions {
  /**
   * Scrape the controller's metrics (certificate expiry, ACME calls) with a PodMonitor, and alert on
   * certificates that expire or are not ready (CertificateExpiring, CertificateNotReady). Needs a component
   * that installs the prometheus-operator CRDs, such as KubePrometheusStack.
   * @default false
   */
  readonly metrics?: boolean;
}

/** Options of `CertManager.existingIssuer`. */
export interface ExistingIssuerOptions {
  /** @default 'ClusterIssuer' */
  readonly kind?: 'ClusterIssuer' | 'Issuer';
  /** Its object name. */
  readonly name: string;
  /** The namespace of an `Issuer` (only Certificates there can use it). @default none, for a ClusterIssuer */
  readonly namespace?: string;
  /** False when it cannot sign wildcard names (an ACME issuer with HTTP-01 only). @default unknown, taken as able */
  readonly issuesWildcards?: boolean;
}

const RELEASE = 'cert-manager';
/** What ballast asks for each of cert-manager's three Deployments (the chart sets no requests). */
const CONTAINER: ContainerResources = { cpu: { request: Cpu.millis(10) }, memory: { request: Size.mebibytes(64), limit: Size.mebibytes(256) } };
const REQUESTS = requestsOf(CONTAINER);
const RESOURCES = renderResources(CONTAINER);

/**
 * cert-manager (chart cert-manager v1.21.1): the controller that obtains and renews certificates, its
 * webhook and CA injector, and the `cert-manager.io` and `acme.cert-manager.io` CRDs, installed and
 * upgraded by the chart (`crds.enabled`) and kept when the release is removed (`crds.keep`), since
 * deleting them would delete every Certificate. Issuers are built in it: `new AcmeIssuer(certManager, ...)`.
 */
export class CertManager extends Component {
  /**
   * An issuer the cluster already has, by name, for `Platform.useIssuer` or a route's `tls.issuer`. When
   * cert-manager itself is installed outside the platform, also declare its CRDs:
   * `platform.assumeInstalled({ crdGroups: ['cert-manager.io'] })`.
   */
  public static existingIssuer(scope: Construct, options: ExistingIssuerOptions): IIssuer {
    const kind = options?.kind ?? 'ClusterIssuer';
    const issuer: IIssuer = {
      kind,
      name: options?.name,
      ...(options?.namespace !== undefined ? { namespace: options.namespace } : {}),
      description: `the existing ${kind} "${String(options?.name)}"${options?.namespace ? ` of namespace ${options.namespace}` : ''}`,
      ...(options?.issuesWildcards !== undefined ? { issuesWildcards: options.issuesWildcards } : {}),
    };
    requireIssuer(scope, 'CertManager.existingIssuer', issuer);
    if (kind === 'ClusterIssuer' && options.namespace !== undefined) {
      fail(scope, `CertManager.existingIssuer names ClusterIssuer "${options.name}" with a namespace`, 'Leave namespace out for a ClusterIssuer, or say kind: "Issuer"');
    }
    registerIssuer(scope, issuer);
    return issuer;
  }

  constructor(scope: Construct, id: string, props: CertManagerProps = {}) {
    super(scope, id, { namespace: props.namespace ?? 'cert-manager', deployWith: props.deployWith, secrets: props.secrets, allowReservedNamespace: props.allowReservedNamespace, networkPolicies: props.networkPolicies, podSecurity: props.podSecurity });
    const scheduling: HelmValues | undefined = this.scheduling(props.nodePool);
    for (const what of ['cert-manager', 'cert-manager webhook', 'cert-manager cainjector']) {
      this.claimCapacity({ pool: props.nodePool, what, replicas: () => 1, requests: REQUESTS });
    }
    this.addChart(
      catalog.certManager,
      {
        // The chart installs the CRDs as templates, so Helm upgrades them with the chart; kept on uninstall,
        // because removing a CRD removes every object of it (all Certificates and issuers).
        crds: { enabled: true, keep: true },
        resources: RESOURCES,
        webhook: { resources: RESOURCES, ...scheduling },
        cainjector: { resources: RESOURCES, ...scheduling },
        ...(scheduling ? { startupapicheck: scheduling } : {}),
        ...scheduling,
      },
      { releaseName: RELEASE, extraValues: props.extraValues, userSensitiveValues: props.sensitiveValues },
    );
    const controller = this.network.addPods('cert-manager', { 'app.kubernetes.io/name': 'cert-manager', 'app.kubernetes.io/component': 'controller' });
    const webhook = this.network.addPods('cert-manager-webhook', { 'app.kubernetes.io/name': 'webhook', 'app.kubernetes.io/component': 'webhook' });
    this.network.allowFrom(NetworkPeer.anywhere(), { to: webhook, ports: [{ port: 10250 }], why: 'the API server calls the admission webhook (from outside the pod network)' });
    if (props.metrics) this.network.allowFrom(NetworkPeer.role('scraper'), { to: controller, ports: [{ port: 9402 }], why: "scrapes the controller's metrics" });
    if (props.metrics) {
      // ballast's own PodMonitor rather than the chart's ServiceMonitor: a custom resource in the chart would
      // need the prometheus-operator CRDs when the chart installs; this one is applied after them.
      new PodMonitor(this, 'metrics', {
        name: RELEASE,
        selector: { 'app.kubernetes.io/name': 'cert-manager', 'app.kubernetes.io/instance': RELEASE, 'app.kubernetes.io/component': 'controller' },
        port: 'http-metrics',
      });
      new PrometheusRule(this, 'alerts', { name: 'certificate-alerts', groups: [certificateAlerts(this)] });
    }
  }
}
