import * as fs from 'fs';
import * as path from 'path';

/**
 * The record of what a synth wrote in an output folder, relative to it. It is part of the output (it is
 * committed with `dist/flux`): the next synth reads it to tell the files it owns from everything else.
 */
export const RECORD_FILE = '.ballast/files.json';

const ABOUT = 'The files the last ballast synth wrote in this folder. The next synth replaces these and keeps every other file.';

/**
 * Writes the record of every file and symlink under `staging` (what the build wrote) into
 * `staging/.ballast/files.json`: sorted relative paths with `/`, so that the same output gives the same
 * bytes.
 */
export function writeRecord(staging: string): void {
  const files = listFiles(staging);
  if (files.includes(RECORD_FILE)) throw new Error(`the build wrote ${RECORD_FILE}, which ballast keeps for its record of the files it wrote`);
  const file = path.join(staging, RECORD_FILE);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify({ about: ABOUT, files }, null, 2)}\n`);
}

/** The files the previous synth recorded in `outdir`; undefined when it holds no readable record. */
export function readRecord(outdir: string): ReadonlySet<string> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(path.join(outdir, RECORD_FILE), 'utf8'));
  } catch {
    return undefined;
  }
  const files = (parsed as { files?: unknown } | null)?.files;
  if (!Array.isArray(files) || !files.every((f): f is string => typeof f === 'string')) return undefined;
  return new Set(files);
}

/** Every file and symlink under `dir` (not folders), as sorted relative paths with `/`. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(rel === '' ? dir : path.join(dir, rel), { withFileTypes: true })) {
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else out.push(child);
    }
  };
  walk('');
  return out.sort();
}
