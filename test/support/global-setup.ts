// Runs once before a test tier: finds (or downloads) the reference data and hands its folder to every
// test worker through BALLAST_SCHEMAS. Without any, the run stops here with one message. It also gives
// the run its own secrets file (BALLAST_SECRETS_FILE) and age key (SOPS_AGE_KEY).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { provideReferenceData } from '../../scripts/reference/provide-reference-data';
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
  try {
    const data = await provideReferenceData({
      helm: () => toolPath('helm'),
      offline: Boolean(process.env.BALLAST_REFERENCE_OFFLINE),
      log: (line) => process.stderr.write(`reference data: ${line}\n`),
    });
    process.env.BALLAST_SCHEMAS = data.dir;
  } catch (err) {
    // The message says all there is to say: no stack trace under it.
    const error = new Error((err as Error).message);
    error.stack = error.message;
    throw error;
  }
}
