// A fleet: the example (apps/fleet.ts) of staging and production, which differ in domain, node pools,
// sizes, image automation and one component (the load tests, staging only), synthesized as one Flux
// repository in the multi-cluster layout and one Terraform stack per cluster.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { exampleFleet, FLEET_CLUSTERS } from '../../apps/fleet';
import { ClusterSettings } from '../../apps/platform';
import { App, catalog, readClusterInventory, synthPlatform, ClusterPlan, Fleet, FleetCluster, HelmComponent, Manifest, parseSynthArgs, Platform, renderFluxRepository, runCommand, synthFleet, ValidationError } from '../../lib/internal';
import { readTree, tempDir, TEST_AGE } from '../support/synth';
import { testConfig } from '../support/platforms';
import { toolPath } from '../support/tools';

const kubectl = toolPath('kubectl');
const fleet = (clusters: Record<string, ClusterSettings> = FLEET_CLUSTERS) => exampleFleet({ ageRecipients: [TEST_AGE.recipient] }, clusters);

/** Synthesizes `f` into a new output folder (or `dist`), returns its plans and folders. */
function synth(f: Fleet, dist = tempDir('ballast-fleet-')) {
  const flux = path.join(dist, 'flux');
  const result = synthFleet(f, { fluxDir: flux, terraformDir: path.join(dist, 'cdktf') });
  return { ...result, dist, flux, cdktf: path.join(dist, 'cdktf') };
}

/** Runs `ballast <command>` of `f` against `dist`; returns its exit code and what it printed. */
function cli(command: 'synth' | 'diff' | 'validate', f: Fleet, dist: string, ...args: string[]) {
  let out = '';
  let err = '';
  const code = runCommand(command, parseSynthArgs(['--outdir', dist, ...args], {}), f, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

/** The objects `kubectl kustomize` builds from `dir`, by identity. */
function built(dir: string): Map<string, unknown> {
  const out = execFileSync(kubectl, ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return byIdentity(parseAllDocuments(out).map((d) => d.toJSON() as Manifest));
}

/** Objects by group/kind/namespace/name; an encrypted Secret without its ciphertext (encryption is random). */
function byIdentity(objects: readonly Manifest[]): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const o of objects.filter((x) => x)) {
    const plain = 'sops' in o ? { ...o, stringData: Object.keys((o.stringData as object) ?? {}).sort(), data: undefined, sops: undefined } : o;
    out.set(`${o.apiVersion.split('/')[0]}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, plain);
  }
  return out;
}

/** The objects of `folder` in a cluster's Flux repository rendered on its own, by identity. */
function aloneObjects({ plan }: ClusterPlan, folder: string): Map<string, unknown> {
  const repo = renderFluxRepository(plan);
  const objects: Manifest[] = [];
  for (const [file, docs] of repo.documents) {
    if (path.posix.dirname(file) !== folder) continue;
    for (const d of docs) objects.push(d.object ?? (parseAllDocuments(d.text)[0].toJSON() as Manifest));
  }
  return byIdentity(objects);
}

const first = synth(fleet());
const tree = readTree(first.flux);
const files = Object.keys(tree);

describe('the Flux repository of a fleet', () => {
  test('each cluster syncs clusters/<name>, whose Flux Kustomizations apply its own step folders', () => {
    for (const cluster of ['staging', 'production']) {
      const syncs = parseAllDocuments(tree[`clusters/${cluster}/infrastructure.yaml`] + '---\n' + tree[`clusters/${cluster}/apps.yaml`]).map((d) => d.toJSON() as Manifest);
      expect(syncs.map((k) => (k.spec as { path: string }).path)).toEqual([
        `./clusters/${cluster}/infrastructure/controllers`,
        `./clusters/${cluster}/infrastructure/configs`,
        `./clusters/${cluster}/apps`,
      ]);
    }
    // The Flux Operator syncs the cluster's folder (a HelmRelease value on the Terraform side).
    const stack = JSON.parse(fs.readFileSync(path.join(first.cdktf, 'stacks', 'staging', 'cdk.tf.json'), 'utf8'));
    expect(JSON.stringify(stack)).toContain('clusters/staging');
  });

  test('what every cluster renders alike is written once under base/, each base folder a kustomization', () => {
    const bases = files.filter((f) => f.startsWith('base/') && f.endsWith('/kustomization.yaml')).map((f) => path.posix.dirname(f));
    expect(bases).toEqual(expect.arrayContaining(['base/infrastructure/controllers/cnpg', 'base/infrastructure/controllers/keda', 'base/apps/articles-ui']));
    for (const b of bases) expect(files).toContain(`${b}/${path.posix.basename(b)}.yaml`);
    // CloudNativePG's operator is the same in both clusters: one copy, no cluster holds its own.
    expect(files.filter((f) => f.includes('cnpg'))).toEqual(['base/infrastructure/controllers/cnpg/cnpg.yaml', 'base/infrastructure/controllers/cnpg/kustomization.yaml']);
  });

  test('a component of one cluster only (the load tests of staging) is in that cluster only', () => {
    expect(files.filter((f) => f.includes('k6-operator') || f.startsWith('clusters/production/loadtests') || f.includes('/loadtests/'))).toEqual(
      expect.arrayContaining(['clusters/staging/infrastructure/controllers/k6-operator.yaml', 'clusters/staging/loadtests/ramp/ramp.yaml']),
    );
    expect(files.filter((f) => (f.includes('k6-operator') || f.includes('loadtests')) && !f.startsWith('clusters/staging/'))).toEqual([]);
    expect(tree['clusters/staging/infrastructure/controllers/kustomization.yaml']).toContain('#   k6-operator.yaml: only this cluster has it');
  });

  test("a cluster's differences are JSON6902 patches in its step's kustomization.yaml", () => {
    const configs = parseAllDocuments(tree['clusters/staging/infrastructure/configs/kustomization.yaml'])[0].toJSON() as {
      patches: { target: Record<string, string>; patch: string }[];
    };
    const storage = configs.patches.find((p) => p.target.kind === 'Cluster' && p.target.name === 'postgres')!;
    expect(parseAllDocuments(storage.patch)[0].toJSON()).toEqual([{ op: 'replace', path: '/spec/storage/size', value: '10Gi' }]);
    // Production is the baseline (the last cluster): the shared file holds its size, and it has no patch of it.
    expect(tree['base/infrastructure/configs/postgres/postgres.yaml']).toContain('size: 20Gi');
    expect(tree['clusters/production/infrastructure/configs/kustomization.yaml']).not.toContain('/spec/storage/size');
  });

  test('SOPS-encrypted Secrets stay in each cluster’s own files, never in base/ or a patch', () => {
    const encrypted = files.filter((f) => tree[f].includes('\nsops:'));
    expect(encrypted.length).toBeGreaterThan(0);
    for (const f of encrypted) expect(f).toMatch(/^clusters\/(staging|production)\//);
    for (const f of files.filter((x) => x.endsWith('kustomization.yaml'))) expect(tree[f]).not.toMatch(/kind: Secret\n/);
  });

  test('files that Flux image automation commits to stay per cluster, and the automation updates only its cluster', () => {
    expect(tree['clusters/staging/apps/articles-api.yaml']).toContain('"$imagepolicy"');
    expect(files.some((f) => f.startsWith('base/apps/articles-api'))).toBe(false);
    expect(tree['clusters/staging/apps/flux-image-updates.yaml']).toMatch(/update:\n\s+path: \.\/clusters\/staging\n/);
  });

  test('each cluster keeps its own inventory (what it shares with every cluster kept once) and its own secrets file', () => {
    const shared = JSON.parse(tree['base/.ballast/inventory.json']).items as { id: string }[];
    expect(shared.map((i) => i.id)).toContain('release/cnpg-system/cnpg');
    for (const { cluster, plan } of first.plans) {
      const own = JSON.parse(tree[`clusters/${cluster}/.ballast/inventory.json`]);
      expect(own).toMatchObject({ cluster, sharedItems: 'base/.ballast/inventory.json' });
      expect(own.items.map((i: { id: string }) => i.id)).not.toContain('release/cnpg-system/cnpg');
      // Read back, the cluster's inventory is the whole of what its plan recorded.
      expect(readClusterInventory(first.flux, cluster)).toEqual(plan.day2.inventory);
      expect(path.basename(plan.day2.secretStore.file)).toMatch(new RegExp(`\\.${cluster}\\.sops\\.yaml$`));
    }
    expect(files).not.toContain('.ballast/inventory.json');
  });

  // The layout loses nothing and changes nothing: kustomize builds, from each cluster's folders, exactly
  // the objects the cluster's platform renders on its own.
  test.each(['staging', 'production'])('kubectl kustomize of every folder of %s builds the objects of that cluster alone', (cluster) => {
    const plan = first.plans.find((p) => p.cluster === cluster)!;
    const folders = files.filter((f) => f.startsWith(`clusters/${cluster}/`) && f.endsWith('/kustomization.yaml') && f !== `clusters/${cluster}/kustomization.yaml`).map((f) => path.posix.dirname(f).slice(`clusters/${cluster}/`.length));
    expect(folders.sort()).toEqual(cluster === 'staging' ? ['apps', 'infrastructure/configs', 'infrastructure/controllers', 'loadtests/constant', 'loadtests/crawl', 'loadtests/ramp'] : ['apps', 'infrastructure/configs', 'infrastructure/controllers']);
    for (const folder of folders) {
      const fromFleet = built(path.join(first.flux, 'clusters', cluster, folder));
      expect([...fromFleet.keys()].sort()).toEqual([...aloneObjects(plan, folder).keys()].sort());
      expect(Object.fromEntries(fromFleet)).toEqual(Object.fromEntries(aloneObjects(plan, folder)));
    }
    expect(built(path.join(first.flux, 'clusters', cluster)).size).toBe(3);
    // The cluster's NetworkPolicies among them: the fleet carries what each platform derives.
    expect([...built(path.join(first.flux, 'clusters', cluster, 'apps')).keys()].filter((k) => k.includes('NetworkPolicy')).length).toBeGreaterThan(2);
  });
});

describe('the Terraform side of a fleet', () => {
  test('one stack per cluster, each with its own state file and variables file example', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(first.cdktf, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.stacks).sort()).toEqual(['production', 'staging']);
    for (const cluster of ['staging', 'production']) {
      const stack = JSON.parse(fs.readFileSync(path.join(first.cdktf, 'stacks', cluster, 'cdk.tf.json'), 'utf8'));
      expect(stack.terraform.backend.local.path).toMatch(new RegExp(`terraform\\.${cluster}\\.tfstate$`));
      expect(fs.existsSync(path.join(first.cdktf, 'stacks', cluster, 'terraform.tfvars.example'))).toBe(true);
    }
    // Only staging follows new images, so only it needs the token Flux pushes with.
    expect(fs.readFileSync(path.join(first.cdktf, 'stacks', 'staging', 'terraform.tfvars.example'), 'utf8')).toContain('git_push_token');
    expect(fs.readFileSync(path.join(first.cdktf, 'stacks', 'production', 'terraform.tfvars.example'), 'utf8')).not.toContain('git_push_token');
  });
});

describe('day 2 of a fleet', () => {
  test('a second synth writes the same bytes, and diff finds no change in any cluster', () => {
    const dist = tempDir('ballast-fleet-');
    synth(fleet(), dist);
    const before = readTree(dist);
    synth(fleet(), dist);
    expect(readTree(dist)).toEqual(before);
    expect(cli('diff', fleet(), dist)).toMatchObject({ code: 0, out: '0 of 2 clusters change; no change in staging, production\n' });
  });

  test('promoting a version to production is a one-line change whose diff shows production only', () => {
    const dist = tempDir('ballast-fleet-');
    const tried: Record<string, ClusterSettings> = { ...FLEET_CLUSTERS, staging: { ...FLEET_CLUSTERS.staging, articlesVersion: '1.1.0' } };
    synth(fleet(tried), dist);
    const promoted = { ...tried, production: { ...tried.production, articlesVersion: '1.1.0' } };
    const diff = cli('diff', fleet(promoted), dist);
    expect(diff.code).toBe(1);
    expect(diff.out).toContain('cluster production');
    expect(diff.out).not.toContain('cluster staging');
    expect(diff.out).toContain('  ~ object/apps/Deployment/articles/articles-api changed');
    expect(diff.out).toContain('  ~ object/apps/Deployment/articles/articles-ui changed');
    expect(diff.out).toMatch(/2 to change, 0 to remove/);
    expect(diff.out).toMatch(/1 of 2 clusters change; no change in staging\n$/);
    // --cluster plans only the clusters it names.
    expect(cli('diff', fleet(promoted), dist, '--cluster', 'staging')).toMatchObject({ code: 0, out: '0 of 1 clusters change; no change in staging\n' });
    // After the synth, production renders the UI as staging does: the UI's patch is gone and both use base.
    synth(fleet(promoted), dist);
    const after = readTree(path.join(dist, 'flux'));
    expect(after['clusters/production/apps/kustomization.yaml']).not.toContain('articles-ui:1.');
    expect(after['clusters/staging/apps/kustomization.yaml']).not.toContain('articles-ui:1.');
    expect(after['base/apps/articles-ui/articles-ui.yaml']).toContain('articles-ui:1.1.0');
  });

  test('diff names the cluster whose code changed; an acknowledgement must name its cluster', () => {
    const dist = tempDir('ballast-fleet-');
    synth(fleet(), dist);
    // Staging drops its load tests.
    const noLoadTests = { ...FLEET_CLUSTERS, staging: { ...FLEET_CLUSTERS.staging, loadTests: false } };
    expect(cli('diff', fleet(noLoadTests), dist).out).toMatch(/^cluster staging/);
    const refused = () => cli('synth', fleet(noLoadTests), dist, '--acknowledge', 'namespace/loadtests');
    expect(refused).toThrow(/arguments: --acknowledge names no cluster, and an acknowledgement or rotation holds for one cluster's synth\. Add --cluster <name>/);
    expect(() => cli('diff', fleet(), dist, '--cluster', 'qa')).toThrow(/arguments: --cluster qa: the fleet has no cluster "qa"\. Use one of staging, production\./);
  });
});

describe('day 2 across layouts', () => {
  test("a tag Flux's image automation committed to a cluster's own file is kept by the next synth", () => {
    const dist = tempDir('ballast-fleet-');
    synth(fleet(), dist);
    const file = path.join(dist, 'flux', 'clusters', 'staging', 'apps', 'articles-api.yaml');
    const from = 'ghcr.io/example/articles-api:1.0.0';
    expect(fs.readFileSync(file, 'utf8')).toContain(`image: ${from} # {"$imagepolicy": "articles:articles-api"}`);
    // What staging's automation commits (it updates ./clusters/staging only).
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(`image: ${from} #`, 'image: ghcr.io/example/articles-api:1.0.7 #'));
    const again = synth(fleet(), dist);
    expect(fs.readFileSync(file, 'utf8')).toContain('image: ghcr.io/example/articles-api:1.0.7 # {"$imagepolicy"');
    expect(again.plans.find((p) => p.cluster === 'staging')!.plan.images.kept.map((k) => k.kept)).toEqual(['ghcr.io/example/articles-api:1.0.7']);
  });

  test("a single platform's output that becomes a fleet: the cluster of the same name keeps its history", () => {
    const dist = tempDir('ballast-fleet-');
    const single = exampleFleet({ ageRecipients: [TEST_AGE.recipient] });
    // Production's platform synthesized alone, in the layout of one platform (as before there was a fleet;
    // built by the fleet only so that it reads the same secrets file).
    synthPlatform(() => single.build('production'), { fluxDir: path.join(dist, 'flux'), terraformDir: path.join(dist, 'cdktf') });
    expect(readClusterInventory(path.join(dist, 'flux'), 'production')?.cluster).toBe('production');
    const diff = cli('diff', fleet(), dist);
    // Production's objects are where they were; staging is new.
    expect(diff.out).not.toContain('cluster production');
    expect(diff.out).toMatch(/^cluster staging .*\n {2}no previous output with an inventory: everything is new\n/);
    synth(fleet(), dist);
    // The single platform's files are gone (ballast wrote them), the fleet's are in place.
    expect(fs.existsSync(path.join(dist, 'flux', 'apps'))).toBe(false);
    expect(fs.existsSync(path.join(dist, 'flux', 'clusters', 'production', 'apps', 'kustomization.yaml'))).toBe(true);
  });
});

describe('a cluster that leaves the fleet', () => {
  test('is refused until it is named, and then its tree and Terraform stack go', () => {
    const dist = tempDir('ballast-fleet-');
    synth(fleet(), dist);
    const productionOnly = fleet({ production: FLEET_CLUSTERS.production });
    expect(() => cli('synth', productionOnly, dist)).toThrow(
      /^fleet\/staging: the cluster is no longer in the fleet, and this synth would remove its tree clusters\/staging\/ \(\d+ items, \d+ holding data: .*namespace\/database.*\) and its Terraform stack\. If it is meant to go, destroy or hand over what it runs first \(with the stack of the last synth\), then acknowledge it \(--acknowledge cluster\/staging\); to keep it, put it back in the fleet's clusters\.$/m,
    );
    const diff = cli('diff', productionOnly, dist);
    expect(diff.code).toBe(2);
    expect(diff.out).toMatch(/^cluster staging leaves the fleet: its tree and its Terraform stack are removed \(.*\) \[refused: --acknowledge cluster\/staging\]\n0 of 1 clusters change, 1 leaves; no change in production\n$/);
    expect(() => cli('synth', productionOnly, dist, '--acknowledge', 'cluster/qa', '--acknowledge', 'cluster/staging')).toThrow(/^arguments: --acknowledge cluster\/qa names no cluster that leaves the fleet\./m);
    expect(fs.existsSync(path.join(dist, 'flux', 'clusters', 'staging'))).toBe(true);
    const done = cli('synth', productionOnly, dist, '--acknowledge', 'cluster/staging');
    expect(done.err).toContain('ballast: cluster staging left the fleet (acknowledged): its tree and Terraform stack were removed');
    expect(fs.existsSync(path.join(dist, 'flux', 'clusters', 'staging'))).toBe(false);
    expect(fs.existsSync(path.join(dist, 'cdktf', 'stacks', 'staging'))).toBe(false);
    expect(cli('diff', productionOnly, dist)).toMatchObject({ code: 0 });
  });
});

describe('what a fleet refuses', () => {
  const bad = (clusters: Record<string, object>, platform: (app: App, c: FleetCluster<object>) => Platform) => new Fleet({ clusters, platform });

  test("each cluster's problems are reported together, under fleet/<cluster>/", () => {
    const tooSmall = { ...FLEET_CLUSTERS, staging: { ...FLEET_CLUSTERS.staging, nodes: { monitor: 1, storage: 1, loadgen: 2, apps: 2 } } };
    expect(() => synth(fleet(tooSmall))).toThrow(/^fleet\/staging\/ballast\/postgres: PostgreSQL postgres runs 2 pods on different nodes, but pool "storage" has 1\./m);
  });

  test('a platform whose clusterName is not its cluster', () => {
    const f = bad({ a: {}, b: {} }, (app, c) => new Platform(app, 'ballast', testConfig({ clusterName: c.name === 'a' ? 'a' : 'x' })));
    expect(() => synth(f)).toThrow(/^fleet\/b\/ballast: clusterName "x" is not the name of the fleet cluster it is built for \("b"\)\. Set clusterName: cluster\.name/m);
  });

  test('two clusters with one secrets file, one state file, or different git paths', () => {
    const f = bad({ a: {}, b: {} }, (app, c) =>
      new Platform(app, 'ballast', testConfig({ clusterName: c.name, sops: { ageRecipients: [TEST_AGE.recipient], secretsFile: 'shared.sops.yaml' }, terraform: { backend: { kind: 'local', path: 'shared.tfstate' } }, git: { url: 'https://git.example.com/p.git', path: c.name } })),
    );
    const message = (() => {
      try {
        synth(f);
      } catch (err) {
        return (err as ValidationError).message;
      }
      return '';
    })();
    expect(message).toContain('fleet/b: git.path "b" differs from "a" of a');
    expect(message).toContain("fleet/b: the secrets file shared.sops.yaml is also a's. Give each cluster its own sops.secretsFile");
    expect(message).toContain("fleet/b: the Terraform state file shared.tfstate is also a's.");
  });

  test('a platform built in an App of its own', () => {
    const f = bad({ a: {} }, () => new Platform(new App(), 'ballast', testConfig({ clusterName: 'a' })));
    expect(() => synth(f)).toThrow(/^fleet\/a: the platform function did not build the platform in the app it was given\. Build it there and return it/);
  });

  test('a fleet without clusters, with a bad cluster name or an unknown baseline', () => {
    expect(() => new Fleet({ clusters: [{}] as never, platform: () => undefined as never })).toThrow(/^fleet: clusters is a list\./);
    expect(() => new Fleet({ clusters: {}, platform: () => undefined as never })).toThrow(/^fleet: the fleet has no clusters\./);
    expect(() => new Fleet({ clusters: { Prod: {} }, platform: () => undefined as never })).toThrow(/^fleet\/Prod: cluster name "Prod" is not a valid DNS label\./);
    expect(() => new Fleet({ clusters: { a: {} }, baseline: 'b', platform: () => undefined as never })).toThrow(/^fleet: baseline "b" is not one of the clusters \(a\)\./);
  });
});

test('a chart of another version makes that cluster’s file its own, with the reason in its kustomization.yaml', () => {
  const f = new Fleet<{ version: string }>({
    clusters: { staging: { version: '2.20.2' }, qa: { version: '2.20.2' }, production: { version: '2.19.0' } },
    platform: (app, c) => {
      const platform = new Platform(app, 'ballast', testConfig({ clusterName: c.name, sops: { ageRecipients: [TEST_AGE.recipient] } }));
      new HelmComponent(platform, 'keda', { chart: { ...catalog.keda, version: c.settings.version }, namespace: 'keda' });
      return platform;
    },
  });
  const out = readTree(synth(f).flux);
  // Staging and QA share the newer chart; production's file is its own, whole.
  expect(out['base/infrastructure/controllers/keda/keda.yaml']).toContain('version: 2.20.2');
  expect(out['clusters/production/infrastructure/controllers/keda.yaml']).toContain('version: 2.19.0');
  expect(out['clusters/production/infrastructure/controllers/kustomization.yaml']).toContain('#   keda.yaml: its chart version or source differs from the shared one');
  expect(out['clusters/production/infrastructure/controllers/kustomization.yaml']).not.toContain('- ../');
  expect(out['clusters/qa/infrastructure/controllers/kustomization.yaml']).not.toContain('patches');
});

describe('the command line of a fleet', () => {
  test('--cluster is repeatable; without --outdir the folders a stock command asks for are used', () => {
    expect(parseSynthArgs(['--cluster', 'staging', '--cluster=production'], {})).toMatchObject({ clusters: ['staging', 'production'], fluxDir: 'dist/flux', terraformDir: 'dist/cdktf' });
    // `cdktf synth` (cdktf.json "output": "cdktf.out") and `cdk8s synth`: the other backend beside it.
    expect(parseSynthArgs([], { CDKTF_OUTDIR: 'cdktf.out' })).toMatchObject({ fluxDir: 'flux', terraformDir: 'cdktf.out' });
    expect(parseSynthArgs([], { CDK8S_OUTDIR: 'out/flux' })).toMatchObject({ fluxDir: 'out/flux', terraformDir: 'out/cdktf' });
    expect(parseSynthArgs(['--outdir', 'x'], { CDKTF_OUTDIR: 'cdktf.out' })).toMatchObject({ fluxDir: 'x/flux', terraformDir: 'x/cdktf' });
  });

  test('--cluster with a program of one platform is refused', () => {
    expect(() => runCommand('validate', parseSynthArgs(['--cluster', 'staging'], {}), () => new Platform(new App(), 'ballast', testConfig()))).toThrow(
      /^arguments: --cluster staging: the program describes one platform, not a fleet\. Leave --cluster out, or export a Fleet from the program\.$/,
    );
  });

  test('validate checks the selected clusters and writes nothing', () => {
    const dist = tempDir('ballast-fleet-');
    const result = cli('validate', fleet(), dist, '--cluster', 'production');
    expect(result.out).toMatch(/^valid: production \d+ components, \d+ Flux objects, \d+ Terraform releases; nothing written\n$/);
    expect(fs.readdirSync(dist)).toEqual([]);
  });
});
