// What the backup round trip runs: the loopback S3 server (gofakes3, scripts/tools.sh), a PostgreSQL
// server of its own (Debian's, as the postgres OS user under root), and Debian's barman-cloud commands.
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Client } from 'pg';
import { toolPath } from '../tools';
import { postgresBinDir } from './postgres-servers';
import { HAS_SETPRIV } from './processes';

const BARMAN = ['barman-cloud-wal-archive', 'barman-cloud-backup', 'barman-cloud-backup-list', 'barman-cloud-restore', 'barman-cloud-wal-restore'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The barman-cloud commands; throws (never skips) with the Debian packages to install when one is missing. */
export function requireBarmanCloud(): void {
  const missing = BARMAN.filter((b) => spawnSync('sh', ['-c', `command -v ${b}`]).status !== 0);
  if (missing.length > 0) throw new Error(`${missing.join(', ')} not found: install the Debian packages barman-cli-cloud and python3-boto3 (apt-get install -y barman-cli-cloud python3-boto3)`);
}

/** gofakes3 on 127.0.0.1, in memory; `endpoint` is its URL. Call stop(). */
export class FakeS3 {
  public static async start(): Promise<FakeS3> {
    const child = spawn(toolPath('gofakes3'), ['-port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const address = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`gofakes3 did not start in 10 s: ${out}`)), 10_000);
      const read = (chunk: Buffer) => {
        out += chunk.toString();
        const m = /listening on (127\.0\.0\.1:\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      };
      child.stdout.on('data', read);
      child.stderr.on('data', read);
      child.on('exit', (code) => reject(new Error(`gofakes3 ended (exit code ${code}): ${out}`)));
    });
    return new FakeS3(child, `http://${address}`);
  }

  private constructor(
    private readonly child: ChildProcess,
    public readonly endpoint: string,
  ) {}

  public stop(): void {
    this.child.kill('SIGKILL');
  }
}

/** The OS user PostgreSQL and barman-cloud run as: `postgres` under root (PostgreSQL refuses root), else us. */
function asServerUser(command: string, args: readonly string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [command, [...args]];
  if (!HAS_SETPRIV) throw new Error('the tests run as root: setpriv (util-linux) is needed to run PostgreSQL as the "postgres" user');
  return ['setpriv', ['--reuid', 'postgres', '--regid', 'postgres', '--init-groups', command, ...args]];
}

/**
 * Runs a command as the server user to its end; throws with its output when it fails. Asynchronous: a
 * blocked event loop would stop reading the servers' logs, and a server whose log pipe is full stops.
 */
export function runAsServerUser(command: string, args: readonly string[], env: Record<string, string> = {}): Promise<string> {
  const [cmd, argv] = asServerUser(command, args);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const keep = (c: Buffer) => (out = (out + c.toString()).slice(-8000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', (err) => reject(err));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${command} ${args.join(' ')} failed (${code ?? signal}):\n${out}`));
    });
  });
}

/** Hands a path to the server user under root. */
export function own(file: string): void {
  if (process.getuid?.() !== 0) return;
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  fs.chownSync(file, id('-u'), id('-g'));
}

/** One PostgreSQL server on 127.0.0.1 without sockets, its data folder `data`, with extra settings. */
export class PostgresServer {
  public static bin(): string {
    return postgresBinDir();
  }

  private log = '';
  private ended?: string;
  private readonly child: ChildProcess;

  constructor(
    public readonly data: string,
    public readonly port: number,
    private readonly password: string,
    settings: Record<string, string>,
    env: Record<string, string>,
  ) {
    const args = ['-D', data, '-c', 'listen_addresses=127.0.0.1', '-c', `port=${port}`, '-c', 'unix_socket_directories=', '-c', 'fsync=off'];
    for (const [k, v] of Object.entries(settings)) args.push('-c', `${k}=${v}`);
    const [cmd, argv] = asServerUser(path.join(postgresBinDir(), 'postgres'), args);
    this.child = spawn(cmd, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (c: Buffer) => (this.log = (this.log + c.toString()).slice(-8000));
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    this.child.on('exit', (code, signal) => (this.ended = `${code ?? signal}`));
  }

  public async query<T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ host: '127.0.0.1', port: this.port, user: 'ballast_admin', password: this.password, database: 'postgres', connectionTimeoutMillis: 5_000 });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  }

  /** Polls until `probe` holds (errors count as not yet), or fails with the server's log. */
  public async until(what: string, probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      if (this.ended) throw new Error(`PostgreSQL ended (${this.ended}) while waiting until ${what}:\n${this.log}`);
      try {
        if (await probe()) return;
      } catch (err) {
        last = (err as Error).message;
      }
      await sleep(200);
    }
    throw new Error(`timed out waiting until ${what} (${last}):\n${this.log}`);
  }

  public async stop(): Promise<void> {
    if (this.ended) return;
    const done = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGINT'); // fast shutdown: a clean checkpoint
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([done, new Promise((r) => (timer = setTimeout(r, 15_000)))]);
    clearTimeout(timer);
    if (!this.ended) this.child.kill('SIGKILL');
  }

  public get output(): string {
    return this.log;
  }
}
