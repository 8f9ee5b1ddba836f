import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** What a helm run printed, and its exit code. */
export interface HelmResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A fresh folder for Helm's config, cache and data, and the environment that points Helm at it. */
function privateHelmHome(): { home: string; env: NodeJS.ProcessEnv } {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ballast-helm-home-'));
  return { home, env: { ...process.env, HELM_CONFIG_HOME: home, HELM_CACHE_HOME: home, HELM_DATA_HOME: home } };
}

/**
 * Runs the pinned helm with its config, cache and data in a private folder (nothing read from or left in
 * the user's Helm setup) and a time limit, so that an unreachable repository fails instead of hanging.
 */
export function runHelm(helm: string, args: string[], options: { timeoutMs?: number; input?: string } = {}): HelmResult {
  const { home, env } = privateHelmHome();
  try {
    const result = spawnSync(helm, args, {
      env,
      input: options.input,
      encoding: 'utf8',
      timeout: options.timeoutMs ?? 120_000,
      maxBuffer: 256 * 1024 * 1024,
    });
    if (result.error) {
      const timedOut = (result.error as NodeJS.ErrnoException).code === 'ETIMEDOUT';
      return { status: -1, stdout: '', stderr: timedOut ? `helm ${args[0]} did not finish within ${(options.timeoutMs ?? 120_000) / 1000} s` : result.error.message };
    }
    return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

/**
 * runHelm without blocking the event loop: for downloads, which may be answered by a server in this same
 * process (the tests' loopback repository).
 */
export function runHelmAsync(helm: string, args: string[], options: { timeoutMs?: number } = {}): Promise<HelmResult> {
  const { home, env } = privateHelmHome();
  const timeoutMs = options.timeoutMs ?? 120_000;
  return new Promise<HelmResult>((resolve) => {
    const child = spawn(helm, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ status: -1, stdout, stderr: err.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(timedOut ? { status: -1, stdout, stderr: `helm ${args[0]} did not finish within ${timeoutMs / 1000} s` } : { status: code ?? -1, stdout, stderr });
    });
  }).finally(() => fs.rmSync(home, { recursive: true, force: true }));
}

/** The first line of helm's complaint, for one-line messages. */
export function helmError(result: HelmResult): string {
  const lines = result.stderr.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('Use --debug'));
  return lines.find((l) => l.startsWith('Error:')) ?? lines[lines.length - 1] ?? `exit code ${result.status}`;
}
