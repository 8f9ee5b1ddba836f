// A checkout with nothing beside it and no network: the unit tier runs. The tests that need reference data
// are skipped, never passed, and one closing line counts them, names what they would have checked, where
// the data was looked for and how to provide it; BALLAST_REQUIRE_REFERENCE=1 (CI) makes that run fail.
// A BALLAST_SCHEMAS naming a folder without reference data is a mistake: the run stops before any test.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from '../support/synth';

const root = path.resolve(__dirname, '..', '..');
/** Unit test files with checks that need reference data and checks that do not. */
const FILES = ['test/unit/schemas.test.ts', 'test/unit/chart-values.test.ts'];

/** The project's sources copied to a folder with no ../shared beside it (node_modules linked, not copied). */
function isolatedCheckout(): string {
  const checkout = path.join(tempDir('ballast-alone-'), 'checkout');
  for (const entry of ['lib', 'apps', 'stacks', 'scripts', 'loadtests', 'test', 'package.json', 'tsconfig.json', 'tsconfig.jest.json', 'jest.config.js']) {
    fs.cpSync(path.join(root, entry), path.join(checkout, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(checkout, 'node_modules'));
  return checkout;
}

const checkout = isolatedCheckout();
const cache = path.join(path.dirname(checkout), 'cache');

/** The unit tier's `files` in the isolated checkout, with an empty cache and no download. */
function unitTier(files: readonly string[], env: NodeJS.ProcessEnv = {}) {
  const base: NodeJS.ProcessEnv = { ...process.env, BALLAST_CACHE: cache, BALLAST_REFERENCE_OFFLINE: '1' };
  delete base.BALLAST_SCHEMAS;
  delete base.BALLAST_REQUIRE_REFERENCE;
  // The child run makes (and its teardown removes) a secrets folder of its own, never this run's.
  delete base.BALLAST_SECRETS_FILE;
  delete base.BALLAST_TEST_SECRETS_DIR;
  const run = spawnSync(process.execPath, [path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci', '--verbose', ...files], {
    cwd: checkout,
    env: { ...base, ...env },
    encoding: 'utf8',
  });
  return { status: run.status, output: run.stdout + run.stderr };
}

/** The closing summary line (the last line of the output). */
const closingLine = (output: string) => output.trimEnd().split('\n').pop() ?? '';

test('without reference data the unit tier passes, its checks that need the data skipped and named in one closing line', () => {
  const { status, output } = unitTier(FILES);
  expect(status).toBe(0);
  expect(output.match(/NOT RUN without reference data/g)).toHaveLength(1);
  const skipped = Number(/Tests: +(\d+) skipped, \d+ passed, \d+ total/.exec(output)?.[1]);
  expect(skipped).toBeGreaterThan(20);
  const line = closingLine(output);
  expect(line).toMatch(new RegExp(`^ballast: ${skipped} tests NOT RUN without reference data, so these were not checked: `));
  for (const what of ["Helm values against each chart's values.schema.json", 'catalog chart versions against the reference charts', 'custom resources against their CRD schemas']) {
    expect(line).toContain(what);
  }
  expect(line).toContain(
    `Looked in: $BALLAST_SCHEMAS: not set; ../shared/schemas (${path.resolve(checkout, '..', 'shared', 'schemas')}): none; the cache (${cache}/reference/`,
  );
  expect(line).toContain('empty, not downloaded, BALLAST_REFERENCE_OFFLINE is set. Provide it: set BALLAST_SCHEMAS');
  // Skipped is not passed: the CRD check is listed as skipped with what it needs; the core check still ran.
  expect(output).toContain('○ skipped every custom resource in dist/flux matches its CRD schema [not run without reference data: custom resources against their CRD schemas]');
  expect(output).toMatch(/✓ every core object in either backend matches the Kubernetes OpenAPI/);
  expect(output).toMatch(/✓ the schema check says why it did not check without reference data/);
});

test('with BALLAST_REQUIRE_REFERENCE=1, as in CI, a test skipped for lack of reference data fails the run', () => {
  const { status, output } = unitTier([FILES[0]], { BALLAST_REQUIRE_REFERENCE: '1' });
  expect(status).toBe(1);
  expect(output).toMatch(/Tests: +2 skipped, \d+ passed/);
  expect(closingLine(output)).toMatch(/^ballast: 2 tests NOT RUN without reference data, .* BALLAST_REQUIRE_REFERENCE=1: this run FAILS\.$/);
});

test('a BALLAST_SCHEMAS without reference data stops the run once, before any test, with one message', () => {
  const wrong = path.join(path.dirname(checkout), 'not-reference-data');
  fs.mkdirSync(wrong);
  const { status, output } = unitTier(FILES, { BALLAST_SCHEMAS: wrong });
  expect(status).toBe(1);
  expect(output.match(/ballast needs reference data/g)).toHaveLength(1);
  expect(output).toContain(
    [
      'ballast needs reference data (upstream CRDs, chart values.yaml and values.schema.json) to run its tests, and found none:',
      `  1. $BALLAST_SCHEMAS: ${wrong}: no reference data there (no README.md)`,
      'Provide it in one of three ways:',
    ].join('\n'),
  );
  // No test ran: the run stopped before the first one, and no stack trace follows the message.
  expect(output).not.toMatch(/Tests:|PASS|FAIL|    at /);
});
