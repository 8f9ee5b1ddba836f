// The helper's own promises: no secret value in its output, the same output every time, `only` by path.
import { ApiObject } from 'cdk8s';
import { Component, Platform, SecretValue, Traefik, WebService } from '../../../lib';
import { defaultTestConfig, synthComponent } from '../../../lib/testing';

const sops = { ageRecipients: ['age16ztwxllpspvkz0l6rm6avazgpvct8r4dza3wqu74pwy5a6wq4qsqn2u6ym'] };
const CANARY = 'canary-7d1f4c2e9b8a6350';

function serviceWithSecretEnv(secrets: 'terraform' | 'sops') {
  process.env.SYNTH_COMPONENT_CANARY = CANARY;
  return synthComponent(
    (platform) =>
      new WebService(platform, 'api', {
        image: 'ghcr.io/acme/api:1.4.2',
        metricsPath: false,
        secrets,
        env: { TOKEN: secrets === 'sops' ? SecretValue.fromEnv('SYNTH_COMPONENT_CANARY') : SecretValue.fromVariable('api_token', 'API token.') },
      }),
    { config: { sops } },
  );
}

test('a Secret in Git is shown as its shape: no value, no ciphertext', () => {
  const output = serviceWithSecretEnv('sops');
  const text = JSON.stringify(output);
  for (const form of [CANARY, Buffer.from(CANARY).toString('base64'), 'ENC[', 'AGE-SECRET-KEY']) expect(text).not.toContain(form);
  expect(output.flux['apps/api.yaml']).toContainEqual({ kind: 'Secret', name: 'api-env', namespace: 'api', type: 'Opaque', keys: ['TOKEN'], writtenBy: 'sops' });
});

test('a Secret Terraform writes is shown with its keys, and the variables it reads are listed', () => {
  const output = serviceWithSecretEnv('terraform');
  expect(output.terraform['kubernetes_secret_v1.secret_api_api-env']).toMatchObject({ keys: ['TOKEN'] });
  expect(output.terraformVariables).toEqual(['api_token']);
});

test('the output is the same on every call (SOPS documents included)', () => {
  expect(serviceWithSecretEnv('sops')).toEqual(serviceWithSecretEnv('sops'));
});

test('only: a path below the platform or from the root; a path that names nothing is refused with the components', () => {
  const build = (platform: Platform) => {
    new Traefik(platform, 'traefik');
  };
  expect(synthComponent(build, { only: 'traefik/dashboard' })).toEqual(synthComponent(build, { only: 'ballast/traefik/dashboard' }));
  expect(Object.values(synthComponent(build, { only: 'traefik/dashboard' }).flux).flat().map((o) => o.kind)).toEqual(['IngressRoute', 'Certificate']);
  expect(() => synthComponent(build, { only: 'traefik/nothing' })).toThrow('ballast: only names "traefik/nothing", which is no construct of the platform. Name a construct path below the platform, such as "traefik".');
});

test('without a selection, every component of the platform is shown', () => {
  const output = synthComponent((platform) => {
    for (const id of ['one', 'two']) {
      const c = new Component(platform, id, { namespace: id });
      new ApiObject(c, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } });
    }
  });
  expect(Object.keys(output.flux)).toEqual(['infrastructure/controllers/one.yaml', 'infrastructure/controllers/two.yaml']);
});

test('defaultTestConfig', () => {
  expect(defaultTestConfig()).toEqual({ domain: 'example.com', clusterName: 'test', git: { url: 'https://git.example.com/platform.git' } });
});
