import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { catalog } from '../../catalog';
import { ContainerResources, renderResources, requestsOf, requireResources } from '../../core/resource-checks';
import { Component, ComponentOptions } from '../../core/component';
import { HelmValues } from '../../core/helm-chart';
import { ReleasePolicy } from '../../core/release-policy';
import { SecretValue } from '../../core/secret';
import { DatabaseConnection } from '../database/database-connection';
import { IngressRoute } from '../ingress/ingress-route';
import type { RouteTls } from '../tls/route-tls';
import { IIngressController, IPostgresCluster } from '../../core/interfaces';
import { NetworkPeer } from '../../core/network';

/** Properties of SonarQube. */
export interface SonarQubeProps extends ComponentOptions {
  /** PostgreSQL that stores SonarQube's data; a database `sonarqube` and its role are created on it. */
  readonly database: IPostgresCluster;
  /** Serves SonarQube at `host` through Traefik (admin networks only). @default not exposed */
  readonly ingress?: IIngressController;
  /** The certificate of its routes (issuer, wildcard, or `{ disabled: '<reason>' }`). @default a Certificate per host from the platform's issuer */
  readonly routeTls?: RouteTls;
  /** @default `sonarqube.<domain>` */
  readonly host?: string;
  /** @default CPU request Cpu.millis(500) and limit Cpu.units(1), memory request and limit Size.gibibytes(2) (SonarQube and its embedded Elasticsearch) */
  readonly resources?: ContainerResources;
  /** Node pool of SonarQube. @default any node */
  readonly nodePool?: string;
  /**
   * Passcode of the monitoring endpoint (`/api/monitoring/metrics`), which the chart's PodMonitor sends.
   * @default the sensitive Terraform variable `sonarqube_monitoring_passcode`, or a generated value with `secrets: 'sops'`
   */
  readonly monitoringPasscode?: SecretValue;
  /** Password of the database role. @default the sensitive Terraform variable `sonarqube_db_password` */
  readonly databasePassword?: SecretValue;
  /** Chart values deep-merged over ballast's. @default none */
  readonly extraValues?: HelmValues;
  /** Secret chart values by dotted value path, passed by reference (see `ChartComponentOptions.sensitiveValues`). @default none */
  readonly sensitiveValues?: Record<string, SecretValue>;
  /** How its Helm release is installed, upgraded and kept, over the platform's (`ChartComponentOptions.releasePolicy`). @default the platform's */
  readonly releasePolicy?: ReleasePolicy;
}

const RELEASE = 'sonarqube';
/** The web port of SonarQube's container (and of the chart's Service). */
const SONARQUBE_PORT = 9000;
const DEFAULT_RESOURCES: ContainerResources = { cpu: { request: Cpu.millis(500), limit: Cpu.units(1) }, memory: { request: Size.gibibytes(2), limit: Size.gibibytes(2) } };

/**
 * SonarQube Community Build (chart sonarqube 2026.5) on the platform's PostgreSQL: the JDBC settings under
 * `jdbcOverwrite` with the password from a Secret, the monitoring passcode from a Secret, the chart's
 * PodMonitor, and a route to the Service the chart creates.
 */
export class SonarQube extends Component {
  /** The database connection SonarQube uses. */
  public readonly connection: DatabaseConnection;
  /** The public URL, when an ingress is given. */
  public readonly url?: string;

  constructor(scope: Construct, id: string, props: SonarQubeProps) {
    super(scope, id, { namespace: props.namespace ?? 'sonarqube', deployWith: props.deployWith, secrets: props.secrets, allowReservedNamespace: props.allowReservedNamespace, networkPolicies: props.networkPolicies, podSecurity: props.podSecurity, tier: 'apps' });
    const pods = this.network.addPods('sonarqube', { app: 'sonarqube', release: RELEASE });
    // The chart's PodMonitor reads /api/monitoring/metrics on the web port.
    this.network.allowFrom(NetworkPeer.role('scraper'), { to: pods, ports: [{ port: SONARQUBE_PORT }], why: 'scrapes /api/monitoring/metrics' });
    this.connection = props.database.addDatabase(this, 'sonarqube', { password: props.databasePassword });
    if (Component.isComponent(props.database)) this.deployAfter(props.database);
    const passcode = this.addBootstrapSecret('sonarqube-monitoring', {
      passcode: props.monitoringPasscode ?? this.defaultSecret('sonarqube_monitoring_passcode', 'Passcode of the SonarQube monitoring endpoint.'),
    });
    const resources = requireResources(this, props.resources ?? DEFAULT_RESOURCES);
    this.claimCapacity({ pool: props.nodePool, what: 'SonarQube', replicas: () => 1, requests: requestsOf(resources) });
    this.addChart(
      catalog.sonarqube,
      {
        // The current chart wants exactly one of community.enabled and edition.
        community: { enabled: true },
        monitoringPasscodeSecretName: passcode.name,
        monitoringPasscodeSecretKey: 'passcode',
        jdbcOverwrite: {
          enabled: true,
          jdbcUrl: this.connection.jdbcUrl,
          jdbcUsername: this.connection.user,
          jdbcSecretName: this.connection.secret.name,
          jdbcSecretPasswordKey: this.connection.secret.passwordKey,
        },
        resources: renderResources(resources) as HelmValues,
        prometheusMonitoring: { podMonitor: { enabled: true } },
        ...this.scheduling(props.nodePool),
      },
      { releaseName: RELEASE, extraValues: props.extraValues, userSensitiveValues: props.sensitiveValues, releasePolicy: props.releasePolicy },
    );
    if (props.ingress) {
      const host = props.host ?? `sonarqube.${this.platform.domain}`;
      this.url = this.addOutputUrl('url', `https://${host}`);
      this.network.allowFrom(NetworkPeer.role('ingress'), { to: pods, ports: [{ port: SONARQUBE_PORT }], why: `routes ${this.url}` });
      new IngressRoute(this, 'ingress', {
        name: 'sonarqube',
        host,
        // The chart's Service is <release>-sonarqube on its externalPort, 9000.
        backend: { name: `${RELEASE}-sonarqube`, port: 9000 },
        middlewares: props.ingress.allowAdminNetworks ? [props.ingress.allowAdminNetworks] : [],
        tls: props.routeTls,
      });
    }
  }
}
