import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';

/** A loopback HTTP server of the files under one folder, which records every request path. */
export class StaticServer {
  /** Starts on 127.0.0.1 with a port the OS picks. */
  public static async start(root: string): Promise<StaticServer> {
    const server = new StaticServer(root);
    await new Promise<void>((resolve, reject) => {
      server.http.once('error', reject);
      server.http.listen(0, '127.0.0.1', () => resolve());
    });
    return server;
  }

  /** Request paths in the order they came, e.g. `/index.yaml`. */
  public readonly requests: string[] = [];
  /** Paths answered with 404 even when the file exists (to provoke failures). */
  public readonly missing = new Set<string>();
  private readonly http: http.Server;

  private constructor(private readonly root: string) {
    this.http = http.createServer((req, res) => {
      const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
      this.requests.push(urlPath);
      const file = path.join(this.root, path.normalize(urlPath));
      if (this.missing.has(urlPath) || !file.startsWith(this.root) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
        res.writeHead(404).end('not found');
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' }).end(fs.readFileSync(file));
    });
    // Bounded: a test that forgets to stop it must not keep the process alive.
    this.http.unref();
  }

  public get url(): string {
    return `http://127.0.0.1:${(this.http.address() as net.AddressInfo).port}`;
  }

  public stop(): Promise<void> {
    return new Promise((resolve) => this.http.close(() => resolve()));
  }
}
