// Runs once after a test tier: removes the folder of generated secrets the global setup made for the run.
import * as fs from 'fs';

export default function globalTeardown(): void {
  const dir = process.env.BALLAST_TEST_SECRETS_DIR;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
