// Runs in every test worker before its tests: each worker keeps the generated secrets of its test platforms
// in a secrets file of its own (beside the run's), so that workers never overwrite each other's values.
import * as path from 'path';

const base = process.env.BALLAST_SECRETS_FILE;
if (base && process.env.JEST_WORKER_ID) {
  process.env.BALLAST_SECRETS_FILE = path.join(path.dirname(base), `worker-${process.env.JEST_WORKER_ID}-${path.basename(base)}`);
}
