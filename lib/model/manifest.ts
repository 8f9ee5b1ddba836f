/**
 * A Kubernetes object as plain JSON: what components emit, the plan places and the backends write. The
 * bottom of the library, so that every layer speaks of objects the same way.
 */
export type Manifest = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
};

/** The API group of an apiVersion: `apps/v1` → `apps`, `v1` → `` (the core group). */
export function apiGroup(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

/** True for API groups Kubernetes serves itself: the core group, `apps`, `batch`, `*.k8s.io`... */
export function isBuiltInGroup(apiVersion: string): boolean {
  const group = apiGroup(apiVersion);
  return group === '' || !group.includes('.') || group.endsWith('.k8s.io');
}

/**
 * Annotation that stops Flux's kustomize-controller from deleting an object when it disappears from Git.
 * ballast sets it on everything that holds data (or that something holding data needs).
 */
export const PRUNE_DISABLED = { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' };

/** True when `m` carries PRUNE_DISABLED: it holds data (or something that does needs it) and is kept. */
export function isPruneDisabled(m: Manifest): boolean {
  return (m.metadata.annotations as Record<string, string> | undefined)?.['kustomize.toolkit.fluxcd.io/prune'] === 'disabled';
}
