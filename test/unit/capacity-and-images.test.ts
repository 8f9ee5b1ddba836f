import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
// Node pool capacity at synth, and Flux image automation of a WebService.
import * as path from 'path';
import { Flux, HorizontalAutoscaler, NodePoolCapacity, planPlatform, Platform, PlatformConfig, WebService } from '../../lib/internal';
import { testPlatform } from '../support/platforms';
import { problemOf } from '../support/problems';
import { defaultPlan, readTree, synthToTemp } from '../support/synth';

const appsPool = (capacity: NodePoolCapacity): Partial<PlatformConfig> => ({
  nodePools: [{ name: 'apps', labels: { pool: 'apps' }, capacity }],
});
const planProblems = (platform: Platform) => problemOf(() => planPlatform(platform));
const api = (platform: Platform, maxReplicas = 10) => {
  const service = new WebService(platform, 'api', { image: 'ghcr.io/acme/api:1.0.0', nodePool: 'apps', resources: { cpu: { request: Cpu.millis(500) }, memory: { request: Size.mebibytes(512) } }, metricsPath: false });
  new HorizontalAutoscaler(service, 'hpa', { target: service, maxReplicas, cpuUtilization: 70 });
  return service;
};

test("a pool that cannot hold its workloads at their autoscalers' maximum fails synth with the numbers", () => {
  const platform = testPlatform(appsPool({ nodes: 2, cpu: Cpu.units(2), memory: Size.gibibytes(4) }));
  api(platform, 10);
  expect(planProblems(platform)).toBe(
    'ballast: node pool "apps" is too small: its workloads request 5 CPU and 5Gi at their maximum replicas (api 10 x 500m / 512Mi), its 2 nodes allocate 4 CPU and 8Gi. ' +
      'Add nodes to the pool, lower requests or maximum replicas, or move workloads to another pool.',
  );
});

test('a pool over 85% full is a note, not an error', () => {
  const platform = testPlatform(appsPool({ nodes: 2, cpu: Cpu.units(2), memory: Size.gibibytes(4) }));
  api(platform, 7);
  expect(planPlatform(platform).notes).toEqual([
    'node pool "apps" is over 85% full: its workloads request 3.5 CPU and 3.5Gi at their maximum replicas (api 7 x 500m / 512Mi), its 2 nodes allocate 4 CPU and 8Gi; a rolling update or an eviction may leave pods Pending',
  ]);
  expect(planPlatform(testPlatform(appsPool({ nodes: 4, cpu: Cpu.units(2), memory: Size.gibibytes(4) }))).notes).toEqual([]);
});

test('a pod bigger than a node, and a pool size that is not a quantity, are refused', () => {
  const platform = testPlatform(appsPool({ nodes: 3, cpu: Cpu.millis(400), memory: Size.gibibytes(4) }));
  api(platform, 2);
  expect(planProblems(platform)).toContain('ballast/api: one pod of api requests 500m CPU and 512Mi, more than a node of pool "apps" allocates (400m CPU, 4Gi). Lower the requests, or use bigger nodes in the pool.');
  // What the types let through: a NaN CPU and a size that is not whole bytes (0.1 GiB), all reported at once.
  expect(() => testPlatform(appsPool({ nodes: 0, cpu: Cpu.units(Number.NaN), memory: Size.gibibytes(0.1) }))).toThrow(
    'ballast: node pool "apps" has capacity.nodes 0. Give the number of nodes, 1 or more.\n' +
      'ballast: node pool "apps" has capacity.cpu that is "NaN", which is not a CPU quantity. Use a cdk8s-plus Cpu of whole millicores, e.g. Cpu.millis(500) or Cpu.units(2), the allocatable CPU of one node.\n' +
      'ballast: node pool "apps" has capacity.memory that is 107374182.4 bytes, not a whole number of bytes. Use a cdk8s Size of whole bytes, e.g. Size.gibibytes(20) or Size.mebibytes(512), the allocatable memory of one node.',
  );
});

test('the default platform fits its pools', () => {
  expect(defaultPlan().plan.notes.filter((n) => n.includes('node pool'))).toEqual([]);
});

test('image automation: ImageRepository, ImagePolicy, the marker on the image line naming that policy, and the Flux image controllers', () => {
  const dir = synthToTemp();
  const file = readTree(path.join(dir, 'flux'))['apps/articles-api.yaml'];
  expect(file).toContain('          image: ghcr.io/example/articles-api:1.0.0 # {"$imagepolicy": "articles:articles-api"}\n');
  expect(file).toContain('kind: ImagePolicy\nmetadata:\n  name: articles-api\n  namespace: articles\nspec:\n  imageRepositoryRef:\n    name: articles-api\n  policy:\n    semver:\n      range: ^1.0.0\n');
  expect(file).toContain('kind: ImageRepository\nmetadata:\n  name: articles-api\n  namespace: articles\nspec:\n  image: ghcr.io/example/articles-api\n  interval: 5m\n');
  const instance = defaultPlan().plan.terraform.releases.find((r) => r.chart.chart.chart === 'flux-instance')!;
  expect((instance.chart.values.instance as { components: string[] }).components).toEqual(
    expect.arrayContaining(['image-reflector-controller', 'image-automation-controller']),
  );
});

test('a marker naming a policy nobody creates, and automation of a Terraform-deployed service, are refused', () => {
  const platform = testPlatform();
  new Flux(platform, 'flux');
  const web = new WebService(platform, 'web', { image: 'ghcr.io/acme/web:1.0.0', metricsPath: false });
  web.addObjectComment({ kind: 'Deployment', name: 'web', path: ['spec', 'template', 'spec', 'containers', 0, 'image'], comment: '{"$imagepolicy": "web:webb"}' });
  expect(planProblems(platform)).toBe('ballast/web: the image marker on Deployment "web" names ImagePolicy "web:webb", which no component creates. Create that ImagePolicy (WebService imageAutomation does), or name one of: none exists.');

  const other = testPlatform();
  const flux = new Flux(other, 'flux');
  new WebService(other, 'web', { image: 'ghcr.io/acme/web:1.0.0', deployWith: 'terraform', imageAutomation: { flux, semverRange: '^1.0.0' } });
  expect(planProblems(other)).toContain('ballast/web: image automation needs the Deployment in Git, but the service is deployed by Terraform. Deploy it with Flux, or drop imageAutomation.');
});
