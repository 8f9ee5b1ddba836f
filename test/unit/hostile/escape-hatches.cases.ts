// Cases of the hostile-input table (test/unit/hostile-input.test.ts) for the escape hatches (patchObject,
// patchHelmRelease, overrideHelmRelease, cdk8s' own addJsonPatch), credentials in URLs and solver
// configs, and many mistakes reported in one run. Each escape hatch hands the canary once, in each place
// a secret could slip through; none reaches the output or a message.
import { ApiObject, Duration, JsonPatch } from 'cdk8s';
import * as path from 'path';
import { AcmeIssuer, CertManager, CloudNativePg, Dns01, IDns01Provider, LoadTest, packageRoot, Platform, PostgresCluster, Size, Traefik } from '../../../lib/internal';
import { Bare, canary, CANARY, HostileCase } from '../../support/hostile';
import { testPlatform } from '../../support/platforms';
import { TEST_AGE } from '../../support/synth';
import { accepted, findObject, monitoring, refused, service } from '../../support/hostile-builders';


const find = findObject;
const stack = (tree: Record<string, string>) => JSON.parse(tree['cdktf/stacks/ballast/cdk.tf.json']);

function postgres(platform: Platform): PostgresCluster {
  new CloudNativePg(platform, 'cnpg');
  return new PostgresCluster(platform, 'postgres', { metrics: false });
}
function traefikByTerraform(platform: Platform): Traefik {
  return new Traefik(platform, 'traefik', { deployWith: 'terraform' });
}
/** A Bare component with one ConfigMap "settings". */
function settings(platform: Platform, data: Record<string, string> = { level: 'info' }): Bare {
  return new Bare(platform, 'app', { tier: 'apps' }).object('settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data });
}
/** A platform with cert-manager and no stand-in issuer, for the ACME cases. */
const acmePlatform = () => testPlatform({ sops: { ageRecipients: [TEST_AGE.recipient] } }, { issuer: false });
function acme(platform: Platform, props: Partial<ConstructorParameters<typeof AcmeIssuer>[2]>): void {
  new Traefik(platform, 'traefik');
  const certManager = new CertManager(platform, 'cert-manager');
  platform.useIssuer(new AcmeIssuer(certManager, 'letsencrypt', { email: 'certificates@example.com', ...props }));
}
/** A DNS-01 provider of the user's own whose solver block is `config`. */
const ownProvider = (config: Record<string, unknown>): IDns01Provider => ({ description: 'Acme DNS', bind: () => config });

export const escapeHatchCases: HostileCase[] = [];
const add = (cls: HostileCase['cls'], name: string, c: Omit<HostileCase, 'name' | 'cls'>) => escapeHatchCases.push({ cls, name, ...c });
const hatch = (name: string, c: Omit<HostileCase, 'name' | 'cls'>) => add('escape hatch', name, c);

// --- patchObject: the result goes through the plan's checks --------------------------------------------
// Mutation: dropping the plan's plain-secret scan (plainSecretProblem) lets the next three through.
hatch('patchObject puts a password into a ConfigMap', {
  build: (p) => settings(p).patchObject('ConfigMap', 'settings', JsonPatch.add('/data/DB_PASSWORD', CANARY)),
  expect: refused('ballast/app: ConfigMap "settings" (v1) holds a secret as plain text at data.DB_PASSWORD, which would be written to the output'),
});
hatch('patchObject puts a password into an env value of a Deployment', {
  build: (p) => service(p).patchObject('Deployment', 'api', JsonPatch.add('/spec/template/spec/containers/0/env', [{ name: 'API_TOKEN', value: CANARY }])),
  expect: refused(/^ballast\/api: Deployment "api" \(apps\/v1\) holds a secret as plain text at spec\.template\.spec\.containers\.0\.env\.0 \(API_TOKEN\)/),
});
hatch('patchObject puts a password into an annotation', {
  build: (p) => service(p).patchObject('Service', 'api', JsonPatch.add('/metadata/annotations', { 'acme.example/api-token': CANARY })),
  expect: refused('holds a secret as plain text at metadata.annotations.acme.example/api-token'),
});
hatch('patchObject on a Terraform-deployed component puts a password into the Terraform JSON', {
  build: (p) => service(p, { deployWith: 'terraform' }).patchObject('Deployment', 'api', JsonPatch.add('/spec/template/spec/containers/0/env', [{ name: 'DB_PASS', value: CANARY }])),
  expect: refused('holds a secret as plain text at spec.template.spec.containers.0.env.0 (DB_PASS)'),
});
hatch('patchObject nests a Secret in a ConfigMap value', {
  build: (p) => settings(p).patchObject('ConfigMap', 'settings', JsonPatch.add('/metadata/annotations', { nested: { apiVersion: 'v1', kind: 'Secret', stringData: { x: CANARY } } })),
  expect: refused('holds a Secret at metadata.annotations.nested'),
});
// Mutation: skipping patchedIdentityProblems in Component.manifests lets the namespace move through.
hatch('patchObject moves an object into kube-system', {
  build: (p) => service(p).patchObject('Service', 'api', JsonPatch.replace('/metadata/namespace', 'kube-system')),
  expect: refused('ballast/api: patchObject Service "api": it changes metadata.namespace, which say what the object is and where it lives'),
});
hatch('patchObject renames an object', {
  build: (p) => service(p).patchObject('Service', 'api', JsonPatch.replace('/metadata/name', 'api-v2')),
  expect: refused('patchObject Service "api": it changes metadata.name'),
});
hatch('patchObject changes the kind of an object', {
  build: (p) => service(p).patchObject('PodDisruptionBudget', 'api', JsonPatch.replace('/kind', 'Secret'), JsonPatch.add('/stringData', { token: CANARY })),
  expect: refused('patchObject PodDisruptionBudget "api": it changes kind'),
});
hatch('patchObject removes the prune protection of a database Cluster', {
  build: (p) => postgres(p).patchObject('Cluster', 'postgres', JsonPatch.remove('/metadata/annotations/kustomize.toolkit.fluxcd.io~1prune')),
  expect: refused('ballast/postgres: patchObject Cluster "postgres": it removes the annotation kustomize.toolkit.fluxcd.io/prune: "disabled", which decides how its backend keeps the object'),
});
hatch('patchObject replaces all annotations of a database Cluster', {
  build: (p) => postgres(p).patchObject('Cluster', 'postgres', JsonPatch.replace('/metadata/annotations', { owner: 'team-a' })),
  expect: refused('it removes the annotation kustomize.toolkit.fluxcd.io/prune'),
});
hatch('patchObject switches the prune protection to enabled', {
  build: (p) => postgres(p).patchObject('Cluster', 'postgres', JsonPatch.replace('/metadata/annotations/kustomize.toolkit.fluxcd.io~1prune', 'enabled')),
  expect: refused('it changes the annotation kustomize.toolkit.fluxcd.io/prune'),
});
// Mutation: applying patches without validation (applyPatch(..., false)) turns these into new fields.
hatch('patchObject replaces a path the object does not have', {
  build: (p) => service(p).patchObject('Deployment', 'api', JsonPatch.replace('/spec/replicaz', 3)),
  expect: refused('ballast/api: patchObject Deployment "api": patch 1 (replace /spec/replicaz) does not apply: the object has no value at this path'),
});
hatch('patchObject removes a path the object does not have', {
  build: (p) => service(p).patchObject('Deployment', 'api', JsonPatch.remove('/spec/paused')),
  expect: refused('patch 1 (remove /spec/paused) does not apply: the object has no value at this path'),
});
hatch('patchObject adds below a parent the object does not have', {
  build: (p) => service(p).patchObject('Deployment', 'api', JsonPatch.add('/spec/template/spec/affinity/nodeAffinity/x', 1)),
  expect: refused('patch 1 (add /spec/template/spec/affinity/nodeAffinity/x) does not apply: the parent of this path is not in the object'),
});
hatch('patchObject past the end of an array', {
  build: (p) => service(p).patchObject('Deployment', 'api', JsonPatch.add('/spec/template/spec/containers/5', { name: 'x', image: 'y' })),
  expect: refused('does not apply: the index is past the end of the array'),
});
hatch('patchObject with a test that fails stops the patch', {
  build: (p) => service(p).patchObject('Deployment', 'api', JsonPatch.test('/spec/replicas', 7), JsonPatch.replace('/spec/replicas', 9)),
  expect: refused('patch 1 (test /spec/replicas) does not apply: the test found another value'),
});
// Mutation: dropping the prototype check in operationOf reports these as a bug (or pollutes Object).
hatch('patchObject into __proto__', {
  build: (p) => service(p).patchObject('Deployment', 'api', JsonPatch.add('/__proto__/polluted', 'yes')),
  expect: refused('ballast/api: patchObject Deployment "api": the path "/__proto__/polluted" reaches "__proto__", which is not a field of the object'),
});
hatch('patchObject into constructor/prototype', {
  build: (p) => service(p).patchObject('Service', 'api', JsonPatch.add('/spec/constructor/prototype/x', 1)),
  expect: refused('reaches "constructor", which is not a field of the object'),
});
hatch('patchObject with a plain object instead of a JsonPatch', {
  build: (p) => service(p).patchObject('Service', 'api', { op: 'add', path: '/metadata/labels', value: {} } as never),
  expect: refused('patchObject Service "api": a plain object is not a JsonPatch. Pass JsonPatch.add, replace, remove'),
});
hatch('patchObject of an object the component does not emit', {
  build: (p) => service(p).patchObject('ConfigMap', 'api', JsonPatch.add('/data', {})),
  expect: refused('ballast/api: it emits no ConfigMap "api" to patch'),
});
hatch('cdk8s addJsonPatch with a path that does not exist', {
  build: (p) => {
    const app = new Bare(p, 'app', { tier: 'apps' });
    const cm = new ApiObject(app, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: {} });
    cm.addJsonPatch(JsonPatch.add('/spec/template/metadata/labels', {}));
  },
  expect: refused(/^ballast\/app: ConfigMap "settings" cannot be rendered: .*use patchObject/),
});
hatch('patchObject: several broken patches are reported together', {
  build: (p) => {
    service(p).patchObject('Deployment', 'api', JsonPatch.replace('/spec/nope', 1));
    service(p, {}, 'web').patchObject('Service', 'web', JsonPatch.replace('/metadata/namespace', 'default'));
  },
  expect: refused(/patchObject Deployment "api": patch 1 .*\nballast\/web: patchObject Service "web": it changes metadata\.namespace/),
});
hatch('patchObject: a label and an extra port, accepted', {
  build: (p) => service(p).patchObject('Service', 'api', JsonPatch.add('/metadata/labels/team', 'a'), JsonPatch.add('/spec/ports/-', { name: 'debug', port: 9000, targetPort: 9000 })),
  expect: accepted((tree) => {
    const svc = find(tree, 'Service', 'api')!;
    if ((svc.metadata.labels as Record<string, string>)?.team !== 'a' || svc.spec.ports.length !== 2) throw new Error(`patch not applied: ${JSON.stringify(svc)}`);
  }),
});
hatch('patchObject: an added Flux annotation is accepted, ballast\'s own stays', {
  build: (p) => postgres(p).patchObject('Cluster', 'postgres', JsonPatch.add('/metadata/annotations/kustomize.toolkit.fluxcd.io~1ssa', 'IfNotPresent')),
  expect: accepted((tree) => {
    const annotations = find(tree, 'Cluster', 'postgres')!.metadata.annotations as Record<string, string>;
    if (annotations['kustomize.toolkit.fluxcd.io/prune'] !== 'disabled' || annotations['kustomize.toolkit.fluxcd.io/ssa'] !== 'IfNotPresent') throw new Error(JSON.stringify(annotations));
  }),
});
hatch('patchObject: an env value that names a Secret by reference, accepted', {
  build: (p) => service(p).patchObject('Deployment', 'api', JsonPatch.add('/spec/template/spec/containers/0/env', [{ name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'api-token', key: 'token' } } }, { name: 'TOKEN_TTL', value: '3600' }])),
  expect: accepted(),
});

// --- patchHelmRelease -------------------------------------------------------------------------------------
const release = (tree: Record<string, string>, name: string) => find(tree, 'HelmRelease', name)!;
hatch('patchHelmRelease replaces the values with a password inside', {
  build: (p) => monitoring(p).patchHelmRelease(JsonPatch.add('/spec/values/grafana/admin', { password: CANARY })),
  expect: refused('ballast/monitoring: patchHelmRelease /spec/values/grafana.admin.password holds a secret ("password") as plain text'),
});
hatch('patchHelmRelease puts a Secret into extraObjects', {
  build: (p) => monitoring(p).patchHelmRelease(JsonPatch.add('/spec/values/extraManifests', [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { k: CANARY } }])),
  expect: refused('holds a Kubernetes Secret'),
});
hatch('patchHelmRelease puts a SecretValue into the values', {
  build: (p) => monitoring(p).patchHelmRelease(JsonPatch.add('/spec/values/grafana/adminPassword', canary() as never)),
  expect: refused('is a SecretValue, but chart values are written to the output as they are'),
});
hatch('patchHelmRelease points valuesFrom at another Secret', {
  build: (p) => monitoring(p).patchHelmRelease(JsonPatch.add('/spec/valuesFrom', [{ kind: 'Secret', name: 'other' }])),
  expect: refused('ballast/monitoring: a patchHelmRelease patch changes spec.valuesFrom, which decide what is installed, where, and from which Secrets'),
});
hatch('patchHelmRelease renames the Helm release', {
  build: (p) => monitoring(p).patchHelmRelease(JsonPatch.add('/spec/releaseName', 'prom')),
  expect: refused('changes spec.releaseName'),
});
hatch('patchHelmRelease installs into another namespace', {
  build: (p) => monitoring(p).patchHelmRelease(JsonPatch.add('/spec/targetNamespace', 'kube-system')),
  expect: refused('changes spec.targetNamespace'),
});
hatch('patchHelmRelease deploys to another cluster', {
  build: (p) => monitoring(p).patchHelmRelease(JsonPatch.add('/spec/kubeConfig', { secretRef: { name: 'other-cluster' } })),
  expect: refused('changes spec.kubeConfig'),
});
hatch('patchHelmRelease swaps the chart', {
  build: (p) => monitoring(p).patchHelmRelease(JsonPatch.replace('/spec/chart/spec/chart', 'evil')),
  expect: refused('changes spec.chart'),
});
hatch('patchHelmRelease replaces a value path that does not exist', {
  build: (p) => monitoring(p).patchHelmRelease(JsonPatch.replace('/spec/timeoutz', '5m')),
  expect: refused('a patchHelmRelease patch does not apply to its HelmRelease: patch 1 (replace /spec/timeoutz) does not apply: the object has no value at this path'),
});
hatch('patchHelmRelease into __proto__', {
  build: (p) => monitoring(p).patchHelmRelease(JsonPatch.add('/spec/__proto__/x', 1)),
  expect: refused('reaches "__proto__", which is not a field of the object'),
});
hatch('patchHelmRelease removes the prune protection of a database release', {
  build: (p) => {
    // A chart component that holds data (as SonarQube's) carries Flux's prune-disabled annotation.
    const m = monitoring(p);
    m.stateful = true;
    m.patchHelmRelease(JsonPatch.remove('/metadata/annotations'));
  },
  expect: refused('a patchHelmRelease patch removes the annotation kustomize.toolkit.fluxcd.io/prune'),
});
hatch('patchHelmRelease: interval and remediation, accepted', {
  build: (p) => monitoring(p).patchHelmRelease(JsonPatch.replace('/spec/interval', '10m'), JsonPatch.add('/spec/upgrade/remediation/retries', 5)),
  expect: accepted((tree) => {
    const r = release(tree, 'kube-prometheus-stack');
    if (r.spec.interval !== '10m' || r.spec.upgrade.remediation.retries !== 5) throw new Error(JSON.stringify(r.spec));
  }),
});

// --- overrideHelmRelease: an allow-list -------------------------------------------------------------------
// Mutation: checking a deny-list instead of OVERRIDABLE_RELEASE_ATTRIBUTES lets count and postrender through.
for (const [attribute, value] of [
  ['count', 0],
  ['for_each', {}],
  ['postrender', { binary_path: '/bin/sh' }],
  ['set', [{ name: 'adminPassword', value: 'x' }]],
  ['repository_password', 'x'],
  ['pass_credentials', true],
  ['skip_crds', true],
  ['take_ownership', true],
  ['replace', true],
  ['devel', true],
] as const) {
  hatch(`overrideHelmRelease sets ${attribute}`, {
    build: (p) => traefikByTerraform(p).overrideHelmRelease(attribute, value),
    expect: refused(`ballast/traefik: overrideHelmRelease sets "${attribute}", which is not among the helm_release attributes it may set`),
  });
}
hatch('overrideHelmRelease sets a description holding a password', {
  build: (p) => traefikByTerraform(p).overrideHelmRelease('keyring', canary() as never),
  expect: refused('overrideHelmRelease sets keyring to a object, not a string of at most 1024 characters'),
});
hatch('overrideHelmRelease sets timeout to a fraction', {
  build: (p) => traefikByTerraform(p).overrideHelmRelease('timeout', 1.5),
  expect: refused('overrideHelmRelease sets timeout to a number, not a whole number of seconds above 0'),
});
hatch('overrideHelmRelease sets wait to a string', {
  build: (p) => traefikByTerraform(p).overrideHelmRelease('wait', 'false'),
  expect: refused('overrideHelmRelease sets wait to a string, not true or false'),
});
hatch('overrideHelmRelease with a path that tries to escape', {
  build: (p) => traefikByTerraform(p).overrideHelmRelease('__proto__.polluted', 1),
  expect: refused('overrideHelmRelease sets "__proto__.polluted", which is not among'),
});
hatch('overrideHelmRelease: timeout, atomic and history, accepted', {
  build: (p) => {
    const t = traefikByTerraform(p);
    t.overrideHelmRelease('timeout', 900);
    t.overrideHelmRelease('atomic', false);
    t.overrideHelmRelease('max_history', 3);
  },
  expect: accepted((tree) => {
    const r = Object.values(stack(tree).resource.helm_release)[0] as Record<string, unknown>;
    if (r.timeout !== 900 || r.atomic !== false || r.max_history !== 3) throw new Error(JSON.stringify(r));
  }),
});

// --- credentials where a URL or a solver config is accepted ---------------------------------------------
const cred = (name: string, c: Omit<HostileCase, 'name' | 'cls'>) => add('credentials', name, { platform: acmePlatform, ...c });
// Mutation: checking the URL's shape before its credentials echoes the token in the message.
cred('an ACME directory URL with user and password', {
  build: (p) => acme(p, { server: { url: `https://account:${CANARY}@acme.example.com/directory` } }),
  expect: refused('ballast/cert-manager/letsencrypt: server.url holds a credential (the URL carries "@", before which an HTTP(S) URL holds user-info (a credential)), which would be written to the output in plain text'),
});
cred('an ACME directory URL with user and an encoded password', {
  build: (p) => acme(p, { server: { url: `https://account:${encodeURIComponent(CANARY)}@acme.example.com/directory` } }),
  expect: refused('server.url holds a credential (the URL carries a password in its user-info part ("user:…@"))'),
});
cred('an ACME directory URL with a token as user', {
  build: (p) => acme(p, { server: { url: `https://${encodeURIComponent(CANARY)}@acme.example.com/directory` } }),
  expect: refused('server.url holds a credential'),
});
cred('an ACME directory URL with a token in its query', {
  build: (p) => acme(p, { server: { url: `https://acme.example.com/directory?access_token=${encodeURIComponent(CANARY)}` } }),
  expect: refused('server.url holds a credential (the URL\'s query parameter "access_token" carries a credential)'),
});
cred('an ACME directory that is not https, not echoed past its start', {
  build: (p) => acme(p, { server: { url: 'ftp://acme.example.com/directory' } }),
  expect: refused('server "ftp://acme.example.com/directory" is not an ACME directory'),
});
// Mutation: dropping the valuesSecretProblems walk over the solver config in AcmeIssuer.dns01.
cred('a DNS-01 provider of the user\'s own with its API key in the solver', {
  build: (p) => acme(p, { solver: { dns01: ownProvider({ webhook: { groupName: 'acme.example.com', solverName: 'acme-dns', config: { apiKey: CANARY } } }) } }),
  expect: refused('ballast/cert-manager/letsencrypt: solver.dns01 (Acme DNS).webhook.config.apiKey holds a secret ("apiKey") as plain text'),
});
cred('a DNS-01 provider of the user\'s own with a SecretValue in the solver', {
  build: (p) => acme(p, { solver: { dns01: ownProvider({ webhook: { config: { token: canary() } } }) } }),
  expect: refused('solver.dns01 (Acme DNS).webhook.config.token is a SecretValue, but chart values are written to the output as they are'),
});
cred('a DNS-01 provider of the user\'s own with an access key pair', {
  build: (p) => acme(p, { solver: { dns01: ownProvider({ route53: { region: 'eu-central-1', accessKeyID: 'AKIAEXAMPLE', secretAccessKey: CANARY } }) } }),
  expect: refused('solver.dns01 (Acme DNS).route53.secretAccessKey holds a secret ("secretAccessKey") as plain text'),
});
cred('a DNS-01 provider of the user\'s own that references its Secret, accepted', {
  build: (p) =>
    acme(p, {
      solver: {
        dns01: {
          description: 'Acme DNS',
          bind: (certManager, prefix) => {
            const secret = certManager.addBootstrapSecret(`${prefix}-acme-dns`, { 'api-key': canary() });
            return { webhook: { groupName: 'acme.example.com', solverName: 'acme-dns', config: { apiKeySecretRef: { name: secret.name, key: 'api-key' } } } };
          },
        },
      },
    }),
  expect: accepted((tree) => {
    const issuer = find(tree, 'ClusterIssuer', 'letsencrypt-production')!;
    if (issuer.spec.acme.solvers[0].dns01.webhook.config.apiKeySecretRef.name !== 'letsencrypt-production-acme-dns') throw new Error(JSON.stringify(issuer.spec));
  }),
});
cred('Cloudflare with its token as a SecretValue, accepted', {
  build: (p) => acme(p, { solver: { dns01: Dns01.cloudflare({ apiToken: canary() }) } }),
  expect: accepted(),
});
// Mutation: urlCredentialsProblem answering "none" for a URL that does not parse lets this through.
add('credentials', 'a Git URL with an unencoded password that breaks URL parsing', {
  config: { git: { url: `https://git:${CANARY}@git.example.com/platform.git` } } as never,
  expect: refused('ballast: git.url holds a credential (the URL carries "@", before which an HTTP(S) URL holds user-info (a credential))'),
});
cred('a chart repository URL with a password', {
  build: (p) =>
    new Bare(p, 'app').chart({ chart: 'podinfo', version: '6.7.1', repository: { name: 'podinfo', url: `https://u:${encodeURIComponent(CANARY)}@charts.example.com`, type: 'default' } }),
  expect: refused('the repository URL of chart podinfo holds a credential'),
});
cred('a ConfigMap with a database URL holding a password, through a raw object', {
  build: (p) => new Bare(p, 'app', { tier: 'apps' }).object('settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { DATABASE_PASSWORD: CANARY } }),
  expect: refused('ConfigMap "settings" (v1) holds a secret as plain text at data.DATABASE_PASSWORD'),
});

// --- many mistakes, one run -------------------------------------------------------------------------------
const atOnce = (name: string, c: Omit<HostileCase, 'name' | 'cls'>) => add('all at once', name, c);
const lines = (n: number) => new RegExp(`^(?:[^\\n]+\\n){${n - 1}}[^\\n]+$`);
// Mutation: AcmeIssuer calling fail() instead of reportProblem reports only the first of these.
atOnce('an ACME issuer with four mistakes', {
  platform: acmePlatform,
  build: (p) => {
    new Traefik(p, 'traefik');
    const certManager = new CertManager(p, 'cert-manager');
    new AcmeIssuer(certManager, 'letsencrypt', { email: 'nobody', server: { url: 'http://x/' }, name: 'Not_A_Name', solver: { http01: { ingressClassName: 'Bad Class' }, dns01: Dns01.cloudflare({ apiToken: canary() }) } as never });
  },
  expect: refused(/email "nobody" is not an email address[\s\S]*server "http:\/\/x\/" is not an ACME directory[\s\S]*ClusterIssuer name "Not_A_Name"[\s\S]*solver has both http01 and dns01/),
});
atOnce('broken patches in three components', {
  build: (p) => {
    service(p).patchObject('Deployment', 'api', JsonPatch.replace('/spec/x', 1));
    settings(p).patchObject('ConfigMap', 'nope', JsonPatch.add('/data/a', 'b'));
    traefikByTerraform(p).overrideHelmRelease('count', 2);
  },
  expect: refused(/ballast\/app: it emits no ConfigMap "nope"[\s\S]*/),
});
// Mutation: WebService, PostgresCluster or the Component base calling fail() instead of reportProblem
// stops at the first of these, and the count drops below seven.
atOnce('seven mistakes in the props of a platform, one run', {
  build: (p) => {
    service(p, { image: 'ghcr.io/acme/api:latest', replicas: 0, port: 70000, drain: -1 as unknown as Duration });
    new CloudNativePg(p, 'cnpg');
    new PostgresCluster(p, 'postgres', { metrics: false, replicas: -1, storageSize: '20 gigs' as unknown as Size });
    new Traefik(p, 'traefik', { deployWith: 'argocd' as 'flux' });
  },
  expect: refused(
    /^ballast\/api: image "ghcr\.io\/acme\/api:latest" uses the tag latest\. .*\nballast\/api: port 70000 is not a port\. .*\nballast\/api: replicas 0 is not a positive whole number\. .*\nballast\/api: drain is the number -1, .*\nballast\/postgres: replicas -1 .*\nballast\/postgres: storageSize is the string "20 gigs", not a Size\. .*\nballast\/traefik: deployWith "argocd" is not a backend\. .*$/,
  ),
});
atOnce('a load test with five mistakes in its options, one run', {
  build: (p) => {
    const prometheus = monitoring(p);
    const target = service(p, { metricsPath: '/metrics' });
    new LoadTest(p, 'smoke', {
      script: path.join(packageRoot(), 'loadtests', 'articles-crawl.ts'),
      target,
      prometheus,
      via: 'service',
      parallelism: 0,
      options: { vus: 0, duration: '5 minutes', thresholds: { 'bad metric!': ['p(95)<700'], http_req_failed: ['rate less than 1%'] } } as never,
    });
  },
  expect: refused(/options\.vus 0 is not 1 or more[\s\S]*options\.duration is the string "5 minutes", not a Duration[\s\S]*"bad metric!"[\s\S]*threshold "rate less than 1%"[\s\S]*parallelism 0 is not 1 or more/),
});
atOnce('every mistake is on its own line, in the form <path>: <what>. <fix>.', {
  platform: acmePlatform,
  build: (p) => {
    new Traefik(p, 'traefik');
    const certManager = new CertManager(p, 'cert-manager');
    new AcmeIssuer(certManager, 'one', { email: 'a', server: { url: `https://x:${CANARY}@h/d` } });
    new AcmeIssuer(certManager, 'two', { email: 'b', name: 'two' });
  },
  expect: refused(lines(3)),
});
