import { Construct } from 'constructs';
import {
  CatalogChart,
  Component,
  ComponentOptions,
  GrafanaDashboard,
  HelmValues,
  IngressRoute,
  PodMonitor,
  Platform,
  SecretValue,
} from '../../../lib/internal';
import { testPlatform } from '../platforms';

/** How a fixture app points at what its chart creates; each field can be set wrong on purpose. */
export interface FixtureAppProps extends ComponentOptions {
  readonly chart: CatalogChart;
  /** @default {} */
  readonly values?: HelmValues;
  /** Port of the route's backend. @default 80 (the fixture Service's port) */
  readonly routePort?: number;
  /** Labels the PodMonitor selects. @default the fixture pods' labels */
  readonly monitorSelector?: Record<string, string>;
  /** Key the chart reads from the bootstrap secret. @default 'password' (the key the secret has) */
  readonly secretKey?: string;
  /** Port of the output URL. @default 80 */
  readonly urlPort?: number;
  /** Namespaces the chart's dashboard sidecar searches. @default 'ALL' */
  readonly sidecarNamespaces?: string;
  /** Port of the URL the chart's web container gets (UPSTREAM_URL). @default 80 */
  readonly upstreamPort?: number;
  /** Datasource uid the app's dashboard queries. @default 'prometheus' (the one the chart provisions) */
  readonly dashboardDatasource?: string;
}

/**
 * An app on the fixture chart with the references a real component makes: a route to the chart's Service,
 * a PodMonitor of its pods, a bootstrap secret the chart reads (existingSecret style), a secret chart
 * value, an output URL, and a dashboard for the chart's dashboard sidecar on the datasource it provisions.
 */
export class FixtureApp extends Component {
  constructor(scope: Construct, id: string, props: FixtureAppProps) {
    super(scope, id, { namespace: props.namespace ?? id, deployWith: props.deployWith });
    const secret = this.addBootstrapSecret('fixture-credentials', { password: SecretValue.fromVariable(`${id.replace(/-/g, '_')}_password`, 'Fixture password.') });
    this.addChart(
      props.chart,
      {
        existingSecret: secret.name,
        existingSecretKey: props.secretKey ?? 'password',
        sidecar: { enabled: true, searchNamespace: props.sidecarNamespaces ?? 'ALL' },
        datasource: { enabled: true, uid: 'prometheus', url: `http://fixture-web.${props.namespace ?? id}:80/` },
        upstreamUrl: `http://fixture-web.${props.namespace ?? id}.svc.cluster.local:${props.upstreamPort ?? 80}/api`,
        ...props.values,
      },
      { releaseName: 'fixture', sensitiveValues: [{ path: 'token', value: SecretValue.fromVariable(`${id.replace(/-/g, '_')}_token`, 'Fixture token.') }] },
    );
    new IngressRoute(this, 'web', { host: `${id}.example.com`, backend: { name: 'fixture-web', port: props.routePort ?? 80 }, tls: { disabled: 'the fixture cluster has no cert-manager' } });
    new PodMonitor(this, 'metrics', {
      selector: props.monitorSelector ?? { 'app.kubernetes.io/name': 'ballast-fixture', 'app.kubernetes.io/instance': 'fixture' },
      port: 'metrics',
    });
    const datasource = { type: 'prometheus', uid: props.dashboardDatasource ?? 'prometheus' };
    new GrafanaDashboard(this, 'dashboard', {
      dashboard: { uid: `${id}-board`, title: id, panels: [{ title: 'Targets up', type: 'stat', datasource, targets: [{ expr: 'up', datasource }] }] },
    });
    this.addOutputUrl('url', `http://fixture-web.${this.namespace}.svc.cluster.local:${props.urlPort ?? 80}`);
  }
}

/**
 * A platform of fixture apps. The Flux one's chart entry also claims the traefik.io and
 * monitoring.coreos.com CRD groups: the rollout then installs those CRDs from the reference data, as it
 * does for CRDs a controller installs at run time, and the IngressRoute and PodMonitor can be applied.
 */
export function fixturePlatform(chart: CatalogChart, flux: Partial<FixtureAppProps> = {}, terraform?: Partial<FixtureAppProps>): Platform {
  const platform = testPlatform({ nodePools: [] });
  new FixtureApp(platform, 'fixture', { chart: { ...chart, crdGroups: [...(chart.crdGroups ?? []), 'traefik.io', 'monitoring.coreos.com'] }, ...flux });
  if (terraform) new FixtureApp(platform, 'fixture-tf', { chart: { ...chart, crdGroups: [] }, deployWith: 'terraform', ...terraform });
  return platform;
}
