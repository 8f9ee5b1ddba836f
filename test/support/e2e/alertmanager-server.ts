import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { toolPath } from '../tools';
import { freePort, HAS_SETPRIV } from './processes';

/**
 * The real Alertmanager (the pinned build) on 127.0.0.1 with a free port, its own data folder and the
 * given configuration, clustering off. Always stop() it.
 */
export class AlertmanagerServer {
  public static async start(config: unknown): Promise<AlertmanagerServer> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ballast-alertmanager-'));
    const port = await freePort();
    fs.writeFileSync(path.join(dir, 'alertmanager.yaml'), stringify(config));
    const args = [`--config.file=${path.join(dir, 'alertmanager.yaml')}`, `--storage.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address='];
    const binary = toolPath('alertmanager');
    const [cmd, argv] = HAS_SETPRIV ? ['setpriv', ['--pdeathsig', 'KILL', binary, ...args]] : [binary, args];
    const server = new AlertmanagerServer(dir, port, spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] }));
    await server.waitReady();
    return server;
  }

  private output = '';
  private ended?: string;

  private constructor(private readonly dir: string, public readonly port: number, private readonly child: ChildProcess) {
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-8000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    child.on('exit', (code, signal) => (this.ended = code !== null ? `exit code ${code}` : `signal ${signal}`));
  }

  /** Its log so far (the last 8000 characters). */
  public get log(): string {
    return this.output;
  }

  /** Posts firing alerts, as Prometheus does (API v2). */
  public async fire(alerts: { labels: Record<string, string>; annotations?: Record<string, string> }[]): Promise<void> {
    const response = await fetch(`http://127.0.0.1:${this.port}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alerts.map((a) => ({ labels: a.labels, annotations: a.annotations ?? {}, startsAt: new Date().toISOString() }))),
    });
    if (response.status !== 200) throw new Error(`posting alerts: ${response.status} ${await response.text()}`);
  }

  /** The alerts it holds, with their state (`active`, `suppressed`) and what inhibits them. */
  public async alerts(): Promise<{ labels: Record<string, string>; status: { state: string; inhibitedBy: string[] } }[]> {
    const response = await fetch(`http://127.0.0.1:${this.port}/api/v2/alerts`);
    return (await response.json()) as never;
  }

  public async stop(): Promise<void> {
    if (!this.ended) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGKILL');
      await exited;
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private async waitReady(): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (this.ended) throw new Error(`alertmanager ended (${this.ended}) before it was ready:\n${this.output}`);
      const ok = await fetch(`http://127.0.0.1:${this.port}/-/ready`).then((r) => r.status === 200, () => false);
      if (ok) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`alertmanager not ready after 60 s:\n${this.output}`);
  }
}

/** A loopback HTTP server that records every request body (a Slack, PagerDuty or webhook endpoint). */
export class RequestRecorder {
  public static async start(): Promise<RequestRecorder> {
    const recorder = new RequestRecorder();
    await new Promise<void>((resolve) => recorder.server.listen(0, '127.0.0.1', resolve));
    return recorder;
  }

  public readonly requests: { path: string; body: string }[] = [];
  private readonly server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      this.requests.push({ path: req.url ?? '', body });
      // PagerDuty's Events API answers 202 with a JSON body; Slack and webhooks take any 2xx.
      res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"success","message":"Event processed"}');
    });
  });

  public url(pathname: string): string {
    const { port } = this.server.address() as { port: number };
    return `http://127.0.0.1:${port}${pathname}`;
  }

  public stop(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}
