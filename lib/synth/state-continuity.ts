import * as fs from 'fs';
import * as path from 'path';
import { ConfigProblem } from '../core/errors';
import { readStack } from '../day2/terraform-holdings';

// A synth replaces dist/cdktf, Terraform's `.terraform/` folder with it, so a later `terraform init` has no
// memory of the backend the last apply used: when the state's place changes (another local path, another
// backend, a stack renamed because one platform became a cluster of a fleet or back), Terraform starts
// from an empty state and plans to create everything, which the cluster already has. Terraform's own
// migration (`init -migrate-state`) needs the old backend block in `.terraform/`, which is gone. So the
// synth compares each stack's backend with the one of the stack it continues in the previous output, and
// refuses a move until the user has carried the state over and says so.

/** The acknowledgement id of a stack whose state moves. */
export const stateAckId = (stack: string) => `state/${stack}`;

/** A stack of this synth and the stack of the previous output it continues (the same cluster). */
export interface StackContinuation {
  readonly stack: string;
  readonly previousStack: string;
}

/**
 * The `terraform.backend` block of the stack `stack` in the Terraform output `dir`, or undefined when
 * there is none. A damaged previous stack (or one whose backend is not a block of blocks) is refused, see
 * `readStack`: it no longer says where the state was, and this check keeps a synth from moving it unnoticed.
 */
function backendOf(dir: string, stack: string): Record<string, Record<string, unknown>> | undefined {
  const backend = readStack(dir, stack)?.terraform?.backend;
  return backend !== undefined && Object.keys(backend).length > 0 ? backend : undefined;
}

const shown = (file: string) => {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
};

/** `the local file terraform.ballast.tfstate`, `the kubernetes backend (namespace x, secret_suffix y)`. */
function describeBackend(backend: Record<string, Record<string, unknown>>, stackDir: string): string {
  const [kind, attrs] = Object.entries(backend)[0];
  if (kind === 'local' && typeof attrs.path === 'string') return `the local file ${shown(path.resolve(stackDir, attrs.path))}`;
  const shownAttrs = Object.entries(attrs)
    .filter(([k]) => !/token|password|secret_key|access_key|client_secret/i.test(k))
    .map(([k, v]) => `${k} ${JSON.stringify(v)}`);
  return `the ${kind} backend${shownAttrs.length ? ` (${shownAttrs.join(', ')})` : ''}`;
}

/**
 * One problem per stack whose state would change place against the previous output (`previousDir`, the
 * cdktf output folder as it is now) and is not acknowledged; `newDir` is where this synth wrote its stacks
 * and `finalDir` where they will be. Acknowledgements `state/<stack>` that name no move are problems too.
 */
export function stateContinuityProblems(
  continuations: readonly StackContinuation[],
  previousDir: string,
  newDir: string,
  finalDir: string,
  acknowledge: readonly string[],
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const moving = new Set<string>();
  for (const { stack, previousStack } of continuations) {
    const previousStackDir = path.join(previousDir, 'stacks', previousStack);
    const before = backendOf(previousDir, previousStack);
    const after = backendOf(newDir, stack);
    if (!before || !after || JSON.stringify(before) === JSON.stringify(after)) continue;
    moving.add(stateAckId(stack));
    if (acknowledge.includes(stateAckId(stack))) continue;
    // A local state file that is not there has nothing to carry over: never applied, or already moved.
    const localBefore = before.local?.path;
    if (typeof localBefore === 'string' && !fs.existsSync(path.resolve(previousStackDir, localBefore))) continue;
    const finalStackDir = path.join(finalDir, 'stacks', stack);
    const [kindBefore, attrsBefore] = Object.entries(before)[0];
    const [kindAfter, attrsAfter] = Object.entries(after)[0];
    const carry =
      kindBefore === 'local' && kindAfter === 'local' && typeof attrsBefore.path === 'string' && typeof attrsAfter.path === 'string'
        ? (() => {
            const from = shown(path.resolve(previousStackDir, attrsBefore.path));
            const to = shown(path.resolve(finalStackDir, attrsAfter.path));
            return `move the file first: mv ${from} ${to} (and ${from}.backup, if there is one), or keep it in place with terraform.backend: { kind: 'local', path: '${from}' }`;
          })()
        : `copy it now, while the previous stack is still in ${shown(previousStackDir)}: (cd ${shown(previousStackDir)} && terraform init && terraform state pull) > ${stack}.tfstate; after this synth: (cd ${shown(finalStackDir)} && terraform init && terraform state push ${path.relative(finalStackDir, path.resolve(`${stack}.tfstate`))})`;
    problems.push({
      path: `terraform/${stack}`,
      problem: `the Terraform state of stack ${stack} would change place: the previous output${previousStack !== stack ? `'s stack ${previousStack}` : ''} keeps it in ${describeBackend(before, previousStackDir)}, this synth in ${describeBackend(after, finalStackDir)}. Terraform would start there from an empty state and plan to create everything the cluster already has`,
      fix: `Carry the state over, then acknowledge the move (--acknowledge ${stateAckId(stack)}): ${carry}`,
    });
  }
  for (const ack of acknowledge.filter((a) => a.startsWith('state/'))) {
    if (!moving.has(ack)) {
      problems.push({ path: 'arguments', problem: `--acknowledge ${ack} names no Terraform stack whose state changes place`, fix: 'Remove it (an acknowledgement holds for the one synth that makes the change)' });
    }
  }
  return problems;
}
