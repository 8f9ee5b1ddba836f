import { execFileSync } from 'child_process';
import * as path from 'path';

/**
 * Validates core (built-in) Kubernetes objects against the Kubernetes OpenAPI schemas of
 * kubernetes-models, in a child process because that package is an ES module. Returns one message per
 * invalid object.
 */
export function coreSchemaErrors(objects: readonly { apiVersion: string; kind: string; metadata: { name: string } }[]): string[] {
  const out = execFileSync(process.execPath, [path.join(__dirname, 'validate-core.mjs')], {
    input: JSON.stringify(objects),
    cwd: path.resolve(__dirname, '..', '..'),
    encoding: 'utf8',
  });
  const failures = JSON.parse(out) as { index: number; error: string }[];
  return failures.map((f) => `${objects[f.index].kind} ${objects[f.index].metadata.name}: ${f.error}`);
}
