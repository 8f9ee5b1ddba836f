// The Barman Cloud plugin's install, as BarmanCloudPlugin writes it, against the pinned upstream release:
// `kubectl kustomize` of the module's kubernetes/ folder (what its release manifest is built from,
// Taskfile.yml `manifest-internal`) with the release's image substitutions. Every object and field must be
// upstream's but for the deviations listed here, so a version bump that changes the install fails.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { BARMAN_CLOUD_PLUGIN, BarmanCloudPlugin, Manifest } from '../../lib/internal';
import { objectStoreCrdText, OBJECT_STORE_CRD_FILE } from '../../scripts/barman-cloud-crd';
import { testPlatform } from '../support/platforms';
import { toolPath } from '../support/tools';

const ROOT = path.resolve(__dirname, '../..');
const moduleDir = toolPath('plugin-barman-cloud');
const key = (o: Manifest) => `${o.kind}/${o.metadata.name}`;
/** Objects with their keys sorted, so that the comparison is of content, not of the order of fields. */
const canonical = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(canonical) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])])) : v;

function upstream(): Map<string, Manifest> {
  const out = execFileSync(toolPath('kubectl'), ['kustomize', path.join(moduleDir, 'kubernetes')], { encoding: 'utf8', maxBuffer: 32 * 1024 * 1024 });
  const objects = parseAllDocuments(out).map((d) => d.toJSON() as Manifest).filter(Boolean);
  return new Map(objects.map((o) => [key(o), o]));
}

function ours(): Map<string, Manifest> {
  const plugin = new BarmanCloudPlugin(testPlatform(), 'barman-cloud');
  return new Map((plugin.manifests() as Manifest[]).map((o) => [key(o), o]));
}

/**
 * Upstream's install turned into what ballast writes, by the release's own substitutions and ballast's
 * deliberate deviations; anything else that differs is a difference.
 */
function expected(objects: Map<string, Manifest>): Map<string, Manifest> {
  const out = new Map<string, Manifest>();
  for (const [k, o] of objects) {
    const copy = structuredClone(o) as any;
    // Deviation 1: the sidecar image is a plain env value, not a generated Secret (it is no secret, and
    // ballast writes no Secret whose value it knows).
    if (copy.kind === 'Secret') continue;
    if (copy.kind === 'Deployment') {
      const c = copy.spec.template.spec.containers[0];
      // The release's substitution (Taskfile.yml manifest-internal): the released images at the tag.
      expect(c.image).toBe('ghcr.io/cloudnative-pg/plugin-barman-cloud-testing:main');
      c.image = BARMAN_CLOUD_PLUGIN.image;
      c.env = [{ name: 'SIDECAR_IMAGE', value: BARMAN_CLOUD_PLUGIN.sidecarImage }];
      // Deviation 2: requests and a memory limit (upstream leaves them empty; ballast plans capacity).
      expect(c.resources).toEqual({});
      c.resources = { limits: { memory: '256Mi' }, requests: { cpu: '50m', memory: '64Mi' } };
    }
    out.set(k, copy);
  }
  return out;
}

test('the objects are the pinned release\'s install, with the released images', () => {
  const want = expected(upstream());
  const got = ours();
  expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
  for (const [k, o] of got) expect([k, canonical(o)]).toEqual([k, canonical(want.get(k))]);
});

// Mutation (done): changing `--log-level=debug` to `--log-level=info` in barman-cloud-plugin.ts, or
// dropping a verb from the plugin's ClusterRole in barman-cloud-rbac.ts, fails the test above.

test('the ObjectStore CRD ballast installs is the generated file of the pinned module, unchanged', () => {
  expect(fs.readFileSync(path.join(ROOT, OBJECT_STORE_CRD_FILE), 'utf8')).toBe(objectStoreCrdText(moduleDir));
});

test('scripts/tools.sh pins the plugin and gofakes3 at the versions the library and tools/gofakes3 pin', () => {
  const tools = fs.readFileSync(path.join(ROOT, 'scripts', 'tools.sh'), 'utf8');
  expect(`v${/^BARMAN_CLOUD_PLUGIN_VERSION=(\S+)$/m.exec(tools)?.[1]}`).toBe(BARMAN_CLOUD_PLUGIN.version);
  expect(BARMAN_CLOUD_PLUGIN.image.endsWith(`:${BARMAN_CLOUD_PLUGIN.version}`)).toBe(true);
  const goMod = fs.readFileSync(path.join(ROOT, 'tools', 'gofakes3', 'go.mod'), 'utf8');
  expect(/github\.com\/johannesboyne\/gofakes3 (v\S+)/.exec(goMod)?.[1]).toBe(`v${/^GOFAKES3_VERSION=(\S+)$/m.exec(tools)?.[1]}`);
});

test('the plugin\'s pods meet Pod Security restricted, and only the CloudNativePG operator may call it', () => {
  const plugin = new BarmanCloudPlugin(testPlatform(), 'barman-cloud');
  expect(plugin.podSecurity.level).toBe('restricted');
  expect(plugin.network.connections).toEqual([
    expect.objectContaining({ from: { kind: 'role', role: 'postgres-operator' }, ports: [{ port: 9090, protocol: 'TCP' }] }),
  ]);
});
