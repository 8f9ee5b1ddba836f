// A checkout with nothing beside it and no network: the test run stops once, before any test, with one
// message that names each place it looked and the three ways to provide reference data.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from '../support/synth';

const root = path.resolve(__dirname, '..', '..');

/** The project's sources copied to a folder with no ../shared beside it (node_modules linked, not copied). */
function isolatedCheckout(): string {
  const checkout = path.join(tempDir('ballast-alone-'), 'checkout');
  for (const entry of ['lib', 'apps', 'stacks', 'scripts', 'test', 'package.json', 'tsconfig.json', 'tsconfig.jest.json', 'jest.config.js']) {
    fs.cpSync(path.join(root, entry), path.join(checkout, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(checkout, 'node_modules'));
  return checkout;
}

test('without reference data the unit tier fails once, with one message', () => {
  const checkout = isolatedCheckout();
  const cache = path.join(path.dirname(checkout), 'cache');
  const env: NodeJS.ProcessEnv = { ...process.env, BALLAST_CACHE: cache, BALLAST_REFERENCE_OFFLINE: '1' };
  delete env.BALLAST_SCHEMAS;
  const run = spawnSync(process.execPath, [path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci'], { cwd: checkout, env, encoding: 'utf8' });
  expect(run.status).toBe(1);
  const output = run.stdout + run.stderr;
  expect(output.match(/ballast needs reference data/g)).toHaveLength(1);
  expect(output).toContain(
    [
      'ballast needs reference data (upstream CRDs, chart values.yaml and values.schema.json) to run its tests, and found none:',
      '  1. $BALLAST_SCHEMAS: not set',
      `  2. ../shared/schemas beside the checkout: ${path.resolve(checkout, '..', 'shared', 'schemas')}: no reference data there (no README.md)`,
      `  3. the cache filled from upstream: ${cache}/reference/`,
    ].join('\n'),
  );
  expect(output).toContain('empty; downloading was not tried (BALLAST_REFERENCE_OFFLINE is set)');
  expect(output).toContain('Provide it in one of three ways:');
  // No test ran: the run stopped before the first one, and no stack trace follows the message.
  expect(output).not.toMatch(/Tests:|PASS|FAIL|    at /);
});
