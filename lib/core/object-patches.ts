// The escape hatches' JSON patches (RFC 6902), applied with validation: a patch whose path is not there
// is reported, not silently turned into a new field (cdk8s applies patches without validation), and a
// patch never changes what an object is or how its backend keeps it.
import { JsonPatch } from 'cdk8s';
import { applyPatch, JsonPatchError, Operation } from 'fast-json-patch';

/** Path segments that would reach an object's prototype instead of a field. */
const PROTOTYPE_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);
const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/**
 * Annotation and label prefixes whose entries ballast sets to decide how an object is kept and
 * reconciled (Flux's prune and SSA policy, Helm's resource policy): a patch may add such an entry but
 * not remove or change one ballast set, or a database would lose its prune protection.
 */
export const KEPT_METADATA_PREFIXES = ['kustomize.toolkit.fluxcd.io/', 'helm.toolkit.fluxcd.io/', 'helm.sh/'];

/** One JSON pointer segment, unescaped (RFC 6901). */
function segments(pointer: string): string[] {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * The JSON of a cdk8s JsonPatch. cdk8s keeps a patch's operation behind `_toJson()`, marked internal: the
 * class has no public reader, and its own `apply` cannot be checked. This is the one place ballast reads
 * it; `test/unit/object-patches-upstream.test.ts` fails when cdk8s changes it.
 */
export function jsonOfPatch(patch: unknown): unknown {
  return typeof (patch as { _toJson?: unknown } | null)?._toJson === 'function' ? (patch as JsonPatch)._toJson() : undefined;
}

/** The operation of `patch` as JSON, or a sentence saying why it is not a JSON patch. */
export function operationOf(patch: unknown): Operation | string {
  const json = jsonOfPatch(patch);
  if (!json || typeof json !== 'object') return `${describe(patch)} is not a JsonPatch`;
  const op = json as { op?: unknown; path?: unknown; from?: unknown };
  if (typeof op.op !== 'string' || !OPS.has(op.op)) return `the operation "${String(op.op)}" is not a JSON patch operation`;
  for (const pointer of [op.path, ...(op.from !== undefined ? [op.from] : [])]) {
    if (typeof pointer !== 'string' || (pointer !== '' && !pointer.startsWith('/'))) return `the path ${JSON.stringify(pointer)} is not a JSON pointer`;
    const banned = segments(pointer).find((s) => PROTOTYPE_SEGMENTS.has(s));
    if (banned) return `the path "${pointer}" reaches "${banned}", which is not a field of the object`;
  }
  return json as Operation;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'a plain object' : `a ${typeof value}`;
}

/** Why an operation did not apply, from fast-json-patch's error name. */
const REASONS: Record<string, string> = {
  OPERATION_PATH_UNRESOLVABLE: 'the object has no value at this path',
  OPERATION_FROM_UNRESOLVABLE: 'the object has no value at its "from" path',
  OPERATION_PATH_CANNOT_ADD: 'the parent of this path is not in the object',
  OPERATION_PATH_ILLEGAL_ARRAY_INDEX: 'the index is not an array index',
  OPERATION_VALUE_OUT_OF_BOUNDS: 'the index is past the end of the array',
  OPERATION_VALUE_REQUIRED: 'it has no value',
  OPERATION_VALUE_CANNOT_CONTAIN_UNDEFINED: 'its value holds undefined',
  TEST_OPERATION_FAILED: 'the test found another value',
};

/**
 * Applies `patches` to a copy of `document` with validation. Returns the patched copy, or the problems
 * (sentences without a trailing period): patches that are not JSON patches, and the first operation that
 * does not apply (the ones after it cannot be judged on a document it did not change).
 */
export function applyPatches(document: unknown, patches: readonly unknown[]): { document: Record<string, unknown> } | { problems: string[] } {
  const ops: Operation[] = [];
  const problems: string[] = [];
  patches.forEach((p, i) => {
    const op = operationOf(p);
    if (typeof op === 'string') problems.push(`patch ${i + 1}: ${op}`);
    else ops.push(op);
  });
  if (problems.length > 0) return { problems };
  try {
    return { document: applyPatch(structuredClone(document), structuredClone(ops), true, true).newDocument as Record<string, unknown> };
  } catch (err) {
    const e = err as JsonPatchError;
    const index = typeof e.index === 'number' ? e.index : undefined;
    const op = index !== undefined ? ops[index] : undefined;
    const reason = REASONS[e.name] ?? String(e.message ?? err).split('\n')[0];
    return { problems: [op ? `patch ${index! + 1} (${op.op} ${op.path || '/'}) does not apply: ${reason}` : `a patch does not apply: ${reason}`] };
  }
}

type Metadata = { name?: unknown; namespace?: unknown; annotations?: Record<string, unknown>; labels?: Record<string, unknown> };

/**
 * What a patch changed that it may not: the object's apiVersion, kind, name or namespace (a rename or a
 * move is a delete and a create, and would bypass the namespace and identity checks), and the entries
 * ballast set under KEPT_METADATA_PREFIXES. Sentences without a trailing period.
 */
export function patchedIdentityProblems(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const meta = (o: Record<string, unknown>) => (typeof o.metadata === 'object' && o.metadata !== null ? (o.metadata as Metadata) : {});
  const [b, a] = [meta(before), meta(after)];
  const changed = [
    ['apiVersion', before.apiVersion, after.apiVersion],
    ['kind', before.kind, after.kind],
    ['metadata.name', b.name, a.name],
    ['metadata.namespace', b.namespace, a.namespace],
  ].filter(([, x, y]) => JSON.stringify(x) !== JSON.stringify(y));
  if (changed.length > 0) problems.push(`it changes ${changed.map(([field]) => field).join(', ')}, which say what the object is and where it lives`);
  for (const field of ['annotations', 'labels'] as const) {
    for (const [key, value] of Object.entries(b[field] ?? {})) {
      if (!KEPT_METADATA_PREFIXES.some((p) => key.startsWith(p))) continue;
      const now = (a[field] ?? {})[key];
      if (now !== value) problems.push(`it ${now === undefined ? 'removes' : 'changes'} the ${field.slice(0, -1)} ${key}: ${JSON.stringify(value)}, which decides how its backend keeps the object`);
    }
  }
  return problems;
}
