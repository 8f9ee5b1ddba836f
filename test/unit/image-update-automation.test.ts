// Flux image automation, completed: every setter marker in the Flux tree is reached by an
// ImageUpdateAutomation that can push, and what cannot work is refused at synth.
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { Duration, Flux, ImageUpdateAutomation, ImageUpdateAutomationProps, Manifest, planPlatform, Platform, PlatformConfig, SecretValue, WebService } from '../../lib/internal';
import { testPlatform } from '../support/platforms';
import { problemOf } from '../support/problems';
import { defaultPlan, readTree, synthToTemp, TEST_AGE } from '../support/synth';

const author = { name: 'Flux', email: 'flux@example.com' };
const pushToken = () => SecretValue.fromVariable('git_push_token', 'Token that may push to the platform repository.');
const writeCredentials = () => ({ username: 'git', password: pushToken() });
const service = (platform: Platform, flux: Flux, id: string, namespace: string) =>
  new WebService(platform, id, { namespace, image: `ghcr.io/acme/${id}:1.0.0`, replicas: 1, metricsPath: false, imageAutomation: { flux, semverRange: '^1.0.0' } });

/** A platform with services in two namespaces and the automation, built in the given order. */
function shop(overrides: Partial<PlatformConfig> = {}, automationFirst = false, props: Partial<ImageUpdateAutomationProps> = {}): Platform {
  const platform = testPlatform(overrides);
  const flux = new Flux(platform, 'flux');
  const automate = () => new ImageUpdateAutomation(flux, 'image-updates', { author, writeCredentials: writeCredentials(), ...props });
  if (automationFirst) automate();
  service(platform, flux, 'api', 'shop');
  service(platform, flux, 'web', 'storefront');
  if (!automationFirst) automate();
  return platform;
}

/** Every object of the Flux tree (paths relative to the tree), and the setter markers with their file. */
function fluxTree(dir: string) {
  const files = readTree(path.join(dir, 'flux'));
  const objects: { file: string; object: Manifest }[] = [];
  const markers: { file: string; policy: string }[] = [];
  for (const [file, content] of Object.entries(files)) {
    if (!file.endsWith('.yaml')) continue;
    for (const doc of parseAllDocuments(content)) {
      const object = doc.toJSON() as Manifest | null;
      if (object) objects.push({ file, object });
    }
    for (const m of content.matchAll(/# \{"\$imagepolicy": "([^"]+)"\}/g)) markers.push({ file, policy: m[1] });
  }
  return { files, objects, markers };
}

test('every setter marker is reached by an automation in its policy namespace, over the folder that holds it, through a source that can push', () => {
  const platform = shop({ git: { url: 'https://git.example.com/platform.git', path: 'deploy/flux' } });
  const dir = synthToTemp(platform);
  const { objects, markers } = fluxTree(dir);
  const plan = planPlatform(platform);
  const find = (kind: string, namespace: string, name: string) => objects.find((o) => o.object.kind === kind && o.object.metadata.namespace === namespace && o.object.metadata.name === name);
  expect(markers.map((m) => m.policy).sort()).toEqual(['shop:api', 'storefront:web']);
  for (const { file, policy } of markers) {
    const [namespace, name] = policy.split(':');
    expect(find('ImagePolicy', namespace, name)).toBeDefined();
    const automations = objects.filter((o) => o.object.kind === 'ImageUpdateAutomation' && o.object.metadata.namespace === namespace);
    expect(automations).toHaveLength(1);
    const spec = automations[0].object.spec as { update: { path: string; strategy: string }; sourceRef: { name: string; namespace: string }; git: { push: { branch: string } } };
    // The marker's file, as a path inside the Git repository, lies under the automation's update.path.
    expect(`./deploy/flux/${file}`.startsWith(`${spec.update.path}/`)).toBe(true);
    expect(spec.update.strategy).toBe('Setters');
    expect(spec.git.push.branch).toBe('main');
    // The source is written, points at the platform's repository, and its Secret is created by Terraform.
    const source = find('GitRepository', spec.sourceRef.namespace, spec.sourceRef.name)!.object.spec as { url: string; secretRef: { name: string } };
    expect(source.url).toBe('https://git.example.com/platform.git');
    const secret = plan.terraform.secrets.find((s) => s.namespace === 'flux-system' && s.name === source.secretRef.name)!;
    expect(Object.keys(secret.data).sort()).toEqual(['password', 'username']);
    expect((secret.data.password as SecretValue).variable).toBe('git_push_token');
    // Applied by the apps Kustomization, which also creates the services' namespaces.
    expect(automations[0].file).toBe('apps/flux-image-updates.yaml');
  }
});

test('the automation is the same whether it is built before or after the services', () => {
  const before = readTree(path.join(synthToTemp(shop({}, true)), 'flux'));
  const after = readTree(path.join(synthToTemp(shop({}, false)), 'flux'));
  delete before['.ballast/inventory.json'];
  delete after['.ballast/inventory.json'];
  expect(before).toEqual(after);
});

test('a write token from the environment is SOPS-encrypted into Git and appears nowhere in plain text', () => {
  const token = 'ghp_canaryCanaryCanary0123456789abcdef';
  process.env.BALLAST_TEST_PUSH_TOKEN = token;
  try {
    const platform = shop({ sops: { ageRecipients: [TEST_AGE.recipient] } }, false, {
      secrets: 'sops',
      writeCredentials: { username: 'git', password: SecretValue.fromEnv('BALLAST_TEST_PUSH_TOKEN') },
    });
    const dir = synthToTemp(platform);
    const all = Object.values({ ...readTree(path.join(dir, 'flux')), ...readTree(path.join(dir, 'cdktf')) }).join('\n');
    for (const form of [token, Buffer.from(token).toString('base64'), Buffer.from(token).toString('hex')]) expect(all).not.toContain(form);
    expect(readTree(path.join(dir, 'flux'))['apps/flux-image-updates.yaml']).toMatch(/name: flux-git-push-auth\n {2}namespace: flux-system\n[\s\S]*\nsops:\n/);
  } finally {
    delete process.env.BALLAST_TEST_PUSH_TOKEN;
  }
});

test("the default platform commits the Articles API's new tags, with the token in the Terraform variable git_push_token", () => {
  const { plan } = defaultPlan();
  const objects = plan.flux.flatMap((p) => p.manifests);
  const automations = objects.filter((o) => o.kind === 'ImageUpdateAutomation');
  expect(automations.map((o) => `${o.metadata.namespace}/${o.metadata.name} -> ${(o.spec as { sourceRef: { name: string } }).sourceRef.name}`)).toEqual(['articles/image-updates -> flux-system-push']);
  expect(objects.filter((o) => o.kind === 'ImagePolicy').map((o) => o.metadata.namespace)).toEqual(['articles']);
  const secret = plan.terraform.secrets.find((s) => s.namespace === 'flux-system' && s.name === 'flux-git-push-auth')!;
  expect((secret.data.password as SecretValue).variable).toBe('git_push_token');
});

describe('refused', () => {
  const problems = (build: (platform: Platform, flux: Flux) => void, overrides: Partial<PlatformConfig> = {}) =>
    problemOf(() => {
      const platform = testPlatform(overrides);
      build(platform, new Flux(platform, 'flux'));
      planPlatform(platform);
    });

  test('an automation with no ImagePolicy to apply', () => {
    expect(problems((_, flux) => new ImageUpdateAutomation(flux, 'image-updates', { author, writeCredentials: writeCredentials() }))).toBe(
      'ballast/flux/image-updates: no ImagePolicy of ballast/flux exists, so the automation would never commit anything. Give a WebService imageAutomation: { flux, semverRange }, or remove the ImageUpdateAutomation.',
    );
  });

  test('no credentials that could push', () => {
    expect(problems((platform, flux) => {
      service(platform, flux, 'api', 'shop');
      new ImageUpdateAutomation(flux, 'image-updates', { author });
    })).toBe(
      'ballast/flux/image-updates: the automation has no writeCredentials and the platform has no git.auth, so Flux could clone the repository but never push to it. Give writeCredentials: { username, password: SecretValue.fromVariable("git_push_token", "...") } with a token that may push.',
    );
  });

  test('a plain-text token, a bad user name, an ssh:// URL with HTTPS credentials', () => {
    const plain = { username: 'a user', password: 'ghp_plaintext' as unknown as SecretValue };
    expect(problems((_, flux) => new ImageUpdateAutomation(flux, 'image-updates', { author, writeCredentials: plain }), { git: { url: 'ssh://git@git.example.com/platform.git' } })).toBe(
      [
        'ballast/flux/image-updates: writeCredentials.password is a string, not a SecretValue, and would be written to the output as it is. Pass SecretValue.fromVariable("git_push_token", "...") (or fromEnv, fromFile).',
        'ballast/flux/image-updates: writeCredentials.username is not a user name. Give the user name of the token (for GitHub any non-empty name, e.g. "git").',
        'ballast/flux/image-updates: writeCredentials are HTTPS credentials, but git.url "ssh://git@git.example.com/platform.git" is not an https:// URL. Use the https:// clone URL of the repository.',
      ].join('\n'),
    );
  });

  test('an author Git refuses, a full ref as push branch, an interval Flux refuses, a template field v1 removed', () => {
    const props: ImageUpdateAutomationProps = {
      author: { name: 'Flux <bot>', email: 'flux at example.com' },
      pushBranch: 'refs/heads/main',
      // A Duration has no unit Flux lacks (as "1d" was), but it can hold a fraction of the millisecond Flux counts in.
      interval: Duration.millis(1.5),
      messageTemplate: 'Update {{ range .Updated.Images }}{{ . }}{{ end }} {{ .Changed.ImageResult }}',
      writeCredentials: writeCredentials(),
    };
    expect(problems((_, flux) => new ImageUpdateAutomation(flux, 'image-updates', props))).toBe(
      [
        'ballast/flux/image-updates: author.name "Flux <bot>" is not a Git author name. Give a name without "<", ">" or control characters, e.g. "Flux".',
        'ballast/flux/image-updates: author.email "flux at example.com" is not an e-mail address. Give the address the commits are by, e.g. "flux@example.com".',
        'ballast/flux/image-updates: messageTemplate uses .Updated, which image-automation-controller v1 removed, so every commit would fail. Use .Changed instead.',
        'ballast/flux/image-updates: messageTemplate uses .Changed.ImageResult, which image-automation-controller v1 removed, so every commit would fail. Use .Changed.Changes or .Changed.Objects instead.',
        'ballast/flux/image-updates: pushBranch is not a branch name: "refs/heads/main" is a full ref name, not a branch name. Use the short name of a branch, such as "main" or "release/1.2", without spaces, control characters, "~ ^ : ? * [ \\", "..", "@{", a leading "-", a "/"-separated part starting with "." or ending with ".lock", or a trailing "/" or ".".',
        'ballast/flux/image-updates: interval is 1.5 ms, not a whole number of milliseconds. Use a cdk8s Duration of whole milliseconds, e.g. Duration.minutes(10) or Duration.seconds(30).',
      ].join('\n'),
    );
  });

  test('a second automation of the same Git repository', () => {
    expect(problems((platform, flux) => {
      service(platform, flux, 'api', 'shop');
      new ImageUpdateAutomation(flux, 'image-updates', { author, writeCredentials: writeCredentials() });
      new ImageUpdateAutomation(flux, 'more-updates', { author, writeCredentials: writeCredentials() });
    })).toBe(
      'ballast/flux/more-updates: ballast/flux already has the ImageUpdateAutomation ballast/flux/image-updates, for the same Git repository. Keep one ImageUpdateAutomation per Git repository: two would push the same change twice.',
    );
  });

  test('a multi-tenant Flux, which blocks the reference from the service namespaces to flux-system', () => {
    expect(problemOf(() => {
      const platform = testPlatform();
      const flux = new Flux(platform, 'flux', { extraValues: { instance: { cluster: { multitenant: true } } } });
      new ImageUpdateAutomation(flux, 'image-updates', { author, writeCredentials: writeCredentials() });
      // Props problems are reported when the platform is planned, all of them together.
      planPlatform(platform);
    })).toBe(
      'ballast/flux/image-updates: the FluxInstance of ballast/flux is multi-tenant, which blocks the automations in the service namespaces from the GitRepository in flux-system. Leave instance.cluster.multitenant off in the Flux extraValues.',
    );
  });
});
