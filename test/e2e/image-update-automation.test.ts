// A real kube-apiserver 1.34 with the CRDs of Flux's source and image controllers accepts every object of
// image automation (ImageRepository, ImagePolicy, the ImageUpdateAutomations, the push GitRepository and
// its Secret) in the order Terraform and Flux apply them, and a second apply changes nothing.
import * as path from 'path';
import { Duration, Flux, GitSourceConfig, ImageUpdateAutomation, Manifest, Platform, SecretValue, WebService } from '../../lib/internal';
import { rolloutOrder, Rollout } from '../support/e2e/rollout';
import { apiServerForFile, describeObject } from '../support/e2e/server-side-apply';
import { testPlatform } from '../support/platforms';
import { needsReferenceData } from '../support/reference-gate';
import { allCrds } from '../support/shared-data';
import { plannedAndSaved, synthToTemp, TEST_AGE } from '../support/synth';

const api = apiServerForFile();

const crds = needsReferenceData('image automation objects applied to the API server (the Flux CRDs)');
const author = { name: 'Flux', email: 'flux@example.com' };

/** Services in two namespaces, their policies, and the automation with its own push source. */
function platformWith(build: (platform: Platform, flux: Flux) => void, git: Partial<GitSourceConfig> = {}): Platform {
  const platform = testPlatform({ git: { url: 'https://git.example.com/platform.git', ...git }, sops: { ageRecipients: [TEST_AGE.recipient] } });
  const flux = new Flux(platform, 'flux');
  for (const [id, namespace] of [['api', 'shop'], ['web', 'storefront']]) {
    new WebService(platform, id, { namespace, image: `ghcr.io/acme/${id}:1.0.0`, replicas: 1, metricsPath: false, imageAutomation: { flux, semverRange: '^1.0.0' } });
  }
  build(platform, flux);
  return platform;
}

/**
 * Every object of `platform` in the order Terraform and Flux apply them. Within one Flux step,
 * kustomize-controller applies Namespaces before everything else (its staged server-side apply), and the
 * automations are in the apps step with the namespaces of the services, in another file.
 */
function rolloutOf(platform: Platform): Rollout[] {
  const dir = synthToTemp(platform);
  const objects = rolloutOrder(plannedAndSaved(platform), path.join(dir, 'flux'));
  const step = (o: Rollout) => (o.source.startsWith('dist/flux/') ? path.dirname(o.source) : o.source);
  const steps = [...new Set(objects.map(step))];
  return steps.flatMap((s) => {
    const of = objects.filter((o) => step(o) === s);
    return [...of.filter((o) => o.object.kind === 'Namespace'), ...of.filter((o) => o.object.kind !== 'Namespace')];
  });
}

const withTerraformToken = platformWith(
  (_, flux) =>
    new ImageUpdateAutomation(flux, 'image-updates', {
      author,
      writeCredentials: { username: 'git', password: SecretValue.fromVariable('git_push_token', 'Token that may push.') },
    }),
  { path: 'deploy/flux', branch: 'release/1.x' },
);
const rollout = rolloutOf(withTerraformToken);

const applyAll = (objects: readonly Rollout[], options: { dryRun?: boolean } = {}) => api.ssa.applyEach(objects, options);

const find = (objects: readonly Rollout[], kind: string, namespace?: string): Rollout => {
  const found = objects.find((o) => o.object.kind === kind && (namespace === undefined || o.object.metadata.namespace === namespace));
  if (!found) throw new Error(`no ${kind} in the rollout`);
  return found;
};

test('the rollout holds every object of image automation', () => {
  expect(rollout.map((o) => describeObject(o.object)).filter((d) => /^(Image|GitRepository|Secret flux-system)/.test(d)).sort()).toEqual([
    'GitRepository flux-system/flux-system-push',
    'ImagePolicy shop/api',
    'ImagePolicy storefront/web',
    'ImageRepository shop/api',
    'ImageRepository storefront/web',
    'ImageUpdateAutomation shop/image-updates',
    'ImageUpdateAutomation storefront/image-updates',
    'Secret flux-system/flux-git-push-auth',
  ]);
  // Terraform writes the push credentials before Flux applies anything.
  expect(find(rollout, 'Secret').source).toBe('dist/cdktf (Terraform secret)');
});

crds.test('the CRDs of the reference data are installed and Established', async () => {
  const all = allCrds();
  const { problems } = await applyAll(all.map(({ file, crd }) => ({ source: file, object: crd as Manifest })));
  expect(problems).toEqual([]);
  await api.ssa.waitEstablished(all.map(({ crd }) => crd.metadata.name));
});

crds.test('every object is accepted, without warnings, in apply order; applying again stores nothing new', async () => {
  const first = await applyAll(rollout);
  expect(first.problems).toEqual([]);
  const automation = first.stored.find((o) => o.kind === 'ImageUpdateAutomation' && o.metadata.namespace === 'shop')!;
  expect(automation.spec).toEqual({
    interval: '10m',
    sourceRef: { kind: 'GitRepository', name: 'flux-system-push', namespace: 'flux-system' },
    git: {
      checkout: { ref: { branch: 'release/1.x' } },
      commit: { author, messageTemplate: expect.stringContaining('{{ range .Changed.Changes -}}') },
      push: { branch: 'release/1.x' },
    },
    update: { path: './deploy/flux', strategy: 'Setters' },
  });
  const source = first.stored.find((o) => o.kind === 'GitRepository')!;
  expect(source.spec).toMatchObject({ url: 'https://git.example.com/platform.git', ref: { branch: 'release/1.x' }, secretRef: { name: 'flux-git-push-auth' } });
  const secret = first.stored.find((o) => o.kind === 'Secret' && o.metadata.name === 'flux-git-push-auth') as Manifest & { data: Record<string, string> };
  expect(Object.keys(secret.data).sort()).toEqual(['password', 'username']);

  // The second apply may persist the status defaults of the CRDs (observedGeneration -1); from then on
  // the server stores nothing at all.
  const second = await applyAll(rollout);
  const third = await applyAll(rollout);
  expect([...second.problems, ...third.problems]).toEqual([]);
  expect(third.stored.map((o) => o.metadata.resourceVersion)).toEqual(second.stored.map((o) => o.metadata.resourceVersion));
});

crds.test('the other shapes are accepted too: the sync source, a push branch and template of its own, a SOPS-encrypted token', async () => {
  process.env.BALLAST_E2E_PUSH_TOKEN = 'e2e-token';
  try {
    const throughSync = platformWith(
      (_, flux) => new ImageUpdateAutomation(flux, 'image-updates', { author, pushBranch: 'image-updates', interval: Duration.minutes(30), messageTemplate: 'chore: images of {{ .AutomationObject.Namespace }}' }),
      { auth: { username: 'git', password: SecretValue.fromVariable('git_token', 'Token of the repository.') } },
    );
    const sops = platformWith((_, flux) =>
      new ImageUpdateAutomation(flux, 'image-updates', { author, secrets: 'sops', writeCredentials: { username: 'git', password: SecretValue.fromEnv('BALLAST_E2E_PUSH_TOKEN') } }),
    );
    const objects = [...rolloutOf(throughSync), ...rolloutOf(sops)].filter((o) => /^(Namespace|Image|GitRepository|Secret)/.test(o.object.kind));
    // A dry run: what the server would store, without changing what the test above applied.
    const { problems, stored } = await applyAll(objects, { dryRun: true });
    expect(problems).toEqual([]);
    const automations = stored.filter((o) => o.kind === 'ImageUpdateAutomation');
    expect(automations.map((o) => (o.spec as { sourceRef: { name: string } }).sourceRef.name)).toEqual(['flux-system', 'flux-system', 'flux-system-push', 'flux-system-push']);
    // The SOPS-encrypted Secret reaches the cluster decrypted, as kustomize-controller applies it.
    const secret = stored.find((o) => o.kind === 'Secret' && o.metadata.name === 'flux-git-push-auth') as Manifest & { data: Record<string, string> };
    expect(Buffer.from(secret.data.password, 'base64').toString()).toBe('e2e-token');
  } finally {
    delete process.env.BALLAST_E2E_PUSH_TOKEN;
  }
});

describe('the checks can fail', () => {
  const withSpec = (o: Rollout, spec: Record<string, unknown>): Rollout => ({ ...o, object: { ...o.object, spec: { ...(o.object.spec as object), ...spec } } });

  crds.test('an automation whose commit has no author e-mail is rejected', async () => {
    const automation = find(rollout, 'ImageUpdateAutomation', 'shop');
    const git = (automation.object.spec as { git: Record<string, unknown> }).git;
    const broken = withSpec(automation, { git: { ...git, commit: { author: { name: 'Flux' } } } });
    expect((await applyAll([broken], { dryRun: true })).problems).toEqual([expect.stringMatching(/ImageUpdateAutomation shop\/image-updates was rejected: .*spec\.git\.commit\.author\.email: Required value/)]);
  });

  crds.test('a source that is not a GitRepository is rejected', async () => {
    const automation = find(rollout, 'ImageUpdateAutomation', 'shop');
    const broken = withSpec(automation, { sourceRef: { kind: 'OCIRepository', name: 'flux-system' } });
    expect((await applyAll([broken], { dryRun: true })).problems).toEqual([expect.stringMatching(/ImageUpdateAutomation shop\/image-updates was rejected: .*spec\.sourceRef\.kind: Unsupported value: "OCIRepository"/)]);
  });
});
