import { ConfigProblem } from '../core/errors';
import { Inventory, InventoryItem, KeptItem, parseItemId, PendingImport, RetiredResource } from './inventory';

/** What a synth changes about one inventory item, compared with the previous synth. */
export interface Change {
  readonly id: string;
  readonly kind: 'added' | 'removed' | 'changed' | 'owner' | 'renamed' | 'address';
  readonly before?: InventoryItem;
  readonly after?: InventoryItem;
  /** For a rename: the id it is renamed to. */
  readonly renamedTo?: string;
  /** True when applying it would delete something (a Terraform destroy, a Flux prune). */
  readonly destructive: boolean;
  /** True when the guard refuses it unless acknowledged by id. */
  readonly guarded: boolean;
  readonly acknowledged: boolean;
  /** What ballast emits for it, or what the user does, in order. */
  readonly steps: readonly string[];
}

/** What the backends emit to carry out acknowledged changes safely. */
export interface Handover {
  /** Terraform addresses to forget without destroying (`removed { lifecycle { destroy = false } }`). */
  readonly removed: readonly RetiredResource[];
  /** Terraform renames without replacement. */
  readonly moved: readonly { readonly from: string; readonly to: string }[];
  /**
   * Existing objects Terraform adopts (`import`): they move to it from Flux, or come back into the code
   * after a removal that kept them. Never a Secret: an import copies its values into the state.
   */
  readonly imports: readonly PendingImport[];
  /** Items whose acknowledged removal leaves them in the cluster (they hold data). */
  readonly kept: readonly KeptItem[];
  /** Addresses of Terraform releases that replace a renamed release and take over its objects. */
  readonly takeOwnership: readonly string[];
  /** Ids of Flux objects that leave Flux in this synth: written once more, prune-disabled (and a HelmRelease suspended). */
  readonly fluxRetained: readonly string[];
}

/** The guard's verdict on a plan. */
export interface GuardResult {
  readonly changes: readonly Change[];
  /** The guarded changes that were not acknowledged, one problem each. */
  readonly problems: readonly ConfigProblem[];
  /** Acknowledgements that name nothing guarded: errors even where refusals are only reported. */
  readonly staleAcknowledgements: readonly ConfigProblem[];
  readonly handover: Handover;
}

const kindOf = (id: string) => parseItemId(id).kind;

/** The Terraform import id of an item (the provider's `<namespace>/<name>` or name). */
/** Days of a backup retention (`30d`, `4w`, `6m`, a month as 30 days); Infinity for none (nothing deleted). */
function retentionDays(retention: string | undefined): number {
  const m = /^([1-9][0-9]*)([dwm])$/.exec(retention ?? '');
  return m ? Number(m[1]) * { d: 1, w: 7, m: 30 }[m[2] as 'd' | 'w' | 'm'] : Number.POSITIVE_INFINITY;
}

function importId(item: InventoryItem): string {
  const { kind, namespace, name, objectKind } = parseItemId(item.id);
  if (kind === 'namespace') return name;
  // kubernetes_manifest's import id: apiVersion=<v>,kind=<k>[,namespace=<ns>],name=<n>.
  if (kind === 'object') return `apiVersion=${item.apiVersion},kind=${objectKind},${namespace ? `namespace=${namespace},` : ''}name=${name}`;
  return `${namespace}/${name}`;
}

const ownerName = (o: InventoryItem['owner']) => (o === 'flux' ? 'Flux' : o === 'terraform' ? 'Terraform' : 'a person');

/** The shell command that prints the value a Secret holds under `key` (`kubectl ... | base64 -d`, in `$(...)`). */
function secretValueCommand(namespace: string, name: string, key: string): string {
  return `$(kubectl -n ${namespace} get secret ${name} -o jsonpath='{.data.${key.replace(/\./g, '\\.')}}' | base64 -d)`;
}

/** The Terraform variable behind each key of a Terraform-written Secret, by the Secret's inventory id. */
export type SecretVariables = (id: string) => Readonly<Record<string, string>>;

/** The generated secret (name and length) behind each key of a Secret in Git, by the Secret's inventory id. */
export type GeneratedSecrets = (id: string) => Readonly<Record<string, { readonly name: string; readonly length: number }>>;

/**
 * The steps of a Secret that Terraform writes from now on while the object already exists (handed over
 * from Flux, or kept by a removal and back in the code). Terraform never imports a Secret: the provider
 * reads an imported Secret's values into the state (and its backup) in plain text. So the object is
 * released and Terraform creates it anew from its variables, which the user sets to the values it holds
 * when they must not change (a database role's password, which running apps and the database share).
 */
function secretCreatedAnew(id: string, address: string, released: 'pruned by Flux' | 'left in place', variables: Readonly<Record<string, string>>): string[] {
  const { namespace, name } = parseItemId(id);
  const keep = Object.entries(variables).map(
    ([key, variable]) => `export TF_VAR_${variable}="${secretValueCommand(namespace!, name, key)}"`,
  );
  return [
    ...(keep.length
      ? [`to keep the values it holds (running apps use them), give Terraform the same ones before it goes: ${keep.join('; ')}`]
      : []),
    released === 'pruned by Flux'
      ? 'Flux prunes it when it reconciles this commit; run terraform apply after that (an apply before it stops at "already exists" and changes nothing)'
      : `delete it right before terraform apply (nothing else removes it): kubectl -n ${namespace} delete secret ${name}`,
    `terraform apply creates it anew (${address}) from ${Object.keys(variables).length ? Object.values(variables).map((v) => `TF_VAR_${v}`).join(', ') : 'the code'}: it is never imported, since an import copies a Secret's values into the Terraform state`,
  ];
}
/**
 * The order of steps that moves a Terraform release to a new name or namespace without taking it down:
 * Helm cannot rename a release, and a new release cannot take an object the old one owns (Helm's
 * `invalid ownership metadata`): one outside any namespace (an IngressClass, a ClusterRole, a webhook
 * configuration), or, when the namespace stays, one of the same name. The new release is installed with
 * Helm's take_ownership (helm provider 3.x), which adopts them in place; the old release is then forgotten
 * by deleting Helm's records of it, since its uninstall would delete what the new one adopted.
 */
function renamedReleaseSteps(id: string, renamedTo: string): string[] {
  const from = parseItemId(id);
  const to = parseItemId(renamedTo);
  const sameNamespace = from.namespace === to.namespace;
  return [
    `terraform apply installs ${to.name} in ${to.namespace} with take_ownership, so that it adopts the old release's objects it renders under the same names instead of stopping at "invalid ownership metadata"; Terraform forgets the old release, which keeps serving meanwhile`,
    `when the new release serves${sameNamespace ? '' : ' (a LoadBalancer Service gets a new address: move DNS first)'}, make Helm forget the old release without deleting what the new one adopted (helm uninstall would delete it): kubectl -n ${from.namespace} delete secret -l owner=helm,name=${from.name}${sameNamespace ? '' : `; then delete what the old release left in ${from.namespace}: kubectl -n ${from.namespace} delete all -l app.kubernetes.io/instance=${from.name}`}`,
  ];
}

/**
 * Compares the previous synth's inventory with this one. Additions and in-place changes pass. Removing
 * something that holds data, moving a namespace, release or Secret between Flux and Terraform, and
 * renaming a release or namespace are refused, with the handover steps, unless `acknowledged` names the
 * item's id (or its component's construct path, for all of the component's items); then the safe part is
 * emitted (see `Handover`). A rename of a Terraform address with the same
 * object behind it becomes a `moved` block without asking. An acknowledgement that names nothing guarded is
 * an error, so a stale one never waves a later change through.
 */
export function guardChanges(
  previous: Inventory | undefined,
  items: readonly InventoryItem[],
  acknowledged: readonly string[],
  platformPath: string,
  inventoryFile: string,
  secretVariables: SecretVariables = () => ({}),
  generatedSecrets: GeneratedSecrets = () => ({}),
  secretsFile = 'the secrets file',
): GuardResult {
  const problems: ConfigProblem[] = [];
  const before = new Map((previous?.items ?? []).map((i) => [i.id, i]));
  const after = new Map(items.map((i) => [i.id, i]));
  const acks = new Set(acknowledged);
  const used = new Set<string>();
  const changes: Change[] = [];
  const removed: RetiredResource[] = [];
  const moved: { from: string; to: string }[] = [];
  const imports: PendingImport[] = [];
  const kept: KeptItem[] = [];
  const takeOwnership: string[] = [];
  const fluxRetained: string[] = [];
  const previouslyKept = new Map((previous?.kept ?? []).map((k) => [k.id, k]));
  // An item is acknowledged by its id, or with everything of its component by the component's path.
  const isAcked = (id: string, item: InventoryItem) => {
    const by = acks.has(id) ? id : acks.has(item.component) ? item.component : undefined;
    if (by === undefined) return false;
    used.add(by);
    return true;
  };

  // Renames: a release or namespace of one component that disappears while another of the same kind appears.
  const renames = new Map<string, string>();
  if (previous) {
    for (const [id, b] of before) {
      if (after.has(id) || !['release', 'namespace'].includes(kindOf(id))) continue;
      const successor = items.find((a) => kindOf(a.id) === kindOf(id) && a.component === b.component && !before.has(a.id));
      if (successor) renames.set(id, successor.id);
    }
  }

  for (const [id, b] of before) {
    const a = after.get(id);
    if (!a) {
      const renamedTo = renames.get(id);
      const guarded = b.stateful || renamedTo !== undefined;
      const acknowledged = guarded && isAcked(id, b);
      const steps: string[] = [];
      if (b.owner === 'terraform' && b.address) {
        if (acknowledged) {
          removed.push({ id, address: b.address });
          steps.push(`Terraform forgets ${b.address} without destroying it (a removed block); the object stays in the cluster`);
        } else {
          steps.push(`Terraform would destroy ${b.address}`);
        }
      } else if (b.owner === 'flux') {
        steps.push(b.stateful ? 'Flux stops managing it and, as it is prune-disabled, leaves it in the cluster' : 'Flux prunes it from the cluster');
      }
      // A Terraform release under a new name or namespace: Helm cannot rename, so the new release is
      // installed beside the old one, which keeps serving until the team removes it, in this order.
      const successor = renamedTo ? after.get(renamedTo) : undefined;
      const releaseMove = renamedTo && kindOf(id) === 'release' && b.owner === 'terraform' && successor?.owner === 'terraform' ? renamedReleaseSteps(id, renamedTo) : [];
      steps.push(...releaseMove);
      if (releaseMove.length > 0 && acknowledged && successor?.address) takeOwnership.push(successor.address);
      const destructive = b.owner !== 'manual' && !(b.stateful && (b.owner === 'flux' || acknowledged));
      // What holds data stays in the cluster: remembered, so that putting it back adopts it.
      if (!renamedTo && acknowledged && b.stateful && b.owner !== 'manual') kept.push({ id, owner: b.owner });
      changes.push({ id, kind: renamedTo ? 'renamed' : 'removed', before: b, renamedTo, destructive, guarded, acknowledged, steps });
      if (guarded && !acknowledged) {
        problems.push({
          path: platformPath,
          problem: renamedTo
            ? `${id} would be renamed to ${renamedTo}: ${ownerName(b.owner)} would delete the old one${b.stateful ? ', which holds data,' : ''} and install the new one from nothing (${inventoryFile})`
            : `${id} (of ${b.component}) holds data and is no longer in the code: ${steps.join('; ')}`,
          fix: `If that is what you want, acknowledge it by name (--acknowledge ${id}, or acknowledge: ['${id}'] in the platform config; ${b.component} acknowledges all of its component)${renamedTo ? '; to keep the data, keep the old name' : '; to really delete the data, see "To really delete a database" in ballast\'s docs/day-2.md'}${releaseMove.length ? `. Acknowledged, in this order: ${releaseMove.join('; ')}` : ''}`,
        });
      }
      continue;
    }
    if (a.owner !== b.owner) {
      const acknowledged = isAcked(id, a) || isAcked(id, b);
      const steps: string[] = [];
      if (b.owner === 'terraform' && b.address) {
        steps.push(`Terraform forgets ${b.address} without destroying it (a removed block)`, `${ownerName(a.owner)} takes the existing object over on its next apply`);
        if (acknowledged) removed.push({ id, address: b.address });
        // A Secret that Git holds from now on gets the secrets file's generated values: a value Terraform
        // wrote before is not kept unless the file holds it.
        const generated = kindOf(id) === 'secret' && a.owner === 'flux' ? Object.entries(generatedSecrets(id)) : [];
        if (generated.length > 0) {
          const { namespace, name } = parseItemId(id);
          steps.push(
            `its values become the generated ones of ${secretsFile} (${generated.map(([, g]) => g.name).join(', ')}), not the ones Terraform wrote: to keep those (running apps use them), store them in the file before this synth (each must be URL-safe and as long as the generated one: ${generated.map(([, g]) => `${g.name} ${g.length} characters`).join(', ')}; a value that is not cannot be kept, so rotate it instead), for each key: ${generated
              .map(([key, g]) => `v="${secretValueCommand(namespace!, name, key)}"; sops --set "[\\"generated\\"][\\"${g.name}\\"] \\"$v\\"" ${secretsFile}`)
              .join('; ')}`,
          );
        }
      }
      if (b.owner === 'flux' && a.owner === 'terraform' && a.address) {
        if (kindOf(id) === 'secret') {
          steps.push(...secretCreatedAnew(id, a.address, b.stateful ? 'left in place' : 'pruned by Flux', secretVariables(id)));
        } else {
          steps.push(
            `this synth writes it into Git once more with kustomize.toolkit.fluxcd.io/prune: disabled${kindOf(id) === 'release' ? ' and suspended' : ''}: commit it and let Flux reconcile first`,
          );
          if (acknowledged) fluxRetained.push(id);
          steps.push(`then terraform apply adopts the object (an import block for ${a.address}, kept until the object leaves Terraform)`, 'the next synth leaves it out of Git; Flux does not prune it');
          if (acknowledged) imports.push({ to: a.address, id: importId(a) });
        }
        if (kindOf(id) === 'release') {
          const { namespace, name } = parseItemId(id);
          steps.push(`then delete the suspended HelmRelease by hand (kubectl -n ${namespace} delete helmrelease ${name}): helm-controller does not uninstall a suspended release`);
        }
      }
      changes.push({ id, kind: 'owner', before: b, after: a, destructive: !acknowledged, guarded: true, acknowledged, steps });
      if (!acknowledged) {
        problems.push({
          path: platformPath,
          problem: `${id} would move from ${ownerName(b.owner)} to ${ownerName(a.owner)} (because of ${a.component}): without a handover ${ownerName(b.owner)} deletes it and ${ownerName(a.owner)} finds it in the way`,
          fix: `Acknowledge the move by name (--acknowledge ${id}) and ballast emits the handover: ${steps.join('; ')}`,
        });
      }
      continue;
    }
    if (a.address && b.address && a.address !== b.address) {
      moved.push({ from: b.address, to: a.address });
      changes.push({ id, kind: 'address', before: b, after: a, destructive: false, guarded: false, acknowledged: false, steps: [`moved block ${b.address} -> ${a.address}`] });
    } else if (retentionDays(a.retention) < retentionDays(b.retention)) {
      // A shorter retention makes the backup plugin delete every backup older than it: data, gone.
      const acknowledged = isAcked(id, a);
      const steps = [`the Barman Cloud plugin deletes the backups older than ${a.retention} (kept until now: ${b.retention})`];
      changes.push({ id, kind: 'changed', before: b, after: a, destructive: !acknowledged, guarded: true, acknowledged, steps });
      if (!acknowledged) {
        problems.push({
          path: platformPath,
          problem: `${id} would keep backups for ${a.retention} instead of ${b.retention}: the plugin would delete the older backups, and no restore could reach back that far any more (${inventoryFile})`,
          fix: `If that is what you want, acknowledge it by name (--acknowledge ${id}, or acknowledge: ['${id}'] in the platform config); to keep them, keep the retention`,
        });
      }
    } else if (a.digest !== b.digest || a.stateful !== b.stateful) {
      changes.push({ id, kind: 'changed', before: b, after: a, destructive: false, guarded: false, acknowledged: false, steps: [] });
    }
  }
  for (const [id, a] of after) {
    if (before.has(id)) continue;
    const wasKept = previouslyKept.get(id);
    if (!wasKept) {
      changes.push({ id, kind: 'added', after: a, destructive: false, guarded: false, acknowledged: false, steps: [] });
      continue;
    }
    // Back in the code after a removal that kept it: the owner adopts the object that is still there.
    if (a.owner === 'terraform' && a.address && kindOf(id) === 'secret') {
      // Terraform must create it anew: the user deletes it first, so it is refused until acknowledged.
      const acknowledged = isAcked(id, a);
      const steps = secretCreatedAnew(id, a.address, 'left in place', secretVariables(id));
      changes.push({ id, kind: 'added', after: a, destructive: !acknowledged, guarded: true, acknowledged, steps });
      if (!acknowledged) {
        problems.push({
          path: platformPath,
          problem: `${id} comes back into the code, owned by Terraform, while the Secret its removal kept is still in the cluster: terraform apply would stop at "already exists", and Terraform does not import Secrets (their values would reach the state)`,
          fix: `Acknowledge it by name (--acknowledge ${id}) and follow the handover: ${steps.join('; ')}`,
        });
      }
    } else if (a.owner === 'terraform' && a.address) {
      imports.push({ to: a.address, id: importId(a) });
      changes.push({ id, kind: 'added', after: a, destructive: false, guarded: false, acknowledged: false, steps: [`Terraform adopts the object its removal kept (an import block for ${a.address})`] });
    } else {
      changes.push({ id, kind: 'added', after: a, destructive: false, guarded: false, acknowledged: false, steps: [`${ownerName(a.owner)} applies it again over the object its removal kept`] });
    }
  }
  const staleAcknowledgements: ConfigProblem[] = [];
  for (const ack of acks) {
    if (used.has(ack)) continue;
    staleAcknowledgements.push({
      path: platformPath,
      problem: `acknowledge names ${ack}, which this synth neither removes, renames nor moves between owners`,
      fix: 'Remove it from the acknowledgements (an acknowledgement holds for the one synth that makes the change)',
    });
  }
  const order = (c: Change) => (c.guarded ? 0 : c.destructive ? 1 : 2);
  changes.sort((x, y) => order(x) - order(y) || (x.id < y.id ? -1 : 1));
  return { changes, problems, staleAcknowledgements, handover: { removed, moved, imports, kept, takeOwnership, fluxRetained } };
}
