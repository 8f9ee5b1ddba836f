import type { OutputUnit, Validator } from '@cfworker/json-schema';
import type { CrdGrammar, SchemaNode } from './crd-grammar-types';

export type { CrdGrammar, CrdKindGrammar, SchemaNode } from './crd-grammar-types';

/** One value of an object that its CRD refuses. */
export interface CrdViolation {
  /** JSON pointer of the value, e.g. `/spec/pollingInterval`. */
  readonly pointer: string;
  /** What is wrong with it, e.g. `is 0.5, not an integer`. */
  readonly what: string;
  /** What the CRD says there, e.g. `integer, minimum 1`. */
  readonly constraint: string;
  /** What to do, e.g. `set /spec/pollingInterval to a whole number of at least 1`. */
  readonly fix: string;
  /** What the CRD accepts there, e.g. `a whole number of at least 1` (absent for a missing or unknown field). */
  readonly accepted?: string;
}

/** The outcome of checking one object against the grammar of its kind. */
export type CrdCheck =
  /** Not a kind ballast keeps a grammar of (another group or kind): not checked. */
  | { readonly status: 'unknown' }
  /** A kind ballast knows, in a version its CRD does not serve. */
  | { readonly status: 'unserved'; readonly served: readonly string[] }
  | { readonly status: 'checked'; readonly source: string; readonly violations: readonly CrdViolation[] };

let grammar: CrdGrammar | undefined;
/** The generated grammar, loaded on first use (a platform without custom resources never reads it). */
function loaded(): CrdGrammar {
  /* eslint-disable-next-line @typescript-eslint/no-require-imports */
  grammar ??= (require('./crd-grammar.generated') as typeof import('./crd-grammar.generated')).CRD_GRAMMAR;
  return grammar;
}

/** The keys (`<group>/<version>/<Kind>`) the grammar holds. */
export function crdGrammarKinds(): readonly string[] {
  return Object.keys(loaded().kinds);
}

/**
 * `node` with `additionalProperties: false` on every object that lists its properties and does not keep
 * unknown fields: the API server prunes a field its CRD does not name, so a misspelt field (`pollingInterva`)
 * would be dropped without a word, and synth refuses it instead.
 */
function closed(node: SchemaNode): SchemaNode {
  const out: Record<string, unknown> = {};
  for (const [keyword, value] of Object.entries(node)) {
    if (keyword === 'properties') out.properties = Object.fromEntries(Object.entries(value as Record<string, SchemaNode>).map(([k, v]) => [k, closed(v)]));
    else if (keyword === 'items' || keyword === 'not' || (keyword === 'additionalProperties' && typeof value === 'object')) out[keyword] = closed(value as SchemaNode);
    else if (keyword === 'anyOf' || keyword === 'allOf' || keyword === 'oneOf') out[keyword] = (value as SchemaNode[]).map(closed);
    else out[keyword] = value;
  }
  if (node.properties && node.additionalProperties === undefined && node['x-kubernetes-preserve-unknown-fields'] !== true) out.additionalProperties = false;
  return out;
}

const closedDefs: Record<string, SchemaNode> = {};
const validators = new Map<string, { validator: Validator; root: SchemaNode }>();

/** The validator of one kind, built on first use (the schema is read and indexed once per process). */
function validatorFor(key: string): { validator: Validator; root: SchemaNode } {
  let entry = validators.get(key);
  if (!entry) {
    const g = loaded();
    const schema = closed(g.kinds[key].schema);
    // Only the shared subschemas this kind refers to, each closed once: the validator walks every
    // definition it is given when it is built, and all of them cost 4 ms per kind against well under 1 ms
    // for its own.
    const $defs = Object.fromEntries(Object.entries(referencedDefs(schema, g.defs)).map(([name, def]) => [name, (closedDefs[name] ??= closed(def))]));
    const root = { ...schema, $defs };
    // The CRD schemas are OpenAPI v3.0, JSON Schema draft 4's dialect. Not short-circuited: every violation at once.
    const { Validator: SchemaValidator } = require('@cfworker/json-schema') as typeof import('@cfworker/json-schema');
    entry = { validator: new SchemaValidator(root as object, '4', false), root };
    validators.set(key, entry);
  }
  return entry;
}

/** The definitions `schema` refers to (`$ref: '#/$defs/<name>'`), and those they refer to in turn. */
function referencedDefs(schema: SchemaNode, defs: Readonly<Record<string, SchemaNode>>): Record<string, SchemaNode> {
  const out: Record<string, SchemaNode> = {};
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (typeof node === 'object' && node !== null) {
      const ref = (node as SchemaNode).$ref;
      if (typeof ref === 'string' && ref.startsWith('#/$defs/')) {
        const name = ref.slice('#/$defs/'.length);
        if (!(name in out) && defs[name]) {
          out[name] = defs[name];
          visit(defs[name]);
        }
      }
      Object.values(node).forEach(visit);
    }
  };
  visit(schema);
  return out;
}

/** Checks `object` against the CRD of its kind, when ballast keeps a grammar of that kind. */
export function checkAgainstCrd(object: { readonly apiVersion: string; readonly kind: string }): CrdCheck {
  const g = loaded();
  const key = `${object.apiVersion}/${object.kind}`;
  const kind = Object.prototype.hasOwnProperty.call(g.kinds, key) ? g.kinds[key] : undefined;
  if (!kind) {
    const group = object.apiVersion.split('/')[0];
    const served = Object.keys(g.kinds)
      .filter((k) => k.startsWith(`${group}/`) && k.endsWith(`/${object.kind}`) && k.split('/').length === 3)
      .map((k) => `${group}/${k.split('/')[1]}`);
    return served.length > 0 ? { status: 'unserved', served } : { status: 'unknown' };
  }
  const { validator, root } = validatorFor(key);
  let result: ReturnType<Validator['validate']>;
  try {
    result = validator.validate(object);
  } catch {
    // A value JSON has no form for (undefined, a function) left by a patch: checked as it would be written.
    result = validator.validate(JSON.parse(JSON.stringify(object)));
  }
  return { status: 'checked', source: kind.source, violations: result.valid ? [] : violationsOf(result.errors, root, object) };
}

/** Keywords whose errors only say that something below failed: the errors below say what. */
const WRAPPERS = new Set(['properties', 'additionalProperties', 'items', '$ref', 'allOf', 'additionalItems']);
/** Keywords whose subschemas are alternatives: their own errors would list every alternative's failure. */
const ALTERNATIVES = new Set(['anyOf', 'oneOf', 'not']);

function violationsOf(errors: readonly OutputUnit[], root: SchemaNode, object: unknown): CrdViolation[] {
  const out: CrdViolation[] = [];
  const seen = new Set<string>();
  const alternatives: string[] = [];
  // The error of an unknown field (a `false` schema) does not say where that schema is: the
  // `additionalProperties` error just before it does.
  let additional = '';
  for (const e of errors) {
    if (e.keyword === 'additionalProperties') additional = e.keywordLocation;
    if (WRAPPERS.has(e.keyword)) continue;
    if (alternatives.some((a) => e.keywordLocation.startsWith(`${a}/`))) continue;
    if (ALTERNATIVES.has(e.keyword)) alternatives.push(e.keywordLocation);
    const v = describe(e.keyword === 'false' ? { ...e, keywordLocation: `${additional}/false` } : e, root, object);
    const id = `${v.pointer} ${v.what}`;
    if (seen.has(id)) continue;
    seen.add(id);
    // Two rules broken by one value read as one: `is 0.5, not an integer and below the minimum 1`.
    const same = out.findIndex((o) => o.pointer === v.pointer && o.constraint === v.constraint);
    const prefix = /^is .*?, /.exec(v.what)?.[0];
    if (same >= 0 && prefix && out[same].what.startsWith(prefix)) out[same] = { ...out[same], what: `${out[same].what} and ${v.what.slice(prefix.length)}` };
    else out.push(v);
  }
  return out;
}

/** The schema node at a keyword location (`#/properties/spec/$ref/properties/x`), following `$ref`s. */
function nodeAt(root: SchemaNode, keywordLocation: string): SchemaNode {
  let node: unknown = root;
  for (const raw of keywordLocation.replace(/^#\/?/, '').split('/').filter((s) => s !== '')) {
    const segment = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (segment === '$ref') {
      const name = String((node as SchemaNode).$ref).replace('#/$defs/', '');
      node = (root.$defs as Record<string, SchemaNode>)[name];
    } else {
      node = (node as Record<string, unknown>)?.[segment];
    }
  }
  return (node ?? {}) as SchemaNode;
}

/** The value at a JSON pointer of `object`. */
function valueAt(object: unknown, pointer: string): unknown {
  let value: unknown = object;
  for (const raw of pointer.split('/').slice(1)) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value;
}

const TYPE_NAMES: Readonly<Record<string, string>> = { integer: 'an integer', number: 'a number', string: 'a string', boolean: 'a boolean', array: 'a list', object: 'an object', null: 'null' };

/** What a JSON value is, for a sentence: `0.5`, `"5 minutes"`, `a list`, `an object`. */
function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'an object';
  return String(value);
}

/** The constraint of a schema node as a few words: `integer, minimum 1`, `string matching ^...$`. */
export function constraintOf(node: SchemaNode): string {
  const parts: string[] = [];
  const type = node.type;
  if (Array.isArray(type)) parts.push(type.filter((t) => t !== 'null').join(' or '));
  else if (typeof type === 'string') parts.push(type);
  if (node.enum) parts.push(`one of ${(node.enum as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`);
  if (node.minimum !== undefined) parts.push(`minimum ${String(node.minimum)}`);
  if (node.maximum !== undefined) parts.push(`maximum ${String(node.maximum)}`);
  if (node.minLength !== undefined) parts.push(`at least ${String(node.minLength)} characters`);
  if (node.maxLength !== undefined) parts.push(`at most ${String(node.maxLength)} characters`);
  if (node.minItems !== undefined) parts.push(`at least ${String(node.minItems)} items`);
  if (node.maxItems !== undefined) parts.push(`at most ${String(node.maxItems)} items`);
  if (node.pattern !== undefined) parts.push(`matching ${String(node.pattern)}`);
  return parts.join(', ') || 'a value of another form';
}

/** What a schema node accepts, as words for a fix: `a whole number of at least 1`, `one of "a", "b"`. */
export function acceptedBy(node: SchemaNode): string {
  if (node.enum) return `one of ${(node.enum as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  const types = (Array.isArray(node.type) ? node.type : [node.type]).filter((t) => t !== undefined && t !== 'null').map(String);
  const range =
    node.minimum !== undefined && node.maximum !== undefined
      ? ` from ${String(node.minimum)} to ${String(node.maximum)}`
      : node.minimum !== undefined
        ? ` of at least ${String(node.minimum)}`
        : node.maximum !== undefined
          ? ` of at most ${String(node.maximum)}`
          : '';
  const words: Record<string, string> = { integer: `a whole number${range}`, number: `a number${range}`, boolean: 'true or false', array: 'a list', object: 'an object' };
  let text = types.map((t) => words[t] ?? 'a string').join(' or ') || 'a value';
  if (node.pattern !== undefined) text += ` matching ${String(node.pattern)}`;
  if (node.minLength !== undefined && node.maxLength !== undefined) text += ` of ${String(node.minLength)} to ${String(node.maxLength)} characters`;
  else if (node.maxLength !== undefined) text += ` of at most ${String(node.maxLength)} characters`;
  else if (node.minLength !== undefined) text += ` of at least ${String(node.minLength)} characters`;
  if (node.minItems !== undefined) text += ` of at least ${String(node.minItems)} items`;
  if (node.maxItems !== undefined) text += ` of at most ${String(node.maxItems)} items`;
  return text;
}

/** One error of the validator as a violation: where, what, what the CRD says there and what to do. */
function describe(e: OutputUnit, root: SchemaNode, object: unknown): CrdViolation {
  const pointer = e.instanceLocation.replace(/^#/, '');
  const parentLocation = e.keywordLocation.replace(/\/[^/]*$/, '');
  const node = nodeAt(root, parentLocation);
  const value = valueAt(object, pointer);
  const at = pointer || '/';
  const accepted = acceptedBy(node);
  const set = `set ${at} to ${accepted}`;
  switch (e.keyword) {
    case 'type': {
      const types = (Array.isArray(node.type) ? node.type : [node.type]).map((t) => TYPE_NAMES[String(t)] ?? String(t));
      return { pointer: at, what: `is ${shown(value)}, not ${types.join(' or ')}`, constraint: constraintOf(node), fix: set, accepted };
    }
    case 'minimum':
      return { pointer: at, what: `is ${shown(value)}, below the minimum ${String(node.minimum)}`, constraint: constraintOf(node), fix: set, accepted };
    case 'maximum':
      return { pointer: at, what: `is ${shown(value)}, above the maximum ${String(node.maximum)}`, constraint: constraintOf(node), fix: set, accepted };
    case 'enum':
      return { pointer: at, what: `is ${shown(value)}, not one of the values the CRD lists`, constraint: constraintOf(node), fix: set, accepted };
    case 'pattern':
      return { pointer: at, what: `is ${shown(value)}, which does not match the CRD's pattern`, constraint: constraintOf(node), fix: set, accepted };
    case 'minLength':
    case 'maxLength':
      return { pointer: at, what: `is ${String(value).length} characters long`, constraint: constraintOf(node), fix: set, accepted };
    case 'minItems':
    case 'maxItems':
      return { pointer: at, what: `has ${(value as unknown[]).length} items`, constraint: constraintOf(node), fix: set, accepted };
    case 'required': {
      const field = /"(.*)"/.exec(e.error)?.[1] ?? '';
      return { pointer: `${pointer}/${field}`, what: 'is missing', constraint: `${at} requires ${(node.required as string[]).join(', ')}`, fix: `set ${pointer}/${field}` };
    }
    case 'false': {
      // An unknown field: the parent's schema lists the fields there are.
      const parent = nodeAt(root, e.keywordLocation.replace(/\/additionalProperties\/false$/, ''));
      const fields = Object.keys((parent.properties ?? {}) as object);
      const listed = fields.length > 12 ? `${fields.slice(0, 12).join(', ')}...` : fields.join(', ');
      return { pointer: at, what: 'is not a field the CRD knows, so the API server would drop it', constraint: `the fields there are ${listed || 'none'}`, fix: `remove ${at} or correct its name` };
    }
    default:
      return { pointer: at, what: `is ${shown(value)}, which the CRD refuses (${e.keyword})`, constraint: constraintOf(node), fix: set, accepted };
  }
}
