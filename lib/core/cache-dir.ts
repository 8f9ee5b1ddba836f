import * as os from 'os';
import * as path from 'path';

/** ballast's own cache: `$BALLAST_CACHE`, else `~/.cache/ballast`. Never inside a checkout or `dist/`. */
export function ballastCacheDir(): string {
  return process.env.BALLAST_CACHE ?? path.join(os.homedir(), '.cache', 'ballast');
}
