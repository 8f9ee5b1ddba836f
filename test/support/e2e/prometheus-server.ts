import { ChildProcess, spawn } from 'child_process';
import { freePort, HAS_SETPRIV } from './processes';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { toolPath } from '../tools';

/**
 * The real Prometheus (the pinned build) on 127.0.0.1 with a free port, its own data folder, the given
 * flags and rule groups, evaluating every second. Always stop() it.
 */
export class PrometheusServer {
  public static async start(flags: string[], ruleGroups: unknown[] = []): Promise<PrometheusServer> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ballast-prometheus-'));
    const port = await freePort();
    fs.writeFileSync(path.join(dir, 'rules.yaml'), stringify({ groups: ruleGroups }));
    fs.writeFileSync(
      path.join(dir, 'prometheus.yml'),
      stringify({ global: { scrape_interval: '1s', evaluation_interval: '1s' }, rule_files: [path.join(dir, 'rules.yaml')] }),
    );
    const args = [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, ...flags];
    const binary = toolPath('prometheus');
    const [cmd, argv] = HAS_SETPRIV ? ['setpriv', ['--pdeathsig', 'KILL', binary, ...args]] : [binary, args];
    const server = new PrometheusServer(dir, port, spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] }));
    await server.waitReady();
    return server;
  }

  private log = '';
  private ended?: string;

  private constructor(private readonly dir: string, public readonly port: number, private readonly child: ChildProcess) {
    const keep = (chunk: Buffer) => (this.log = (this.log + chunk.toString()).slice(-4000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    child.on('exit', (code, signal) => (this.ended = code !== null ? `exit code ${code}` : `signal ${signal}`));
  }

  /** `http://127.0.0.1:<port>` + the path of `url` (the path a ballast URL hands to its clients). */
  public at(url: string): string {
    const u = new URL(url);
    return `http://127.0.0.1:${this.port}${u.pathname.replace(/\/$/, '')}`;
  }

  /** An instant query through the query API at the path of `queryUrl`; the result vector. */
  public async query(queryUrl: string, expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
    const response = await fetch(`${this.at(queryUrl)}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await response.json()) as { status: string; data?: { result: [] }; error?: string };
    if (body.status !== 'success') throw new Error(`query ${expr}: ${body.error ?? response.status}`);
    return body.data!.result;
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
      if (this.ended) throw new Error(`prometheus ended (${this.ended}) before it was ready:\n${this.log}`);
      const ok = await fetch(`http://127.0.0.1:${this.port}/-/ready`).then((r) => r.status === 200, () => false);
      if (ok) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`prometheus not ready after 60 s:\n${this.log}`);
  }
}
