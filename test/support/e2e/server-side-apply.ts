import type { Manifest } from '../../../lib/internal';
import { ApiResponse, ApiServer } from './api-server';

/** The field manager of every apply, as a GitOps tool has one of its own. */
export const FIELD_MANAGER = 'ballast-e2e';

/** `Kind namespace/name`, for messages. */
export function describeObject(o: Manifest): string {
  return `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
}

/** The server's reason for an error answer: the `message` of its Status object, else the raw body. */
function serverMessage(answer: ApiResponse): string {
  try {
    const status = JSON.parse(answer.body) as { message?: string };
    if (status.message) return `${answer.status}: ${status.message}`;
  } catch {
    // Not JSON: fall through to the raw body.
  }
  return `${answer.status}: ${answer.body.trim()}`;
}

interface Resource {
  readonly name: string;
  readonly namespaced: boolean;
}

/**
 * Server-side apply over HTTPS (one request per object, no kubectl process each time): resources are
 * found through the server's discovery, like kubectl and Flux do. Field validation is Strict, so a field
 * the schema does not know is an error instead of being silently pruned from a custom resource.
 */
export class ServerSideApply {
  private readonly discovered = new Map<string, Map<string, Resource>>();

  public constructor(private readonly server: ApiServer) {}

  /** Applies `object`; returns what the server stored, and its warnings. Throws with the server's message. */
  /**
   * Applies `objects` in order, each with its source: what the server stored, and one problem line per
   * rejection or warning (`<source>: <object> was rejected: ...`), so that a test can expect none.
   */
  public async applyEach(objects: readonly { source: string; object: Manifest }[], options: { dryRun?: boolean } = {}): Promise<{ problems: string[]; stored: Manifest[] }> {
    const problems: string[] = [];
    const stored: Manifest[] = [];
    for (const { source, object } of objects) {
      try {
        const { stored: live, warnings } = await this.apply(object, options);
        stored.push(live);
        warnings.forEach((w) => problems.push(`${source}: ${describeObject(object)} drew a warning: ${w}`));
      } catch (err) {
        problems.push(`${source}: ${describeObject(object)} was rejected: ${(err as Error).message}`);
      }
    }
    return { problems, stored };
  }

  public async apply(object: Manifest, options: { dryRun?: boolean } = {}): Promise<{ stored: Manifest; warnings: string[] }> {
    const resource = await this.resource(object.apiVersion, object.kind);
    const ns = object.metadata.namespace;
    if (resource.namespaced && !ns) {
      // Flux and Terraform would silently put it in `default`: ballast always names the namespace.
      throw new Error(`${object.kind} is namespaced but the object has no metadata.namespace`);
    }
    const base = object.apiVersion.includes('/') ? `/apis/${object.apiVersion}` : `/api/${object.apiVersion}`;
    const scope = resource.namespaced ? `/namespaces/${encodeURIComponent(ns!)}` : '';
    const query = `fieldManager=${FIELD_MANAGER}&fieldValidation=Strict${options.dryRun ? '&dryRun=All' : ''}`;
    const urlPath = `${base}${scope}/${resource.name}/${encodeURIComponent(object.metadata.name)}?${query}`;
    // JSON is YAML, so it is a valid apply patch body.
    const answer = await this.server.request('PATCH', urlPath, JSON.stringify(object), 'application/apply-patch+yaml');
    if (answer.status < 200 || answer.status > 299) throw new Error(serverMessage(answer));
    return { stored: JSON.parse(answer.body) as Manifest, warnings: answer.warnings };
  }

  /** True when `kind` of `apiVersion` is namespaced (from the server's discovery). */
  public async isNamespaced(apiVersion: string, kind: string): Promise<boolean> {
    return (await this.resource(apiVersion, kind)).namespaced;
  }

  /** What the server serves, as `helm --api-versions` takes it: every `group/version` and `group/version/Kind`. */
  public async servedApiVersions(): Promise<string[]> {
    const core = JSON.parse((await this.server.request('GET', '/api')).body) as { versions: string[] };
    const groups = JSON.parse((await this.server.request('GET', '/apis')).body) as { groups: { versions: { groupVersion: string }[] }[] };
    const versions = [...core.versions, ...groups.groups.flatMap((g) => g.versions.map((v) => v.groupVersion))];
    const out: string[] = [];
    for (const gv of versions) {
      const answer = await this.server.request('GET', gv.includes('/') ? `/apis/${gv}` : `/api/${gv}`);
      const kinds = answer.status === 200 ? (JSON.parse(answer.body) as { resources: { name: string; kind: string }[] }).resources : [];
      out.push(gv, ...kinds.filter((r) => !r.name.includes('/')).map((r) => `${gv}/${r.kind}`));
    }
    return [...new Set(out)].sort();
  }

  /** Waits until every named CRD reports Established; throws with the ones that did not and their conditions. */
  public async waitEstablished(names: string[], timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let pending = names;
    const conditions = new Map<string, unknown>();
    while (pending.length > 0 && Date.now() < deadline) {
      const still: string[] = [];
      for (const name of pending) {
        const answer = await this.server.request('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
        const crd = answer.status === 200 ? (JSON.parse(answer.body) as { status?: { conditions?: { type: string; status: string }[] } }) : {};
        conditions.set(name, crd.status?.conditions ?? serverMessage(answer));
        if (!crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) still.push(name);
      }
      pending = still;
      if (pending.length > 0) await new Promise((r) => setTimeout(r, 250));
    }
    if (pending.length > 0) {
      const detail = pending.map((n) => `${n}: ${JSON.stringify(conditions.get(n))}`).join('\n');
      throw new Error(`CRDs not Established after ${timeoutMs / 1000} s:\n${detail}`);
    }
  }

  /**
   * The resource serving `kind` in `apiVersion`. Discovery is read again on a miss, for a few seconds:
   * a freshly Established CRD can take a moment to appear there.
   */
  private async resource(apiVersion: string, kind: string): Promise<Resource> {
    const deadline = Date.now() + 3_000;
    let served: string[] = [];
    for (;;) {
      const found = this.discovered.get(apiVersion)?.get(kind);
      if (found) return found;
      const answer = await this.server.request('GET', apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`);
      if (answer.status === 200) {
        const list = JSON.parse(answer.body) as { resources: { name: string; kind: string; namespaced: boolean }[] };
        // Subresources (deployments/scale...) share the kind of their parent: keep top-level resources only.
        const top = list.resources.filter((r) => !r.name.includes('/'));
        this.discovered.set(apiVersion, new Map(top.map((r) => [r.kind, { name: r.name, namespaced: r.namespaced }])));
        served = top.map((r) => r.kind);
      }
      if (this.discovered.get(apiVersion)?.has(kind)) continue;
      if (Date.now() > deadline) {
        const what = answer.status === 200 ? `it serves ${served.join(', ') || 'no kinds'}` : serverMessage(answer);
        throw new Error(`the API server does not serve ${kind} in ${apiVersion} (${what})`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/**
 * A real API server for the tests of one file: started before them, stopped after, with a server-side
 * apply client. Read its fields inside tests and hooks (they are set once `beforeAll` has run).
 */
export function apiServerForFile(): { readonly server: ApiServer; readonly ssa: ServerSideApply } {
  const handle = {} as { server: ApiServer; ssa: ServerSideApply };
  beforeAll(async () => {
    handle.server = await ApiServer.start();
    handle.ssa = new ServerSideApply(handle.server);
  }, 180_000);
  afterAll(() => handle.server?.stop());
  return handle;
}
