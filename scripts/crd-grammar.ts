// `npm run crd-grammar`: writes lib/model/crd-grammar.generated.ts from the CRDs of the reference data
// (../shared/schemas/crds, or $BALLAST_SCHEMAS/crds). Synth checks every custom resource ballast emits
// against these schemas, but a user's machine has no reference data: what the check needs is kept in the
// project, trimmed to the keywords the API server validates, with the file and version each came from.
// test/unit/consumer-crd-grammar.test.ts regenerates it and compares, so a bumped CRD cannot go unnoticed.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';

/** The custom resources ballast emits, by API group: their schemas are kept for every served version. */
export const EMITTED_KINDS: Readonly<Record<string, readonly string[]>> = {
  'keda.sh': ['ScaledObject'],
  'image.toolkit.fluxcd.io': ['ImagePolicy', 'ImageRepository', 'ImageUpdateAutomation'],
  'helm.toolkit.fluxcd.io': ['HelmRelease'],
  'kustomize.toolkit.fluxcd.io': ['Kustomization'],
  'source.toolkit.fluxcd.io': ['GitRepository', 'HelmRepository', 'OCIRepository'],
  'cert-manager.io': ['Certificate', 'ClusterIssuer'],
  'traefik.io': ['IngressRoute', 'Middleware'],
  'postgresql.cnpg.io': ['Cluster', 'Database'],
  'monitoring.coreos.com': ['PrometheusRule', 'ServiceMonitor', 'PodMonitor'],
  'k6.io': ['TestRun'],
};

/** Where the generated grammar goes, relative to the project root. */
export const GRAMMAR_FILE = path.join('lib', 'model', 'crd-grammar.generated.ts');

/**
 * The keywords the API server checks a custom resource with (apiextensions' structural schema
 * validation). Descriptions, defaults, CEL rules (x-kubernetes-validations, which would need a CEL
 * interpreter), list and map types and formats are left out.
 */
const KEPT = new Set(['type', 'properties', 'items', 'additionalProperties', 'required', 'enum', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties', 'uniqueItems', 'pattern', 'anyOf', 'allOf', 'oneOf', 'not']);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = { [keyword: string]: Json };

/**
 * One schema node trimmed to what validation needs, in JSON Schema terms the validator reads:
 * `x-kubernetes-int-or-string` becomes `type: [integer, string]` (its anyOf only restates that),
 * `nullable` adds `null`, and an object that keeps unknown fields says so with `x-kubernetes-preserve-unknown-fields`.
 */
function trim(node: Schema): Schema {
  const out: Schema = {};
  const intOrString = node['x-kubernetes-int-or-string'] === true;
  for (const [keyword, value] of Object.entries(node)) {
    if (!KEPT.has(keyword)) continue;
    if (intOrString && keyword === 'anyOf') continue;
    if (keyword === 'properties') {
      out.properties = Object.fromEntries(Object.entries(value as Record<string, Schema>).map(([k, v]) => [k, trim(v)]));
    } else if (keyword === 'items' || (keyword === 'additionalProperties' && typeof value === 'object') || keyword === 'not') {
      out[keyword] = trim(value as Schema);
    } else if (keyword === 'anyOf' || keyword === 'allOf' || keyword === 'oneOf') {
      out[keyword] = (value as Schema[]).map(trim);
    } else if (keyword === 'pattern') {
      out.pattern = jsPattern(value as string);
      // The validator compiles patterns with the `u` flag: one it cannot read must fail here, not at synth.
      new RegExp(out.pattern, 'u');
    } else {
      out[keyword] = value;
    }
  }
  if (intOrString) out.type = ['integer', 'string'];
  if (node.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  if (node['x-kubernetes-preserve-unknown-fields'] === true) out['x-kubernetes-preserve-unknown-fields'] = true;
  return out;
}

/**
 * A CRD pattern (a Go RE2 expression) as a JavaScript one with the same meaning under the `u` flag the
 * validator compiles with. The only Go syntax the CRDs use that JavaScript lacks is the leading `(?i)`
 * flag: every letter outside a class becomes a class of both cases, and a class gets both cases of its
 * letters.
 */
export function jsPattern(goPattern: string): string {
  if (!goPattern.includes('(?i)')) return goPattern;
  let out = '';
  let inClass = false;
  const source = goPattern.replace('(?i)', '');
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      out += c + (source[i + 1] ?? '');
      i++;
    } else if (c === '[' && !inClass) {
      inClass = true;
      out += c;
    } else if (c === ']' && inClass) {
      inClass = false;
      out += c;
    } else if (inClass && /[a-zA-Z]/.test(c) && source[i + 1] === '-' && /[a-zA-Z]/.test(source[i + 2] ?? '')) {
      // A range of letters: the range in each case (`a-c` becomes `a-cA-C`).
      const end = source[i + 2];
      out += `${c.toLowerCase()}-${end.toLowerCase()}${c.toUpperCase()}-${end.toUpperCase()}`;
      i += 2;
    } else if (/[a-zA-Z]/.test(c)) {
      const both = `${c.toLowerCase()}${c.toUpperCase()}`;
      out += inClass ? both : `[${both}]`;
    } else {
      out += c;
    }
  }
  return out;
}

/** The root of a custom resource: metadata is the API server's (not the CRD's) to check, status is not ballast's to write. */
function rootSchema(openAPIV3Schema: Schema): Schema {
  const root = trim(openAPIV3Schema);
  const properties = { ...(root.properties as Record<string, Json>) };
  properties.metadata = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  if (properties.status) properties.status = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  return { ...root, properties };
}

/** A subtree stands for itself below this size in characters; larger ones that repeat are shared. */
const SHARED_MIN_LENGTH = 200;

/** `node` with each schema below it (not the keyword maps such as `properties`) replaced by `visit`'s result. */
function mapSubschemas(node: Schema, visit: (child: Schema) => Schema): Schema {
  const out: Schema = {};
  for (const [keyword, value] of Object.entries(node)) {
    if (keyword === 'properties') out.properties = Object.fromEntries(Object.entries(value as Record<string, Schema>).map(([k, v]) => [k, visit(v)]));
    else if (keyword === 'items' || keyword === 'not' || (keyword === 'additionalProperties' && typeof value === 'object')) out[keyword] = visit(value as Schema);
    else if (keyword === 'anyOf' || keyword === 'allOf' || keyword === 'oneOf') out[keyword] = (value as Schema[]).map(visit);
    else out[keyword] = value;
  }
  return out;
}

/**
 * Shares repeated subschemas (a pod's affinity, a volume source, a Secret key reference appear dozens of
 * times in CNPG's and k6's CRDs): each becomes `{ $ref: '#/$defs/<name>' }`, defined once, holding the
 * references of its own shared parts. Only schemas are shared, never the maps of keywords such as
 * `properties`.
 */
function share(schemas: Schema[]): { schemas: Schema[]; defs: Record<string, Schema> } {
  const counts = new Map<string, number>();
  const count = (node: Schema): Schema => {
    const text = JSON.stringify(node);
    if (text.length >= SHARED_MIN_LENGTH) counts.set(text, (counts.get(text) ?? 0) + 1);
    return mapSubschemas(node, count);
  };
  schemas.forEach((s) => mapSubschemas(s, count));
  // Names in the order of the sorted texts: the same CRDs always give the same file.
  const repeated = [...counts.entries()].filter(([, n]) => n > 1).map(([text]) => text).sort();
  const names = new Map(repeated.map((text, i) => [text, `d${i}`]));
  const defs: Record<string, Schema> = {};
  const replace = (node: Schema): Schema => {
    const name = names.get(JSON.stringify(node));
    if (!name) return mapSubschemas(node, replace);
    defs[name] ??= mapSubschemas(node, replace);
    return { $ref: `#/$defs/${name}` };
  };
  const out = schemas.map((s) => mapSubschemas(s, replace));
  const sortedDefs = Object.fromEntries(Object.entries(defs).sort(([a], [b]) => Number(a.slice(1)) - Number(b.slice(1))));
  return { schemas: out, defs: sortedDefs };
}

/** One kind's schema in one served version, and where it came from. */
interface Entry {
  readonly key: string;
  readonly file: string;
  readonly sha256: string;
  readonly schema: Schema;
}

/** The text of lib/model/crd-grammar.generated.ts for the CRDs under `schemasDir/crds`. */
export function crdGrammarText(schemasDir: string): string {
  const root = path.join(schemasDir, 'crds');
  const entries: Entry[] = [];
  for (const folder of fs.readdirSync(root).sort()) {
    for (const name of fs.readdirSync(path.join(root, folder)).sort()) {
      const file = path.join(root, folder, name);
      const text = fs.readFileSync(file, 'utf8');
      for (const doc of parseAllDocuments(text)) {
        const crd = doc.toJSON() as { kind?: string; spec?: { group: string; names: { kind: string }; versions: { name: string; served: boolean; schema?: { openAPIV3Schema: Schema } }[] } };
        if (crd?.kind !== 'CustomResourceDefinition' || !crd.spec) continue;
        const { group, names, versions } = crd.spec;
        if (!EMITTED_KINDS[group]?.includes(names.kind)) continue;
        for (const v of versions) {
          if (!v.served || !v.schema) continue;
          entries.push({ key: `${group}/${v.name}/${names.kind}`, file: `crds/${folder}/${name}`, sha256: crypto.createHash('sha256').update(text).digest('hex').slice(0, 16), schema: rootSchema(v.schema.openAPIV3Schema) });
        }
      }
    }
  }
  const missing = Object.entries(EMITTED_KINDS).flatMap(([group, kinds]) => kinds.filter((k) => !entries.some((e) => e.key.startsWith(`${group}/`) && e.key.endsWith(`/${k}`))).map((k) => `${group} ${k}`));
  if (missing.length > 0) throw new Error(`no served CRD under ${root} for ${missing.join(', ')}`);
  entries.sort((a, b) => (a.key < b.key ? -1 : 1));
  const { schemas, defs } = share(entries.map((e) => e.schema));
  const kinds = Object.fromEntries(entries.map((e, i) => [e.key, { source: e.file, sha256: e.sha256, schema: schemas[i] }]));
  // One line per kind and per shared definition: a CRD bump shows as a diff of the kinds it touched.
  const lines = [
    '// Generated by `npm run crd-grammar` (scripts/crd-grammar.ts) from the CRDs of the reference data: do not',
    '// edit. Each kind has the file its CRD came from (under the reference data) and a digest of that file.',
    "import type { CrdGrammar } from './crd-grammar-types';",
    '',
    'export const CRD_GRAMMAR: CrdGrammar = {',
    '  kinds: {',
    ...Object.entries(kinds).map(([key, value]) => `    ${JSON.stringify(key)}: ${JSON.stringify(value)},`),
    '  },',
    '  defs: {',
    ...Object.entries(defs).map(([key, value]) => `    ${key}: ${JSON.stringify(value)},`),
    '  },',
    '};',
    '',
  ];
  return lines.join('\n');
}

if (require.main === module) {
  const projectRoot = path.resolve(__dirname, '..', ...(path.basename(path.dirname(__dirname)) === 'dist-js' ? ['..'] : []));
  const schemas = process.env.BALLAST_SCHEMAS ?? path.resolve(projectRoot, '..', 'shared', 'schemas');
  const text = crdGrammarText(schemas);
  const out = path.join(projectRoot, GRAMMAR_FILE);
  fs.writeFileSync(out, text);
  console.log(`${path.relative(process.cwd(), out)}: ${Buffer.byteLength(text)} bytes from ${schemas}`);
}
