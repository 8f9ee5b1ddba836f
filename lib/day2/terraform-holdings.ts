import * as path from 'path';
import { fileError, FileRole, readCheckoutJson, shownPath } from '../core/checkout-file';
import { Shape, shapeProblem } from '../core/json-shape';
import { terraformTypes } from '../model/terraform-addresses';

// What the previous output's Terraform stack holds that keeps data: every resource with
// `lifecycle.prevent_destroy`. Like the Flux files' (flux-holdings.ts), it is what the guard's view is
// checked against, so that an inventory edited by hand cannot hide a protected resource: a resource block
// that leaves the code is destroyed, prevent_destroy or not.

/** The previous synth's Terraform stack file, in messages, and how a damaged one is put right. */
export const STACK_ROLE: FileRole = {
  what: "the previous synth's Terraform stack",
  // dist/cdktf is not always committed; deleting it is safe for the guard (the inventory lists what it
  // held) but loses the check that the state stays where the last apply left it, so that comes first.
  restore: (shown) =>
    `Restore it from Git (git checkout -- ${shown}) or from a copy of the last synth's output; if you have none, delete it and synth again, after checking that terraform.backend still names the state of the last apply (without this file the synth cannot compare the two)`,
};

/** The parts of a stack file ballast reads: its resources by type and name, and its backend (state-continuity.ts). */
const STACK: Shape = {
  fields: {
    resource: { map: { map: { fields: {} } } },
    terraform: { fields: { backend: { map: { fields: {} } } }, optional: ['backend'] },
  },
  optional: ['resource', 'terraform'],
};

/** A stack file as far as it is read. */
export interface StackFile {
  readonly resource?: Readonly<Record<string, Readonly<Record<string, Record<string, unknown>>>>>;
  readonly terraform?: { readonly backend?: Readonly<Record<string, Record<string, unknown>>> };
}

/** A data-holding resource of the previous stack. */
export interface HeldResource {
  readonly id: string;
  readonly address: string;
  readonly apiVersion?: string;
}

/** The stack file of `stack` in the Terraform output `terraformDir`. */
export const stackFile = (terraformDir: string, stack: string) => path.join(terraformDir, 'stacks', stack, 'cdk.tf.json');

/**
 * The stack file of `stack` in the Terraform output `terraformDir`, checked: undefined when there is none.
 * Cut short, conflicted, of another shape, a folder, unreadable or a link leading out of the output: refused.
 */
export function readStack(terraformDir: string, stack: string): StackFile | undefined {
  const file = stackFile(terraformDir, stack);
  const parsed = readCheckoutJson(file, STACK_ROLE, { within: terraformDir });
  if (parsed === undefined) return undefined;
  const problem = shapeProblem(parsed, STACK);
  if (problem) throw fileError(file, `${STACK_ROLE.what} is not a stack ballast wrote: ${problem}`, STACK_ROLE.restore(shownPath(file)));
  return parsed as StackFile;
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
/** `metadata` as cdktf writes it (an object), or as Terraform's JSON also allows (a list of one). */
const metadataOf = (r: Record<string, unknown>) => {
  const m = Array.isArray(r.metadata) ? r.metadata[0] : r.metadata;
  return (typeof m === 'object' && m !== null ? m : {}) as Record<string, unknown>;
};

/**
 * The data-holding resources of the stack `stack` in `terraformDir`, by inventory id. A namespace named by
 * reference (`${kubernetes_namespace_v1.<name>.metadata[0].name}`, as the stack writes it) is looked up.
 */
export function terraformHoldings(terraformDir: string, stack: string): HeldResource[] {
  const resources = readStack(terraformDir, stack)?.resource ?? {};
  const namespaces = resources[terraformTypes.namespace] ?? {};
  const namespace = (v: unknown): string | undefined => {
    const ref = /^\$\{kubernetes_namespace_v1\.([^.]+)\.metadata\[0\]\.name\}$/.exec(str(v) ?? '');
    if (!ref) return str(v);
    return Object.prototype.hasOwnProperty.call(namespaces, ref[1]) ? str(metadataOf(namespaces[ref[1]]).name) : undefined;
  };
  const held: HeldResource[] = [];
  for (const [type, byName] of Object.entries(resources)) {
    for (const [name, r] of Object.entries(byName)) {
      const lifecycle = r.lifecycle as { prevent_destroy?: unknown } | undefined;
      if (lifecycle?.prevent_destroy !== true) continue;
      const address = `${type}.${name}`;
      const meta = metadataOf(r);
      let id: string | undefined;
      let apiVersion: string | undefined;
      if (type === terraformTypes.namespace && str(meta.name)) id = `namespace/${str(meta.name)}`;
      else if (type === terraformTypes.secret && str(meta.name) && namespace(meta.namespace)) id = `secret/${namespace(meta.namespace)}/${str(meta.name)}`;
      else if (type === terraformTypes.release && str(r.name) && namespace(r.namespace)) id = `release/${namespace(r.namespace)}/${str(r.name)}`;
      else if (type === terraformTypes.manifest) {
        const m = (typeof r.manifest === 'object' && r.manifest !== null ? r.manifest : {}) as Record<string, unknown>;
        const mm = metadataOf(m);
        apiVersion = str(m.apiVersion);
        if (apiVersion && str(m.kind) && str(mm.name)) {
          const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : 'core';
          id = `object/${group}/${str(m.kind)}/${namespace(mm.namespace) ?? '-'}/${str(mm.name)}`;
        }
      }
      // A protected resource whose id cannot be told still counts: by its address, which the guard names.
      held.push({ id: id ?? `object/terraform/${type}/-/${name}`, address, ...(apiVersion ? { apiVersion } : {}) });
    }
  }
  return held;
}
