import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { chartObjects } from './chart-objects';
import { ConfigProblem, constructPath, ValidationError } from './errors';
import { applyPatch, Operation } from 'fast-json-patch';
import { applyPatches, operationOf, patchedIdentityProblems } from './object-patches';

// How a component's objects become JSON: cdk8s renders each, then come its own after-render patches, then
// the user's patchObject patches, checked.
//
// A component's own patches of an object are applied after the object is rendered. cdk8s-plus renders its
// resources through the Kubernetes 1.27 types, and `ApiObject.addJsonPatch` patches are applied before
// that mapping, which drops what the 1.27 types do not know (a named probe port, the 1.29 preStop
// `sleep`). These come after it, in `Component.manifests()`, before the user's `patchObject` patches and
// apart from them (their numbering and messages are the user's).

const AFTER_RENDER = new WeakMap<ApiObject, readonly Operation[]>();

/** Patches `object`'s rendered JSON with `patches`, after any earlier ones, when its component renders it. */
export function patchAfterRender(object: ApiObject, patches: readonly JsonPatch[]): void {
  const operations = patches.map((p) => {
    const op = operationOf(p);
    if (typeof op === 'string') throw new Error(`patchAfterRender: ${op}`);
    return op;
  });
  AFTER_RENDER.set(object, [...(AFTER_RENDER.get(object) ?? []), ...operations]);
}

/**
 * Applies `object`'s own after-render patches to `json`, in place: `json` is the fresh result of its
 * `toJson()`, so nothing else holds it, and ballast's own patches need no copy of the whole object (a
 * copy per Deployment was a tenth of the plan of a large platform). Each value is copied, so that two
 * renders never share one. One that does not apply is ballast's bug, not the user's.
 */
function applyOwnPatches(object: ApiObject, json: Record<string, unknown>): Record<string, unknown> {
  const operations = AFTER_RENDER.get(object);
  if (!operations) return json;
  const copies = operations.map((op) => ('value' in op ? { ...op, value: JSON.parse(JSON.stringify(op.value)) as unknown } : op));
  return applyPatch(json, copies as Operation[], true, true).newDocument as Record<string, unknown>;
}

/**
 * The objects of `chart`, resolved to plain JSON in the order cdk8s gives them, with their own
 * after-render patches and then the user's (`userPatches`, from `Component.patchObject`), checked. Throws
 * a ValidationError naming every object that cannot be rendered or patched.
 */
export function renderObjects(chart: Chart, userPatches: ReadonlyMap<ApiObject, readonly JsonPatch[]>): Record<string, unknown>[] {
  const problems: ConfigProblem[] = [];
  const path = constructPath(chart);
  const objects = chartObjects(chart).map((o) => {
    let json: Record<string, unknown>;
    try {
      json = o.toJson() as Record<string, unknown>;
    } catch (err) {
      // cdk8s applies ApiObject.addJsonPatch patches here, without validation: a patch of a path the
      // object lacks fails with a TypeError from deep inside.
      const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
      problems.push({ path, problem: `${o.kind} "${o.name}" cannot be rendered: ${reason}`, fix: 'If it has patches from ApiObject.addJsonPatch, correct them or use patchObject, which checks each patch and says which one does not apply' });
      return undefined;
    }
    json = applyOwnPatches(o, json);
    const patches = userPatches.get(o);
    if (!patches) return json;
    const patched = applyPatches(json, patches);
    const problemsOfPatch = 'problems' in patched ? patched.problems : patchedIdentityProblems(json, patched.document);
    for (const problem of problemsOfPatch) {
      problems.push({ path, problem: `patchObject ${o.kind} "${o.name}": ${problem}`, fix: 'Patch paths the object has (diff and the output show them; "add" creates a field), and change its name or namespace through the component' });
    }
    return 'document' in patched ? patched.document : json;
  });
  if (problems.length > 0) throw new ValidationError(problems);
  return objects as Record<string, unknown>[];
}
