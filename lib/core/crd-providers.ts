import type { IConstruct } from 'constructs';

// API groups whose CRDs a component writes itself, as objects, rather than through a chart (a project
// that publishes no chart, such as CloudNativePG's Barman Cloud plugin). The plan treats the component
// as the owner of those groups, like a chart's `crdGroups`: custom resources of them go one Flux step
// after it. Kept beside Component rather than on it, so that the base class stays one purpose.

const written = new WeakMap<IConstruct, readonly string[]>();

/** Records that `component` writes the CRDs of `groups` among its own objects. */
export function declareWrittenCrds(component: IConstruct, groups: readonly string[]): void {
  written.set(component, [...(written.get(component) ?? []), ...groups]);
}

/** The API groups whose CRDs `component` writes itself (none for most). */
export function writtenCrdGroups(component: IConstruct): readonly string[] {
  return written.get(component) ?? [];
}
