// The grammars of the custom resources ballast emits, taken from their CRDs: generated from the reference
// data into lib/model/crd-grammar.generated.ts (users have no reference data), checked here against the
// CRDs they came from, against the tests' own validator, and against everything ballast renders.
import * as fs from 'fs';
import * as path from 'path';
import { isBuiltInGroup, renderFluxRepository } from '../../lib/internal';
import { checkAgainstCrd, crdGrammarKinds } from '../../lib/model/crd-grammar';
import { crdGrammarText, EMITTED_KINDS, GRAMMAR_FILE, jsPattern } from '../../scripts/crd-grammar';
import { CrdSchemas } from '../support/crd-schemas';
import { needsReferenceData } from '../support/reference-gate';
import { schemasDir } from '../support/shared-data';
import { defaultPlan } from '../support/synth';

const generated = path.join(__dirname, '..', '..', GRAMMAR_FILE);
const reference = needsReferenceData('the CRD grammar against the CRDs it is generated from');

reference.test('the generated grammar is what the CRDs of the reference data give (run `npm run crd-grammar` after a CRD bump)', () => {
  // Mutation: editing one pattern in the generated file (e.g. the ImageRepository interval) fails this.
  expect(fs.readFileSync(generated, 'utf8')).toBe(crdGrammarText(schemasDir()));
});

test('the generated grammar stays small: every kind ballast emits, in each served version, without descriptions', () => {
  const size = fs.statSync(generated).size;
  // 110 KB when written (repeated subschemas are shared): the CRDs themselves are 3 MB.
  expect(size).toBeLessThan(160_000);
  const kinds = crdGrammarKinds();
  for (const [group, names] of Object.entries(EMITTED_KINDS)) {
    for (const kind of names) expect([group, kind, kinds.some((k) => k.startsWith(`${group}/`) && k.endsWith(`/${kind}`))]).toEqual([group, kind, true]);
  }
  // Only the keywords validation reads are kept (no description, default, CEL rule, list type or format).
  const keywords = new Set<string>();
  const walk = (node: Record<string, unknown>) => {
    for (const [keyword, value] of Object.entries(node)) {
      keywords.add(keyword);
      if (keyword === 'properties') Object.values(value as Record<string, Record<string, unknown>>).forEach(walk);
      else if (keyword === 'items' || keyword === 'not' || (keyword === 'additionalProperties' && typeof value === 'object')) walk(value as Record<string, unknown>);
      else if (keyword === 'anyOf' || keyword === 'allOf' || keyword === 'oneOf') (value as Record<string, unknown>[]).forEach(walk);
    }
  };
  const { CRD_GRAMMAR } = require('../../lib/model/crd-grammar.generated') as typeof import('../../lib/model/crd-grammar.generated');
  Object.values(CRD_GRAMMAR.kinds).forEach((k) => walk(k.schema as Record<string, unknown>));
  Object.values(CRD_GRAMMAR.defs).forEach((d) => walk(d as Record<string, unknown>));
  const kept = ['$ref', 'additionalProperties', 'allOf', 'anyOf', 'enum', 'items', 'maxItems', 'maxLength', 'maxProperties', 'maximum', 'minItems', 'minLength', 'minProperties', 'minimum', 'multipleOf', 'not', 'oneOf', 'pattern', 'properties', 'required', 'type', 'uniqueItems', 'x-kubernetes-preserve-unknown-fields'];
  expect([...keywords].filter((k) => !kept.includes(k))).toEqual([]);
  expect(keywords).toContain('pattern');
});

test("every custom resource of ballast's default platform, the renderer's Kustomizations and HelmReleases included, passes its CRD's grammar", () => {
  const { plan } = defaultPlan();
  const objects = [...renderFluxRepository(plan).documents.values()].flat().flatMap((d) => (d.object ? [d.object] : []));
  const custom = objects.filter((o) => !isBuiltInGroup(o.apiVersion) && o.apiVersion !== 'kustomize.config.k8s.io/v1beta1');
  const checked = custom.map((o) => ({ o, check: checkAgainstCrd(o) })).filter(({ check }) => check.status === 'checked');
  expect([...new Set(checked.map(({ o }) => o.kind))].sort()).toEqual(expect.arrayContaining(['HelmRelease', 'HelmRepository', 'Kustomization', 'ServiceMonitor', 'IngressRoute', 'PrometheusRule']));
  expect(checked.filter(({ check }) => check.status === 'checked' && check.violations.length > 0).map(({ o, check }) => [o.kind, o.metadata.name, check])).toEqual([]);
});

// Mutation: a closed() that leaves objects open (no additionalProperties: false) loses the unknown field
// here and in the agreement with Ajv ("a Certificate with an unknown field").
test('a value the CRD refuses is found with its path, what is wrong, and what the CRD says', () => {
  const object = {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name: 'api' },
    spec: { scaleTargetRef: { name: 'api' }, pollingInterval: 0.5, cooldownPeriod: -1, pollingInterva: 3, triggers: [{ type: 'prometheus', metadata: { query: 'up', threshold: 5 } }] },
  };
  expect(checkAgainstCrd(object)).toEqual({
    status: 'checked',
    source: 'crds/keda/keda.sh_scaledobjects.yaml',
    violations: [
      { pointer: '/spec/cooldownPeriod', what: 'is -1, below the minimum 0', constraint: 'integer, minimum 0', fix: 'set /spec/cooldownPeriod to a whole number of at least 0', accepted: 'a whole number of at least 0' },
      { pointer: '/spec/pollingInterval', what: 'is 0.5, not an integer and below the minimum 1', constraint: 'integer, minimum 1', fix: 'set /spec/pollingInterval to a whole number of at least 1', accepted: 'a whole number of at least 1' },
      { pointer: '/spec/triggers/0/metadata/threshold', what: 'is 5, not a string', constraint: 'string', fix: 'set /spec/triggers/0/metadata/threshold to a string', accepted: 'a string' },
      expect.objectContaining({ pointer: '/spec/pollingInterva', what: 'is not a field the CRD knows, so the API server would drop it' }),
    ],
  });
  expect(checkAgainstCrd({ ...object, apiVersion: 'keda.sh/v1beta1' })).toEqual({ status: 'unserved', served: ['keda.sh/v1alpha1'] });
  expect(checkAgainstCrd({ apiVersion: 'example.com/v1', kind: 'Widget' })).toEqual({ status: 'unknown' });
});

test('through a shared subschema ($ref), an enum, a required field and a pattern', () => {
  const cluster = { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'pg' }, spec: { instances: 0, storage: { size: '1Gi' }, primaryUpdateStrategy: 'later' } };
  const check = checkAgainstCrd(cluster);
  expect(check.status === 'checked' && check.violations.map((v) => `${v.pointer} ${v.what}`)).toEqual([
    '/spec/instances is 0, below the minimum 1',
    '/spec/primaryUpdateStrategy is "later", not one of the values the CRD lists',
  ]);
  const policy = { apiVersion: 'image.toolkit.fluxcd.io/v1', kind: 'ImagePolicy', metadata: { name: 'p' }, spec: { policy: { semver: {} } } };
  const p = checkAgainstCrd(policy);
  expect(p.status === 'checked' && p.violations.map((v) => `${v.pointer} ${v.what} (${v.constraint})`)).toEqual([
    '/spec/imageRepositoryRef is missing (/spec requires imageRepositoryRef, policy)',
    '/spec/policy/semver/range is missing (/spec/policy/semver requires range)',
  ]);
  const repo = { apiVersion: 'image.toolkit.fluxcd.io/v1', kind: 'ImageRepository', metadata: { name: 'r' }, spec: { image: 'ghcr.io/a/b', interval: '5 minutes' } };
  const r = checkAgainstCrd(repo);
  expect(r.status === 'checked' && r.violations.map((v) => v.constraint)).toEqual(['string, matching ^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$']);
});

// Mutation: a jsPattern that returns every pattern as written (no (?i) translation) fails this test, and
// the generated grammar no longer matches what the CRDs give.
test("Go's (?i) flag becomes classes of both cases; other patterns stay as written", () => {
  const pattern = jsPattern('^(?i)(abort|warn)?$');
  expect(pattern).toBe('^([aA][bB][oO][rR][tT]|[wW][aA][rR][nN])?$');
  expect(new RegExp(pattern, 'u').test('WARN')).toBe(true);
  expect(new RegExp(pattern, 'u').test('stop')).toBe(false);
  expect(jsPattern('^[a-z]+(?i)$'.replace('(?i)', ''))).toBe('^[a-z]+$');
  expect(jsPattern('(?i)^[a-c\\dx]$')).toBe('^[a-cA-C\\dxX]$');
});

// The trimmed, shared and closed grammar must judge as the tests' validator (Ajv over the whole CRD) does.
reference.describe('the grammar and the full CRD agree', () => {
  const variants: [string, Record<string, unknown>][] = [
    ['a valid ScaledObject', { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name: 'a' }, spec: { scaleTargetRef: { name: 'a' }, triggers: [{ type: 'cpu', metadata: { value: '50' } }] } }],
    ['a fractional pollingInterval', { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name: 'a' }, spec: { scaleTargetRef: { name: 'a' }, pollingInterval: 1.5, triggers: [{ type: 'cpu', metadata: { value: '50' } }] } }],
    ['a CNPG Cluster with affinity (shared subschemas)', { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'pg' }, spec: { instances: 1, storage: { size: '1Gi' }, affinity: { tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }] } } }],
    ['a CNPG toleration of the wrong type', { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'pg' }, spec: { instances: 1, storage: { size: '1Gi' }, affinity: { tolerations: [{ tolerationSeconds: 'soon' }] } } }],
    ['a PrometheusRule partial response in capitals', { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'r' }, spec: { groups: [{ name: 'g', partial_response_strategy: 'WARN', rules: [{ record: 'a', expr: 'up' }] }] } }],
    ['a PrometheusRule partial response that is not one', { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'r' }, spec: { groups: [{ name: 'g', partial_response_strategy: 'maybe', rules: [{ record: 'a', expr: 1 }] }] } }],
    ['a Certificate with an unknown field', { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'c' }, spec: { secretName: 's', issuerRef: { name: 'i' }, dnsNames: ['a.example.com'], renewBefor: '1h' } }],
    ['a TestRun without parallelism', { apiVersion: 'k6.io/v1alpha1', kind: 'TestRun', metadata: { name: 't' }, spec: { script: { configMap: { name: 'x', file: 'a.js' } } } }],
  ];
  let ajv: CrdSchemas;
  beforeAll(() => {
    ajv = new CrdSchemas();
  });
  test.each(variants)('%s', (_name, object) => {
    const ours = checkAgainstCrd(object as { apiVersion: string; kind: string });
    expect(ours.status).toBe('checked');
    const valid = ours.status === 'checked' && ours.violations.length === 0;
    expect([valid, ours]).toEqual([ajv.errors(object as never).length === 0, ours]);
  });
});
