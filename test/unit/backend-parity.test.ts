// The same component deployed by either backend gets the same values: the backends cannot drift.
import * as path from 'path';
import { parse } from 'yaml';
import { Backend, KubePrometheusStack, Platform, Traefik } from '../../lib/internal';
import { fluxObjects, synthToTemp, terraformJson } from '../support/synth';
import { testPlatform } from '../support/platforms';

function build(backend: Backend): Platform {
  const platform = testPlatform();
  const traefik = new Traefik(platform, 'traefik', { deployWith: backend, nodePool: 'monitor' });
  new KubePrometheusStack(platform, 'monitoring', { deployWith: backend, nodePool: 'monitor', ingress: traefik });
  return platform;
}

function synth(platform: Platform): { flux: string; cdktf: string } {
  const dir = synthToTemp(platform);
  return { flux: path.join(dir, 'flux'), cdktf: path.join(dir, 'cdktf') };
}

const viaFlux = synth(build('flux'));
const viaTerraform = synth(build('terraform'));

test.each(['traefik', 'kube-prometheus-stack'])('%s: HelmRelease values equal helm_release values', (release) => {
  const hr = fluxObjects(viaFlux.flux).find((o) => o.object.kind === 'HelmRelease' && o.object.metadata.name === release);
  const tf = Object.values(terraformJson(viaTerraform.cdktf).resource.helm_release as Record<string, any>).find((r) => r.name === release);
  expect(hr).toBeDefined();
  expect(tf).toBeDefined();
  const fluxValues = (hr!.object.spec as { values: unknown }).values;
  expect(parse(tf.values[0])).toEqual(fluxValues);
  expect(tf.version).toBe((hr!.object.spec as any).chart.spec.version);
});

test.each(['traefik', 'kube-prometheus-stack'])('%s: the same release policy on both backends (timeout, wait, remediation, CRDs)', (release) => {
  const hr = fluxObjects(viaFlux.flux).find((o) => o.object.kind === 'HelmRelease' && o.object.metadata.name === release)!.object.spec as Record<string, any>;
  const tf = Object.values(terraformJson(viaTerraform.cdktf).resource.helm_release as Record<string, any>).find((r) => r.name === release);
  expect([hr.timeout, tf.timeout]).toEqual(['10m', 600]);
  expect([hr.install.disableWait, tf.wait, tf.wait_for_jobs]).toEqual([undefined, true, true]);
  expect([hr.install.remediation.remediateLastFailure, hr.upgrade.remediation.strategy, tf.atomic]).toEqual([true, 'rollback', true]);
  // Both charts keep their CRDs in crds/: Flux replaces them on upgrade; Terraform installs them (first install only).
  expect([hr.install.crds, hr.upgrade.crds, tf.skip_crds]).toEqual(['CreateReplace', 'CreateReplace', false]);
});

test('custom resources go to Flux whichever backend deploys the component', () => {
  const kinds = (dir: string) => fluxObjects(dir).filter((o) => o.object.kind === 'IngressRoute').map((o) => o.object.metadata.name).sort();
  expect(kinds(viaTerraform.flux)).toEqual(kinds(viaFlux.flux));
  expect(kinds(viaFlux.flux)).toEqual(['dashboard', 'grafana', 'prometheus']);
});

test('a Terraform-managed component leaves no HelmRelease in the Flux repository', () => {
  expect(fluxObjects(viaTerraform.flux).filter((o) => o.object.kind === 'HelmRelease')).toEqual([]);
});
