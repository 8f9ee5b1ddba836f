// The Articles crawl load-test script (loadtests/articles-crawl.ts): that it compiles to a plain ES module
// importing k6's modules only, and that its logic reads what it should. The logic tests run the compiled
// script in test/support/k6-harness.ts, a small Node harness of ours that provides the few k6 APIs the
// script uses: they are NOT k6 (k6 is neither vendored nor run here), hence their names.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { compileK6Script, foreignImports, K6Script } from '../../lib/components/loadtest/k6-script';
import { K6HarnessReport, runK6Script } from '../support/k6-harness';

const HARNESS = 'script logic test (Node harness, not k6)';
const SCRIPT_FILE = path.join(__dirname, '..', '..', 'loadtests', 'articles-crawl.ts');

interface Article {
  slug: string;
  title: string;
}

/** 37 articles, so pages 1-4 (size 10) have data and page 5 is empty. Two slugs need URI encoding. */
const ARTICLES: Article[] = Array.from({ length: 37 }, (_, i) => {
  const n = i + 1;
  if (n === 7) return { slug: 'café au lait', title: 'Café au lait' };
  // '/', '?', '#' and '%' survive URL parsing as they are: only encodeURIComponent gets this one to the server.
  if (n === 23) return { slug: 'a/b? 50% #1', title: 'Slashes and friends' };
  return { slug: `article-${String(n).padStart(2, '0')}`, title: `Article ${n}` };
});
const BROKEN_SLUG = 'article-15';

/**
 * A loopback server with the Articles API contract of the tutorial API, under a scenario prefix:
 * `/ok` (the catalogue above), `/broken` (the same, but BROKEN_SLUG answers 500), `/empty` (no articles).
 */
function startServer(): Promise<{ server: http.Server; base: string; seen: string[] }> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    const raw = req.url ?? '/';
    seen.push(raw);
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET') return send(405, { error: 'method not allowed' });
    if (raw === '/healthz') return send(200, { status: 'ok' });
    const match = /^\/(ok|broken|empty)(\/.*)$/.exec(raw);
    if (!match) return send(404, { error: 'not found' });
    const [, scenario, rest] = match;
    const articles = scenario === 'empty' ? [] : ARTICLES;
    const url = new URL(rest, 'http://localhost');
    if (url.pathname === '/api/Articles') {
      const page = Number(url.searchParams.get('page') ?? '1');
      const size = Number(url.searchParams.get('size') ?? '10');
      if (!Number.isInteger(page) || page < 1 || !Number.isInteger(size) || size < 1) return send(400, { error: 'bad page or size' });
      return send(200, articles.slice((page - 1) * size, page * size).map((a) => ({ slug: a.slug, title: a.title })));
    }
    // The slug is one path segment, taken from the raw path (not URL-normalised) and decoded once.
    const one = /^\/api\/Articles\/([^/?#]+)$/.exec(rest);
    if (one) {
      let slug: string;
      try {
        slug = decodeURIComponent(one[1]);
      } catch {
        return send(400, { error: 'bad slug encoding' });
      }
      if (scenario === 'broken' && slug === BROKEN_SLUG) return send(500, { error: 'boom' });
      const article = articles.find((a) => a.slug === slug);
      return article ? send(200, article) : send(404, { error: 'no such article' });
    }
    return send(404, { error: 'not found' });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, base: `http://127.0.0.1:${port}`, seen });
    });
  });
}

let server: http.Server;
let base: string;
let seen: string[];
let script: K6Script;
let tmp: string;

beforeAll(async () => {
  ({ server, base, seen } = await startServer());
  script = compileK6Script(SCRIPT_FILE);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'loadtest-script-test-'));
});

afterAll(async () => {
  if (server) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

function run(env: Record<string, string>, iterations = 1): Promise<K6HarnessReport> {
  return runK6Script(script.source, { env, iterations, timeoutMs: 8000 });
}

/** The requests one full crawl of the ok catalogue makes, in order. */
function expectedCrawl(prefix: string, pages: number): { method: string; url: string; status: number; name: string }[] {
  const out: { method: string; url: string; status: number; name: string }[] = [];
  for (let page = 1; page <= pages; page++) {
    out.push({ method: 'GET', url: `${prefix}/api/Articles?page=${page}&size=10`, status: 200, name: 'list' });
    for (const a of ARTICLES.slice((page - 1) * 10, page * 10)) {
      out.push({ method: 'GET', url: `${prefix}/api/Articles/${encodeURIComponent(a.slug)}`, status: 200, name: 'article' });
    }
  }
  return out;
}

describe('loadtests/articles-crawl.ts compiled for k6', () => {
  test('imports the k6 modules only', () => {
    expect(script.fileName).toBe('articles-crawl.js');
    expect(foreignImports(script)).toEqual([]);
    expect([...script.imports].sort()).toEqual(['k6', 'k6/http']);
  });

  test('is a syntactically valid ES module (node --check)', () => {
    const file = path.join(tmp, script.fileName.replace(/\.js$/, '.mjs'));
    fs.writeFileSync(file, script.source);
    expect(() => execFileSync(process.execPath, ['--check', file], { stdio: 'pipe', timeout: 10000 })).not.toThrow();
    // Types are gone and the k6 imports are kept as ES imports.
    expect(script.source).not.toMatch(/k6\/options|: Options|interface Article/);
    expect(script.source).toMatch(/^import \{ check, sleep \} from 'k6';$/m);
    expect(script.source).toMatch(/^import http from 'k6\/http';$/m);
  });

  test('the test server answers the tutorial API contract', async () => {
    const get = async (p: string): Promise<{ status: number; body: unknown }> => {
      const res = await fetch(`${base}${p}`);
      return { status: res.status, body: await res.json() };
    };
    expect(await get('/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(((await get('/ok/api/Articles?page=4&size=10')).body as Article[]).length).toBe(7);
    expect((await get('/ok/api/Articles?page=5&size=10')).body).toEqual([]);
    expect((await get(`/ok/api/Articles/${encodeURIComponent('café au lait')}`)).status).toBe(200);
    expect((await get('/ok/api/Articles/nope')).status).toBe(404);
  });
});

describe(HARNESS, () => {
  test(`${HARNESS}: one crawl iteration reads every page then every article once, all checks pass`, async () => {
    seen.length = 0;
    const report = await run({ TARGET_URL: `${base}/ok/` });
    expect(report.errors).toEqual([]);
    expect(report.aborted).toBeUndefined();
    expect(report.iterations).toBe(1);
    // 5 list pages (the 5th is the empty one that ends the crawl) and 37 articles, each once, in order.
    expect(report.requests).toEqual(expectedCrawl(`${base}/ok`, 5));
    expect(report.requests.filter((r) => r.name === 'list')).toHaveLength(5);
    expect(report.requests.filter((r) => r.name === 'article')).toHaveLength(37);
    expect(new Set(report.requests.filter((r) => r.name === 'article').map((r) => r.url)).size).toBe(37);
    // Every list answer is checked (the empty one too), every article answer is checked.
    expect(report.checks).toEqual({ 'list is 200': { passes: 5, fails: 0 }, 'article is 200': { passes: 37, fails: 0 } });
    // One pause after each page with data; the empty page returns before it.
    expect(report.sleeps).toEqual([0.1, 0.1, 0.1, 0.1]);
    // The slugs that need it reached the server URI-encoded, as one path segment.
    expect(seen).toContain(`/ok/api/Articles/${encodeURIComponent('a/b? 50% #1')}`);
    expect(seen).toContain('/ok/api/Articles/caf%C3%A9%20au%20lait');
  });

  test(`${HARNESS}: exported options are exactly the JSON of K6_OPTIONS`, async () => {
    const k6Options = { vus: 200, duration: '3m', thresholds: { http_req_duration: ['p(95)<700'] } };
    const report = await run({ K6_OPTIONS: JSON.stringify(k6Options), TARGET_URL: `${base}/empty` });
    expect(report.options).toEqual(k6Options);
    expect(report.errors).toEqual([]);
    const none = await run({ TARGET_URL: `${base}/empty` });
    expect(none.options).toEqual({});
  });

  test(`${HARNESS}: an article answering 500 fails its check (the checks are real)`, async () => {
    const report = await run({ TARGET_URL: `${base}/broken` });
    expect(report.errors).toEqual([]);
    expect(report.requests).toHaveLength(42);
    expect(report.requests.filter((r) => r.status === 500).map((r) => r.url)).toEqual([`${base}/broken/api/Articles/${BROKEN_SLUG}`]);
    expect(report.checks).toEqual({ 'list is 200': { passes: 5, fails: 0 }, 'article is 200': { passes: 36, fails: 1 } });
  });

  test(`${HARNESS}: an empty first page ends the crawl after one request`, async () => {
    const report = await run({ TARGET_URL: `${base}/empty` });
    expect(report.errors).toEqual([]);
    expect(report.requests).toEqual([{ method: 'GET', url: `${base}/empty/api/Articles?page=1&size=10`, status: 200, name: 'list' }]);
    expect(report.checks).toEqual({ 'list is 200': { passes: 1, fails: 0 } });
    expect(report.sleeps).toEqual([]);
  });

  test(`${HARNESS}: a list page that is not 200 fails its check and ends the iteration`, async () => {
    const report = await run({ TARGET_URL: `${base}/missing` });
    expect(report.requests).toEqual([{ method: 'GET', url: `${base}/missing/api/Articles?page=1&size=10`, status: 404, name: 'list' }]);
    expect(report.checks).toEqual({ 'list is 200': { passes: 0, fails: 1 } });
  });

  test(`${HARNESS}: MAX_PAGES bounds the pages one iteration reads`, async () => {
    const report = await run({ TARGET_URL: `${base}/ok`, MAX_PAGES: '2' });
    expect(report.errors).toEqual([]);
    expect(report.requests).toEqual(expectedCrawl(`${base}/ok`, 2));
    expect(report.requests.filter((r) => r.name === 'list')).toHaveLength(2);
    expect(report.sleeps).toEqual([0.1, 0.1]);
    // The next iteration starts over at page 1.
    const two = await run({ TARGET_URL: `${base}/ok`, MAX_PAGES: '2' }, 2);
    expect(two.iterations).toBe(2);
    expect(two.requests.filter((r) => r.name === 'list').map((r) => r.url)).toEqual(
      [1, 2, 1, 2].map((p) => `${base}/ok/api/Articles?page=${p}&size=10`),
    );
  });
});

describe('the k6 harness itself (Node harness, not k6)', () => {
  function compile(name: string, source: string): K6Script {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, source);
    return compileK6Script(file);
  }

  test('a script importing anything but k6 modules is refused, loudly', async () => {
    const lodash = compile(
      'uses-lodash.ts',
      "import { check } from 'k6';\nimport _ from 'lodash';\nexport default function (): void {\n  check(_.identity(1), { one: (v) => v === 1 });\n}\n",
    );
    expect(foreignImports(lodash)).toEqual(['lodash']);
    await expect(runK6Script(lodash.source, { env: {}, iterations: 1, timeoutMs: 5000 })).rejects.toThrow(/refusing to run the script: it imports 'lodash'/);
    // A k6 module the harness does not provide is refused too (k6 would run it; this harness cannot).
    const crypto = compile('uses-k6-crypto.ts', "import crypto from 'k6/crypto';\nexport default function (): void {\n  crypto.sha256('x', 'hex');\n}\n");
    expect(foreignImports(crypto)).toEqual([]);
    await expect(runK6Script(crypto.source, { env: {}, iterations: 1, timeoutMs: 5000 })).rejects.toThrow(/it imports 'k6\/crypto'/);
  });

  test('the request cap and the wall time stop a run that would not end', async () => {
    const forever = compile(
      'forever.ts',
      "import http from 'k6/http';\nimport { sleep } from 'k6';\nexport default function (): void {\n" +
        '  for (;;) {\n    http.get(`${__ENV.TARGET_URL}/healthz`);\n    sleep(0.01);\n  }\n}\n',
    );
    const capped = await runK6Script(forever.source, { env: { TARGET_URL: base }, iterations: 3, timeoutMs: 5000, maxRequests: 25 });
    expect(capped.aborted).toBe('request cap of 25 reached');
    expect(capped.requests).toHaveLength(25);
    expect(capped.iterations).toBe(0);

    const spin = compile('spin.ts', "import { sleep } from 'k6';\nexport default function (): void {\n  for (;;) sleep(1);\n}\n");
    const started = Date.now();
    const timedOut = await runK6Script(spin.source, { env: {}, iterations: 1, timeoutMs: 300 });
    expect(timedOut.aborted).toBe('wall time of 300 ms exceeded');
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
