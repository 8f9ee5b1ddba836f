import { applyPatch, compare, Operation } from 'fast-json-patch';

/** One RFC 6902 operation, as kustomize's `patches` take them. */
export type JsonPatchOperation = Operation;

/**
 * The operations that turn `from` into `to` (fast-json-patch's `compare`), over the objects as YAML holds
 * them: a field whose value is undefined is not in the rendered file, so it counts as absent on both sides.
 */
export function jsonPatch(from: unknown, to: unknown): JsonPatchOperation[] {
  return compare(asWritten(from), asWritten(to));
}

/** `to` rebuilt from `from` and `ops`, to check that a patch round-trips. */
export function applyJsonPatch(from: unknown, ops: readonly JsonPatchOperation[]): unknown {
  return applyPatch(asWritten(from), structuredClone([...ops]), true, false).newDocument;
}

/** A copy without the undefined fields that a YAML file cannot hold. */
function asWritten(value: unknown): object {
  return value === undefined ? {} : (JSON.parse(JSON.stringify(value)) as object);
}
