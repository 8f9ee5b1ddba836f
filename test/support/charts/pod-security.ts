// Pod Security Admission, checked by the real kube-apiserver: its PodSecurity admission plugin (on by
// default in 1.34) judges every pod template of the platform against the labels of its namespace.
import * as crypto from 'crypto';
import { Manifest } from '../../../lib/internal';
import { describeObject, ServerSideApply } from '../e2e/server-side-apply';
import { fluxObjects } from '../synth';
import { Located } from './cross-references';

/** The three Pod Security Standards, most permissive first. */
export const PSA_LEVELS = ['privileged', 'baseline', 'restricted'] as const;
export type PsaLevel = (typeof PSA_LEVELS)[number];

/** The version every label pins (the policy of the cluster version the platform targets). */
export const PSA_VERSION = 'v1.34';
export const PSA_PREFIX = 'pod-security.kubernetes.io/';
/** The three modes, each with its `-version` label. */
export const PSA_MODES = ['enforce', 'warn', 'audit'] as const;

/** The six labels of a namespace held to `level` in every mode. */
export function psaLabels(level: PsaLevel, version = PSA_VERSION): Record<string, string> {
  return Object.fromEntries(PSA_MODES.flatMap((mode) => [[`${PSA_PREFIX}${mode}`, level], [`${PSA_PREFIX}${mode}-version`, version]]));
}

/** The `pod-security.kubernetes.io/*` labels among `labels`. */
export function podSecurityLabelsOf(labels: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(labels ?? {}).filter(([k]) => k.startsWith(PSA_PREFIX)));
}

/** The more permissive of two levels. */
export function looser(a: PsaLevel, b: PsaLevel): PsaLevel {
  return PSA_LEVELS.indexOf(a) < PSA_LEVELS.indexOf(b) ? a : b;
}

/** A pod template's metadata: its labels, and its annotations (PodSecurity reads the AppArmor ones). */
interface TemplateMetadata {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Kinds whose objects hold a pod template, and where. */
const TEMPLATE_PATHS: Record<string, (o: any) => { metadata?: TemplateMetadata; spec: unknown } | undefined> = {
  Deployment: (o) => o.spec?.template,
  StatefulSet: (o) => o.spec?.template,
  DaemonSet: (o) => o.spec?.template,
  ReplicaSet: (o) => o.spec?.template,
  ReplicationController: (o) => o.spec?.template,
  Job: (o) => o.spec?.template,
  CronJob: (o) => o.spec?.jobTemplate?.spec?.template,
};

/** A workload kind of the core API groups (apps, batch, v1), whose pod template PodSecurity checks. */
export function isWorkload(o: Manifest): boolean {
  return o.kind in TEMPLATE_PATHS && /^(apps|batch)\/v1$|^v1$/.test(o.apiVersion);
}

/** One pod the platform would run: a workload's template made into a Pod, or a Pod as written. */
export interface PodTemplate {
  /** Where it was read (`dist/...`, `<chart> (...): <template>`, or the operator that makes the pod). */
  readonly source: string;
  /** `Kind namespace/name` of the object holding the template. */
  readonly owner: string;
  readonly namespace: string;
  /** A v1 Pod with the template's labels, annotations (AppArmor ones count) and spec. */
  readonly pod: Manifest;
}

/**
 * A DNS label (at most 63 characters) for a Pod: the API server warns of a longer Pod name (it becomes the
 * hostname), and that warning would be counted as a finding. A long name keeps its start and a hash.
 */
export function podName(base: string): string {
  const clean = base.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '');
  if (clean.length <= 63) return clean;
  const hash = crypto.createHash('sha256').update(clean).digest('hex').slice(0, 8);
  return `${clean.slice(0, 54).replace(/-+$/, '')}-${hash}`;
}

/**
 * Every pod template among `objects` as a Pod in its namespace: the templates of Deployments, StatefulSets,
 * DaemonSets, ReplicaSets, Jobs and CronJobs, and Pods as they are. Objects without a namespace are left
 * out: give a chart's objects their release's namespace first, as Helm does.
 */
export function podTemplatesOf(objects: readonly Located[]): PodTemplate[] {
  const out: PodTemplate[] = [];
  objects.forEach(({ source, object }, i) => {
    const namespace = object.metadata.namespace;
    if (!namespace) return;
    if (object.kind === 'Pod' && object.apiVersion === 'v1') {
      out.push({ source, owner: describeObject(object), namespace, pod: object });
      return;
    }
    if (!isWorkload(object)) return;
    const template = TEMPLATE_PATHS[object.kind](object);
    if (!template) return;
    const { labels, annotations } = template.metadata ?? {};
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: podName(`${object.kind}-${object.metadata.name}-${i}`), namespace, ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) },
      spec: template.spec,
    } as Manifest;
    out.push({ source, owner: describeObject(object), namespace, pod });
  });
  return out;
}

/** What the API server said to one dry-run create. */
interface Verdict {
  readonly admitted: boolean;
  /** The server's reason for a rejection, else ''. */
  readonly reason: string;
  readonly warnings: string[];
}

/**
 * The texts of `Warning` header values (`299 - "text"`, the text with its quotes escaped; several headers
 * may reach Node joined by commas).
 */
export function warningTexts(headers: readonly string[]): string[] {
  return headers.flatMap((h) => {
    const texts = [...h.matchAll(/\d{3} \S+ "((?:[^"\\]|\\.)*)"/g)].map((m) => m[1].replace(/\\(.)/g, '$1'));
    return texts.length > 0 ? texts : [h];
  });
}

async function dryRun(ssa: ServerSideApply, object: Manifest): Promise<Verdict> {
  try {
    const { warnings } = await ssa.apply(object, { dryRun: true });
    return { admitted: true, reason: '', warnings: warningTexts(warnings) };
  } catch (err) {
    return { admitted: false, reason: (err as Error).message, warnings: [] };
  }
}

/** Creates (or sets the labels of) namespace `name`: exactly `labels`, as far as this field manager goes. */
export async function labelNamespace(ssa: ServerSideApply, name: string, labels: Record<string, string>): Promise<void> {
  await ssa.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } } as Manifest);
}

/** The strictest level one pod meets, and why it misses each stricter one (the server's own words). */
export interface MeasuredPod {
  readonly template: PodTemplate;
  readonly level: PsaLevel;
  /** The PodSecurity message per level the pod breaks (`restricted`, `baseline`). */
  readonly violations: Partial<Record<PsaLevel, string>>;
}

/** Probe namespaces, one per level, each enforcing it. */
const probeNamespace = (level: PsaLevel) => `psa-probe-${level}`;

/**
 * Measures the strictest Pod Security level of each pod: a server-side dry-run create of the Pod in a
 * namespace enforcing `restricted`, then `baseline`; the first that admits it is its level. A pod that
 * even the `privileged` namespace refuses is broken for another reason: that throws with the reason.
 */
export async function measurePodLevels(ssa: ServerSideApply, templates: readonly PodTemplate[]): Promise<MeasuredPod[]> {
  for (const level of PSA_LEVELS) await labelNamespace(ssa, probeNamespace(level), psaLabels(level));
  const out: MeasuredPod[] = [];
  for (const template of templates) {
    const violations: MeasuredPod['violations'] = {};
    let level: PsaLevel | undefined;
    for (const candidate of [...PSA_LEVELS].reverse()) {
      const pod = { ...template.pod, metadata: { ...template.pod.metadata, namespace: probeNamespace(candidate) } } as Manifest;
      const verdict = await dryRun(ssa, pod);
      if (verdict.admitted) {
        level = candidate;
        break;
      }
      if (candidate === 'privileged') throw new Error(`${template.source}: the Pod of ${template.owner} is refused even where every level is allowed: ${verdict.reason}`);
      violations[candidate] = verdict.reason;
    }
    out.push({ template, level: level!, violations });
  }
  return out;
}

/** The strictest level each namespace's pods all meet. */
export function namespaceLevels(measured: readonly MeasuredPod[]): Map<string, PsaLevel> {
  const out = new Map<string, PsaLevel>();
  for (const m of measured) out.set(m.template.namespace, looser(out.get(m.template.namespace) ?? 'restricted', m.level));
  return out;
}

/**
 * Every way the platform's pods and the labels of their namespaces disagree, one line each, from the real
 * API server: each namespace that holds a pod gets exactly the PSA labels `namespaceLabels` gives it (as
 * the synthesized output writes them); then every workload is dry-run applied in its namespace (its
 * template draws a `would violate PodSecurity` warning from the `warn` label) and every pod template is
 * dry-run created as a Pod there (refused by the `enforce` label, a warning from `warn`). Namespaces
 * without the six labels, or with a level or version that is not one of the standards, are findings too.
 * Empty when every pod meets the labels of its namespace.
 */
export async function podSecurityFindings(
  ssa: ServerSideApply,
  objects: readonly Located[],
  namespaceLabels: ReadonlyMap<string, Record<string, string>>,
  extraPods: readonly PodTemplate[] = [],
): Promise<string[]> {
  const findings: string[] = [];
  const templates = [...podTemplatesOf(objects), ...extraPods];
  const namespaces = [...new Set(templates.map((t) => t.namespace))].sort();
  for (const ns of namespaces) {
    const labels = podSecurityLabelsOf(namespaceLabels.get(ns));
    const problems = labelProblems(labels);
    if (problems.length > 0) findings.push(`namespace ${ns}: ${problems.join('; ')} (pods: ${templates.filter((t) => t.namespace === ns).map((t) => t.owner).join(', ')})`);
    try {
      await labelNamespace(ssa, ns, labels);
    } catch (err) {
      // The API server validates PSA labels on namespaces: a bad level or version is refused.
      findings.push(`namespace ${ns}: the API server refused its labels ${JSON.stringify(labels)}: ${(err as Error).message}`);
    }
  }
  for (const { source, object } of objects.filter((o) => isWorkload(o.object) && o.object.metadata.namespace)) {
    const verdict = await dryRun(ssa, object);
    if (!verdict.admitted) findings.push(`${source}: ${describeObject(object)} was rejected: ${verdict.reason}`);
    verdict.warnings.forEach((w) => findings.push(`${source}: ${describeObject(object)} drew a warning: ${w}`));
  }
  for (const t of templates) {
    const verdict = await dryRun(ssa, t.pod);
    if (!verdict.admitted) findings.push(`${t.source}: the Pod of ${t.owner} was rejected: ${verdict.reason}`);
    verdict.warnings.forEach((w) => findings.push(`${t.source}: the Pod of ${t.owner} drew a warning: ${w}`));
  }
  return findings;
}

/** What is wrong with a namespace's PSA labels: each of the six missing, or a value not a standard's. */
export function labelProblems(labels: Record<string, string>): string[] {
  const problems: string[] = [];
  const missing = PSA_MODES.flatMap((m) => [`${PSA_PREFIX}${m}`, `${PSA_PREFIX}${m}-version`]).filter((k) => labels[k] === undefined);
  if (missing.length > 0) problems.push(`no ${missing.join(', ')} label${missing.length > 1 ? 's' : ''}`);
  for (const mode of PSA_MODES) {
    const level = labels[`${PSA_PREFIX}${mode}`];
    if (level !== undefined && !(PSA_LEVELS as readonly string[]).includes(level)) problems.push(`${mode} is ${JSON.stringify(level)}, not one of ${PSA_LEVELS.join(', ')}`);
    const version = labels[`${PSA_PREFIX}${mode}-version`];
    if (version !== undefined && version !== PSA_VERSION) problems.push(`${mode}-version is ${JSON.stringify(version)}, not ${PSA_VERSION}`);
  }
  return problems;
}

/** The labels of each namespace as the synthesized output writes it, and where. */
export interface SynthesizedNamespaces {
  /** Namespace name -> its labels (all of them; `podSecurityLabelsOf` picks the PSA ones). */
  readonly labels: Map<string, Record<string, string>>;
  /** Namespace name -> the files or resources that write it. */
  readonly writtenBy: Map<string, string[]>;
  /** A namespace written twice with different PSA labels, one line each. */
  readonly conflicts: string[];
}

/**
 * The namespaces of a synthesized platform with their labels, read from the output itself: each
 * `Namespace` object of the Flux tree (`dist/flux/...`), and each `kubernetes_namespace_v1` of the
 * Terraform stack JSON (`metadata.labels`, the block written as an object or a one-element list) with the
 * `kubernetes_labels` resource the stack applies over it.
 */
export function synthesizedNamespaceLabels(fluxDir: string, stack: Record<string, any>): SynthesizedNamespaces {
  const labels = new Map<string, Record<string, string>>();
  const writtenBy = new Map<string, string[]>();
  const conflicts: string[] = [];
  const add = (name: string, where: string, l: Record<string, string> | undefined) => {
    const previous = labels.get(name);
    // A writer with no Pod Security labels (the namespace resource under the stack's kubernetes_labels) differs from none.
    const [before, now] = [podSecurityLabelsOf(previous), podSecurityLabelsOf(l)];
    if (previous && Object.keys(before).length > 0 && Object.keys(now).length > 0 && JSON.stringify(before) !== JSON.stringify(now)) {
      conflicts.push(`namespace ${name}: ${writtenBy.get(name)!.join(', ')} and ${where} write different Pod Security labels (${JSON.stringify(podSecurityLabelsOf(previous))} vs ${JSON.stringify(podSecurityLabelsOf(l))})`);
    }
    labels.set(name, { ...previous, ...l });
    writtenBy.set(name, [...(writtenBy.get(name) ?? []), where]);
  };
  for (const { file, object } of fluxObjects(fluxDir)) {
    if (object.kind === 'Namespace' && object.apiVersion === 'v1') add(object.metadata.name, `dist/flux/${file}`, object.metadata.labels as Record<string, string> | undefined);
  }
  const tf = (stack.resource?.kubernetes_namespace_v1 ?? {}) as Record<string, { metadata: { name: string; labels?: Record<string, string> } | { name: string; labels?: Record<string, string> }[] }>;
  for (const [id, resource] of Object.entries(tf)) {
    const meta = Array.isArray(resource.metadata) ? resource.metadata[0] : resource.metadata;
    add(meta.name, `dist/cdktf kubernetes_namespace_v1.${id}`, meta.labels);
  }
  // The stack sets a namespace's Pod Security labels with a kubernetes_labels resource over it (server-side,
  // its own field manager), so that other controllers' labels stay; its metadata names the namespace by
  // the namespace resource's reference.
  const labelled = (stack.resource?.kubernetes_labels ?? {}) as Record<string, { kind: string; metadata: { name: string } | { name: string }[]; labels: Record<string, string> }>;
  for (const [id, resource] of Object.entries(labelled)) {
    if (resource.kind !== 'Namespace') continue;
    const meta = Array.isArray(resource.metadata) ? resource.metadata[0] : resource.metadata;
    const ref = /^\$\{kubernetes_namespace_v1\.([^.]+)\.metadata\[0\]\.name\}$/.exec(meta.name);
    const name = ref ? ((m) => (Array.isArray(m) ? m[0] : m).name)(tf[ref[1]].metadata) : meta.name;
    add(name, `dist/cdktf kubernetes_labels.${id}`, resource.labels);
  }
  return { labels, writtenBy, conflicts };
}

/**
 * Where the PSA labels of the namespaces that hold pods are not the strictest level those pods meet (the
 * `measured` levels): each mode missing, looser or stricter than measured, one line each.
 */
export function labelLevelFindings(namespaceLabels: ReadonlyMap<string, Record<string, string>>, measured: ReadonlyMap<string, PsaLevel>): string[] {
  const out: string[] = [];
  for (const [ns, level] of [...measured].sort(([a], [b]) => a.localeCompare(b))) {
    const labels = podSecurityLabelsOf(namespaceLabels.get(ns));
    const missing = PSA_MODES.filter((mode) => labels[`${PSA_PREFIX}${mode}`] === undefined);
    if (missing.length > 0) out.push(`namespace ${ns}: no ${missing.join(', ')} label${missing.length > 1 ? 's' : ''}; its pods meet ${level}`);
    for (const mode of PSA_MODES) {
      const written = labels[`${PSA_PREFIX}${mode}`];
      if (written === undefined || written === level) continue;
      const how = PSA_LEVELS.indexOf(written as PsaLevel) < PSA_LEVELS.indexOf(level) ? 'looser than' : 'stricter than';
      out.push(`namespace ${ns}: ${mode} is ${written}, ${how} ${level}, the strictest level all its pods meet`);
    }
  }
  return out;
}
