import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { ballastCacheDir } from './cache-dir';

/**
 * The JSON `build()` returns for `inputs`, remembered in ballast's cache (never in the output) so that a
 * re-synth with the same inputs does not load what `build` needs. The key covers the inputs, the source
 * of the module that builds (`sourceFile`) and `version` (of the library it uses), so a change of any of
 * them builds afresh. The result must be a pure function of those: that is what makes this safe.
 */
export function cachedJson<T>(kind: string, sourceFile: string, version: string, inputs: unknown, build: () => T): T {
  let file: string | undefined;
  try {
    const source = fs.readFileSync(sourceFile);
    const digest = crypto.createHash('sha256').update(source).update(`\n${version}\n${JSON.stringify(inputs)}`).digest('hex');
    file = path.join(ballastCacheDir(), kind, `${digest.slice(0, 32)}.json`);
    if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    file = undefined;
  }
  // As plain JSON, so a fresh build and a remembered one are the same value.
  const value = JSON.parse(JSON.stringify(build())) as T;
  if (file) {
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      // Written aside and renamed: a concurrent synth never reads half a file.
      fs.writeFileSync(`${file}.${process.pid}`, JSON.stringify(value));
      fs.renameSync(`${file}.${process.pid}`, file);
    } catch {
      // A read-only cache only costs the next synth the build again.
    }
  }
  return value;
}
