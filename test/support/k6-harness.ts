// A small Node harness that runs the *logic* of a k6 script: it is not k6 (k6 is AGPL and is neither
// vendored nor run here). It provides the few k6 APIs our scripts use, with the semantics they rely on:
//
// - `k6`: `check(value, checks, tags?)` (each named check counts a pass or a fail), `sleep(seconds)`
//   (synchronous, shortened by `sleepScale`), `group(name, fn)`, `fail(message)`;
// - `k6/http`: `get`, `post`, `put`, `patch`, `del`, `head`, `request`, all SYNCHRONOUS like k6's, returning a
//   Response with `status`, `body`, `headers`, `url`, `error`, `json()`;
// - the globals `__ENV` (exactly `options.env`, nothing of this process' environment), `__VU`, `__ITER`.
//
// How a synchronous `http.get` works: the script runs as an ES module in a `worker_threads` Worker. `get`
// posts the request to the parent thread and blocks the worker with `Atomics.wait` on a SharedArrayBuffer;
// the parent (whose event loop is free) performs the request with node:http, posts the response on a
// dedicated MessagePort and flips the shared flag with `Atomics.notify`; the worker wakes and takes the
// response off that port synchronously with `receiveMessageOnPort`. Waits are bounded and done in slices.
//
// The script may import 'k6' and 'k6/http' only (their specifiers are rewritten to the shim modules); any
// other import, and any dynamic import(), is refused before anything runs. Everything is bounded: a hard
// cap on requests, a per-request timeout and a wall-time limit; when one is exceeded the run stops and the
// report says why. Temp files, the worker and the sockets are cleaned up on every path.
//
// The worker is an isolation boundary for module state and globals, not a security sandbox.
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';
import { MessageChannel, Worker } from 'worker_threads';
import * as ts from 'typescript';

/** The k6 modules the harness provides, and the shim file each is rewritten to. */
const SHIMS: Readonly<Record<string, string>> = { k6: './k6.mjs', 'k6/http': './k6-http.mjs' };

export interface K6HarnessOptions {
  /** The script's `__ENV`: nothing else of the environment is visible to it. */
  readonly env: Record<string, string>;
  /** How many times the default export runs (one VU, one after the other). */
  readonly iterations: number;
  /** Wall time of the whole run (module init included); past it the worker is terminated. */
  readonly timeoutMs: number;
  /** Hard cap on HTTP requests; the request past it aborts the run. Default 2000. */
  readonly maxRequests?: number;
  /** Timeout of one HTTP request; a timed-out request gets status 0 and an `error`, like k6. Default 5000. */
  readonly requestTimeoutMs?: number;
  /** Real sleep time per requested second: `sleep(s)` blocks `s * sleepScale` seconds. Default 0.01. */
  readonly sleepScale?: number;
}

export interface K6HarnessRequest {
  readonly method: string;
  /** The URL exactly as the script passed it. */
  readonly url: string;
  /** The HTTP status, 0 when the request failed (see `error`). */
  readonly status: number;
  /** `tags.name` of the request; like k6, the URL when the script gives none. */
  readonly name: string;
  readonly error?: string;
}

export interface K6CheckCount {
  passes: number;
  fails: number;
}

export interface K6HarnessReport {
  /** The module's exported `options` (as JSON), undefined when it exports none. */
  readonly options: unknown;
  /** Iterations of the default export that ran to the end without an exception. */
  readonly iterations: number;
  readonly requests: readonly K6HarnessRequest[];
  /** Check name → passes and fails. */
  readonly checks: Readonly<Record<string, K6CheckCount>>;
  /** The seconds of every `sleep()` call, in order (as requested, before `sleepScale`). */
  readonly sleeps: readonly number[];
  /** The names of the groups entered, in order. */
  readonly groups: readonly string[];
  /** Errors of the init context, of iterations (each iteration continues with the next, like k6), of the worker. */
  readonly errors: readonly string[];
  /** Why the run was stopped early (request cap, wall time), undefined when it ran to the end. */
  readonly aborted?: string;
}

/** What the worker posts to the parent thread. */
type WorkerMessage =
  | { type: 'request'; id: number; method: string; url: string; body: string | null; headers: Record<string, string>; name: string }
  | { type: 'check'; name: string; ok: boolean }
  | { type: 'sleep'; seconds: number }
  | { type: 'group'; name: string }
  | { type: 'options'; value: unknown }
  | { type: 'error'; message: string }
  | { type: 'done'; iterations: number };

/** What the parent answers to a request (on the response port). */
type ResponseMessage =
  | { id: number; status: number; body: string; headers: Record<string, string>; error?: string }
  | { id: number; abort: string };

/**
 * The script's import specifiers, with their positions, and the reasons it cannot run here (foreign
 * imports, dynamic imports, `require`).
 */
function scanImports(source: string): { specifiers: { start: number; end: number; text: string }[]; refusals: string[] } {
  const file = ts.createSourceFile('script.mjs', source, ts.ScriptTarget.ES2020, true, ts.ScriptKind.JS);
  const specifiers: { start: number; end: number; text: string }[] = [];
  const refusals: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const literal = node.moduleSpecifier;
      specifiers.push({ start: literal.getStart(file), end: literal.getEnd(), text: literal.text });
      if (!(literal.text in SHIMS)) refusals.push(`it imports '${literal.text}'`);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      refusals.push('it uses a dynamic import()');
    } else if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'require') {
      refusals.push('it calls require()');
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return { specifiers, refusals };
}

/** The script with 'k6' and 'k6/http' pointing at the shims; throws when it imports anything else. */
function rewriteImports(source: string): string {
  const { specifiers, refusals } = scanImports(source);
  if (refusals.length > 0) {
    throw new Error(
      `k6 harness: refusing to run the script: ${[...new Set(refusals)].join('; ')}. ` +
        `The Node harness provides only ${Object.keys(SHIMS).map((m) => `'${m}'`).join(' and ')}.`,
    );
  }
  let out = source;
  for (const s of [...specifiers].sort((a, b) => b.start - a.start)) {
    out = `${out.slice(0, s.start)}${JSON.stringify(SHIMS[s.text])}${out.slice(s.end)}`;
  }
  return out;
}

// ---- the worker side: plain ES modules written to a temp folder next to the script ----

const RUNTIME_MJS = String.raw`
import { parentPort, workerData, receiveMessageOnPort } from 'node:worker_threads';

const flag = new Int32Array(workerData.flag);
const port = workerData.port;
const sleeper = new Int32Array(new SharedArrayBuffer(4));
let nextId = 0;

export class HarnessAbort extends Error {}
export const state = { aborted: undefined };

export function post(message) {
  parentPort.postMessage(message);
}

/** Blocks the thread for ms milliseconds. */
export function blockFor(ms) {
  if (ms > 0) Atomics.wait(sleeper, 0, 0, ms);
}

/** Sends a request to the parent thread and blocks until its answer (or the wait times out). */
export function requestSync(request) {
  const id = ++nextId;
  Atomics.store(flag, 0, 0);
  post({ type: 'request', id, ...request });
  const deadline = Date.now() + workerData.waitMs;
  for (;;) {
    for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
      if (m.message.id !== id) continue; // the late answer of a request that timed out here
      if (m.message.abort) {
        state.aborted = m.message.abort;
        throw new HarnessAbort(m.message.abort);
      }
      return m.message;
    }
    const left = deadline - Date.now();
    if (left <= 0) return { id, status: 0, body: '', headers: {}, error: 'k6 harness: no answer from the parent thread in time' };
    Atomics.wait(flag, 0, 0, Math.min(left, 100));
    Atomics.store(flag, 0, 0);
  }
}
`;

const K6_MJS = String.raw`
import { workerData } from 'node:worker_threads';
import { post, blockFor } from './runtime.mjs';

export function check(value, checks, tags) {
  let all = true;
  for (const [name, test] of Object.entries(checks || {})) {
    const ok = Boolean(typeof test === 'function' ? test(value) : test);
    post({ type: 'check', name, ok });
    all = all && ok;
  }
  return all;
}

export function sleep(seconds) {
  const s = Number(seconds);
  post({ type: 'sleep', seconds: s });
  blockFor(Math.round(Math.max(0, s) * 1000 * workerData.sleepScale));
}

export function group(name, fn) {
  post({ type: 'group', name: String(name) });
  return fn();
}

export function fail(message) {
  throw new Error(message === undefined ? 'fail() called' : String(message));
}

export default { check, sleep, group, fail };
`;

const K6_HTTP_MJS = String.raw`
import { requestSync } from './runtime.mjs';

class Response {
  constructor(url, answer) {
    this.url = url;
    this.status = answer.status;
    this.body = answer.body;
    this.headers = answer.headers;
    this.error = answer.error || '';
    this.error_code = answer.error ? 1 : 0;
  }
  json(selector) {
    if (selector !== undefined) throw new Error('k6 harness: json(selector) is not supported');
    return JSON.parse(this.body);
  }
}

function encodeBody(body) {
  if (body === undefined || body === null) return null;
  if (typeof body === 'string') return body;
  if (typeof body === 'object') return new URLSearchParams(Object.entries(body).map(([k, v]) => [k, String(v)])).toString();
  return String(body);
}

export function request(method, url, body, params) {
  if (typeof url !== 'string') throw new Error('k6 harness: the URL must be a string');
  const headers = {};
  for (const [k, v] of Object.entries((params && params.headers) || {})) headers[k] = String(v);
  const tags = (params && params.tags) || {};
  const name = tags.name === undefined ? url : String(tags.name);
  const answer = requestSync({ method: String(method).toUpperCase(), url, body: encodeBody(body), headers, name });
  return new Response(url, answer);
}

export const get = (url, params) => request('GET', url, null, params);
export const head = (url, params) => request('HEAD', url, null, params);
export const post = (url, body, params) => request('POST', url, body, params);
export const put = (url, body, params) => request('PUT', url, body, params);
export const patch = (url, body, params) => request('PATCH', url, body, params);
export const del = (url, body, params) => request('DELETE', url, body, params);

export default { request, get, head, post, put, patch, del };
`;

const RUNNER_MJS = String.raw`
import { workerData } from 'node:worker_threads';
import { post, state, HarnessAbort } from './runtime.mjs';

const message = (e) => (e instanceof Error ? e.message : String(e));

globalThis.__ENV = { ...workerData.env };
globalThis.__VU = 1;
globalThis.__ITER = 0;

let completed = 0;
let mod;
try {
  mod = await import('./script.mjs');
} catch (e) {
  post({ type: 'error', message: 'init: ' + message(e) });
}
if (mod) {
  let options;
  try {
    options = mod.options === undefined ? undefined : JSON.parse(JSON.stringify(mod.options));
  } catch (e) {
    post({ type: 'error', message: 'options: ' + message(e) });
  }
  post({ type: 'options', value: options });
  if (typeof mod.default !== 'function') {
    post({ type: 'error', message: 'init: the script has no default export function' });
  } else {
    let data;
    let setupOk = true;
    if (typeof mod.setup === 'function') {
      try {
        data = mod.setup();
      } catch (e) {
        setupOk = false;
        post({ type: 'error', message: 'setup: ' + message(e) });
      }
    }
    for (let i = 0; setupOk && i < workerData.iterations && !state.aborted; i++) {
      globalThis.__ITER = i;
      try {
        mod.default(data);
        if (!state.aborted) completed++;
      } catch (e) {
        if (e instanceof HarnessAbort || state.aborted) break;
        post({ type: 'error', message: 'iteration ' + i + ': ' + message(e) });
      }
    }
    if (setupOk && !state.aborted && typeof mod.teardown === 'function') {
      try {
        mod.teardown(data);
      } catch (e) {
        post({ type: 'error', message: 'teardown: ' + message(e) });
      }
    }
  }
}
post({ type: 'done', iterations: completed });
`;

/** k6 names headers in canonical form ("Content-Type"). */
function canonicalHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    const name = k.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => `${dash}${c.toUpperCase()}`);
    out[name] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/**
 * Runs the default export of a k6 script (an ES module as `compileK6Script` produces it) `iterations`
 * times in a worker thread, with the harness' shims of 'k6' and 'k6/http'. Throws when the script imports
 * anything else; everything that happens while it runs ends up in the report.
 */
export async function runK6Script(source: string, options: K6HarnessOptions): Promise<K6HarnessReport> {
  const rewritten = rewriteImports(source);
  const maxRequests = options.maxRequests ?? 2000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 5000;
  const sleepScale = options.sleepScale ?? 0.01;

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k6-harness-'));
  const channel = new MessageChannel();
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  const inFlight = new Set<http.ClientRequest>();
  let worker: Worker | undefined;
  let timer: NodeJS.Timeout | undefined;

  const requests: K6HarnessRequest[] = [];
  const checks: Record<string, K6CheckCount> = {};
  const sleeps: number[] = [];
  const groups: string[] = [];
  const errors: string[] = [];
  let exported: unknown;
  let iterations = 0;
  let aborted: string | undefined;
  let requestCount = 0;

  try {
    fs.writeFileSync(path.join(dir, 'runtime.mjs'), RUNTIME_MJS);
    fs.writeFileSync(path.join(dir, 'k6.mjs'), K6_MJS);
    fs.writeFileSync(path.join(dir, 'k6-http.mjs'), K6_HTTP_MJS);
    fs.writeFileSync(path.join(dir, 'script.mjs'), rewritten);
    fs.writeFileSync(path.join(dir, 'runner.mjs'), RUNNER_MJS);

    const flagBuffer = new SharedArrayBuffer(4);
    const flag = new Int32Array(flagBuffer);
    const respond = (answer: ResponseMessage): void => {
      channel.port1.postMessage(answer);
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
    };

    const perform = (m: Extract<WorkerMessage, { type: 'request' }>): void => {
      const record = (status: number, error?: string): void => {
        requests.push({ method: m.method, url: m.url, status, name: m.name, ...(error === undefined ? {} : { error }) });
      };
      let url: URL;
      try {
        url = new URL(m.url);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`unsupported protocol ${url.protocol}`);
      } catch (e) {
        const error = `invalid URL: ${(e as Error).message}`;
        record(0, error);
        respond({ id: m.id, status: 0, body: '', headers: {}, error });
        return;
      }
      const lib = url.protocol === 'https:' ? https : http;
      let settled = false;
      const settle = (answer: { status: number; body: string; headers: Record<string, string>; error?: string }): void => {
        if (settled) return;
        settled = true;
        inFlight.delete(req);
        record(answer.status, answer.error);
        respond({ id: m.id, ...answer });
      };
      const req = lib.request(url, { method: m.method, headers: m.headers, agent: url.protocol === 'https:' ? agents.https : agents.http, timeout: requestTimeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => settle({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: canonicalHeaders(res.headers) }));
        res.on('error', (e) => settle({ status: 0, body: '', headers: {}, error: e.message }));
      });
      inFlight.add(req);
      req.on('timeout', () => req.destroy(new Error(`request timeout after ${requestTimeoutMs} ms`)));
      req.on('error', (e) => settle({ status: 0, body: '', headers: {}, error: e.message }));
      req.end(m.body ?? undefined);
    };

    await new Promise<void>((resolve) => {
      let finished = false;
      const finish = (): void => {
        if (finished) return;
        finished = true;
        resolve();
      };
      const w = new Worker(path.join(dir, 'runner.mjs'), {
        workerData: {
          env: { ...options.env },
          iterations: options.iterations,
          sleepScale,
          waitMs: requestTimeoutMs + 2000,
          flag: flagBuffer,
          port: channel.port2,
        },
        transferList: [channel.port2],
        env: {},
        execArgv: [],
        resourceLimits: { maxOldGenerationSizeMb: 256 },
      });
      worker = w;
      timer = setTimeout(() => {
        aborted = `wall time of ${options.timeoutMs} ms exceeded`;
        finish();
      }, options.timeoutMs);
      w.on('message', (m: WorkerMessage) => {
        switch (m.type) {
          case 'request':
            requestCount++;
            if (requestCount > maxRequests) {
              aborted = aborted ?? `request cap of ${maxRequests} reached`;
              respond({ id: m.id, abort: aborted });
            } else {
              perform(m);
            }
            break;
          case 'check': {
            const count = (checks[m.name] ??= { passes: 0, fails: 0 });
            if (m.ok) count.passes++;
            else count.fails++;
            break;
          }
          case 'sleep':
            sleeps.push(m.seconds);
            break;
          case 'group':
            groups.push(m.name);
            break;
          case 'options':
            exported = m.value;
            break;
          case 'error':
            errors.push(m.message);
            break;
          case 'done':
            iterations = m.iterations;
            finish();
            break;
        }
      });
      w.on('error', (e) => {
        errors.push(`worker: ${e.message}`);
        finish();
      });
      w.on('exit', (code) => {
        if (!finished && code !== 0) errors.push(`worker exited with code ${code}`);
        finish();
      });
    });
  } finally {
    if (timer) clearTimeout(timer);
    if (worker) await worker.terminate();
    for (const req of inFlight) req.destroy();
    agents.http.destroy();
    agents.https.destroy();
    channel.port1.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { options: exported, iterations, requests, checks, sleeps, groups, errors, ...(aborted === undefined ? {} : { aborted }) };
}
