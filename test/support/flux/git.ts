import { spawn } from 'child_process';

/**
 * Git with no user or system configuration (a developer's signing, hooks or URL rewrites must not change
 * what the tests push) and a fixed identity. Never prompts.
 */
export const GIT_ENV: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
  GIT_AUTHOR_NAME: 'ballast tests',
  GIT_AUTHOR_EMAIL: 'tests@ballast.invalid',
  GIT_COMMITTER_NAME: 'ballast tests',
  GIT_COMMITTER_EMAIL: 'tests@ballast.invalid',
};

/**
 * Runs `git args` in `cwd` and resolves with its standard output. Asynchronous on purpose: the Git server
 * answering a clone or push runs in this same Node process, and a synchronous call would block it.
 */
export function git(args: readonly string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, env: GIT_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (err) => reject(new Error(`git ${args.join(' ')} (in ${cwd}) could not start: ${err.message}`)));
    child.on('close', (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`git ${args.join(' ')} (in ${cwd}) failed with exit code ${code}:\n${stderr.trim()}`)),
    );
  });
}
