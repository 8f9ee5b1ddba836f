import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as https from 'https';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { toolPath } from '../tools';

/** Kubernetes version the API server is built at (scripts/tools.sh). */
export const KUBERNETES_VERSION = 'v1.34.4';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A real etcd + kube-apiserver on loopback, with a temporary data dir, self-signed serving certificate,
 * generated service-account keys, a static admin token and RBAC. No controller-manager or scheduler runs:
 * the API server's admission and validation are what the tests want.
 */
export class LocalCluster {
  public static async start(): Promise<LocalCluster> {
    const cluster = new LocalCluster(fs.mkdtempSync(path.join(os.tmpdir(), 'ballast-apiserver-')));
    try {
      await cluster.boot();
    } catch (err) {
      cluster.stop();
      throw err;
    }
    return cluster;
  }

  public readonly kubeconfig: string;
  private readonly token = crypto.randomBytes(16).toString('hex');
  private readonly processes: { name: string; child: ChildProcess; log: string }[] = [];
  private readonly kubectlPath = toolPath('kubectl');
  private readonly onExit = () => this.stop();
  private port = 0;

  private constructor(private readonly dir: string) {
    this.kubeconfig = path.join(dir, 'kubeconfig');
    process.once('exit', this.onExit);
  }

  /** Runs kubectl against the cluster; throws with kubectl's stderr when it fails. */
  public kubectl(args: string[], input?: string): string {
    try {
      return execFileSync(this.kubectlPath, ['--kubeconfig', this.kubeconfig, ...args], {
        input,
        encoding: 'utf8',
        stdio: ['pipe', 'pipe', 'pipe'],
        maxBuffer: 64 * 1024 * 1024,
      });
    } catch (err) {
      const e = err as { stderr?: string; stdout?: string; message: string };
      throw new Error(`kubectl ${args.join(' ')} failed:\n${(e.stderr || e.stdout || e.message).trim()}`);
    }
  }

  /** Stops both processes and removes every temporary file; safe to call twice. */
  public stop(): void {
    for (const { child } of this.processes.reverse()) {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    this.processes.length = 0;
    process.removeListener('exit', this.onExit);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private async boot(): Promise<void> {
    const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
    this.port = apiPort;
    const etcdUrl = `http://127.0.0.1:${etcdClient}`;
    this.run('etcd', toolPath('etcd'), [
      '--name=ballast-e2e',
      `--data-dir=${path.join(this.dir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=ballast-e2e=http://127.0.0.1:${etcdPeer}`,
      '--log-level=error',
      '--unsafe-no-fsync',
    ]);

    const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const saPub = this.write('sa.pub', publicKey.export({ type: 'spki', format: 'pem' }) as string);
    const saKey = this.write('sa.key', privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    const tokens = this.write('tokens.csv', `${this.token},ballast-admin,ballast-admin,"system:masters"\n`);

    this.run('kube-apiserver', toolPath('kube-apiserver'), [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--cert-dir=${path.join(this.dir, 'certs')}`,
      `--token-auth-file=${tokens}`,
      '--authorization-mode=RBAC',
      `--service-account-key-file=${saPub}`,
      `--service-account-signing-key-file=${saKey}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      '--service-cluster-ip-range=10.96.0.0/16',
      // No controller-manager runs, so nothing would create service-account tokens for pods.
      '--disable-admission-plugins=ServiceAccount',
      '--allow-privileged=true',
    ]);

    this.write(
      'kubeconfig',
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        `- name: local\n  cluster:\n    server: https://127.0.0.1:${apiPort}\n    insecure-skip-tls-verify: true`,
        `users:\n- name: admin\n  user:\n    token: ${this.token}`,
        'contexts:\n- name: local\n  context:\n    cluster: local\n    user: admin',
        'current-context: local',
        '',
      ].join('\n'),
    );
    await this.waitReady(120_000);
  }

  private write(name: string, content: string): string {
    const file = path.join(this.dir, name);
    fs.writeFileSync(file, content, { mode: 0o600 });
    return file;
  }

  private run(name: string, binary: string, args: string[]): void {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const entry = { name, child, log: '' };
    const keep = (chunk: Buffer) => (entry.log = (entry.log + chunk.toString()).slice(-8000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    this.processes.push(entry);
  }

  private async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      const dead = this.processes.find((p) => p.child.exitCode !== null);
      if (dead) throw new Error(`${dead.name} exited with code ${dead.child.exitCode}:\n${dead.log}`);
      last = await this.get('/readyz').catch((err: Error) => err.message);
      if (last === 'ok') return;
      await new Promise((r) => setTimeout(r, 500));
    }
    const logs = this.processes.map((p) => `--- ${p.name}\n${p.log}`).join('\n');
    throw new Error(`kube-apiserver not ready after ${timeoutMs} ms (last answer: ${last})\n${logs}`);
  }

  /** GETs a path of the API server with the admin token. */
  public get(urlPath: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = https.get(
        { host: '127.0.0.1', port: this.port, path: urlPath, rejectUnauthorized: false, headers: { Authorization: `Bearer ${this.token}` } },
        (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve(body));
        },
      );
      req.on('error', reject);
      req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    });
  }
}
