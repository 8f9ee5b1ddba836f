import { ChildProcess, spawn } from 'child_process';
import { HAS_SETPRIV } from '../e2e/processes';

/** Enough of a controller's JSON log (about 25 lines) to show the reconcile errors that led to a failure. */
const LOG_TAIL = 10_000;

/**
 * A long-running tool of the flux tier (a controller), killed by the kernel if the test process dies
 * (`setpriv --pdeathsig`), and by an `exit` hook otherwise. Keeps the tail of its output for messages.
 */
export class ManagedProcess {
  /** Why it ended (exit code, signal or spawn error), once it has. */
  public ended?: string;
  private output = '';
  private readonly child: ChildProcess;
  private readonly onExit = () => this.kill();

  public constructor(
    public readonly name: string,
    binary: string,
    args: readonly string[],
    env: NodeJS.ProcessEnv,
  ) {
    const [cmd, argv] = HAS_SETPRIV ? ['setpriv', ['--pdeathsig', 'KILL', binary, ...args]] : [binary, [...args]];
    this.child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], env });
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-LOG_TAIL));
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    this.child.on('exit', (code, signal) => (this.ended = code !== null ? `exit code ${code}` : `signal ${signal}`));
    this.child.on('error', (err) => (this.ended = `could not start ${binary}: ${err.message}`));
    process.on('exit', this.onExit);
  }

  /** The last part of what it printed, headed by its name (and how it ended, if it has). */
  public log(): string {
    return `--- ${this.name}${this.ended ? ` (ended: ${this.ended})` : ''}, last output:\n${this.output}`;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has ended. Safe to call twice. */
  public async stop(graceMs = 5_000): Promise<void> {
    process.removeListener('exit', this.onExit);
    if (this.ended || this.child.exitCode !== null || this.child.signalCode !== null) return;
    const ended = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
    if ((await Promise.race([ended, graceOver])) === 'late') {
      this.kill();
      await ended;
    }
    clearTimeout(timer);
  }

  /** Synchronous, so it also works in the process `exit` hook. */
  private kill(): void {
    if (!this.ended) this.child.kill('SIGKILL');
  }
}
