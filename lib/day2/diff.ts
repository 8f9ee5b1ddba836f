import type { DeploymentPlan } from '../plan/deployment-plan';
import { Change } from './guard';

/** Exit codes of `diff`: nothing changes, changes, something would be destroyed or pruned (or is refused). */
export const DIFF_EXIT = { unchanged: 0, changes: 1, destructive: 2 } as const;

const SIGN: Record<Change['kind'], string> = { added: '+', removed: '-', changed: '~', owner: '>', renamed: '>', address: '~' };

function describe(c: Change): string {
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
  return `  ${SIGN[c.kind]} ${c.id} ${what}${c.destructive ? ' (destroys or prunes)' : ''}${status}${steps}`;
}

/**
 * `diff` as text: per backend what this plan adds, removes and changes against the previous output, moves
 * between owners on their own, destructive and refused items first (the guard's order); then the secrets
 * this synth would generate or rotate. Returns the exit code with it.
 */
export function formatDiff(plan: DeploymentPlan, previousFound: boolean): { text: string; exitCode: number } {
  const changes = plan.day2.changes;
  const lines: string[] = [];
  if (!previousFound) lines.push('no previous output with an inventory: everything is new');
  const owners = changes.filter((c) => c.kind === 'owner');
  for (const backend of ['flux', 'terraform', 'manual'] as const) {
    const mine = changes.filter((c) => c.kind !== 'owner' && (c.after ?? c.before)!.owner === backend);
    if (mine.length === 0) continue;
    lines.push(`${backend === 'manual' ? 'applied by hand (loadtests/)' : backend}:`, ...mine.map(describe));
  }
  if (owners.length > 0) lines.push('between owners:', ...owners.map(describe));
  const secrets = plan.day2.secretStore.used.filter((u) => u.status !== 'kept');
  if (secrets.length > 0) lines.push('generated secrets:', ...secrets.map((s) => `  ${s.status === 'new' ? '+' : '~'} ${s.name} ${s.status}`));
  const kept = plan.images.kept.map((k) => `  = ${k.key} keeps ${k.kept} (committed by Flux's image automation; the code says ${k.code})`);
  if (kept.length > 0) lines.push('images:', ...kept);
  const rotated = plan.day2.rotatedVariables.map((v) => `  ~ ${v} write-only revision ${plan.terraform.revisions.get(v)}: the next terraform apply sends its current value`);
  if (rotated.length > 0) lines.push('terraform variables:', ...rotated);
  const count = (k: Change['kind']) => changes.filter((c) => c.kind === k).length;
  const destructive = changes.filter((c) => c.destructive || (c.guarded && !c.acknowledged)).length;
  lines.push(
    `${count('added')} to add, ${count('changed') + count('address')} to change, ${count('removed') + count('renamed')} to remove, ${count('owner')} to move between owners; ${destructive} destroy, prune or are refused`,
  );
  const changed = changes.length > 0 || secrets.length > 0 || rotated.length > 0;
  const exitCode = destructive > 0 ? DIFF_EXIT.destructive : changed ? DIFF_EXIT.changes : DIFF_EXIT.unchanged;
  return { text: `${lines.join('\n')}\n`, exitCode };
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
