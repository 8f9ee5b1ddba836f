import { IConstruct } from 'constructs';

// The namespaces that hold Flux ImagePolicies, per Flux bootstrap. An ImageUpdateAutomation applies only
// the ImagePolicies of its own namespace, so the automation of a Git repository needs one object in each
// of them. Services record their namespace as they are built; an automation built before or after them
// hears of every one, so the order of the platform code does not matter.

const namespaces = new WeakMap<IConstruct, string[]>();
const listeners = new WeakMap<IConstruct, ((namespace: string) => void)[]>();

/** Records that `namespace` holds ImagePolicies of the Flux bootstrap `flux`; listeners hear of it once. */
export function recordImagePolicyNamespace(flux: IConstruct, namespace: string): void {
  const known = namespaces.get(flux) ?? [];
  if (known.includes(namespace)) return;
  known.push(namespace);
  namespaces.set(flux, known);
  for (const listener of listeners.get(flux) ?? []) listener(namespace);
}

/** Calls `listener` for every namespace with ImagePolicies of `flux`: those recorded so far, now, and later ones as they come. */
export function onImagePolicyNamespace(flux: IConstruct, listener: (namespace: string) => void): void {
  listeners.set(flux, [...(listeners.get(flux) ?? []), listener]);
  for (const namespace of namespaces.get(flux) ?? []) listener(namespace);
}
