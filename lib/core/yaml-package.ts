import { createRequire } from 'module';
import type * as YamlPackage from 'yaml';

/**
 * The `yaml` package, as cdk8s bundles it. cdk8s ships its own copy (a bundled dependency) and loads it
 * with its first require; ballast pins the same version and writes with that copy instead of loading a
 * second one (72 more files, about 25 ms of every synth). A unit test keeps the two versions equal, so
 * the bytes ballast writes are those of the version it pins.
 */
export const yaml: typeof YamlPackage = createRequire(require.resolve('cdk8s'))('yaml') as typeof YamlPackage;
