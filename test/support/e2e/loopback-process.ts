import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import { HAS_SETPRIV } from './processes';

/**
 * A server binary (Prometheus, Alertmanager) run on 127.0.0.1 with its own folder: it is killed with the
 * test process (setpriv), keeps the tail of its output for error messages, is ready when `/-/ready`
 * answers 200, and `stop()` kills it and removes its folder.
 */
export abstract class LoopbackProcess {
  /** Starts `binary` with `args`, killed when the test process dies where setpriv exists. */
  protected static spawnBinary(binary: string, args: string[]): ChildProcess {
    const [cmd, argv] = HAS_SETPRIV ? ['setpriv', ['--pdeathsig', 'KILL', binary, ...args]] : [binary, args];
    return spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  }

  private output = '';
  private ended?: string;

  protected constructor(
    private readonly name: string,
    private readonly dir: string,
    public readonly port: number,
    private readonly child: ChildProcess,
    keep = 4000,
  ) {
    const append = (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-keep));
    child.stdout!.on('data', append);
    child.stderr!.on('data', append);
    child.on('exit', (code, signal) => (this.ended = code !== null ? `exit code ${code}` : `signal ${signal}`));
  }

  /** Its output so far (the tail). */
  public get log(): string {
    return this.output;
  }

  public async stop(): Promise<void> {
    if (!this.ended) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGKILL');
      await exited;
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  protected async waitReady(): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (this.ended) throw new Error(`${this.name} ended (${this.ended}) before it was ready:\n${this.output}`);
      const ok = await fetch(`http://127.0.0.1:${this.port}/-/ready`).then((r) => r.status === 200, () => false);
      if (ok) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${this.name} not ready after 60 s:\n${this.output}`);
  }
}
