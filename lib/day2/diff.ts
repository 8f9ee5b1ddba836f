import type { DeploymentPlan } from './deployment-plan';
import { Change } from './guard';

/** One changed field of an object, as `diff` shows it: a value that must not be printed is masked. */
export interface FieldChange {
  /** `spec.template.spec.containers[0].image` */
  readonly path: string;
  readonly before?: unknown;
  readonly after?: unknown;
  /** True when the values are masked (a Secret's data, a field named like a password). */
  readonly sensitive?: boolean;
}

/** What changes inside one changed item (see lib/synth/field-diff.ts, which reads the previous files). */
export interface ObjectDiff {
  readonly id: string;
  readonly fields: readonly FieldChange[];
  /** Immutable fields among them: the API server refuses the change; the object must be replaced. */
  readonly immutable: readonly string[];
  /** Why applying it would lose data (a volume that shrinks, a replacement of something holding data). */
  readonly dataLoss: readonly string[];
}

/** A value for one line of diff output: JSON, cut short. */
function shown(v: unknown): string {
  if (v === undefined) return '(none)';
  const text = typeof v === 'string' && v.startsWith('(sensitive') ? v : JSON.stringify(v);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** The lines under a changed item: its fields, then why Kubernetes refuses it or why it loses data. */
function fieldLines(d: ObjectDiff | undefined): string {
  if (!d) return '';
  const lines = d.fields.map((f) => (f.before === undefined ? `+ ${f.path}: ${shown(f.after)}` : f.after === undefined ? `- ${f.path}: ${shown(f.before)}` : `~ ${f.path}: ${shown(f.before)} -> ${shown(f.after)}`));
  lines.push(...d.immutable.map((r) => `! replaced: ${r}`), ...d.dataLoss.map((r) => `! loses data: ${r}`));
  return lines.map((l) => `\n      ${l}`).join('');
}

/** Exit codes of `diff`: nothing changes, changes, something would be destroyed or pruned (or is refused). */
export const DIFF_EXIT = { unchanged: 0, changes: 1, destructive: 2 } as const;

const SIGN: Record<Change['kind'], string> = { added: '+', removed: '-', changed: '~', owner: '>', renamed: '>', address: '~' };

function describe(c: Change, fields?: ReadonlyMap<string, ObjectDiff>): string {
  const owner = (o?: string) => (o === 'flux' ? 'Flux' : o === 'terraform' ? 'Terraform' : 'by hand');
  const status = c.guarded ? (c.acknowledged ? ' [acknowledged]' : ` [refused: --acknowledge ${c.id}]`) : '';
  const what =
    c.kind === 'owner'
      ? `moves from ${owner(c.before?.owner)} to ${owner(c.after?.owner)}`
      : c.kind === 'renamed'
        ? `renamed to ${c.renamedTo}`
        : c.kind === 'address'
          ? `moves in the state (${c.steps[0]})`
          : c.kind;
  const steps = c.kind !== 'address' && c.steps.length > 0 ? `\n      ${c.steps.join('\n      ')}` : '';
  const d = fields?.get(c.id);
  const loses = d && d.dataLoss.length > 0 ? ' (loses data)' : '';
  return `  ${SIGN[c.kind]} ${c.id} ${what}${c.destructive ? ' (destroys or prunes)' : ''}${loses}${status}${steps}${fieldLines(d)}`;
}

/**
 * `diff` as text: per backend what this plan adds, removes and changes against the previous output, moves
 * between owners on their own, destructive and refused items first (the guard's order); then the secrets
 * this synth would generate or rotate. Returns the exit code with it.
 */
export function formatDiff(plan: DeploymentPlan, previousFound: boolean, fields?: ReadonlyMap<string, ObjectDiff>): { text: string; exitCode: number } {
  const changes = plan.day2.changes;
  const lines: string[] = [];
  if (!previousFound) lines.push('no previous output with an inventory: everything is new');
  const owners = changes.filter((c) => c.kind === 'owner');
  for (const backend of ['flux', 'terraform', 'manual'] as const) {
    const mine = changes.filter((c) => c.kind !== 'owner' && (c.after ?? c.before)!.owner === backend);
    if (mine.length === 0) continue;
    lines.push(`${backend === 'manual' ? 'applied by hand (loadtests/)' : backend}:`, ...mine.map((c) => describe(c, fields)));
  }
  if (owners.length > 0) lines.push('between owners:', ...owners.map((c) => describe(c)));
  const secrets = plan.day2.secretStore.used.filter((u) => u.status !== 'kept');
  if (secrets.length > 0) lines.push('generated secrets:', ...secrets.map((s) => `  ${s.status === 'new' ? '+' : '~'} ${s.name} ${s.status}`));
  const kept = plan.images.kept.map((k) => `  = ${k.key} keeps ${k.kept} (committed by Flux's image automation; the code says ${k.code})`);
  if (kept.length > 0) lines.push('images:', ...kept);
  const rotated = plan.day2.rotatedVariables.map((v) => `  ~ ${v} write-only revision ${plan.terraform.revisions.get(v)}: the next terraform apply sends its current value`);
  if (rotated.length > 0) lines.push('terraform variables:', ...rotated);
  const count = (k: Change['kind']) => changes.filter((c) => c.kind === k).length;
  const losesData = (c: Change) => (fields?.get(c.id)?.dataLoss.length ?? 0) > 0;
  const destructive = changes.filter((c) => c.destructive || (c.guarded && !c.acknowledged) || losesData(c)).length;
  lines.push(
    `${count('added')} to add, ${count('changed') + count('address')} to change, ${count('removed') + count('renamed')} to remove, ${count('owner')} to move between owners; ${destructive} destroy, prune, lose data or are refused`,
  );
  const changed = changes.length > 0 || secrets.length > 0 || rotated.length > 0;
  const exitCode = destructive > 0 ? DIFF_EXIT.destructive : changed ? DIFF_EXIT.changes : DIFF_EXIT.unchanged;
  return { text: `${lines.join('\n')}\n`, exitCode };
}

/** `diff --json`: what the text shows, for CI bots. */
export interface DiffJson {
  readonly exitCode: number;
  readonly previousFound: boolean;
  readonly changes: readonly {
    readonly id: string;
    readonly kind: Change['kind'];
    readonly owner?: string;
    readonly previousOwner?: string;
    readonly destructive: boolean;
    readonly guarded: boolean;
    readonly acknowledged: boolean;
    readonly steps: readonly string[];
    readonly renamedTo?: string;
    readonly fields?: readonly FieldChange[];
    readonly immutable?: readonly string[];
    readonly dataLoss?: readonly string[];
  }[];
  readonly generatedSecrets: readonly { readonly name: string; readonly status: string }[];
  readonly rotatedVariables: readonly string[];
}

/** `diff --json` of a plan (see formatDiff for the exit code). */
export function diffJson(plan: DeploymentPlan, previousFound: boolean, fields?: ReadonlyMap<string, ObjectDiff>): DiffJson {
  return {
    exitCode: formatDiff(plan, previousFound, fields).exitCode,
    previousFound,
    changes: plan.day2.changes.map((c) => {
      const d = fields?.get(c.id);
      return {
        id: c.id,
        kind: c.kind,
        ...(c.after ? { owner: c.after.owner } : {}),
        ...(c.before && c.after && c.before.owner !== c.after.owner ? { previousOwner: c.before.owner } : c.before && !c.after ? { previousOwner: c.before.owner } : {}),
        destructive: c.destructive || (d?.dataLoss.length ?? 0) > 0,
        guarded: c.guarded,
        acknowledged: c.acknowledged,
        steps: c.steps,
        ...(c.renamedTo ? { renamedTo: c.renamedTo } : {}),
        ...(d ? { fields: d.fields, immutable: d.immutable, dataLoss: d.dataLoss } : {}),
      };
    }),
    generatedSecrets: plan.day2.secretStore.used.filter((u) => u.status !== 'kept').map((u) => ({ name: u.name, status: u.status })),
    rotatedVariables: plan.day2.rotatedVariables,
  };
}

/** One line per new or rotated secret and per acknowledged change, for the synth summary. */
export function formatSynthReport(plan: DeploymentPlan): string {
  const lines: string[] = [];
  for (const s of plan.day2.secretStore.used.filter((u) => u.status !== 'kept')) {
    lines.push(`secret ${s.name}: ${s.status === 'new' ? 'generated (first use)' : 'rotated'}, saved in ${plan.day2.secretStore.file}`);
  }
  for (const v of plan.day2.rotatedVariables) lines.push(`secret ${v}: Terraform variable rotated (write-only revision ${plan.terraform.revisions.get(v)}); the next terraform apply sends its current value`);
  for (const c of plan.day2.changes.filter((x) => x.acknowledged)) lines.push(`acknowledged ${c.id}: ${c.steps.join('; ')}`);
  for (const k of plan.images.kept) lines.push(`image ${k.key}: keeps ${k.kept}, which Flux's image automation committed (the code says ${k.code}; change it there to override)`);
  return lines.map((l) => `ballast: ${l}\n`).join('');
}
