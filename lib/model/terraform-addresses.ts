/**
 * The Terraform address of each kind of resource the platform stack creates. The stack names its
 * resources with these ids (cdktf uses the id of a construct directly under the stack as its logical
 * name), and the inventory records the same addresses, so `removed`, `moved` and `import` blocks point
 * at exactly the resources the stack had.
 */
export const terraformIds = {
  namespace: (name: string) => `namespace_${name}`,
  namespaceLabels: (name: string) => `namespace_${name}_labels`,
  namespaceAnnotations: (name: string) => `namespace_${name}_annotations`,
  secret: (namespace: string, name: string) => `secret_${namespace}_${name}`,
  release: (namespace: string, releaseName: string) => `release_${namespace}_${releaseName}`,
  manifest: (namespace: string, kind: string, name: string) => `manifest_${namespace}_${kind.toLowerCase()}_${name}`,
};

/** Resource types, by what they hold. */
export const terraformTypes = {
  namespace: 'kubernetes_namespace_v1',
  namespaceLabels: 'kubernetes_labels',
  namespaceAnnotations: 'kubernetes_annotations',
  secret: 'kubernetes_secret_v1',
  release: 'helm_release',
  manifest: 'kubernetes_manifest',
} as const;

/** `<type>.<id>` of a resource of the platform stack. */
export function terraformAddress(kind: keyof typeof terraformIds, ...parts: [string] | [string, string] | [string, string, string]): string {
  const id = (terraformIds[kind] as (...a: string[]) => string)(...parts);
  return `${terraformTypes[kind]}.${id}`;
}

/** Name of the Terraform stack of a single platform, and of its folder under `dist/cdktf/stacks/`. */
export const STACK_NAME = 'ballast';
