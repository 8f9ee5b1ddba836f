import type { Manifest } from '../model/manifest';

/**
 * A Secret as `synthComponent` shows it: where it is, its type and the names of its keys, never a value.
 * SOPS documents differ on every synth (random data key, IVs, timestamp), and a Terraform Secret's values
 * are variable references whose names `terraformVariables` lists.
 */
export type SecretShape = {
  readonly kind: 'Secret';
  readonly name: string;
  readonly namespace: string;
  readonly type: string;
  /** The keys of its data, sorted. */
  readonly keys: readonly string[];
  /** Who writes it into the cluster: Flux from a SOPS-encrypted file in Git, or Terraform. */
  readonly writtenBy: 'sops' | 'terraform';
};

/** The shape of the Secret `object` (an encrypted document, or the object a Terraform resource describes). */
export function secretShape(object: Manifest, writtenBy: SecretShape['writtenBy']): SecretShape {
  const data = { ...(object.data as Record<string, unknown> | undefined), ...(object.stringData as Record<string, unknown> | undefined) };
  return {
    kind: 'Secret',
    name: object.metadata.name,
    namespace: object.metadata.namespace ?? '',
    type: typeof object.type === 'string' ? object.type : 'Opaque',
    keys: Object.keys(data).sort(),
    writtenBy,
  };
}
