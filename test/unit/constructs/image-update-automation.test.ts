// What an ImageUpdateAutomation emits: one ImageUpdateAutomation in each namespace that holds ImagePolicies
// (the controller applies the policies of its own namespace only), pushing through the sync source or a
// GitRepository `flux-system-push` with write credentials of its own.
import { Duration, Flux, ImageUpdateAutomation, Platform, SecretValue, WebService } from '../../../lib';
import { synthComponent } from '../../../lib/testing';
import { TEST_AGE } from '../../support/synth';

const author = { name: 'Flux', email: 'flux@example.com' };
const service = (scope: Platform, flux: Flux, id: string, namespace: string) =>
  new WebService(scope, id, { namespace, image: `ghcr.io/acme/${id}:1.4.2`, replicas: 1, metricsPath: false, imageAutomation: { flux, semverRange: '^1.4.0' } });

test('ImageUpdateAutomation with write credentials from a Terraform variable, the Flux tree in a sub-folder', () => {
  const output = synthComponent(
    (platform) => {
      const flux = new Flux(platform, 'flux'); // the image.toolkit and source.toolkit CRDs
      service(platform, flux, 'api', 'shop');
      const automation = new ImageUpdateAutomation(flux, 'image-updates', {
        author,
        writeCredentials: { username: 'git', password: SecretValue.fromVariable('git_push_token', 'Token that may push to the platform repository.') },
      });
      // Services added after the automation get theirs too; two in one namespace share one.
      service(platform, flux, 'worker', 'shop');
      service(platform, flux, 'web', 'storefront');
      return automation;
    },
    { config: { git: { url: 'https://git.example.com/platform.git', branch: 'release/1.x', path: 'deploy/flux' } } },
  );
  expect(output).toMatchSnapshot();
});

test('ImageUpdateAutomation through the sync source (git.auth may push), to a branch of its own', () => {
  const output = synthComponent(
    (platform) => {
      const flux = new Flux(platform, 'flux');
      service(platform, flux, 'api', 'shop');
      return new ImageUpdateAutomation(flux, 'image-updates', {
        author,
        pushBranch: 'image-updates',
        interval: Duration.minutes(30),
        messageTemplate: 'chore: images of {{ .AutomationObject.Namespace }}',
      });
    },
    { config: { git: { url: 'https://git.example.com/platform.git', auth: { username: 'git', password: SecretValue.fromVariable('git_token', 'Token of the platform repository.') } } } },
  );
  expect(output).toMatchSnapshot();
});

test('ImageUpdateAutomation with write credentials SOPS-encrypted into Git', () => {
  process.env.BALLAST_TEST_GIT_PUSH_TOKEN = 'test-token-never-shown';
  try {
    const output = synthComponent(
      (platform) => {
        const flux = new Flux(platform, 'flux');
        service(platform, flux, 'api', 'shop');
        return new ImageUpdateAutomation(flux, 'image-updates', {
          author,
          secrets: 'sops',
          writeCredentials: { username: 'git', password: SecretValue.fromEnv('BALLAST_TEST_GIT_PUSH_TOKEN') },
        });
      },
      { config: { sops: { ageRecipients: [TEST_AGE.recipient] } } },
    );
    expect(output).toMatchSnapshot();
    expect(JSON.stringify(output)).not.toContain('test-token-never-shown');
  } finally {
    delete process.env.BALLAST_TEST_GIT_PUSH_TOKEN;
  }
});
