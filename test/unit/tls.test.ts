// TLS on every route: cert-manager with an ACME ClusterIssuer (or an issuer the cluster has), a Certificate
// per host (or a wildcard) in each route's namespace, and synth refusing a route whose host has no
// certificate, unless the route opts out with its reason.
import { ApiObject } from 'cdk8s';
import * as path from 'path';
import {
  AcmeIssuer,
  catalog,
  CertManager,
  Component,
  Dns01,
  HelmComponent,
  IngressRoute,
  KubePrometheusStack,
  locateReferenceData,
  Manifest,
  Platform,
  planPlatform,
  SecretValue,
  Traefik,
  WebService,
} from '../../lib/internal';
import { checkChartValues } from '../../lib/reference/chart-schema';
import { needsReferenceData } from '../support/reference-gate';
import { defaultPlan, fluxObjects, plannedAndSaved, readTree, synthToTemp, TEST_AGE } from '../support/synth';
import { testPlatform } from '../support/platforms';
import { problemOf } from '../support/problems';
import { synthComponent } from '../../lib/testing';

type Spec = Record<string, any>;
const objectsOf = (platform: Platform) => fluxObjects(path.join(synthToTemp(platform), 'flux'));
const ofKind = (objects: { file: string; object: Manifest }[], kind: string) => objects.filter((o) => o.object.kind === kind);
const spec = (o: { object: Manifest }) => o.object.spec as Spec;

/** A platform with Traefik, cert-manager and a Let's Encrypt issuer (HTTP-01) as the platform's. */
function withIssuer(options: { server?: 'production' | 'staging' } = {}): { platform: Platform; certManager: CertManager; issuer: AcmeIssuer } {
  const platform = testPlatform({}, { issuer: false });
  new Traefik(platform, 'traefik');
  const certManager = new CertManager(platform, 'cert-manager');
  const issuer = new AcmeIssuer(certManager, 'letsencrypt', { email: 'certificates@example.com', server: options.server });
  platform.useIssuer(issuer);
  return { platform, certManager, issuer };
}

describe('the default platform', () => {
  const { plan } = defaultPlan();
  const objects = fluxObjects(path.join(synthToTemp(plan.platform as Platform), 'flux'));
  const routes = ofKind(objects, 'IngressRoute');
  const certificates = ofKind(objects, 'Certificate');

  test('every IngressRoute serves the Secret of a Certificate of its host, in its namespace', () => {
    expect(routes.length).toBeGreaterThanOrEqual(6);
    for (const route of routes) {
      const host = /Host\(`([^`]+)`\)/.exec(spec(route).routes[0].match)![1];
      const certificate = certificates.find(
        (c) => c.object.metadata.namespace === route.object.metadata.namespace && spec(c).secretName === spec(route).tls?.secretName,
      );
      expect({ route: route.object.metadata.name, host, certificate: certificate && spec(certificate).dnsNames }).toEqual({ route: route.object.metadata.name, host, certificate: [host] });
      expect(spec(certificate!).issuerRef).toEqual({ group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt-production' });
    }
  });

  test('the API and the UI of one host share one Certificate', () => {
    const articles = certificates.filter((c) => c.object.metadata.namespace === 'articles');
    expect(articles.map((c) => [c.file, c.object.metadata.name, spec(c).secretName])).toEqual([
      ['apps/articles-api.yaml', 'articles-platform-example-com', 'articles-platform-example-com-tls'],
    ]);
    expect(routes.filter((r) => r.object.metadata.namespace === 'articles').map((r) => spec(r).tls)).toEqual([
      { secretName: 'articles-platform-example-com-tls' },
      { secretName: 'articles-platform-example-com-tls' },
    ]);
  });

  test("cert-manager installs its CRDs; the ClusterIssuer and Certificates come in later steps", () => {
    const release = objects.find((o) => o.object.kind === 'HelmRelease' && o.object.metadata.name === 'cert-manager')!;
    expect(release.file).toBe('infrastructure/controllers/cert-manager.yaml');
    expect(spec(release).chart.spec.version ?? spec(release).chartRef).toBeDefined();
    expect(spec(release).values.crds).toEqual({ enabled: true, keep: true });
    const [issuer] = ofKind(objects, 'ClusterIssuer');
    expect(issuer.file).toBe('infrastructure/configs/cert-manager.yaml');
    expect(issuer.object.metadata).toEqual({ name: 'letsencrypt-production' });
    expect(spec(issuer).acme).toEqual({
      email: 'certificates@platform.example.com',
      server: 'https://acme-v02.api.letsencrypt.org/directory',
      privateKeySecretRef: { name: 'letsencrypt-production-account-key' },
      solvers: [
        {
          http01: {
            ingress: {
              ingressClassName: 'traefik',
              serviceType: 'ClusterIP',
              ingressTemplate: { metadata: { annotations: { 'traefik.ingress.kubernetes.io/router.entrypoints': 'web' } } },
            },
          },
        },
      ],
    });
    expect(certificates.map((c) => c.file.split('/')[0] + '/' + c.file.split('/')[1]).every((f) => f !== 'infrastructure/controllers')).toBe(true);
    expect(ofKind(objects, 'PodMonitor').map((o) => [o.file, o.object.metadata.name])).toContainEqual(['infrastructure/configs/cert-manager.yaml', 'cert-manager']);
  });

  test('Traefik redirects HTTP to HTTPS below every router on web, so HTTP-01 challenges are served', () => {
    const traefik = plan.components.find((c) => c.node.id === 'traefik')!;
    expect((traefik.helmChart!.values as Spec).ports.web.http.redirections.entryPoint).toEqual({ to: 'websecure', scheme: 'https', permanent: true, priority: 1 });
  });
});

describe('a route whose host has no certificate fails synth', () => {
  const noIssuer =
    "ballast/traefik: Certificate \"traefik-example-com\" (traefik.example.com) names no issuer, and the platform has none. Choose the platform's issuer with platform.useIssuer(...): an AcmeIssuer built in a CertManager, or CertManager.existingIssuer(...) for one the cluster has; or opt the route out with tls: { disabled: '<reason>' }.";

  test('a platform with routes and no issuer', () => {
    // planPlatform itself: the tests' plannedAndSaved stands an issuer in.
    const platform = testPlatform({}, { issuer: false });
    new Traefik(platform, 'traefik');
    new CertManager(platform, 'cert-manager');
    expect(problemOf(() => planPlatform(platform))).toBe(noIssuer);
  });

  test("synthComponent stands an existing issuer in, unless told not to", () => {
    const build = (platform: Platform) => new Traefik(platform, 'traefik').dashboard;
    // With cert-manager's CRDs assumed installed, the Certificate goes with its component (Traefik's first step).
    const certificate = synthComponent(build).flux['infrastructure/controllers/traefik.yaml'].find((o) => o.kind === 'Certificate');
    expect(certificate).toMatchObject({ kind: 'Certificate', spec: { issuerRef: { kind: 'ClusterIssuer', name: 'letsencrypt' } } });
    // Without cert-manager the Certificate's CRD is missing as well, said first.
    expect(problemOf(() => synthComponent(build, { standInIssuer: false })).split('\n')).toEqual([expect.stringContaining('no component installs the CRD of Certificate'), noIssuer]);
  });

  test('an IngressRoute of its own without tls, or with a Secret no Certificate writes or covers', () => {
    const { platform } = withIssuer();
    const app = new Component(platform, 'app', { namespace: 'app', tier: 'apps' });
    const route = (id: string, host: string, tls?: object) =>
      new ApiObject(app, id, {
        apiVersion: 'traefik.io/v1alpha1',
        kind: 'IngressRoute',
        metadata: { name: id },
        spec: { entryPoints: ['websecure'], routes: [{ kind: 'Rule', match: `Host(\`${host}\`)`, services: [{ name: 'app', port: 80 }] }], ...(tls ? { tls } : {}) },
      });
    route('plain', 'plain.example.com');
    route('unwritten', 'unwritten.example.com', { secretName: 'nobody-tls' });
    route('default-store', 'store.example.com', {});
    new IngressRoute(app, 'covered', { host: 'covered.example.com', backend: { name: 'app', port: 80 } });
    route('other-host', 'other.example.com', { secretName: 'covered-example-com-tls' });
    route('resolver', 'resolver.example.com', { certResolver: 'letsencrypt' });
    expect(problemOf(() => plannedAndSaved(platform)).split('\n')).toEqual([
      "ballast/app: IngressRoute \"plain\" answers host plain.example.com without a certificate, so Traefik would serve its self-signed default one. Use ballast's IngressRoute (it serves a Certificate of its host), give it spec.tls.secretName of a Certificate of its hosts, or mark it served without one on purpose with the annotation ballast.dev/tls-disabled: '<reason>'.",
      "ballast/app: IngressRoute \"unwritten\" serves the TLS Secret \"nobody-tls\", which no Certificate in namespace \"app\" writes. Create a Certificate of host unwritten.example.com with secretName \"nobody-tls\" (ballast's IngressRoute makes one from the platform's issuer), or opt the route out with tls: { disabled: '<reason>' }.",
      'ballast/app: IngressRoute "default-store" has tls without a secretName, so Traefik would serve its self-signed default certificate for host store.example.com. Name the Secret of a cert-manager Certificate of its hosts in tls.secretName.',
      'ballast/app: IngressRoute "other-host" answers host other.example.com, which its Certificate "covered-example-com" (covered.example.com) does not cover. Add the host to the Certificate\'s dnsNames, or serve the Secret of a Certificate that covers it.',
    ]);
  });

  test('a route opts out only explicitly, with its reason, which is written beside it', () => {
    const platform = testPlatform({}, { issuer: false });
    platform.assumeInstalled({ crdGroups: ['traefik.io'] });
    const app = new Component(platform, 'app', { namespace: 'app', tier: 'apps' });
    expect(problemOf(() => new IngressRoute(app, 'empty', { host: 'a.example.com', backend: { name: 'a', port: 80 }, tls: { disabled: ' ' } }))).toBe(
      "ballast/app/empty: tls.disabled gives no reason. Say in one line why the route has no certificate, e.g. tls: { disabled: 'TLS ends at the cloud load balancer' }.",
    );
    new IngressRoute(app, 'open', { host: 'open.example.com', backend: { name: 'open', port: 80 }, entryPoints: ['web'], tls: { disabled: 'TLS ends at the cloud load balancer' } });
    const objects = objectsOf(platform);
    const open = objects.find((o) => o.object.metadata.name === 'open')!;
    expect(open.object.metadata.annotations).toEqual({ 'ballast.dev/tls-disabled': 'TLS ends at the cloud load balancer' });
    expect(spec(open).tls).toBeUndefined();
    expect(objects.filter((o) => o.object.kind === 'Certificate' && o.file === 'apps/app.yaml')).toEqual([]);
  });
});

describe('issuers', () => {
  test('one platform issuer: a second one is refused, the same one again is not', () => {
    const { platform, certManager, issuer } = withIssuer();
    platform.useIssuer(issuer);
    const staging = new AcmeIssuer(certManager, 'staging', { email: 'certificates@example.com', server: 'staging' });
    expect(problemOf(() => platform.useIssuer(staging))).toBe(
      'ballast: the platform\'s issuer is already the ClusterIssuer "letsencrypt-production" of ballast/cert-manager/letsencrypt (set by ballast). Call useIssuer once; a route that needs another issuer names it with tls: { issuer }.',
    );
  });

  test("a route names its own issuer; two routes of one host in one namespace must agree", () => {
    const { platform, certManager } = withIssuer();
    const staging = new AcmeIssuer(certManager, 'staging', { email: 'certificates@example.com', server: 'staging' });
    const app = new Component(platform, 'app', { namespace: 'app', tier: 'apps' });
    new IngressRoute(app, 'ui', { host: 'app.example.com', backend: { name: 'ui', port: 80 }, tls: { issuer: staging } });
    expect(problemOf(() => new IngressRoute(app, 'api', { host: 'app.example.com', pathPrefix: '/api', backend: { name: 'api', port: 80 } }))).toBe(
      'ballast/app/api: its certificate of app.example.com in namespace "app" is already asked of the ClusterIssuer "letsencrypt-staging" of ballast/cert-manager/staging by ballast/app/ui/certificate, and this route asks the platform\'s issuer. Give the routes of one host the same tls.issuer.',
    );
    const [certificate] = ofKind(objectsOf(platform), 'Certificate').filter((c) => c.file === 'apps/app.yaml');
    expect(spec(certificate).issuerRef).toEqual({ group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt-staging' });
  });

  test('an issuer the cluster has, with cert-manager installed outside the platform', () => {
    const platform = testPlatform({}, { issuer: false });
    platform.assumeInstalled({ crdGroups: ['cert-manager.io', 'traefik.io'] });
    platform.useIssuer(CertManager.existingIssuer(platform, { name: 'corporate-ca' }));
    // The same issuer by name again is the same issuer.
    platform.useIssuer(CertManager.existingIssuer(platform, { name: 'corporate-ca' }));
    const api = new WebService(platform, 'api', { image: 'ghcr.io/acme/api:1.0.0', metricsPath: false, route: { host: 'api.example.com' } });
    const objects = objectsOf(platform);
    const [certificate] = ofKind(objects, 'Certificate');
    expect(certificate.file).toBe('apps/api.yaml');
    expect(certificate.object.metadata).toEqual({ name: 'api-example-com', namespace: api.namespace });
    expect(spec(certificate)).toEqual({ secretName: 'api-example-com-tls', dnsNames: ['api.example.com'], issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'corporate-ca' } });
  });

  test('an Issuer serves the Certificates of its own namespace only', () => {
    const platform = testPlatform({}, { issuer: false });
    platform.assumeInstalled({ crdGroups: ['cert-manager.io', 'traefik.io'] });
    expect(problemOf(() => CertManager.existingIssuer(platform, { kind: 'Issuer', name: 'team-ca' }))).toBe(
      'ballast: CertManager.existingIssuer is an Issuer without a namespace. Name the namespace it lives in (only Certificates of that namespace can use it), or use a ClusterIssuer.',
    );
    platform.useIssuer(CertManager.existingIssuer(platform, { kind: 'Issuer', name: 'team-ca', namespace: 'team' }));
    new WebService(platform, 'api', { image: 'ghcr.io/acme/api:1.0.0', metricsPath: false, route: { host: 'api.example.com' } });
    expect(problemOf(() => plannedAndSaved(platform))).toBe(
      'ballast/api: Certificate "api-example-com" (api.example.com) in namespace "api" names the Issuer "team-ca", which serves namespace "team" only. Use a ClusterIssuer, or an Issuer of the namespace of the Certificate.',
    );
  });

  test('staging and another ACME directory', () => {
    const { platform, certManager } = withIssuer({ server: 'staging' });
    new AcmeIssuer(certManager, 'zerossl', { email: 'certificates@example.com', server: { url: 'https://acme.zerossl.com/v2/DV90' } });
    // A mistake in the props is reported when the platform is planned, with every other one.
    const other = withIssuer();
    new AcmeIssuer(other.certManager, 'bad', { email: 'nobody', server: 'staging' });
    expect(problemOf(() => plannedAndSaved(other.platform))).toBe(
      'ballast/cert-manager/bad: email "nobody" is not an email address. Give the address the CA writes to about the account, e.g. "certificates@example.com".',
    );
    const issuers = ofKind(objectsOf(platform), 'ClusterIssuer');
    expect(issuers.map((i) => [i.object.metadata.name, spec(i).acme.server])).toEqual([
      ['letsencrypt-staging', 'https://acme-staging-v02.api.letsencrypt.org/directory'],
      ['zerossl', 'https://acme.zerossl.com/v2/DV90'],
    ]);
  });
});

describe('DNS-01 and wildcards', () => {
  const canary = 'cf-token-CANARY-4b1d2e';

  test('Cloudflare: the token goes through a Secret of cert-manager, never into the output', () => {
    // A token synth reads (from the environment), so that it really passes through synth: SOPS-encrypted into Git.
    process.env.BALLAST_TEST_CF_TOKEN = canary;
    const platform = testPlatform({ sops: { ageRecipients: [TEST_AGE.recipient] } }, { issuer: false });
    new Traefik(platform, 'traefik');
    const certManager = new CertManager(platform, 'cert-manager', { secrets: 'sops' });
    platform.useIssuer(
      new AcmeIssuer(certManager, 'letsencrypt', {
        email: 'certificates@example.com',
        solver: { dns01: Dns01.cloudflare({ apiToken: SecretValue.fromEnv('BALLAST_TEST_CF_TOKEN') }) },
      }),
    );
    const app = new Component(platform, 'app', { namespace: 'app', tier: 'apps' });
    new IngressRoute(app, 'a', { host: 'a.example.com', backend: { name: 'a', port: 80 }, tls: { wildcard: true } });
    new IngressRoute(app, 'b', { host: 'b.example.com', backend: { name: 'b', port: 80 }, tls: { wildcard: true } });
    const dir = synthToTemp(platform);
    const tree = readTree(dir);
    expect(Object.values(tree).some((text) => text.includes(canary))).toBe(false);
    // It did pass through: SOPS-encrypted in the file of cert-manager's Secrets.
    expect(Object.entries(tree).some(([file, text]) => file.includes('cert-manager') && text.includes('name: letsencrypt-production-cloudflare') && text.includes('ENC[AES256_GCM'))).toBe(true);
    const objects = fluxObjects(path.join(dir, 'flux'));
    const [issuer] = ofKind(objects, 'ClusterIssuer');
    expect(spec(issuer).acme.solvers).toEqual([{ dns01: { cloudflare: { apiTokenSecretRef: { name: 'letsencrypt-production-cloudflare', key: 'api-token' } } } }]);
    expect(certManager.bootstrapSecrets.map((s) => [s.namespace, s.name, Object.keys(s.data)])).toEqual([['cert-manager', 'letsencrypt-production-cloudflare', ['api-token']]]);
    const wildcard = ofKind(objects, 'Certificate').filter((c) => c.object.metadata.namespace === 'app');
    expect(wildcard.map((c) => [c.object.metadata.name, spec(c).dnsNames])).toEqual([['wildcard-example-com', ['*.example.com']]]);
    expect(ofKind(objects, 'IngressRoute').filter((r) => r.object.metadata.namespace === 'app').map((r) => spec(r).tls)).toEqual([
      { secretName: 'wildcard-example-com-tls' },
      { secretName: 'wildcard-example-com-tls' },
    ]);
  });

  test('credentials in plain text are refused', () => {
    expect(problemOf(() => Dns01.cloudflare({ apiToken: canary as unknown as SecretValue }))).toBe(
      'Dns01.cloudflare apiToken: Dns01.cloudflare apiToken is a string, not a SecretValue, and would be written to the output as it is. Pass SecretValue.fromVariable("...", "...") (or fromEnv, fromFile).',
    );
    expect(
      problemOf(() =>
        Dns01.route53({ region: 'eu-central-1', credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: canary as unknown as SecretValue } }),
      ),
    ).toContain('is a string, not a SecretValue');
  });

  test('Route 53 with an access key, or with the ambient credentials', () => {
    const platform = testPlatform({}, { issuer: false });
    const certManager = new CertManager(platform, 'cert-manager');
    new AcmeIssuer(certManager, 'keys', {
      email: 'certificates@example.com',
      name: 'route53-keys',
      solver: { dns01: Dns01.route53({ region: 'eu-central-1', hostedZoneId: 'Z0123456789ABC', credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: SecretValue.fromVariable('route53_secret_key', 'AWS secret access key.') } }) },
    });
    new AcmeIssuer(certManager, 'ambient', { email: 'certificates@example.com', name: 'route53-ambient', solver: { dns01: Dns01.route53({ region: 'eu-central-1' }) } });
    const solvers = ofKind(objectsOf(platform), 'ClusterIssuer').map((i) => spec(i).acme.solvers[0].dns01);
    expect(solvers).toEqual([
      { route53: { region: 'eu-central-1', hostedZoneID: 'Z0123456789ABC', accessKeyID: 'AKIAIOSFODNN7EXAMPLE', secretAccessKeySecretRef: { name: 'route53-keys-route53', key: 'secret-access-key' } } },
      { route53: { region: 'eu-central-1' } },
    ]);
  });

  test('a wildcard from an issuer that solves HTTP-01 only is refused', () => {
    const { platform, issuer } = withIssuer();
    const app = new Component(platform, 'app', { namespace: 'app', tier: 'apps' });
    expect(problemOf(() => new IngressRoute(app, 'explicit', { host: 'a.example.com', backend: { name: 'a', port: 80 }, tls: { wildcard: true, issuer } }))).toBe(
      'ballast/app/explicit: tls.wildcard asks the ClusterIssuer "letsencrypt-production" of ballast/cert-manager/letsencrypt for *.example.com, but it cannot sign wildcard names (ACME validates them through DNS-01 only). Use an issuer with a DNS-01 solver, or a certificate of the host.',
    );
    new IngressRoute(app, 'platform', { host: 'a.example.com', backend: { name: 'a', port: 80 }, tls: { wildcard: true } });
    expect(problemOf(() => plannedAndSaved(platform))).toBe(
      'ballast/app: Certificate "wildcard-example-com" (*.example.com) asks the ClusterIssuer "letsencrypt-production" of ballast/cert-manager/letsencrypt for *.example.com, but it cannot sign wildcard names (ACME validates them through DNS-01 only). Use an issuer with a DNS-01 solver for wildcard certificates, or a certificate per host.',
    );
  });
});

describe('chart versions: an optional "v", never a range', () => {
  const chart = (version: string) => ({ chart: 'whoami', version, repository: { name: 'cowboysysop', url: 'https://cowboysysop.github.io/charts', type: 'default' as const } });
  const versionProblem = (version: string) => {
    const platform = testPlatform({}, { issuer: false });
    new HelmComponent(platform, 'whoami', { chart: chart(version), namespace: 'whoami', values: {} });
    return problemOf(() => plannedAndSaved(platform));
  };

  test.each(['1.2.3', 'v1.2.3', 'v1.21.1', '1.2.3-rc.1', 'v0.1.0-alpha'])('%s is exact', (version) => {
    expect(versionProblem(version)).toBe('no error');
  });

  test.each(['^1.2', '1.x', '>=1.0.0', '~1.2.3', 'v1.2', 'vv1.2.3', '1.2.3 || 1.2.4', '*', 'V1.2.3'])('%s is refused', (version) => {
    expect(versionProblem(version)).toBe(
      `ballast/whoami: chart whoami has version "${version}", which is not an exact version. Pin an exact version such as "1.2.3" (or "v1.2.3") in the catalog.`,
    );
  });
});

test('cert-manager metrics need the prometheus-operator CRDs, placed after them', () => {
  const platform = testPlatform({}, { issuer: false });
  new KubePrometheusStack(platform, 'monitoring');
  new CertManager(platform, 'cert-manager', { metrics: true, nodePool: 'monitor' });
  const objects = objectsOf(platform);
  expect(ofKind(objects, 'PodMonitor').filter((o) => o.object.metadata.namespace === 'cert-manager').map((o) => [o.file, spec(o)])).toEqual([
    [
      'infrastructure/configs/cert-manager.yaml',
      {
        selector: { matchLabels: { 'app.kubernetes.io/name': 'cert-manager', 'app.kubernetes.io/instance': 'cert-manager', 'app.kubernetes.io/component': 'controller' } },
        podMetricsEndpoints: [{ port: 'http-metrics', path: '/metrics' }],
      },
    ],
  ]);
  const values = ofKind(objects, 'HelmRelease').find((o) => o.object.metadata.name === 'cert-manager')!;
  for (const part of [spec(values).values, spec(values).values.webhook, spec(values).values.cainjector, spec(values).values.startupapicheck]) {
    expect(part.nodeSelector).toEqual({ pool: 'monitor' });
  }
});

const reference = needsReferenceData("cert-manager's values against its chart's values.schema.json");
reference.test("cert-manager's values pass the chart's values.schema.json (the reference folder is cert-manager, at the catalog's version)", () => {
  const platform = testPlatform({}, { issuer: false });
  const certManager = new CertManager(platform, 'cert-manager', { nodePool: 'monitor', extraValues: { replicaCount: 2 } });
  expect(catalog.certManager.chart).toBe('cert-manager');
  expect(checkChartValues(certManager.helmChart!, locateReferenceData())).toEqual({ status: 'valid' });
  const broken = new CertManager(testPlatform({}, { issuer: false }), 'cert-manager', { extraValues: { crds: { enabled: 'yes' } } });
  expect(checkChartValues(broken.helmChart!, locateReferenceData())).toEqual({ status: 'invalid', errors: [expect.stringContaining('crds.enabled')] });
});
