import * as fs from 'fs';
import * as https from 'https';
import type { Manifest } from '../../../lib/internal';
import { ApiResponse, ApiServer } from '../e2e/api-server';

/** A Flux object as the API server returns it (the parts the tier reads). */
export type FluxObject = Manifest & {
  metadata: Manifest['metadata'] & { generation?: number; resourceVersion?: string };
  status?: {
    observedGeneration?: number;
    conditions?: Condition[];
    lastAppliedRevision?: string;
    lastAttemptedRevision?: string;
    lastHandledReconcileAt?: string;
    artifact?: { revision?: string; url?: string };
    inventory?: { entries?: { id: string; v: string }[] };
  };
};

export interface Condition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
  readonly lastTransitionTime?: string;
}

/** A Flux object of the tier, by kind and name (namespace flux-system unless given). */
export interface FluxObjectRef {
  readonly kind: 'GitRepository' | 'Kustomization';
  readonly name: string;
  readonly namespace?: string;
}

const RESOURCES: Record<FluxObjectRef['kind'], { group: string; plural: string }> = {
  GitRepository: { group: '/apis/source.toolkit.fluxcd.io/v1', plural: 'gitrepositories' },
  Kustomization: { group: '/apis/kustomize.toolkit.fluxcd.io/v1', plural: 'kustomizations' },
};

/** The API path of the collection of `kind` in `namespace`. */
export function collectionPath(kind: FluxObjectRef['kind'], namespace = 'flux-system'): string {
  const { group, plural } = RESOURCES[kind];
  return `${group}/namespaces/${encodeURIComponent(namespace)}/${plural}`;
}

/** `Kind namespace/name`, for messages. */
export function describeRef(ref: FluxObjectRef): string {
  return `${ref.kind} ${ref.namespace ?? 'flux-system'}/${ref.name}`;
}

/** The server's answer as an error message: its Status `message`, else the raw body. */
export function answerMessage(answer: ApiResponse): string {
  try {
    const status = JSON.parse(answer.body) as { message?: string };
    if (status.message) return `${answer.status}: ${status.message}`;
  } catch {
    // Not JSON: the raw body below.
  }
  return `${answer.status}: ${answer.body.trim()}`;
}

/** GETs `urlPath`; undefined for 404, throws with `what` and the server's message for any other error. */
export async function getJson<T>(server: ApiServer, urlPath: string, what: string): Promise<T | undefined> {
  const answer = await server.request('GET', urlPath);
  if (answer.status === 404) return undefined;
  if (answer.status !== 200) throw new Error(`reading ${what} (GET ${urlPath}) failed: ${answerMessage(answer)}`);
  return JSON.parse(answer.body) as T;
}

/** The Flux object `ref`, or undefined when it does not exist. */
export function getFluxObject(server: ApiServer, ref: FluxObjectRef): Promise<FluxObject | undefined> {
  return getJson<FluxObject>(server, `${collectionPath(ref.kind, ref.namespace)}/${encodeURIComponent(ref.name)}`, describeRef(ref));
}

/** A JSON merge patch of `ref`; throws with the server's message. */
export async function mergePatch(server: ApiServer, ref: FluxObjectRef, patch: object): Promise<FluxObject> {
  const urlPath = `${collectionPath(ref.kind, ref.namespace)}/${encodeURIComponent(ref.name)}`;
  const answer = await server.request('PATCH', urlPath, JSON.stringify(patch), 'application/merge-patch+json');
  if (answer.status !== 200) throw new Error(`patching ${describeRef(ref)} failed: ${answerMessage(answer)}`);
  return JSON.parse(answer.body) as FluxObject;
}

/** One event of a watch: ADDED, MODIFIED, DELETED (BOOKMARK and ERROR are reported as they come). */
export interface WatchEvent {
  readonly type: string;
  readonly object: FluxObject;
}

/** A running watch; stop() ends it. `ended` is set when the server ended it (or it failed). */
export interface Watch {
  /** Resolves once the server has accepted the watch: changes from then on are delivered. */
  readonly established: Promise<void>;
  stop(): void;
  readonly ended: () => string | undefined;
}

/**
 * Watches a collection (events arrive in the order the API server stored them, which the polling of
 * a status cannot guarantee). Uses the kubeconfig's server, CA and token, as the controllers do.
 */
export function watchCollection(server: ApiServer, urlPath: string, onEvent: (event: WatchEvent) => void): Watch {
  const config = JSON.parse(fs.readFileSync(server.kubeconfig, 'utf8')) as {
    clusters: { cluster: { server: string; 'certificate-authority': string } }[];
    users: { user: { token: string } }[];
  };
  const url = new URL(`${urlPath}?watch=true&timeoutSeconds=1800`, config.clusters[0].cluster.server);
  const ca = fs.readFileSync(config.clusters[0].cluster['certificate-authority'], 'utf8');
  let ended: string | undefined;
  let accepted: (value: void) => void = () => undefined;
  let refused: (err: Error) => void = () => undefined;
  const established = new Promise<void>((resolve, reject) => ([accepted, refused] = [resolve, reject]));
  const req = https.get(url, { ca, headers: { Authorization: `Bearer ${config.users[0].user.token}`, Accept: 'application/json' } }, (res) => {
    if (res.statusCode !== 200) {
      ended = `watch ${urlPath} answered ${res.statusCode}`;
      refused(new Error(ended));
      res.resume();
      return;
    }
    accepted();
    let buffer = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      // The server writes one JSON event per line.
      buffer += chunk;
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        if (!line) continue;
        try {
          onEvent(JSON.parse(line) as WatchEvent);
        } catch (err) {
          // Thrown here it would be uncaught (an event handler): end the watch and say why instead.
          ended ??= `watch ${urlPath}: could not handle an event (${(err as Error).message}): ${line.slice(0, 200)}`;
          req.destroy();
          return;
        }
      }
    });
    res.on('end', () => (ended ??= `watch ${urlPath} ended by the server`));
  });
  req.on('error', (err) => {
    ended ??= `watch ${urlPath} failed: ${err.message}`;
    refused(new Error(ended));
  });
  // Rejections are reported through `established` only to whoever waits for it.
  established.catch(() => undefined);
  return {
    established,
    stop: () => {
      ended ??= 'stopped';
      req.destroy();
    },
    ended: () => ended,
  };
}

/** Any Kubernetes object, by what identifies it. */
export interface ObjectId {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/** `Kind namespace/name`, for messages. */
export function describeId(id: ObjectId): string {
  return `${id.kind} ${id.namespace ? `${id.namespace}/` : ''}${id.name}`;
}

/** The object `id` as the API server holds it, or undefined when it does not exist (found through discovery). */
export async function getObject(server: ApiServer, id: ObjectId): Promise<Manifest | undefined> {
  const base = id.apiVersion.includes('/') ? `/apis/${id.apiVersion}` : `/api/${id.apiVersion}`;
  const served = await getJson<{ resources: { name: string; kind: string; namespaced: boolean }[] }>(server, base, `the resources of ${id.apiVersion}`);
  const resource = served?.resources.find((r) => r.kind === id.kind && !r.name.includes('/'));
  if (!resource) throw new Error(`reading ${describeId(id)}: the API server does not serve ${id.kind} in ${id.apiVersion}`);
  const scope = resource.namespaced ? `/namespaces/${encodeURIComponent(id.namespace ?? 'default')}` : '';
  return getJson<Manifest>(server, `${base}${scope}/${resource.name}/${encodeURIComponent(id.name)}`, describeId(id));
}

/**
 * The id Flux writes into a Kustomization's `status.inventory` for an object:
 * `<namespace>_<name>_<group>_<kind>` (empty namespace for cluster-scoped objects, empty group for core).
 */
export function inventoryId(object: ObjectId): string {
  const group = object.apiVersion.includes('/') ? object.apiVersion.split('/')[0] : '';
  return `${object.namespace ?? ''}_${object.name}_${group}_${object.kind}`;
}

/** The id of a manifest. */
export function idOf(object: Manifest): ObjectId {
  return { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name, namespace: object.metadata.namespace };
}
