// No secret value reaches the Terraform state: every attribute that carries a sensitive variable is a
// write-only one (Terraform >= 1.11 sends it to the provider and stores nothing), checked on the whole
// synthesized stack of the default platform and of a platform that uses every Terraform secret path.
import * as path from 'path';
import { catalog, Component, Flux, KubePrometheusStack, Platform, SecretValue, Traefik } from '../../lib/internal';
import { testPlatform } from '../support/platforms';
import { synthToTemp, terraformJson } from '../support/synth';

/** Every `${var.<name>}` of a sensitive variable in `value`, with the attribute path that holds it. */
function sensitiveUses(value: unknown, sensitive: Set<string>, at: string[] = []): string[][] {
  if (typeof value === 'string') {
    return [...value.matchAll(/\$\{var\.([a-z0-9_]+)\}/g)].filter((m) => sensitive.has(m[1])).map(() => at);
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => sensitiveUses(v, sensitive, [...at, String(i)]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => sensitiveUses(v, sensitive, [...at, k]));
  return [];
}

class WithChartSecret extends Component {
  constructor(scope: Platform) {
    super(scope, 'proxy', { namespace: 'proxy', deployWith: 'terraform' });
    this.addChart(catalog.keda, {}, { releaseName: 'proxy', sensitiveValues: [{ path: 'hub.token', value: SecretValue.fromVariable('hub_token', 'Hub token.') }] });
  }
}

function everyPath(): Platform {
  const platform = testPlatform({ git: { url: 'https://git.example.com/p.git', auth: { username: 'flux', password: SecretValue.fromVariable('git_token', 'Git token.') } } });
  new Flux(platform, 'flux');
  const traefik = new Traefik(platform, 'traefik', { deployWith: 'terraform' });
  new KubePrometheusStack(platform, 'monitoring', { deployWith: 'terraform', nodePool: 'monitor', ingress: traefik });
  new WithChartSecret(platform);
  return platform;
}

test.each([
  ['the default platform', undefined],
  ['Git credentials, Helm values and Secrets of Terraform-deployed charts', everyPath],
])('%s: sensitive variables are used only by write-only attributes', (_name, build) => {
  const tf = terraformJson(path.join(synthToTemp(build?.()), 'cdktf'));
  const sensitive = new Set(Object.entries(tf.variable as Record<string, { sensitive?: boolean }>).filter(([, v]) => v.sensitive).map(([k]) => k));
  expect(sensitive.size).toBeGreaterThan(0);
  const uses = Object.entries(tf.resource as Record<string, Record<string, unknown>>).flatMap(([type, resources]) =>
    Object.entries(resources).flatMap(([name, body]) => sensitiveUses(body, sensitive, [type, name])),
  );
  expect(uses.length).toBeGreaterThan(0);
  const stored = uses.filter((at) => !at.some((segment) => segment.endsWith('_wo'))).map((at) => at.join('.'));
  expect(stored).toEqual([]);
  expect(tf.terraform.required_version).toBe('>= 1.11');
});
