// The fleet layout pass on hand-made cluster trees, and the JSON6902 patches it writes.
import { parseAllDocuments } from 'yaml';
import { applyJsonPatch, FluxRepository, jsonPatch, layoutFleet, Manifest, toYaml } from '../../lib/internal';

const configMap = (name: string, data: Record<string, string>): Manifest => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'demo' }, data });

/** A cluster's tree with one step folder `apps` holding `files` (file name -> objects). */
function repo(files: Record<string, Manifest[]>): FluxRepository {
  const documents = new Map(Object.entries(files).map(([f, objects]) => [`apps/${f}`, objects.map((object) => ({ object, text: toYaml(object) }))]));
  const tree = new Map([...documents].map(([f, docs]) => [f, docs.map((d) => d.text).join('---\n')]));
  tree.set('apps/kustomization.yaml', toYaml({ resources: Object.keys(files) }));
  return { files: tree, documents, kinds: {} };
}

const kustomization = (files: Map<string, string>, cluster: string) =>
  parseAllDocuments(files.get(`clusters/${cluster}/apps/kustomization.yaml`)!)[0].toJSON() as { resources: string[]; patches?: { target: Record<string, string>; patch: string }[] };

test('three clusters: the base takes what two render alike, the third gets a patch', () => {
  const { files, stats } = layoutFleet([
    { cluster: 'a', repo: repo({ 'web.yaml': [configMap('web', { size: 'small' })] }) },
    { cluster: 'b', repo: repo({ 'web.yaml': [configMap('web', { size: 'large' })] }) },
    { cluster: 'c', repo: repo({ 'web.yaml': [configMap('web', { size: 'large' })] }) },
  ]);
  expect(files.get('base/apps/web/web.yaml')).toContain('size: large');
  expect(kustomization(files, 'a')).toEqual({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: ['../../../base/apps/web'],
    patches: [{ target: { version: 'v1', kind: 'ConfigMap', namespace: 'demo', name: 'web' }, patch: '- op: replace\n  path: /data/size\n  value: small\n' }],
  });
  expect(kustomization(files, 'b').patches).toBeUndefined();
  expect(stats).toEqual({ baseFiles: 1, ownFiles: 0, patches: 1 });
});

test('two clusters that differ: the baseline renders the base, the other gets the patch', () => {
  const clusters = [
    { cluster: 'staging', repo: repo({ 'web.yaml': [configMap('web.v1', { size: 'small' })] }) },
    { cluster: 'production', repo: repo({ 'web.yaml': [configMap('web.v1', { size: 'large' })] }) },
  ];
  const { files } = layoutFleet(clusters, 'production');
  expect(files.get('base/apps/web/web.yaml')).toContain('size: large');
  // kustomize reads a target's name as an anchored regular expression: a dot is escaped.
  expect(kustomization(files, 'staging').patches![0].target.name).toBe('web\\.v1');
  expect(layoutFleet(clusters, 'staging').files.get('base/apps/web/web.yaml')).toContain('size: small');
});

test('objects only some clusters have stay in their own file beside the shared ones', () => {
  const { files } = layoutFleet([
    { cluster: 'a', repo: repo({ 'web.yaml': [configMap('web', {}), configMap('extra', {})] }) },
    { cluster: 'b', repo: repo({ 'web.yaml': [configMap('web', {})] }) },
  ]);
  expect(kustomization(files, 'a').resources).toEqual(['../../../base/apps/web', 'web.yaml']);
  expect(files.get('clusters/a/apps/web.yaml')).toContain('name: extra');
  expect(files.get('clusters/a/apps/kustomization.yaml')).toMatch(/^# This cluster's own files \(not shared under base\/\):\n# {3}web\.yaml: objects that not every cluster sharing the file has\n/);
  expect(kustomization(files, 'b').resources).toEqual(['../../../base/apps/web']);
});

test.each([
  ['a changed scalar', { a: 1, b: { c: 'x' } }, { a: 1, b: { c: 'y' } }, [{ op: 'replace', path: '/b/c', value: 'y' }]],
  ['an added and a removed key', { a: 1, old: true }, { a: 1, new: [1] }, [{ op: 'remove', path: '/old' }, { op: 'add', path: '/new', value: [1] }]],
  ['keys with / and ~', { 'a/b': { '~c': 1 } }, { 'a/b': { '~c': 2 } }, [{ op: 'replace', path: '/a~1b/~0c', value: 2 }]],
  ['a list of the same length, item by item', { l: [{ n: 1 }, { n: 2 }] }, { l: [{ n: 1 }, { n: 3 }] }, [{ op: 'replace', path: '/l/1/n', value: 3 }]],
  ['a list that grew, by index', { l: [1, 2] }, { l: [1, 2, 3] }, [{ op: 'add', path: '/l/2', value: 3 }]],
  ['a list that shrank, from the end', { l: [1, 2, 3] }, { l: [1] }, [{ op: 'remove', path: '/l/2' }, { op: 'remove', path: '/l/1' }]],
  ['a map that became a string', { v: { x: 1 } }, { v: 'x' }, [{ op: 'replace', path: '/v', value: 'x' }]],
  ['nothing', { a: [1, { b: null }] }, { a: [1, { b: null }] }, []],
  ['undefined values, which YAML leaves out', { a: undefined, b: 1 }, { b: 1, c: undefined }, []],
])('jsonPatch: %s, and the patch applied gives the target', (_, from, to, ops) => {
  expect(jsonPatch(from, to)).toEqual(ops);
  expect(applyJsonPatch(from, jsonPatch(from, to))).toEqual(to);
});
