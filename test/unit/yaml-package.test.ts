// ballast writes YAML with the copy of `yaml` that cdk8s bundles (one copy loaded, not two): that copy
// must be the version ballast pins, or the bytes written would follow cdk8s' choice of version.
import { createRequire } from 'module';
import * as path from 'path';
import { yaml } from '../../lib/core/yaml-package';

test('the yaml cdk8s bundles is the version package.json pins, and the one ballast uses', () => {
  const pinned = (require(path.join(__dirname, '..', '..', 'package.json')) as { dependencies: Record<string, string> }).dependencies.yaml;
  const fromCdk8s = createRequire(require.resolve('cdk8s'));
  expect((fromCdk8s('yaml/package.json') as { version: string }).version).toBe(pinned);
  expect(yaml).toBe(fromCdk8s('yaml'));
});
