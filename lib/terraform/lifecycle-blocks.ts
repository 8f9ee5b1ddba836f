import { TerraformElement, TerraformProvider, TerraformResource, TerraformStack } from 'cdktf';

/**
 * A resource address: `<type>.<name>` (`terraform_data.bootstrap`, `module.x.helm_release.y`) or the
 * resource construct itself.
 */
export type ResourceAddress = string | TerraformResource;

/** A `removed` block: Terraform forgets the resource without destroying it. */
interface RemovedBlock {
  readonly from: string;
}

/** A `moved` block: the resource at `from` is now at `to`, without replacement. */
interface MovedBlock {
  readonly from: string;
  readonly to: ResourceAddress;
}

/** An `import` block: Terraform adopts the existing object `id` as the resource at `to`. */
interface ImportBlock {
  readonly to: ResourceAddress;
  readonly id: string;
  readonly provider?: TerraformProvider;
}

/** Options of `addImportBlock`. */
export interface ImportBlockOptions {
  /** The provider configuration that reads the object. @default the resource's default provider */
  readonly provider?: TerraformProvider;
}

/** The first Terraform versions that know a feature, for `requireTerraformVersion`. */
export const TERRAFORM_VERSION_FOR = {
  /** `removed` blocks. */
  removedBlocks: '1.7',
  /** Write-only attributes (`*_wo`), ephemeral values that never reach the state. */
  writeOnlyAttributes: '1.11',
  /** `import` blocks. */
  importBlocks: '1.5',
  /** `moved` blocks. */
  movedBlocks: '1.1',
} as const;

const ELEMENT_ID = 'ballast-lifecycle-blocks';

/**
 * The blocks of one stack, rendered as top-level keys of its Terraform JSON (cdktf 0.21 models `moved`
 * and `import` only per resource, and `removed` not at all). cdktf merges every element's JSON into the
 * stack, concatenating arrays, so these blocks add to those of `resource.moveTo()` and `importFrom()`;
 * `stack.addOverride` is applied after, and wins.
 */
class LifecycleBlocks extends TerraformElement {
  public readonly removed: RemovedBlock[] = [];
  public readonly moved: MovedBlock[] = [];
  public readonly imports: ImportBlock[] = [];
  public minimumVersion: string | undefined;

  public static of(stack: TerraformStack): LifecycleBlocks {
    return (stack.node.tryFindChild(ELEMENT_ID) as LifecycleBlocks | undefined) ?? new LifecycleBlocks(stack, ELEMENT_ID);
  }

  public override toTerraform(): Record<string, unknown> {
    return {
      ...(this.removed.length ? { removed: this.removed.map((r) => ({ from: r.from, lifecycle: { destroy: false } })) } : {}),
      // Constructs are resolved now, at synth, so that a later overrideLogicalId() is followed.
      ...(this.moved.length ? { moved: this.moved.map((m) => ({ from: m.from, to: resourceAddress(m.to) })) } : {}),
      ...(this.imports.length
        ? { import: this.imports.map((i) => ({ to: resourceAddress(i.to), id: i.id, ...(i.provider ? { provider: i.provider.fqn } : {}) })) }
        : {}),
      ...(this.minimumVersion ? { terraform: { required_version: `>= ${this.minimumVersion}` } } : {}),
    };
  }

  public override toHclTerraform(): Record<string, unknown> {
    // cdktf's HCL renderer drops top-level keys it does not know, and it does not know `removed`.
    if (this.removed.length) throw new Error(`${this.node.path}: removed blocks need cdktf's JSON output (hclOutput: false)`);
    return this.toTerraform();
  }

  /** Throws when `key` was already added: Terraform refuses two blocks for one address. */
  public once(kind: string, key: string, existing: readonly string[]): void {
    if (existing.includes(key)) throw new Error(`${this.node.scope!.node.path}: a ${kind} block for ${key} was already added`);
  }
}

/** `<type>.<name>` of `address`. */
export function resourceAddress(address: ResourceAddress): string {
  return typeof address === 'string' ? address : `${address.terraformResourceType}.${address.friendlyUniqueId}`;
}

/**
 * Adds `removed { from = <from>  lifecycle { destroy = false } }`: Terraform drops the resource, which is
 * gone from the code, from the state and leaves the object itself alone. Needs Terraform 1.7, which the
 * stack then requires. Keep the block until every state that had the resource has been applied once.
 */
export function addRemovedBlock(stack: TerraformStack, from: string): void {
  const blocks = LifecycleBlocks.of(stack);
  blocks.once('removed', from, blocks.removed.map((r) => r.from));
  blocks.removed.push({ from });
  requireTerraformVersion(stack, TERRAFORM_VERSION_FOR.removedBlocks);
}

/**
 * Adds `moved { from = <from>  to = <to> }`: the resource that was at `from` (a renamed construct, a
 * changed logical id) is at `to` now; Terraform updates the state instead of replacing the object.
 */
export function addMovedBlock(stack: TerraformStack, from: string, to: ResourceAddress): void {
  const blocks = LifecycleBlocks.of(stack);
  blocks.once('moved', from, blocks.moved.map((m) => m.from));
  blocks.moved.push({ from, to });
}

/**
 * Adds `import { to = <to>  id = <id> }`: the next apply adopts the existing object `id` (its format is
 * the resource type's, see the provider's import documentation) as the resource `to`.
 */
export function addImportBlock(stack: TerraformStack, to: ResourceAddress, id: string, options: ImportBlockOptions = {}): void {
  const blocks = LifecycleBlocks.of(stack);
  blocks.once('import', resourceAddress(to), blocks.imports.map((i) => resourceAddress(i.to)));
  blocks.imports.push({ to, id, provider: options.provider });
}

/**
 * Makes the stack require Terraform `minimum` or newer (`terraform.required_version = ">= <minimum>"`),
 * the highest minimum of all calls. `addRemovedBlock` asks for 1.7; call it with
 * `TERRAFORM_VERSION_FOR.writeOnlyAttributes` (1.11) when a resource sets a write-only attribute, which
 * older versions reject with an unhelpful message. `stack.addOverride('terraform.required_version', ...)`
 * still wins over it.
 */
export function requireTerraformVersion(stack: TerraformStack, minimum: string): void {
  if (!/^[0-9]+(\.[0-9]+){0,2}$/.test(minimum)) throw new Error(`"${minimum}" is not a Terraform version such as "1.7" or "1.11.0"`);
  const blocks = LifecycleBlocks.of(stack);
  if (!blocks.minimumVersion || compareVersions(minimum, blocks.minimumVersion) > 0) blocks.minimumVersion = minimum;
}

/** The minimum Terraform version set with `requireTerraformVersion`, if any. */
export function requiredTerraformVersion(stack: TerraformStack): string | undefined {
  return (stack.node.tryFindChild(ELEMENT_ID) as LifecycleBlocks | undefined)?.minimumVersion;
}

function compareVersions(a: string, b: string): number {
  const [pa, pb] = [a, b].map((v) => v.split('.').map(Number));
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
