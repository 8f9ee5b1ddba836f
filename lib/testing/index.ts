// Snapshot tests of components: what one construct emits on each backend.
export { synthComponent } from './synth-component';
export type { ComponentSynth, SynthComponentBuild, SynthComponentOptions } from './synth-component';
export { defaultTestConfig } from './test-config';
export type { FluxObject } from './flux-objects';
export type { SecretShape } from './secret-shape';
export type { JsonObject, JsonValue } from './json';
