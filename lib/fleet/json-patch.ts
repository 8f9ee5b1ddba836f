/** One RFC 6902 operation, as kustomize's `patches` take them. */
export type JsonPatchOperation =
  | { readonly op: 'add' | 'replace'; readonly path: string; readonly value: unknown }
  | { readonly op: 'remove'; readonly path: string };

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * The operations that turn `from` into `to`: maps are compared key by key (a key only in `to` is added,
 * one only in `from` removed), lists of equal length item by item, and anything else is replaced whole.
 * A list whose length changed is replaced whole: index-wise adds and removes would be correct, but a
 * reviewer reads the new list more easily than a run of index operations.
 */
export function jsonPatch(from: unknown, to: unknown): JsonPatchOperation[] {
  const ops: JsonPatchOperation[] = [];
  walk(from as Json, to as Json, '', ops);
  return ops;
}

function walk(from: Json, to: Json, at: string, ops: JsonPatchOperation[]): void {
  if (isMap(from) && isMap(to)) {
    // A key whose value is undefined is not in the rendered YAML: it counts as absent.
    const has = (map: { [key: string]: Json }, key: string) => map[key] !== undefined;
    for (const key of Object.keys(from)) if (has(from, key) && !has(to, key)) ops.push({ op: 'remove', path: `${at}/${escape(key)}` });
    for (const [key, value] of Object.entries(to)) {
      if (value === undefined) continue;
      if (!has(from, key)) ops.push({ op: 'add', path: `${at}/${escape(key)}`, value });
      else walk(from[key], value, `${at}/${escape(key)}`, ops);
    }
    return;
  }
  if (Array.isArray(from) && Array.isArray(to) && from.length === to.length) {
    from.forEach((item, i) => walk(item, to[i], `${at}/${i}`, ops));
    return;
  }
  if (!sameJson(from, to)) ops.push({ op: 'replace', path: at, value: to });
}

function isMap(value: Json): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RFC 6901: `~` is `~0` and `/` is `~1` in a path segment. */
function escape(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function sameJson(a: Json, b: Json): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** `to` rebuilt from `from` and `ops` (the subset of RFC 6902 `jsonPatch` emits), to check a patch round-trips. */
export function applyJsonPatch(from: unknown, ops: readonly JsonPatchOperation[]): unknown {
  let doc = structuredClone(from) as Json;
  for (const op of ops) {
    const segments = op.path === '' ? [] : op.path.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (segments.length === 0) {
      if (op.op === 'remove') throw new Error('cannot remove the document root');
      doc = structuredClone(op.value) as Json;
      continue;
    }
    let parent = doc as Record<string, Json> | Json[];
    for (const s of segments.slice(0, -1)) parent = (parent as Record<string, Json>)[s] as Record<string, Json>;
    const last = segments[segments.length - 1];
    if (op.op === 'remove') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else {
      (parent as Record<string, Json>)[last] = structuredClone(op.value) as Json;
    }
  }
  return doc;
}
