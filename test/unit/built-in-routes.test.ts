// The routes components make themselves (Grafana, Prometheus, SonarQube, the Traefik dashboard) take a TLS
// choice like any route, and Flux's own releases take a release policy like any chart.
import * as path from 'path';
import { CloudNativePg, Duration, Flux, KubePrometheusStack, Manifest, PostgresCluster, SonarQube, Traefik } from '../../lib/internal';
import { testPlatform } from '../support/platforms';
import { fluxObjects, synthToTemp, terraformJson } from '../support/synth';

const kinds = (dir: string, namespace: string) =>
  fluxObjects(path.join(dir, 'flux'))
    .map((o) => o.object as Manifest & { spec?: { tls?: unknown } })
    .filter((o) => o.metadata?.namespace === namespace && ['IngressRoute', 'Certificate'].includes(o.kind))
    .map((o) => `${o.kind} ${o.metadata.name}${o.kind === 'IngressRoute' ? (o.spec?.tls ? ' tls' : ` ${JSON.stringify(o.metadata.annotations)}`) : ''}`);

test("Grafana and Prometheus routes without a certificate of ballast's, said with the reason", () => {
  const platform = testPlatform();
  new KubePrometheusStack(platform, 'monitoring', { ingress: new Traefik(platform, 'traefik'), routeTls: { disabled: 'TLS ends at the cloud load balancer' } });
  expect(kinds(synthToTemp(platform), 'monitoring')).toEqual([
    'IngressRoute grafana {"ballast.dev/tls-disabled":"TLS ends at the cloud load balancer"}',
    'IngressRoute prometheus {"ballast.dev/tls-disabled":"TLS ends at the cloud load balancer"}',
  ]);
});

test('SonarQube and the Traefik dashboard keep a Certificate of their host by default', () => {
  const platform = testPlatform();
  const traefik = new Traefik(platform, 'traefik');
  new CloudNativePg(platform, 'cnpg');
  new SonarQube(platform, 'sonarqube', { database: new PostgresCluster(platform, 'postgres', { metrics: false }), ingress: traefik });
  const dir = synthToTemp(platform);
  expect(kinds(dir, 'sonarqube').sort()).toEqual(['Certificate sonarqube-example-com', 'IngressRoute sonarqube tls']);
  expect(kinds(dir, 'traefik').sort()).toEqual(['Certificate traefik-example-com', 'IngressRoute dashboard tls']);
});

test("Flux's releases take a release policy", () => {
  const platform = testPlatform();
  new Flux(platform, 'flux', { releasePolicy: { timeout: Duration.minutes(20) } });
  const releases = terraformJson(path.join(synthToTemp(platform), 'cdktf')).resource.helm_release as Record<string, { name: string; timeout: number }>;
  expect(Object.values(releases).map((r) => [r.name, r.timeout]).sort()).toEqual([
    ['flux', 1200],
    ['flux-operator', 1200],
  ]);
});
