// Validates core Kubernetes objects against the official OpenAPI schemas shipped by kubernetes-models
// (an ES module, hence this separate script). Reads a JSON array of objects on stdin, prints a JSON array
// of { index, error } for the objects that fail, and exits 1 when a kind is unknown.
import { readFileSync } from 'node:fs';

const objects = JSON.parse(readFileSync(0, 'utf8'));
const failures = [];
for (const [index, object] of objects.entries()) {
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : ['', object.apiVersion];
  const module = `kubernetes-models/${group ? `${group}/` : ''}${version}/${object.kind}`;
  let Model;
  try {
    Model = (await import(module))[object.kind];
  } catch (err) {
    console.error(`no model for ${object.apiVersion} ${object.kind} (${module}): ${err.message}`);
    process.exit(1);
  }
  try {
    new Model(object).validate();
  } catch (err) {
    failures.push({ index, error: err.message });
  }
}
process.stdout.write(JSON.stringify(failures));
