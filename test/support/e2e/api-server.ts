import { ChildProcess, spawn, spawnSync } from 'child_process';
import { freePorts, HAS_SETPRIV } from './processes';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';
import { toolPath } from '../tools';

/** An HTTP answer of the API server, with its `Warning` headers (deprecations and the like). */
export interface ApiResponse {
  readonly status: number;
  readonly body: string;
  readonly warnings: string[];
}

/** What a kubectl run printed, and its exit code. */
export interface KubectlResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  log: string;
  /** Why it ended (exit code, signal or spawn error), once it has. */
  ended?: string;
}

const READY_TIMEOUT_MS = 120_000;
const LOG_TAIL = 6000;

/**
 * A real etcd + kube-apiserver on 127.0.0.1 with free ports, in one temporary folder (etcd data,
 * serving certificate, service-account keys, static token, kubeconfig). No controller-manager or
 * scheduler runs: the tests want the API server's validation and admission, nothing reconciles.
 * Always call stop() (in afterAll); it also runs when the process exits.
 */
export class ApiServer {
  public static async start(): Promise<ApiServer> {
    // A free port can be taken by another process between its lookup and the server's bind (other test
    // tiers and servers run on the machine): that start is retried on new ports, other failures are not.
    for (let attempt = 1; ; attempt++) {
      const server = new ApiServer(fs.mkdtempSync(path.join(os.tmpdir(), 'ballast-apiserver-')));
      try {
        await server.boot();
        return server;
      } catch (err) {
        await server.stop();
        if (attempt >= 3 || !/address already in use/.test((err as Error).message)) throw err;
      }
    }
  }

  /** A kubeconfig for kubectl, with the admin token (group system:masters). */
  public readonly kubeconfig: string;
  private readonly token = crypto.randomBytes(16).toString('hex');
  private readonly children: Child[] = [];
  private readonly onExit = () => {
    this.kill();
    fs.rmSync(this.dir, { recursive: true, force: true });
  };
  private port = 0;
  private ca = '';

  private constructor(private readonly dir: string) {
    this.kubeconfig = path.join(dir, 'kubeconfig');
    process.on('exit', this.onExit);
  }

  /** Kills both processes, waits for them to end, then removes the temporary folder. Safe to call twice. */
  public async stop(): Promise<void> {
    const ended = this.children.map((c) => (c.ended ? Promise.resolve() : new Promise((r) => c.process.once('exit', r))));
    this.kill();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(ended), new Promise((r) => (timer = setTimeout(r, 10_000)))]);
    clearTimeout(timer);
    fs.rmSync(this.dir, { recursive: true, force: true });
    process.removeListener('exit', this.onExit);
  }

  /** One HTTPS request with the admin token; never throws for an HTTP error status. */
  public request(method: string, urlPath: string, body?: string, contentType = 'application/json'): Promise<ApiResponse> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { Authorization: `Bearer ${this.token}`, Accept: 'application/json' };
      if (body !== undefined) headers['Content-Type'] = contentType;
      const req = https.request({ host: '127.0.0.1', port: this.port, path: urlPath, method, ca: this.ca, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          const warning = res.headers.warning;
          const warnings = warning === undefined ? [] : Array.isArray(warning) ? warning : [warning];
          resolve({ status: res.statusCode ?? 0, body: text, warnings });
        });
      });
      req.on('error', reject);
      req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${urlPath}: no answer in 30 s`)));
      req.end(body);
    });
  }

  /** Runs kubectl against this server; returns its exit code and output instead of throwing. */
  public kubectl(args: string[], input?: string): KubectlResult {
    const cache = path.join(this.dir, 'kubectl-cache');
    const result = spawnSync(toolPath('kubectl'), ['--kubeconfig', this.kubeconfig, '--cache-dir', cache, ...args], {
      input,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (result.error) throw result.error;
    return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  }

  private async boot(): Promise<void> {
    // Resolved before anything starts, so a missing tool fails with the reason and leaves nothing behind.
    const [etcd, apiserver] = [toolPath('etcd'), toolPath('kube-apiserver'), toolPath('kubectl')];
    const [etcdPort, peerPort, port] = await freePorts(3);
    this.port = port;
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    this.run('etcd', etcd, [
      '--name=ballast-e2e',
      `--data-dir=${path.join(this.dir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=ballast-e2e=${peerUrl}`,
      '--log-level=error',
      // Throw-away data: skipping fsync keeps the many small writes cheap on a shared machine.
      '--unsafe-no-fsync',
    ]);

    const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const saPub = this.write('sa.pub', publicKey.export({ type: 'spki', format: 'pem' }).toString());
    const saKey = this.write('sa.key', privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    const tokens = this.write('tokens.csv', `${this.token},ballast-admin,ballast-admin,"system:masters"\n`);
    const certDir = path.join(this.dir, 'certs');

    this.run('kube-apiserver', apiserver, [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${this.port}`,
      // The API server writes a self-signed CA and serving certificate here (apiserver.crt holds both).
      `--cert-dir=${certDir}`,
      `--token-auth-file=${tokens}`,
      '--authorization-mode=RBAC',
      `--service-account-key-file=${saPub}`,
      `--service-account-signing-key-file=${saKey}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      '--service-cluster-ip-range=10.96.0.0/16',
      // It waits for each namespace's default ServiceAccount, which only the controller-manager creates.
      '--disable-admission-plugins=ServiceAccount',
      '--allow-privileged=true',
    ]);

    await this.waitReady(certDir);
    this.write(
      'kubeconfig',
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'e2e', cluster: { server: `https://127.0.0.1:${this.port}`, 'certificate-authority': path.join(certDir, 'apiserver.crt') } }],
        users: [{ name: 'admin', user: { token: this.token } }],
        contexts: [{ name: 'e2e', context: { cluster: 'e2e', user: 'admin' } }],
        'current-context': 'e2e',
      }),
    );
  }

  private async waitReady(certDir: string): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let last = 'no answer yet';
    while (Date.now() < deadline) {
      const dead = this.children.find((c) => c.ended);
      if (dead) throw new Error(`${dead.name} ended (${dead.ended}) before the API server was ready:\n${dead.log}`);
      const crt = path.join(certDir, 'apiserver.crt');
      if (!this.ca && fs.existsSync(crt)) this.ca = fs.readFileSync(crt, 'utf8');
      if (this.ca) {
        const answer = await this.request('GET', '/readyz').catch((err: Error) => ({ status: 0, body: err.message }));
        if (answer.status === 200) return;
        last = `${answer.status} ${answer.body.trim().split('\n').slice(-5).join(' | ')}`;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const logs = this.children.map((c) => `--- ${c.name} (last output)\n${c.log}`).join('\n');
    throw new Error(`kube-apiserver not ready after ${READY_TIMEOUT_MS / 1000} s (last /readyz: ${last})\n${logs}`);
  }

  private run(name: string, binary: string, args: string[]): void {
    const [cmd, argv] = HAS_SETPRIV ? ['setpriv', ['--pdeathsig', 'KILL', binary, ...args]] : [binary, args];
    const child: Child = { name, process: spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] }), log: '' };
    // Keep only the tail: kube-apiserver logs a lot, the reason for a failure is at the end.
    const keep = (chunk: Buffer) => (child.log = (child.log + chunk.toString()).slice(-LOG_TAIL));
    child.process.stdout!.on('data', keep);
    child.process.stderr!.on('data', keep);
    child.process.on('exit', (code, signal) => (child.ended = code !== null ? `exit code ${code}` : `signal ${signal}`));
    child.process.on('error', (err) => (child.ended = err.message));
    this.children.push(child);
  }

  private write(name: string, content: string): string {
    const file = path.join(this.dir, name);
    fs.writeFileSync(file, content, { mode: 0o600 });
    return file;
  }

  /** Synchronous, so it also works in the process `exit` hook. */
  private kill(): void {
    for (const c of [...this.children].reverse()) {
      if (!c.ended) c.process.kill('SIGKILL');
    }
  }
}
