import * as fs from 'fs';
import * as path from 'path';

/**
 * Runs `build` against a fresh staging folder for each of `outdirs`, then swaps each staging folder in
 * place of its output folder. When `build` throws, the staging folders are removed and the previous
 * output stays as it was: a failed synth never leaves a half-written tree behind.
 */
export function withAtomicOutput<T>(outdirs: readonly string[], build: (staging: string[]) => T): T {
  const staging = outdirs.map((dir) => `${path.resolve(dir)}.staging-${process.pid}`);
  for (const dir of staging) fs.rmSync(dir, { recursive: true, force: true });
  let result: T;
  try {
    staging.forEach((dir) => fs.mkdirSync(dir, { recursive: true }));
    result = build(staging);
  } catch (err) {
    for (const dir of staging) fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  outdirs.forEach((dir, i) => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(staging[i], dir);
  });
  return result;
}

/** Writes `files` (relative path -> content) under `dir`. */
export function writeFiles(dir: string, files: ReadonlyMap<string, string>): void {
  for (const [rel, content] of files) {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}
