// The Terraform side: providers from variables, bootstrap, releases, and no custom resources.
import * as path from 'path';
import { parse } from 'yaml';
import { synthToTemp, terraformJson } from '../support/synth';

const tf = terraformJson(path.join(synthToTemp(), 'cdktf'));
const releases = tf.resource.helm_release as Record<string, any>;
const release = (name: string) => Object.values(releases).find((r) => r.name === name);

test('both providers read the kubeconfig path and context from variables', () => {
  expect(tf.provider.kubernetes[0]).toEqual({ config_path: '${var.kubeconfig_path}', config_context: '${var.kube_context}' });
  expect(tf.provider.helm[0].kubernetes).toEqual({ config_path: '${var.kubeconfig_path}', config_context: '${var.kube_context}' });
});

test('secret inputs are sensitive variables without defaults', () => {
  for (const name of ['grafana_admin_password', 'traefik_admin_users']) {
    expect(tf.variable[name]).toMatchObject({ type: 'string', sensitive: true });
    expect(tf.variable[name].default).toBeUndefined();
  }
  const secret = Object.values(tf.resource.kubernetes_secret_v1 as Record<string, any>).find((s) => s.metadata.name === 'grafana-admin');
  // Write-only: the value reaches the provider, never the state; the revision re-sends it after a rotation.
  expect(secret.data).toBeUndefined();
  expect(secret.data_wo['admin-password']).toBe('${var.grafana_admin_password}');
  expect(secret.data_wo_revision).toBe(1);
  expect(tf.terraform.required_version).toBe('>= 1.11');
});

test('Traefik is a helm_release with its values as YAML', () => {
  const traefik = release('traefik');
  expect(traefik).toMatchObject({ chart: 'traefik', version: '41.3.0', repository: 'https://traefik.github.io/charts' });
  expect(parse(traefik.values[0]).ingressRoute).toEqual({ dashboard: { enabled: false } });
  expect(traefik.namespace).toBe('${kubernetes_namespace_v1.namespace_traefik.metadata[0].name}');
});

test('Flux is bootstrapped from OCI charts, the instance last and synced from the Git repository', () => {
  expect(release('flux-operator')).toMatchObject({ chart: 'flux-operator', repository: 'oci://ghcr.io/controlplaneio-fluxcd/charts' });
  const instance = release('flux');
  expect(instance.depends_on).toEqual(
    expect.arrayContaining(['helm_release.release_flux-system_flux-operator', 'helm_release.release_traefik_traefik']),
  );
  expect(parse(instance.values[0]).instance.sync).toEqual({
    kind: 'GitRepository',
    name: 'flux-system',
    url: 'https://github.com/example/platform-gitops.git',
    ref: 'refs/heads/main',
    path: 'clusters/production',
    interval: '10m',
  });
});

test('the stack holds no custom resource (it must plan against an empty cluster)', () => {
  for (const m of Object.values((tf.resource.kubernetes_manifest ?? {}) as Record<string, any>)) {
    const group = m.manifest.apiVersion.includes('/') ? m.manifest.apiVersion.split('/')[0] : '';
    expect(group === '' || !group.includes('.') || group.endsWith('.k8s.io')).toBe(true);
  }
});

test('the namespace that holds Prometheus data cannot be destroyed', () => {
  const metadata = ['metadata[0].labels', 'metadata[0].annotations'];
  expect(tf.resource.kubernetes_namespace_v1.namespace_monitoring.lifecycle).toEqual({ prevent_destroy: true, ignore_changes: metadata });
  expect(tf.resource.kubernetes_namespace_v1.namespace_traefik.lifecycle).toEqual({ ignore_changes: metadata });
});

test('flux-system: the labels and annotations flux-operator puts there are not Terraform\'s to strip', () => {
  expect(tf.resource.kubernetes_namespace_v1['namespace_flux-system'].lifecycle.ignore_changes).toEqual(['metadata[0].labels', 'metadata[0].annotations']);
  expect(tf.resource.kubernetes_namespace_v1['namespace_flux-system'].metadata).toEqual({ name: 'flux-system' });
});

test('the local state lives at the project root, outside dist/, by a relative path (the same bytes in every checkout)', () => {
  expect(tf.terraform.backend.local.path).toBe('../../../../terraform.ballast.tfstate');
});
