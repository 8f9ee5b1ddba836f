import { ChildProcess } from 'child_process';
import { LoopbackProcess } from './loopback-process';
import { freePort } from './processes';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { toolPath } from '../tools';

/**
 * The real Prometheus (the pinned build) on 127.0.0.1 with a free port, its own data folder, the given
 * flags and rule groups, evaluating every second. Always stop() it.
 */
export class PrometheusServer extends LoopbackProcess {
  public static async start(flags: string[], ruleGroups: unknown[] = []): Promise<PrometheusServer> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ballast-prometheus-'));
    const port = await freePort();
    fs.writeFileSync(path.join(dir, 'rules.yaml'), stringify({ groups: ruleGroups }));
    fs.writeFileSync(
      path.join(dir, 'prometheus.yml'),
      stringify({ global: { scrape_interval: '1s', evaluation_interval: '1s' }, rule_files: [path.join(dir, 'rules.yaml')] }),
    );
    const args = [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, ...flags];
    const server = new PrometheusServer(dir, port, LoopbackProcess.spawnBinary(toolPath('prometheus'), args));
    await server.waitReady();
    return server;
  }

  private constructor(dir: string, port: number, child: ChildProcess) {
    super('prometheus', dir, port, child);
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
}
