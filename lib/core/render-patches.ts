import { ApiObject, JsonPatch } from 'cdk8s';

// A component's own patches of an object, applied after the object is rendered. cdk8s-plus renders its
// resources through the Kubernetes 1.27 types, and `ApiObject.addJsonPatch` patches are applied before
// that mapping, which drops what the 1.27 types do not know (a named probe port, the 1.29 preStop
// `sleep`). These come after it, in `Component.manifests()`, before the user's `patchObject` patches and
// apart from them (their numbering and messages are the user's).

const AFTER_RENDER = new WeakMap<ApiObject, readonly JsonPatch[]>();

/** Patches `object`'s rendered JSON with `patches`, after any earlier ones, when its component renders it. */
export function patchAfterRender(object: ApiObject, patches: readonly JsonPatch[]): void {
  AFTER_RENDER.set(object, [...(AFTER_RENDER.get(object) ?? []), ...patches]);
}

/** The patches `patchAfterRender` gave `object`, if any. */
export function patchesAfterRender(object: ApiObject): readonly JsonPatch[] | undefined {
  return AFTER_RENDER.get(object);
}
