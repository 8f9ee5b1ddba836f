// Child processes for the output-folder tests: the real lib/output/*.ts and lib/synth/cli.ts, transpiled for
// plain node into a work folder (as the SIGKILL test always did), and a "platform" build that writes
// distinguishable content into every output folder.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '../..');

/** The platform build, shared by the children and the tests' own synths so that both write the same. */
const PLATFORM_BUILD = `
const fs = require('fs');
const path = require('path');

// The nonce of the output in \`dir\` (its platform.txt), or 'none'.
function nonceIn(dir) {
  try {
    return fs.readFileSync(path.join(dir, 'platform.txt'), 'utf8').split(' ')[1];
  } catch {
    return 'none';
  }
}

// A build for withAtomicOutput: platform \`platform\` writes \`files\` files of its own plus a shared one
// into every staging folder, and platform.txt = "<platform> <nonce> <nonce of the output it replaced>"
// (read from the first output folder: a build reads the previous output, which is why the lock is
// taken before it runs). Returns that previous nonce.
function platformBuild(outdirs, platform, nonce, files, sleepMs) {
  return (staging) => {
    const previous = nonceIn(outdirs[0]);
    if (sleepMs) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, sleepMs);
    for (const dir of staging) {
      fs.mkdirSync(path.join(dir, 'apps'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'platform.txt'), platform + ' ' + nonce + ' ' + previous);
      fs.writeFileSync(path.join(dir, 'apps', 'common.yaml'), 'platform: ' + platform + '\\n');
      for (let k = 0; k < files; k++) fs.writeFileSync(path.join(dir, 'apps', platform + '-' + k + '.yaml'), 'platform: ' + platform + '\\nk: ' + k + '\\n');
    }
    return previous;
  };
}

module.exports = { platformBuild, nonceIn };
`;

/**
 * One synth as an entry point: \`node synth-child.js '<json>'\` with outdirs, platform, nonce, files,
 * sleepMs, options (of withAtomicOutput) and loop (synthesize forever, nonces 1, 2, 3...). Prints
 * "wrote <nonce> after <previous nonce>" on success.
 */
const SYNTH_CHILD = `
const { withAtomicOutput } = require('./lib/output/output');
const { runEntryPoint } = require('./lib/synth/cli');
const { platformBuild } = require('./platform-build');
const cfg = JSON.parse(process.argv[2]);
if (cfg.loop) {
  process.stdout.write('ready\\n');
  for (let i = 1; ; i++) withAtomicOutput(cfg.outdirs, platformBuild(cfg.outdirs, cfg.platform, String(i), cfg.files, 0), cfg.options);
}
runEntryPoint(() => {
  const previous = withAtomicOutput(cfg.outdirs, platformBuild(cfg.outdirs, cfg.platform, cfg.nonce, cfg.files, cfg.sleepMs), cfg.options);
  process.stdout.write('wrote ' + cfg.nonce + ' after ' + previous + '\\n');
});
`;

/**
 * A long-lived synth process: \`node synth-server.js\` reads one JSON config per line (as synth-child.js
 * takes), runs that synth as an entry point and answers one JSON line: nonce, exit code, and what the
 * entry point printed to stdout and stderr. Many rounds cost one Node start-up.
 */
const SYNTH_SERVER = `
const readline = require('readline');
const { withAtomicOutput } = require('./lib/output/output');
const { runEntryPoint } = require('./lib/synth/cli');
const { platformBuild } = require('./platform-build');
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const cfg = JSON.parse(line);
  let stdout = '';
  let stderr = '';
  const write = process.stderr.write;
  process.stderr.write = (s) => ((stderr += s), true);
  process.exitCode = 0;
  try {
    runEntryPoint(() => {
      const previous = withAtomicOutput(cfg.outdirs, platformBuild(cfg.outdirs, cfg.platform, cfg.nonce, cfg.files, cfg.sleepMs), cfg.options);
      stdout += 'wrote ' + cfg.nonce + ' after ' + previous + '\\n';
    });
  } finally {
    process.stderr.write = write;
  }
  process.stdout.write(JSON.stringify({ nonce: cfg.nonce, code: process.exitCode, stdout, stderr }) + '\\n');
  process.exitCode = 0;
});
`;

/**
 * A preload (\`node -r ./kill-at-rename.js\`) that SIGKILLs the process at the Nth rename of an output
 * folder (renames of lock files, which the lock takes over, do not count): before it with
 * KILL_AT=before:N, after it with KILL_AT=after:N.
 */
const KILL_AT_RENAME = `
const fs = require('fs');
const [when, n] = (process.env.KILL_AT || '').split(':');
const rename = fs.renameSync;
let calls = 0;
fs.renameSync = function (from, to) {
  const counted = !String(from).includes('.lock') && ++calls === Number(n);
  if (counted && when === 'before') process.kill(process.pid, 'SIGKILL');
  const result = rename.apply(this, arguments);
  if (counted && when === 'after') process.kill(process.pid, 'SIGKILL');
  return result;
};
`;

/** Writes the transpiled output modules, the platform build, the child and the preload into `work`. */
export function prepareChildren(work: string): void {
  const sources = [
    ...fs.readdirSync(path.join(ROOT, 'lib/output')).filter((f) => /^output.*\.ts$/.test(f)).map((f) => `lib/output/${f}`),
    'lib/synth/cli.ts',
    'lib/core/errors.ts',
    // The output's record of its files, and what it reads the previous record with.
    'lib/day2/output-record.ts',
    'lib/core/checkout-file.ts',
    'lib/core/json-shape.ts',
  ];
  for (const rel of sources) {
    const out = path.join(work, rel.replace(/\.ts$/, '.js'));
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const source = fs.readFileSync(path.join(ROOT, rel), 'utf8');
    fs.writeFileSync(out, ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText);
  }
  fs.writeFileSync(path.join(work, 'platform-build.js'), PLATFORM_BUILD);
  fs.writeFileSync(path.join(work, 'synth-child.js'), SYNTH_CHILD);
  fs.writeFileSync(path.join(work, 'synth-server.js'), SYNTH_SERVER);
  fs.writeFileSync(path.join(work, 'kill-at-rename.js'), KILL_AT_RENAME);
}

/** The platform build of `work` (the same code the children run), for the tests' own synths. */
export function platformBuildOf(work: string): {
  platformBuild: (outdirs: string[], platform: string, nonce: string, files: number, sleepMs?: number) => (staging: string[]) => string;
  nonceIn: (dir: string) => string;
} {
  return require(path.join(work, 'platform-build.js'));
}

/** What a child synth did. */
export interface ChildResult {
  readonly pid: number;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of one child synth. */
export interface ChildSynth {
  readonly outdirs: string[];
  readonly platform: string;
  readonly nonce: string;
  readonly files: number;
  readonly sleepMs?: number;
  readonly options?: { whenLocked?: 'wait' | 'fail'; lockTimeoutMs?: number };
  /** `before:N` / `after:N`: SIGKILL at the Nth rename of an output folder. */
  readonly killAt?: string;
}

/** Runs one synth in a child process of `work`; resolves when it has ended. */
export function runChild(work: string, synth: ChildSynth): Promise<ChildResult> {
  const args = synth.killAt ? ['-r', './kill-at-rename.js'] : [];
  const child = spawn(process.execPath, [...args, 'synth-child.js', JSON.stringify(synth)], {
    cwd: work,
    env: { ...process.env, KILL_AT: synth.killAt ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ pid: child.pid!, code, signal, stdout, stderr }));
  });
}

/** What one synth of a synth server did. */
export interface ServedSynth {
  readonly nonce: string;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running synth-server.js of `work`. */
export interface SynthServer {
  readonly pid: number;
  /** Runs one synth in the server; resolves with what it did. */
  synth(config: Omit<ChildSynth, 'killAt'>): Promise<ServedSynth>;
  /** Ends the server; resolves when it has exited. */
  stop(): Promise<void>;
}

/** Starts a synth server in `work`. */
export function startSynthServer(work: string): SynthServer {
  const child = spawn(process.execPath, ['synth-server.js'], { cwd: work, stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting: ((answer: ServedSynth) => void)[] = [];
  let buffer = '';
  child.stdout.on('data', (d) => {
    buffer += d;
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      waiting.shift()?.(JSON.parse(line) as ServedSynth);
    }
  });
  return {
    pid: child.pid!,
    synth: (config) =>
      new Promise((resolve) => {
        waiting.push(resolve);
        child.stdin.write(`${JSON.stringify(config)}\n`);
      }),
    stop: () =>
      new Promise((resolve) => {
        child.once('close', () => resolve());
        child.stdin.end();
      }),
  };
}
