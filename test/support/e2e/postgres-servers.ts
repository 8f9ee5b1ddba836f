import { ChildProcess, spawn, spawnSync } from 'child_process';
import { freePort, HAS_SETPRIV } from './processes';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Client } from 'pg';

/** Where a server listens. */
export interface PostgresEndpoint {
  readonly host: string;
  readonly port: number;
}

/** Which of the two servers. */
export type PostgresRole = 'primary' | 'standby';

interface Server {
  readonly name: PostgresRole;
  readonly process: ChildProcess;
  log: string;
  /** Why it ended (exit code, signal or spawn error), once it has. */
  ended?: string;
}

const READY_TIMEOUT_MS = 30_000;
const COMMAND_TIMEOUT_MS = 60_000;
const LOG_TAIL = 6000;
/** The superuser initdb creates; it logs in with a random password, like every other role. */
const ADMIN = 'ballast_admin';
/** The OS user the servers run as when the tests run as root (the Debian package creates it). */
const SERVER_USER = 'postgres';
const NEEDED = ['initdb', 'postgres', 'pg_basebackup'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The folder with the PostgreSQL server binaries: `pg_config --bindir` first, then the newest
 * `/usr/lib/postgresql/<version>/bin` (Debian installs the server there, outside PATH). Throws, never
 * skips, when none holds initdb, postgres and pg_basebackup.
 */
export function postgresBinDir(): string {
  const candidates: string[] = [];
  const pgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (pgConfig.status === 0 && pgConfig.stdout.trim()) candidates.push(pgConfig.stdout.trim());
  const debian = '/usr/lib/postgresql';
  if (fs.existsSync(debian)) {
    const versions = fs.readdirSync(debian).filter((v) => /^\d+(\.\d+)?$/.test(v));
    versions.sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => path.join(debian, v, 'bin')));
  }
  const found = candidates.find((dir) => NEEDED.every((b) => fs.existsSync(path.join(dir, b))));
  if (found) return found;
  const pgConfigNote = pgConfig.status === 0 ? '' : ', which is missing or failed';
  throw new Error(
    `PostgreSQL server binaries (${NEEDED.join(', ')}) not found. Searched: ${candidates.length ? candidates.join(', ') : 'no folder'}` +
      ` (from \`pg_config --bindir\`${pgConfigNote}, and ${debian}/*/bin). Install the Debian package "postgresql" (apt-get install -y postgresql).`,
  );
}

/**
 * PostgreSQL refuses to run as root. Under root the servers and their tools run as the `postgres` OS
 * user, and their folders belong to it; otherwise as the current user.
 */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  if (!HAS_SETPRIV) throw new Error('the tests run as root, and PostgreSQL refuses root: setpriv (util-linux) is needed to run it as the "postgres" user');
  const id = (flag: string) => spawnSync('id', [flag, SERVER_USER], { encoding: 'utf8' });
  const [uid, gid] = [id('-u'), id('-g')];
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error(`the tests run as root, and PostgreSQL refuses root: it would run as the OS user "${SERVER_USER}", which does not exist (the Debian package "postgresql" creates it)`);
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * A PostgreSQL primary and a streaming standby cloned from it with `pg_basebackup -R`, on 127.0.0.1 with
 * free ports and without Unix sockets, in one temporary folder. Every role logs in with SCRAM-SHA-256
 * over TCP; the superuser has a random password. Throw-away data: fsync is off. Always call stop() (in
 * afterAll); it also runs when the process exits.
 */
export class PostgresServers {
  /** Starts both and returns once the standby streams from the primary. */
  public static async start(): Promise<PostgresServers> {
    // Resolved before anything starts, so a missing binary or user fails with the reason and leaves nothing behind.
    const bin = postgresBinDir();
    const user = serverUser();
    const servers = new PostgresServers(bin, user, fs.mkdtempSync(path.join(os.tmpdir(), 'ballast-postgres-')));
    try {
      await servers.boot();
    } catch (err) {
      await servers.stop();
      throw err;
    }
    return servers;
  }

  private readonly ports: Record<PostgresRole, number> = { primary: 0, standby: 0 };
  private readonly adminPassword = crypto.randomBytes(16).toString('hex');
  private readonly servers: Server[] = [];
  private readonly onExit = () => {
    this.kill('SIGKILL');
    fs.rmSync(this.dir, { recursive: true, force: true });
  };

  private constructor(
    private readonly bin: string,
    private readonly user: { uid: number; gid: number } | undefined,
    private readonly dir: string,
  ) {
    process.on('exit', this.onExit);
  }

  /** The primary: read and write. */
  public get primary(): PostgresEndpoint {
    return { host: '127.0.0.1', port: this.ports.primary };
  }

  /** The hot standby: read only, streaming from the primary. */
  public get standby(): PostgresEndpoint {
    return { host: '127.0.0.1', port: this.ports.standby };
  }

  /**
   * Runs `fn` with a superuser connection to one server (a fresh connection, closed afterwards), e.g. to
   * create roles and databases on the primary or to look at the standby.
   */
  public async asAdmin<T>(on: PostgresRole, fn: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({ ...this[on], user: ADMIN, password: this.adminPassword, database: 'postgres', connectionTimeoutMillis: 10_000 });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  }

  /** Waits until the standby has replayed everything the primary has written so far. */
  public async waitReplayed(): Promise<void> {
    const lsn = await this.asAdmin('primary', async (c) => (await c.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn')).rows[0].lsn);
    await this.until(`the standby replays the primary's WAL up to ${lsn}`, () =>
      this.asAdmin('standby', async (c) => (await c.query<{ done: boolean }>('select pg_last_wal_replay_lsn() >= $1::pg_lsn as done', [lsn])).rows[0].done),
    );
  }

  /**
   * Ends both servers (immediate shutdown, then SIGKILL after 10 s), waits for them, then removes the
   * temporary folder. Safe to call twice.
   */
  public async stop(): Promise<void> {
    const ended = this.servers.map((s) => (s.ended ? Promise.resolve() : new Promise((r) => s.process.once('exit', r))));
    // SIGQUIT is PostgreSQL's immediate shutdown: the backends go at once, nothing is flushed (nothing needs to be).
    this.kill('SIGQUIT');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), 10_000)));
    if ((await Promise.race([Promise.all(ended), timeout])) === 'timeout') {
      this.kill('SIGKILL');
      await Promise.race([Promise.all(ended), sleep(5_000)]);
    }
    clearTimeout(timer);
    fs.rmSync(this.dir, { recursive: true, force: true });
    process.removeListener('exit', this.onExit);
  }

  private async boot(): Promise<void> {
    this.own(this.dir);
    const primaryData = path.join(this.dir, 'primary');
    const standbyData = path.join(this.dir, 'standby');
    const pwfile = path.join(this.dir, 'admin-password');
    fs.writeFileSync(pwfile, `${this.adminPassword}\n`, { mode: 0o600 });
    this.own(pwfile);

    // --no-sync: throw-away data. The C locale keeps initdb independent of the machine's locales.
    await this.command('initdb', [
      `--pgdata=${primaryData}`,
      `--username=${ADMIN}`,
      `--pwfile=${pwfile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync',
      '--no-instructions',
    ]);
    // Only TCP from loopback, always with a password: a role without the right one is refused.
    fs.writeFileSync(
      path.join(primaryData, 'pg_hba.conf'),
      ['# TYPE DATABASE USER ADDRESS METHOD', 'host all all 127.0.0.1/32 scram-sha-256', 'host replication all 127.0.0.1/32 scram-sha-256', ''].join('\n'),
    );
    this.own(path.join(primaryData, 'pg_hba.conf'));

    this.ports.primary = await freePort();
    this.serve('primary', primaryData, this.ports.primary);
    await this.waitAccepting('primary');

    // -R writes standby.signal and primary_conninfo (with the password from PGPASSWORD): the clone
    // starts as a hot standby streaming from the primary. The copied pg_hba.conf applies to it too.
    await this.command(
      'pg_basebackup',
      ['--host=127.0.0.1', `--port=${this.ports.primary}`, `--username=${ADMIN}`, `--pgdata=${standbyData}`, '--write-recovery-conf', '--wal-method=stream', '--checkpoint=fast', '--no-sync'],
      { PGPASSWORD: this.adminPassword },
    );
    this.ports.standby = await freePort();
    this.serve('standby', standbyData, this.ports.standby);
    await this.waitAccepting('standby');
    await this.until('the standby is in recovery and the primary shows it streaming in pg_stat_replication', async () => {
      const recovering = await this.asAdmin('standby', async (c) => (await c.query<{ r: boolean }>('select pg_is_in_recovery() as r')).rows[0].r);
      const streaming = await this.asAdmin('primary', async (c) => (await c.query("select 1 from pg_stat_replication where state = 'streaming'")).rowCount ?? 0);
      return recovering && streaming > 0;
    });
  }

  /** Starts `postgres` in the foreground (so that the child is the postmaster itself and signals reach it). */
  private serve(name: PostgresRole, data: string, port: number): void {
    const args = [
      '-D',
      data,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `port=${port}`,
      // No socket: the tests connect over TCP only, and socket paths have a length limit.
      '-c',
      'unix_socket_directories=',
      '-c',
      'fsync=off',
      '-c',
      `cluster_name=ballast-e2e-${name}`,
    ];
    const [cmd, argv] = this.wrap(path.join(this.bin, 'postgres'), args);
    const server: Server = { name, process: spawn(cmd, argv, { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] }), log: '' };
    const keep = (chunk: Buffer) => (server.log = (server.log + chunk.toString()).slice(-LOG_TAIL));
    server.process.stdout!.on('data', keep);
    server.process.stderr!.on('data', keep);
    server.process.on('exit', (code, signal) => (server.ended = code !== null ? `exit code ${code}` : `signal ${signal}`));
    server.process.on('error', (err) => (server.ended = err.message));
    this.servers.push(server);
  }

  private async waitAccepting(name: PostgresRole): Promise<void> {
    await this.until(`the ${name} accepts connections`, () => this.asAdmin(name, async (c) => (await c.query('select 1')).rowCount === 1));
  }

  /** Polls `probe` (errors count as "not yet") until it is true; fails early when a server ended. */
  private async until(what: string, probe: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let last = 'no answer yet';
    while (Date.now() < deadline) {
      const dead = this.servers.find((s) => s.ended);
      if (dead) throw new Error(`PostgreSQL ${dead.name} ended (${dead.ended}) while waiting until ${what}:\n${dead.log}`);
      try {
        if (await probe()) return;
        last = 'not yet';
      } catch (err) {
        last = (err as Error).message;
      }
      await sleep(100);
    }
    const logs = this.servers.map((s) => `--- ${s.name} (last output)\n${s.log}`).join('\n');
    throw new Error(`not ready after ${READY_TIMEOUT_MS / 1000} s: ${what} (last: ${last})\n${logs}`);
  }

  /** Runs one of the PostgreSQL tools to its end; throws with its output when it fails. */
  private command(tool: string, args: string[], env: Record<string, string> = {}): Promise<void> {
    const [cmd, argv] = this.wrap(path.join(this.bin, tool), args);
    return new Promise((resolve, reject) => {
      const child = spawn(cmd, argv, { cwd: this.dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let log = '';
      const keep = (chunk: Buffer) => (log = (log + chunk.toString()).slice(-LOG_TAIL));
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      const timer = setTimeout(() => child.kill('SIGKILL'), COMMAND_TIMEOUT_MS);
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`${tool} did not start: ${err.message}`));
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) return resolve();
        const why = code !== null ? `exit code ${code}` : `signal ${signal}${signal === 'SIGKILL' ? ` (killed after ${COMMAND_TIMEOUT_MS / 1000} s)` : ''}`;
        const hint = this.user ? ` (run as the OS user "${SERVER_USER}": it needs access to ${this.dir} and every folder above it)` : '';
        reject(new Error(`${tool} failed (${why})${hint}:\n${log}`));
      });
    });
  }

  /** The command line that runs `binary` as the server user, killed with the test process. */
  private wrap(binary: string, args: string[]): [string, string[]] {
    const pdeathsig = HAS_SETPRIV ? ['--pdeathsig', 'KILL'] : [];
    const reuid = this.user ? ['--reuid', SERVER_USER, '--regid', SERVER_USER, '--init-groups'] : [];
    return HAS_SETPRIV ? ['setpriv', [...pdeathsig, ...reuid, binary, ...args]] : [binary, args];
  }

  /** Under root, hands a file or folder to the server user (PostgreSQL insists on owning its data folder). */
  private own(file: string): void {
    if (this.user) fs.chownSync(file, this.user.uid, this.user.gid);
  }

  /** Synchronous, so it also works in the process `exit` hook. Standby first: it would only retry the primary. */
  private kill(signal: NodeJS.Signals): void {
    for (const s of [...this.servers].reverse()) {
      if (!s.ended) s.process.kill(signal);
    }
  }
}
