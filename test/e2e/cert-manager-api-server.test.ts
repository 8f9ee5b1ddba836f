// A real kube-apiserver 1.34 with cert-manager's CRDs (v1.21.1) accepts the TLS objects ballast writes: the
// ACME ClusterIssuers (HTTP-01 through Traefik, DNS-01 through Cloudflare and Route 53), the Certificates
// of the routes (per host, wildcard, from an existing Issuer) and the IngressRoutes that serve them, in the
// order Terraform and Flux apply them, with strict field validation; a second apply writes none again.
import * as path from 'path';
import { AcmeIssuer, CertManager, Component, Dns01, IngressRoute, KubePrometheusStack, Manifest, Platform, SecretValue, Traefik, WebService } from '../../lib/internal';
import { rolloutOrder, Rollout } from '../support/e2e/rollout';
import { apiServerForFile, describeObject } from '../support/e2e/server-side-apply';
import { testPlatform } from '../support/platforms';
import { needsReferenceData } from '../support/reference-gate';
import { allCrds } from '../support/shared-data';
import { defaultPlan, plannedAndSaved, synthToTemp } from '../support/synth';

const api = apiServerForFile();

const crds = needsReferenceData("TLS objects applied to the API server (cert-manager's CRDs)");
const TLS_KINDS = ['ClusterIssuer', 'Issuer', 'Certificate', 'IngressRoute'];

/** Every object of `platform` in apply order; within a Flux step Namespaces first, as kustomize-controller applies them. */
function rolloutOf(platform: Platform): Rollout[] {
  const objects = rolloutOrder(plannedAndSaved(platform), path.join(synthToTemp(platform), 'flux'));
  const step = (o: Rollout) => (o.source.startsWith('dist/flux/') ? path.dirname(o.source) : o.source);
  return [...new Set(objects.map(step))].flatMap((s) => {
    const of = objects.filter((o) => step(o) === s);
    return [...of.filter((o) => o.object.kind === 'Namespace'), ...of.filter((o) => o.object.kind !== 'Namespace')];
  });
}

/**
 * A platform with every other form of TLS: Let's Encrypt staging over DNS-01 through Cloudflare as the
 * platform's issuer, wildcard routes, a Route 53 issuer with an access key, and an Issuer the cluster has
 * in one namespace.
 */
function variants(): Platform {
  const platform = testPlatform({}, { issuer: false });
  const traefik = new Traefik(platform, 'traefik');
  new KubePrometheusStack(platform, 'monitoring', { ingress: traefik });
  const certManager = new CertManager(platform, 'cert-manager', { metrics: true });
  platform.useIssuer(
    new AcmeIssuer(certManager, 'letsencrypt', {
      email: 'certificates@example.com',
      server: 'staging',
      solver: { dns01: Dns01.cloudflare({ apiToken: SecretValue.fromVariable('cloudflare_api_token', 'Cloudflare API token.') }) },
    }),
  );
  new AcmeIssuer(certManager, 'route53', {
    email: 'certificates@example.com',
    name: 'letsencrypt-route53',
    solver: { dns01: Dns01.route53({ region: 'eu-central-1', hostedZoneId: 'Z0123456789ABC', credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: SecretValue.fromVariable('route53_secret_key', 'AWS key.') } }) },
  });
  const app = new Component(platform, 'app', { namespace: 'app', tier: 'apps' });
  new IngressRoute(app, 'a', { host: 'a.apps.example.com', backend: { name: 'a', port: 80 }, tls: { wildcard: true } });
  new IngressRoute(app, 'b', { host: 'b.apps.example.com', backend: { name: 'b', port: 80 }, tls: { wildcard: true } });
  new IngressRoute(app, 'open', { host: 'open.example.com', backend: { name: 'open', port: 80 }, entryPoints: ['web'], tls: { disabled: 'plain HTTP on purpose' } });
  const teamIssuer = CertManager.existingIssuer(platform, { kind: 'Issuer', name: 'team-ca', namespace: 'team' });
  new WebService(platform, 'team', { image: 'ghcr.io/acme/team:1.0.0', replicas: 1, route: { host: 'team.example.com', tls: { issuer: teamIssuer } } });
  return platform;
}

/** The team's own Issuer (a CA issuer the cluster has), so that the Certificate naming it has something to name. */
const teamIssuer: Manifest = {
  apiVersion: 'cert-manager.io/v1',
  kind: 'Issuer',
  metadata: { name: 'team-ca', namespace: 'team' },
  spec: { ca: { secretName: 'team-ca' } },
};

const applyAll = (objects: readonly Rollout[], options: { dryRun?: boolean } = {}) => api.ssa.applyEach(objects, options);

/** Applies `objects` again: the TLS objects the server writes anew (it bumps resourceVersion only on a write). */
async function rewrittenBy(objects: readonly Rollout[], first: readonly Manifest[]): Promise<string[]> {
  const again = await applyAll(objects);
  expect(again.problems).toEqual([]);
  return objects.flatMap(({ object }, i) =>
    TLS_KINDS.includes(object.kind) && first[i].metadata.resourceVersion !== again.stored[i].metadata.resourceVersion ? [`${describeObject(object)} was written again`] : [],
  );
}
const tlsObjects = (objects: readonly Rollout[]) => objects.filter((o) => TLS_KINDS.includes(o.object.kind));
const defaults = rolloutOf(defaultPlan().platform);
const others = rolloutOf(variants());

crds.test("cert-manager's CRDs (and the others of the reference data) are installed and Established", async () => {
  const all = allCrds();
  expect(all.filter(({ crd }) => ['cert-manager.io', 'acme.cert-manager.io'].includes(crd.spec.group)).map(({ crd }) => crd.metadata.name).sort()).toEqual([
    'certificaterequests.cert-manager.io',
    'certificates.cert-manager.io',
    'challenges.acme.cert-manager.io',
    'clusterissuers.cert-manager.io',
    'issuers.cert-manager.io',
    'orders.acme.cert-manager.io',
  ]);
  const { problems } = await applyAll(all.map(({ file, crd }) => ({ source: file, object: crd as Manifest })));
  expect(problems).toEqual([]);
  await api.ssa.waitEstablished(all.map(({ crd }) => crd.metadata.name));
});

crds.test('the default platform: the ClusterIssuer, a Certificate per host and every IngressRoute with TLS are accepted', async () => {
  const tls = tlsObjects(defaults);
  expect(tls.filter((o) => o.object.kind === 'ClusterIssuer').map((o) => o.object.metadata.name)).toEqual(['letsencrypt-production']);
  expect(tls.filter((o) => o.object.kind === 'IngressRoute').every((o) => (o.object.spec as { tls?: { secretName?: string } }).tls?.secretName)).toBe(true);
  expect(tls.filter((o) => o.object.kind === 'Certificate').length).toBeGreaterThanOrEqual(5);
  const { problems, stored } = await applyAll(defaults);
  expect(problems).toEqual([]);
  expect(await rewrittenBy(defaults, stored)).toEqual([]);
  // What the server stored is what ballast wrote: strict validation pruned nothing.
  for (const [i, { object }] of defaults.entries()) {
    if (TLS_KINDS.includes(object.kind)) expect(stored[i].spec).toEqual(object.spec);
  }
});

crds.test('DNS-01 issuers, wildcard Certificates, an opted-out route and a Certificate of an existing Issuer are accepted', async () => {
  const tls = tlsObjects(others);
  expect(tls.map((o) => `${o.object.kind} ${o.object.metadata.name}`)).toEqual(expect.arrayContaining([
    'ClusterIssuer letsencrypt-staging',
    'ClusterIssuer letsencrypt-route53',
    'Certificate wildcard-apps-example-com',
    'Certificate team-example-com',
    'IngressRoute open',
  ]));
  const { problems, stored } = await applyAll(others);
  expect(problems).toEqual([]);
  expect(await rewrittenBy(others, stored)).toEqual([]);
  expect((await applyAll([{ source: "the cluster (the team's own Issuer)", object: teamIssuer }])).problems).toEqual([]);
});

describe('the checks can fail', () => {
  const find = (kind: string): Rollout => defaults.find((o) => o.object.kind === kind)!;

  crds.test('a Certificate without an issuer (what synth refuses) is refused by the CRD too', async () => {
    const certificate = find('Certificate');
    const { issuerRef: _dropped, ...spec } = certificate.object.spec as Record<string, unknown>;
    const { problems } = await applyAll([{ ...certificate, object: { ...certificate.object, spec } }], { dryRun: true });
    expect(problems).toEqual([expect.stringMatching(/Certificate \S+ was rejected: .*spec\.issuerRef: Required value/)]);
  });

  crds.test('a solver field cert-manager does not know is rejected, not pruned', async () => {
    const issuer = find('ClusterIssuer');
    const acme = (issuer.object.spec as { acme: Record<string, unknown> }).acme;
    // One unknown field beside a known one: the server names only one of several, in no fixed order.
    const wrong = { ...issuer.object, spec: { acme: { ...acme, solvers: [{ http01: { ingress: { ingressClassName: 'traefik', entryPoint: 'web' } } }] } } };
    const { problems } = await applyAll([{ ...issuer, object: wrong }], { dryRun: true });
    expect(problems).toEqual([expect.stringMatching(/ClusterIssuer letsencrypt-production was rejected: .*entryPoint: field not declared in schema/)]);
  });
});
