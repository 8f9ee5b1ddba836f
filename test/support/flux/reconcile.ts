import { ApiServer } from '../e2e/api-server';
import { Condition, describeRef, FluxObject, FluxObjectRef, getFluxObject, mergePatch } from './kube';

/** The annotation `flux reconcile` sets: the controllers reconcile at once when its value changes. */
export const RECONCILE_REQUEST = 'reconcile.fluxcd.io/requestedAt';

let requests = 0;

/**
 * Asks Flux to reconcile `ref` now instead of at its next interval; returns the token the controller
 * copies into `status.lastHandledReconcileAt` once it has handled the request.
 */
export async function requestReconcile(server: ApiServer, ref: FluxObjectRef): Promise<string> {
  // Any new value is a request; the counter keeps two requests within one millisecond apart.
  const token = `${new Date().toISOString()}#${++requests}`;
  await mergePatch(server, ref, { metadata: { annotations: { [RECONCILE_REQUEST]: token } } });
  return token;
}

/** The revision an object reports as done: a Kustomization's last applied one, a source's artifact. */
export function doneRevision(object: FluxObject): string | undefined {
  return object.kind === 'Kustomization' ? object.status?.lastAppliedRevision : object.status?.artifact?.revision;
}

/** True when `object` is Ready for its current spec (observedGeneration) at `revision`. */
export function isReadyAt(object: FluxObject, revision: string): boolean {
  const ready = object.status?.conditions?.find((c) => c.type === 'Ready');
  return (
    ready?.status === 'True' &&
    object.status?.observedGeneration === object.metadata.generation &&
    doneRevision(object) === revision
  );
}

/** The status fields that explain where an object stands, one line each. */
export function describeStatus(object: FluxObject | undefined): string {
  if (!object) return '  (the object does not exist)';
  const s = object.status ?? {};
  const lines = [
    `  generation ${object.metadata.generation}, observedGeneration ${s.observedGeneration}`,
    object.kind === 'Kustomization'
      ? `  lastAppliedRevision ${s.lastAppliedRevision}, lastAttemptedRevision ${s.lastAttemptedRevision}`
      : `  artifact ${s.artifact?.revision ?? '(none)'}`,
    `  lastHandledReconcileAt ${s.lastHandledReconcileAt}`,
    ...(s.conditions ?? []).map(formatCondition),
  ];
  return lines.join('\n');
}

function formatCondition(c: Condition): string {
  return `  condition ${c.type}=${c.status} (${c.reason ?? 'no reason'}, ${c.lastTransitionTime}): ${c.message ?? ''}`;
}

export interface WaitOptions {
  readonly timeoutMs?: number;
  /** A token of requestReconcile(): also wait until the controller has handled that request. */
  readonly handled?: string;
  /** More context for the timeout message (the controllers' logs, the other objects' states). */
  readonly diagnostics?: () => Promise<string> | string;
}

/**
 * Waits until `ref` is Ready at `revision` (`<branch>@sha1:<sha>`); returns the object. On timeout, or
 * as soon as Flux declares it Stalled (an error retrying cannot fix), throws with its status conditions.
 */
export async function waitForReady(server: ApiServer, ref: FluxObjectRef, revision: string, options: WaitOptions = {}): Promise<FluxObject> {
  const timeoutMs = options.timeoutMs ?? 180_000;
  const deadline = Date.now() + timeoutMs;
  let object: FluxObject | undefined;
  let why = `not Ready at ${revision} after ${timeoutMs / 1000} s`;
  for (;;) {
    object = await getFluxObject(server, ref);
    const handled = options.handled === undefined || object?.status?.lastHandledReconcileAt === options.handled;
    if (object && handled && isReadyAt(object, revision)) return object;
    if (object?.status?.conditions?.some((c) => c.type === 'Stalled' && c.status === 'True')) {
      why = `Stalled while waiting for Ready at ${revision}`;
      break;
    }
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const more = options.diagnostics ? `\n${await options.diagnostics()}` : '';
  const request = options.handled ? ` (reconcile requested at ${options.handled})` : '';
  throw new Error(`${describeRef(ref)} ${why}${request}:\n${describeStatus(object)}${more}`);
}

/**
 * Waits until the controller has handled the reconcile request `handled` (a token of requestReconcile)
 * and returns the object as that reconcile left it, Ready or not: for checks that a reconcile fails.
 */
export async function waitForHandled(server: ApiServer, ref: FluxObjectRef, handled: string, options: Omit<WaitOptions, 'handled'> = {}): Promise<FluxObject> {
  const timeoutMs = options.timeoutMs ?? 180_000;
  const deadline = Date.now() + timeoutMs;
  let object: FluxObject | undefined;
  while (Date.now() <= deadline) {
    object = await getFluxObject(server, ref);
    if (object?.status?.lastHandledReconcileAt === handled) return object;
    await new Promise((r) => setTimeout(r, 250));
  }
  const more = options.diagnostics ? `\n${await options.diagnostics()}` : '';
  throw new Error(`${describeRef(ref)} did not handle the reconcile requested at ${handled} in ${timeoutMs / 1000} s:\n${describeStatus(object)}${more}`);
}
