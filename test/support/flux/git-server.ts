import { spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { git, GIT_ENV } from './git';

/** The one repository the server holds, as Flux's FluxInstance would clone it. */
const REPOSITORY = 'platform.git';

/**
 * A Git server on 127.0.0.1 over smart HTTP: `git http-backend` (Git's own CGI program) behind a small
 * Node HTTP server, serving one bare repository in a temporary folder. Flux's GitRepository accepts only
 * http(s):// and ssh:// URLs (the CRD refuses file:// and git://), so the flux tier needs a real server.
 * Pushes are allowed without authentication (`http.receivepack`): it listens on loopback only.
 */
export class GitServer {
  public static async start(): Promise<GitServer> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ballast-git-'));
    const server = new GitServer(dir);
    try {
      await git(['init', '--quiet', '--bare', '--initial-branch=main', REPOSITORY], dir);
      await git(['config', 'http.receivepack', 'true'], path.join(dir, REPOSITORY));
      await server.listen();
    } catch (err) {
      await server.stop();
      throw err;
    }
    return server;
  }

  /** Failed requests (status >= 400 or a failing http-backend), for messages when a fetch goes wrong. */
  public readonly failures: string[] = [];
  private readonly http: http.Server;
  private port = 0;
  private readonly onExit = () => fs.rmSync(this.dir, { recursive: true, force: true });

  private constructor(private readonly dir: string) {
    this.http = http.createServer((req, res) => this.serve(req, res));
    process.on('exit', this.onExit);
  }

  /** The repository's clone URL (what a GitRepository's `spec.url` takes). */
  public get url(): string {
    return `http://127.0.0.1:${this.port}/${REPOSITORY}`;
  }

  /** A folder of this server's temporary folder, created empty, removed with it by stop(). */
  public scratchDir(prefix: string): string {
    return fs.mkdtempSync(path.join(this.dir, prefix));
  }

  /** Closes the server and removes the repository. Safe to call twice. */
  public async stop(): Promise<void> {
    // Flux keeps connections alive: close them, or close() waits for them.
    this.http.closeAllConnections();
    if (this.http.listening) await new Promise<void>((resolve) => this.http.close(() => resolve()));
    fs.rmSync(this.dir, { recursive: true, force: true });
    process.removeListener('exit', this.onExit);
  }

  private listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(0, '127.0.0.1', () => {
        this.port = (this.http.address() as net.AddressInfo).port;
        resolve();
      });
    });
  }

  /** One request through `git http-backend`: CGI variables in, the CGI answer (headers, body) out. */
  private serve(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const what = `${req.method} ${url.pathname}${url.search}`;
    const header = (name: string) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value.join(', ') : value;
    };
    const env: NodeJS.ProcessEnv = {
      ...GIT_ENV,
      GIT_PROJECT_ROOT: this.dir,
      GIT_HTTP_EXPORT_ALL: '1',
      REQUEST_METHOD: req.method,
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.replace(/^\?/, ''),
      REMOTE_ADDR: req.socket.remoteAddress,
    };
    const cgiHeaders: Record<string, string | undefined> = {
      CONTENT_TYPE: header('content-type'),
      CONTENT_LENGTH: header('content-length'),
      // Git clients gzip large request bodies; http-backend inflates them itself when told.
      HTTP_CONTENT_ENCODING: header('content-encoding'),
      // Protocol v2 is negotiated through this header.
      GIT_PROTOCOL: header('git-protocol'),
    };
    for (const [name, value] of Object.entries(cgiHeaders)) if (value !== undefined) env[name] = value;

    const backend = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    backend.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    req.pipe(backend.stdin);
    // The client may hang up before http-backend has read everything: that is not this server's error.
    backend.stdin.on('error', () => undefined);

    let head = Buffer.alloc(0);
    let headersSent = false;
    backend.stdout.on('data', (chunk: Buffer) => {
      if (headersSent) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = cgiHeaderEnd(head);
      if (!end) return;
      const { status, headers } = parseCgiHeaders(head.subarray(0, end.index).toString('latin1'));
      if (status >= 400) this.failures.push(`${what}: ${status}`);
      res.writeHead(status, headers);
      headersSent = true;
      res.write(head.subarray(end.index + end.length));
    });
    backend.on('error', (err) => {
      this.failures.push(`${what}: git http-backend could not start: ${err.message}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
    backend.on('close', (code) => {
      if (code !== 0) this.failures.push(`${what}: git http-backend exit code ${code}: ${stderr.trim()}`);
      if (!headersSent && !res.headersSent) res.writeHead(code === 0 ? 200 : 500);
      res.end();
    });
  }
}

/** Where the CGI headers end: the first empty line (CRLF or LF line ends). */
function cgiHeaderEnd(buffer: Buffer): { index: number; length: number } | undefined {
  const crlf = buffer.indexOf('\r\n\r\n');
  const lf = buffer.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { index: crlf, length: 4 };
  return lf >= 0 ? { index: lf, length: 2 } : undefined;
}

/** CGI response headers: `Status: 404 Not Found` sets the status, the rest are HTTP headers. */
function parseCgiHeaders(text: string): { status: number; headers: Record<string, string> } {
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') status = parseInt(value, 10) || 500;
    else headers[name] = value;
  }
  return { status, headers };
}
