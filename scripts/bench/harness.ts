// The bench's harness: measured runs of whole processes (`measure`), in folders under the project's dist/
// that are removed when the bench ends.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export const RUNS = Number(process.env.BENCH_RUNS ?? 5);
export const root = path.resolve(__dirname, '..', '..', '..');
export const js = (file: string) => path.join(root, 'dist-js', 'scripts', file);
// Runs write under the project's dist/, where a synth writes (the temporary folder can sit elsewhere on
// the disk, where creating files costs differently).
fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
export const work = fs.mkdtempSync(path.join(root, 'dist', '.bench-'));
// Removed however the bench ends, a failed run included.
process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));
let folders = 0;
export const freshFolder = () => {
  const dir = path.join(work, `run-${folders++}`);
  fs.mkdirSync(dir);
  return dir;
};

export interface Runs {
  readonly ms: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** Median CPU time (user + system) and largest peak RSS, when the process reports them. */
  readonly cpuMs?: number;
  readonly rssMb?: number;
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const round = (x: number) => Math.round(x);

/**
 * Runs `node <args>` (in `cwd`, or a fresh folder) once to warm up and then `runs` times, with the usage
 * probe preloaded; what each measured run printed is returned beside the measures.
 */
export function measure(args: (dir: string) => string[], options: { runs?: number; cwd?: string; probe?: boolean; env?: NodeJS.ProcessEnv } = {}): Runs & { outputs: string[] } {
  const usageFile = path.join(work, `usage-${folders}.jsonl`);
  const walls: number[] = [];
  const outputs: string[] = [];
  for (let i = 0; i <= (options.runs ?? RUNS); i++) {
    if (i === 1) fs.rmSync(usageFile, { force: true });
    const dir = freshFolder();
    // Earlier runs' writes still being flushed to disk would slow this run's file creation.
    execFileSync('sync');
    const probe = options.probe === false ? [] : ['-r', js('bench/usage-probe.js')];
    const start = process.hrtime.bigint();
    const stdout = execFileSync(process.execPath, [...probe, ...args(dir)], {
      cwd: options.cwd ?? dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, ...options.env, BALLAST_BENCH_USAGE: usageFile },
    });
    if (i > 0) {
      walls.push(Number(process.hrtime.bigint() - start) / 1e6);
      outputs.push(stdout);
    }
  }
  const usage = fs.existsSync(usageFile)
    ? fs.readFileSync(usageFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { cpuMs: number; rssMb: number })
    : [];
  return {
    ms: median(walls),
    minMs: Math.min(...walls),
    maxMs: Math.max(...walls),
    ...(usage.length > 0 ? { cpuMs: median(usage.map((u) => u.cpuMs)), rssMb: Math.max(...usage.map((u) => u.rssMb)) } : {}),
    outputs,
  };
}

/** The median of each measure the runs printed as JSON. */
export function medianOfOutputs(runs: { outputs: string[] }): Record<string, number> {
  const parsed = runs.outputs.map((o) => JSON.parse(o) as Record<string, number>);
  return Object.fromEntries(Object.keys(parsed[0]).map((k) => [k, median(parsed.map((p) => p[k]))]));
}
