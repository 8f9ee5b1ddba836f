// Runs once before a test tier: finds (or downloads) the reference data and hands its folder to every
// test worker through BALLAST_SCHEMAS. Without any, the run goes on: the tests that need it are skipped
// (test/support/reference-gate.ts) and the closing summary line (test/support/not-run-reporter.js) says
// what was not checked and why, from BALLAST_REFERENCE_MISSING. It also gives the run its own secrets
// file (BALLAST_SECRETS_FILE) and age key (SOPS_AGE_KEY).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { provideReferenceData } from '../../scripts/reference/provide-reference-data';
import { referenceCandidates } from '../../lib/internal';
import { toolPath } from './tools';
import { generateAgeIdentity } from '../../lib/secrets/age';

export default async function globalSetup(): Promise<void> {
  // Values the test platforms generate (SecretValue.generated) go to a secrets file of this run, not into
  // the checkout's, which holds the developer's own values; it is encrypted for an age key of this run,
  // which every worker reads from SOPS_AGE_KEY (TEST_AGE). Workers inherit both.
  if (!process.env.BALLAST_SECRETS_FILE) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ballast-test-secrets-'));
    // The teardown removes the folder this run made (and only that one).
    process.env.BALLAST_TEST_SECRETS_DIR = dir;
    process.env.BALLAST_SECRETS_FILE = path.join(dir, 'secrets.sops.yaml');
  }
  process.env.SOPS_AGE_KEY ??= generateAgeIdentity().identity;
  delete process.env.BALLAST_REFERENCE_MISSING;
  const offline = Boolean(process.env.BALLAST_REFERENCE_OFFLINE);
  try {
    const data = await provideReferenceData({
      helm: () => toolPath('helm'),
      offline,
      log: (line) => process.stderr.write(`reference data: ${line}\n`),
    });
    process.env.BALLAST_SCHEMAS = data.dir;
  } catch (err) {
    const message = (err as Error).message;
    if (process.env.BALLAST_SCHEMAS) {
      // A folder the user named that holds no reference data is a mistake to fix, not a machine without
      // the data: the run stops with the message alone (no stack trace under it).
      const error = new Error(message);
      error.stack = error.message;
      throw error;
    }
    process.env.BALLAST_REFERENCE_MISSING = whereLooked(offline, message);
  }
}

/**
 * One sentence for the closing summary line: each place looked at, and why the cache was not filled
 * (the reason is the first line of the download error, which `provideReferenceData` puts in its message).
 */
function whereLooked(offline: boolean, message: string): string {
  const failed = /filling it from upstream failed: (.*)/.exec(message)?.[1];
  const download = offline ? 'not downloaded, BALLAST_REFERENCE_OFFLINE is set' : `download failed: ${failed ?? 'see above'}`;
  const places = referenceCandidates().map((c) =>
    c.origin === 'shared' ? `../shared/schemas (${c.dir}): none` : `the cache (${c.dir}): empty, ${download}`,
  );
  return `Looked in: $BALLAST_SCHEMAS: not set; ${places.join('; ')}`;
}
