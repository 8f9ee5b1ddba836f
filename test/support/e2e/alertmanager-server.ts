import { ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { toolPath } from '../tools';
import { LoopbackProcess } from './loopback-process';
import { freePort } from './processes';

/**
 * The real Alertmanager (the pinned build) on 127.0.0.1 with a free port, its own data folder and the
 * given configuration, clustering off. Always stop() it.
 */
export class AlertmanagerServer extends LoopbackProcess {
  public static async start(config: unknown): Promise<AlertmanagerServer> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ballast-alertmanager-'));
    const port = await freePort();
    fs.writeFileSync(path.join(dir, 'alertmanager.yaml'), stringify(config));
    const args = [`--config.file=${path.join(dir, 'alertmanager.yaml')}`, `--storage.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address='];
    const server = new AlertmanagerServer(dir, port, LoopbackProcess.spawnBinary(toolPath('alertmanager'), args));
    await server.waitReady();
    return server;
  }

  private constructor(dir: string, port: number, child: ChildProcess) {
    super('alertmanager', dir, port, child, 8000);
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
