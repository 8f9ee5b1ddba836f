import * as path from 'path';
import { conflictError, fileError, hasConflictMarkers, restoreFromGit, shownPath } from '../core/checkout-file';
import { looksLikePasswordKey } from '../core/grammar';
import { objectId } from '../day2/inventory';
import type { FieldChange, ObjectDiff } from '../day2/diff';
import { readStack, STACK_ROLE } from '../day2/terraform-holdings';
import { renderFluxRepository } from '../flux/repository';
import type { DeploymentPlan } from '../day2/deployment-plan';
import { yaml } from '../core/yaml-package';
import type { Manifest } from '../model/manifest';
import { FLUX_FILE_ROLE, previousFluxFiles } from '../day2/previous-flux-files';

// What `diff` shows inside a changed object, as `terraform plan` does inside a resource: each changed
// field with its old and new value (secret values masked), the fields Kubernetes refuses to change in
// place (the object would have to be replaced), and what would lose data (a volume that shrinks, the
// replacement of something that holds data). The old objects are read from the previous output's files
// (regular files inside it, see previous-flux-files.ts; a file that does not parse is refused with the Git
// fix rather than shown as changed without fields), the new ones rendered as the synth would write them;
// nothing is written.

/** Kubernetes' immutable fields ballast's objects carry, per kind: a change is refused by the API server. */
const IMMUTABLE: readonly { readonly kinds: readonly string[]; readonly path: RegExp; readonly reason: string }[] = [
  { kinds: ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'], path: /^spec\.selector(\.|$)/, reason: 'spec.selector is immutable' },
  { kinds: ['StatefulSet'], path: /^spec\.(volumeClaimTemplates|serviceName|podManagementPolicy)(\.|\[|$)/, reason: 'a StatefulSet\'s volumeClaimTemplates, serviceName and podManagementPolicy are immutable' },
  { kinds: ['Job'], path: /^spec\.(template|selector|completions)(\.|$)/, reason: 'a Job\'s pod template is immutable' },
  { kinds: ['Service'], path: /^spec\.(clusterIP|clusterIPs|ipFamilies)(\.|\[|$)/, reason: 'a Service\'s cluster IP is immutable' },
  { kinds: ['PersistentVolumeClaim'], path: /^spec\.(storageClassName|accessModes|volumeName|selector|volumeMode)(\.|\[|$)/, reason: 'a claim\'s class, access modes and volume are immutable' },
  { kinds: ['Secret'], path: /^type$/, reason: 'a Secret\'s type is immutable' },
  { kinds: ['Database'], path: /^spec\.(cluster|name)(\.|$)/, reason: 'a CloudNativePG Database\'s cluster and name are immutable' },
];

/** Storage sizes by kind: a smaller value loses data (Kubernetes and CloudNativePG refuse to shrink a volume). */
const STORAGE: readonly { readonly kinds: readonly string[]; readonly path: RegExp }[] = [
  { kinds: ['PersistentVolumeClaim'], path: /^spec\.resources\.requests\.storage$/ },
  { kinds: ['StatefulSet'], path: /^spec\.volumeClaimTemplates\[\d+\]\.spec\.resources\.requests\.storage$/ },
  { kinds: ['Cluster'], path: /^spec\.(storage|walStorage)\.size$/ },
];

const UNITS: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50 };

/** Bytes of a Kubernetes storage quantity (`20Gi`, `500M`), or undefined for anything else. */
function bytes(q: unknown): number | undefined {
  const m = /^([0-9]+(?:\.[0-9]+)?)(k|M|G|T|P|Ki|Mi|Gi|Ti|Pi)?$/.exec(String(q));
  return m ? Number(m[1]) * UNITS[m[2] ?? ''] : undefined;
}

/** `a.b[2].c` paths of every leaf that differs between `before` and `after` (one walk, no serialising). */
function changedFields(before: unknown, after: unknown, at = '', out: FieldChange[] = []): FieldChange[] {
  if (before === after) return out;
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const k of keys) changedFields(before[k], after[k], at ? `${at}.${k}` : k, out);
    return out;
  }
  // Lists of the same length are compared item by item (containers, ports); otherwise as a whole.
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    before.forEach((b, i) => changedFields(b, after[i], `${at}[${i}]`, out));
    return out;
  }
  out.push({ path: at, ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}) });
  return out;
}

/** Masks what must not be printed: a Secret's data, and any field named like a password or token. */
function masked(kind: string, change: FieldChange): FieldChange {
  const secretData = kind === 'Secret' && /^(data|stringData)(\.|$)/.test(change.path);
  if (!secretData && !looksLikePasswordKey(change.path)) return change;
  return { path: change.path, sensitive: true, ...(change.before !== undefined ? { before: '(sensitive value)' } : {}), ...(change.after !== undefined ? { after: '(sensitive value)' } : {}) };
}

/** The changes of one object, with the immutable fields and storage shrinks among them. */
export function objectDiff(id: string, kind: string, before: unknown, after: unknown, stateful: boolean): ObjectDiff | undefined {
  const fields = changedFields(before, after).map((c) => masked(kind, c));
  if (fields.length === 0) return undefined;
  const immutable = [
    ...new Set(
      fields.flatMap((f) => IMMUTABLE.filter((r) => r.kinds.includes(kind) && r.path.test(f.path)).map((r) => `${f.path}: ${r.reason}: the API server refuses the change, so the object must be deleted and created again`)),
    ),
  ];
  const dataLoss = fields
    .filter((f) => STORAGE.some((s) => s.kinds.includes(kind) && s.path.test(f.path)))
    .filter((f) => {
      const [b, a] = [bytes(f.before), bytes(f.after)];
      return b !== undefined && a !== undefined && a < b;
    })
    .map((f) => `${f.path} shrinks from ${String(f.before)} to ${String(f.after)}: a volume cannot shrink, and replacing it loses its data`);
  if (stateful && immutable.length > 0) dataLoss.push('it holds data, and a change of an immutable field replaces it');
  return { id, fields, immutable, dataLoss };
}

/** A scalar of a YAML line as ballast writes it: plain, or in double or single quotes. */
function scalar(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (t.startsWith('"')) {
    try {
      return JSON.parse(t) as string;
    } catch {
      return undefined;
    }
  }
  return t.startsWith("'") ? t.slice(1, -1).replace(/''/g, "'") : t;
}

/**
 * The inventory id of a YAML document from its top-level lines (`apiVersion`, `kind`, `metadata.name`,
 * `metadata.namespace`), without parsing the rest: only the documents of changed objects are parsed.
 * Undefined when the lines are not there (a hand-edited file), and then the document is parsed whole.
 */
function headerId(doc: string): string | undefined {
  const apiVersion = scalar(/^apiVersion: *(.+)$/m.exec(doc)?.[1]);
  const kind = scalar(/^kind: *(.+)$/m.exec(doc)?.[1]);
  const metadata = /^metadata:\n((?:[ ]{2}.*\n?)*)/m.exec(doc)?.[1];
  const name = scalar(metadata && /^ {2}name: *(.+)$/m.exec(metadata)?.[1]);
  const namespace = scalar(metadata && /^ {2}namespace: *(.+)$/m.exec(metadata)?.[1]);
  if (!apiVersion || !kind || !name) return undefined;
  return objectId({ apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) } });
}

/** Line (1-based) of the character at `offset` of `text`: only for a message, so counted when one is made. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * The documents of the previous Flux output `fluxDir` whose inventory id is in `wanted`, parsed, by id.
 * Only the files `previousFluxFiles` gives are read (regular files inside the output). A document that is
 * parsed and does not parse, or holds a merge's conflict markers, is refused with its file and line (never
 * its text: the parser's own message quotes it): the diff of its objects would otherwise be silently wrong.
 */
function previousFluxObjects(fluxDir: string, wanted: ReadonlySet<string>): Map<string, Manifest> {
  const out = new Map<string, Manifest>();
  for (const { file, text } of previousFluxFiles(fluxDir)) {
    let offset = 0;
    for (const doc of text.split(/^---$/m)) {
      const start = offset;
      offset += doc.length + 3;
      const id = headerId(doc);
      if (id !== undefined && !wanted.has(id)) continue;
      if (hasConflictMarkers(doc)) throw conflictError(file, FLUX_FILE_ROLE);
      let m: Manifest | null;
      try {
        // The core schema: Kubernetes YAML has no timestamps or binaries to resolve.
        m = yaml.parse(doc, { schema: 'core' }) as Manifest | null;
      } catch (err) {
        // The parser counts lines from 1 within the document.
        const line = (err as { linePos?: readonly { line?: unknown }[] }).linePos?.[0]?.line;
        const where = typeof line === 'number' ? ` at line ${lineAt(text, start) + line - 1}` : '';
        throw fileError(file, `${FLUX_FILE_ROLE.what} is not valid YAML${where}`, restoreFromGit(shownPath(file)));
      }
      if (!m || typeof m !== 'object' || typeof m.kind !== 'string' || typeof m.metadata?.name !== 'string') continue;
      if (wanted.has(objectId(m))) out.set(objectId(m), m);
    }
  }
  return out;
}

/**
 * The resources of the previous Terraform stack, by address (`helm_release.x`). `stackFile` is
 * `<terraformDir>/stacks/<stack>/cdk.tf.json`, read as the guard reads it (readStack): inside the Terraform
 * output only, and a damaged one refused with the fix, rather than shown as changes without fields.
 */
function previousTerraformResources(stackFile: string): Map<string, Record<string, unknown>> {
  const stackDir = path.dirname(stackFile);
  const stack = readStack(path.dirname(path.dirname(stackDir)), path.basename(stackDir));
  const out = new Map<string, Record<string, unknown>>();
  for (const [type, resources] of Object.entries(stack?.resource ?? {})) for (const [name, r] of Object.entries(resources)) out.set(`${type}.${name}`, r);
  return out;
}

/** A release's Helm values as the previous stack holds them (a list of one YAML text); a text that does not parse is refused. */
function previousValues(stackFile: string, address: string, v: unknown): unknown {
  if (!Array.isArray(v) || typeof v[0] !== 'string') return undefined;
  try {
    return yaml.parse(v[0]);
  } catch {
    // The values may hold anything the user wrote: the message names the field, never a byte of it.
    throw fileError(stackFile, `${STACK_ROLE.what} is not a stack ballast wrote: the values of ${address} are not valid YAML`, STACK_ROLE.restore(shownPath(stackFile)));
  }
}

/** The shape of a Secret that diff compares: its type, labels and keys; never a value. */
const secretShape = (s: Manifest) => ({
  type: s.type,
  labels: s.metadata.labels,
  keys: [...new Set([...Object.keys((s.stringData as object) ?? {}), ...Object.keys((s.data as object) ?? {})])].sort(),
});

/**
 * The field changes of every changed item of `plan` against the previous output (`fluxDir`, and
 * `stackFile`, the previous stack's cdk.tf.json), by inventory id. Items of the Flux side compare the
 * objects as the synth would write them; releases of the Terraform side their chart, version and values.
 */
export function fieldDiffs(plan: DeploymentPlan, fluxDir: string, stackFile: string): Map<string, ObjectDiff> {
  const changed = plan.day2.changes.filter((c) => c.kind === 'changed' && c.before && c.after && c.before.owner === c.after.owner);
  const out = new Map<string, ObjectDiff>();
  if (changed.length === 0) return out;
  // The object behind each changed item of the Flux side: a release is its HelmRelease, a namespace its Namespace.
  const objectKey = (id: string) => {
    const [kind, ns, name] = id.split('/');
    return kind === 'release' ? `object/helm.toolkit.fluxcd.io/HelmRelease/${ns}/${name}` : kind === 'namespace' ? `object/core/Namespace/-/${ns}` : kind === 'secret' ? `object/core/Secret/${ns}/${name}` : id;
  };
  // Each side's previous files are read only when one of its items changed.
  const wanted = new Set(changed.filter((c) => c.after!.owner === 'flux').map((c) => objectKey(c.id)));
  const previous = wanted.size > 0 ? previousFluxObjects(fluxDir, wanted) : new Map<string, Manifest>();
  // The objects as the synth writes them: a component's objects are the plan's manifests; a HelmRelease
  // or Namespace is rendered by the Flux backend, so the repository is rendered only when one of those changed.
  const current = new Map<string, Manifest>();
  for (const p of plan.flux) for (const m of [...p.manifests, ...p.encryptedSecrets]) current.set(objectId(m), m);
  if (changed.some((c) => c.after!.owner === 'flux' && /^(release|namespace)\//.test(c.id))) {
    for (const docs of renderFluxRepository(plan).documents.values()) for (const d of docs) if (d.object) current.set(objectId(d.object), d.object);
  }
  const tfBefore = changed.some((c) => c.after!.owner === 'terraform' && c.after!.address) ? previousTerraformResources(stackFile) : new Map<string, Record<string, unknown>>();
  const tfManifests = new Map(plan.terraform.manifests.map(({ manifest }) => [objectId(manifest), manifest]));
  const tfReleases = new Map(plan.terraform.releases.map(({ component, chart }) => [`release/${component.namespace}/${chart.releaseName}`, chart]));

  for (const c of changed) {
    const item = c.after!;
    const kind = item.id.split('/')[0];
    let diff: ObjectDiff | undefined;
    if (item.owner === 'flux') {
      const before = previous.get(objectKey(item.id));
      const after = current.get(objectKey(item.id));
      if (before && after) {
        diff = kind === 'secret' ? objectDiff(item.id, 'Secret', secretShape(before), secretShape(after), item.stateful) : objectDiff(item.id, after.kind, before, after, item.stateful);
      }
    } else if (item.owner === 'terraform' && item.address) {
      const before = tfBefore.get(item.address);
      if (kind === 'object' && before) diff = objectDiff(item.id, tfManifests.get(item.id)?.kind ?? '', before.manifest, tfManifests.get(item.id), item.stateful);
      if (kind === 'release' && before) {
        const chart = tfReleases.get(item.id)!;
        diff = objectDiff(
          item.id,
          'helm_release',
          { chart: before.chart, version: before.version, values: previousValues(stackFile, item.address, before.values) },
          { chart: chart.chart.chart, version: chart.chart.version, values: JSON.parse(JSON.stringify(chart.values)) },
          item.stateful,
        );
      }
    }
    if (diff) out.set(item.id, diff);
  }
  return out;
}
