// A secret chart value reaches Helm by reference: set_wo (write-only) in Terraform, valuesFrom in Flux.
import { Construct } from 'constructs';
import * as path from 'path';
import { Backend, catalog, Component, planPlatform, SecretValue, terraformObjects } from '../../lib/internal';
import { testPlatform } from '../support/platforms';
import { fluxObjects, readTree, synthToTemp, terraformJson } from '../support/synth';

class WithSecretValue extends Component {
  constructor(scope: Construct, id: string, deployWith: Backend) {
    super(scope, id, { namespace: 'edge', deployWith });
    this.addChart(catalog.traefik, { deployment: { replicas: 1 } }, {
      sensitiveValues: [{ path: 'hub.token', value: SecretValue.fromVariable('hub_token', 'Traefik Hub token.') }],
    });
  }
}

function synth(deployWith: Backend) {
  const platform = testPlatform();
  new WithSecretValue(platform, 'proxy', deployWith);
  return { plan: planPlatform(platform), dir: synthToTemp(platform) };
}

test('Terraform passes it write-only (set_wo) from a sensitive variable, so it never reaches the state', () => {
  const { dir } = synth('terraform');
  const tf = terraformJson(path.join(dir, 'cdktf'));
  const release = Object.values(tf.resource.helm_release as Record<string, any>)[0];
  expect(release.set_sensitive).toBeUndefined();
  expect(release.set_wo).toEqual([{ name: 'hub.token', value: '${var.hub_token}' }]);
  expect(release.set_wo_revision).toBe(1);
  expect(tf.variable.hub_token).toEqual({ type: 'string', sensitive: true, description: 'Traefik Hub token.' });
});

test('Flux reads it from a Secret that Terraform creates, and Git never holds it', () => {
  const { plan, dir } = synth('flux');
  const hr = fluxObjects(path.join(dir, 'flux')).find((o) => o.object.kind === 'HelmRelease')!.object as any;
  expect(hr.spec.valuesFrom).toEqual([{ kind: 'Secret', name: 'traefik-sensitive-values', valuesKey: 'hub.token', targetPath: 'hub.token' }]);
  expect(hr.spec.values).toEqual({ deployment: { replicas: 1 } });
  const secrets = terraformObjects(plan, (v) => `value-of-${v.variable}`).secrets;
  expect(secrets).toEqual([
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'traefik-sensitive-values', namespace: 'edge' },
      type: 'Opaque',
      stringData: { 'hub.token': 'value-of-hub_token' },
    },
  ]);
  // The namespace holding that secret is created by Terraform, before Flux runs.
  expect(plan.namespaces).toMatchObject([{ name: 'edge', owner: 'terraform', stateful: false }]);
  expect(Object.values(readTree(path.join(dir, 'flux'))).join()).not.toContain('value-of');
});
