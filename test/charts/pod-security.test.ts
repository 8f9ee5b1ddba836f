// Pod Security Admission, by the real kube-apiserver: every pod the default platform runs (ballast's own
// workloads, what every Helm release renders from its real chart with the synthesized values, and what the
// operators create from ballast's custom resources) is judged against the Pod Security labels of its
// namespace exactly as the synthesized output writes them (the Namespace objects of dist/flux, the
// kubernetes_namespace_v1 resources of the Terraform stack JSON). Each workload is dry-run applied in its
// namespace (the `warn` label turns a breaking template into a warning), and each pod template is dry-run
// created as a Pod there (the `enforce` label refuses it). The labels must admit every pod without a warning,
// and be the strictest level the namespace's pods meet (measured on the same server); ballast's own
// workloads must meet `restricted`. PSA-LEVELS.md records the levels and what forces them.
//
// The harness is checked on its own too: labelled with the levels measured on the spot it finds nothing;
// one level too strict (or too loose) is caught; and each level refuses a pod that breaks it.
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { Manifest } from '../../lib/internal';
import { chartCacheDir, chartLabel, findCachedChart } from '../../scripts/reference/chart-archive';
import { Located } from '../support/charts/cross-references';
import { missingDependencies, subchartStandIns, withEmptyDependencies } from '../support/charts/incomplete-charts';
import { operatorPodsOf } from '../support/charts/operator-pods';
import {
  labelLevelFindings,
  labelProblems,
  podSecurityLabelsOf,
  labelNamespace,
  measurePodLevels,
  MeasuredPod,
  namespaceLevels,
  PodTemplate,
  podSecurityFindings,
  podTemplatesOf,
  PSA_LEVELS,
  psaLabels,
  PsaLevel,
  synthesizedNamespaceLabels,
} from '../support/charts/pod-security';
import { KUBE_1_34_API_VERSIONS, renderRelease } from '../support/charts/render';
import { releaseLabel, synthesizedReleases } from '../support/charts/synthesized-releases';
import { apiServerForFile } from '../support/e2e/server-side-apply';
import { rolloutOrder } from '../support/e2e/rollout';
import { gatedTests } from '../support/not-run';
import { referenceAvailable } from '../support/reference-gate';
import { defaultPlan, synthToTemp, tempDir, terraformJson } from '../support/synth';
import { toolPath } from '../support/tools';

const helm = toolPath('helm');
const { platform, plan } = defaultPlan();
const dist = synthToTemp(platform);
const fluxDir = path.join(dist, 'flux');
const stack = terraformJson(path.join(dist, 'cdktf'));
const rollout = rolloutOrder(plan, fluxDir);
const charts = plan.components.flatMap((c) => (c.helmChart ? [c.helmChart.chart] : []));
const releases = synthesizedReleases(stack, rollout, charts);
const synthesized = synthesizedNamespaceLabels(fluxDir, stack);

/** Charts never vendored (AGPL): the pods of their releases (flux-system) are not checked here. */
const LEFT_OUT_BY_NAME = new Set(['flux-operator', 'flux-instance']);

// Every release rendered from its chart in the cache. A chart folder without some of its subcharts is
// rendered from a copy with template-less stand-ins for them, and the pods of those subcharts are built
// from their values (subchartStandIns): reported below as not rendered from their real templates.
const rendered: Located[] = [];
const standIns: PodTemplate[] = [];
const notChecked: { what: string; kind: 'chart' | 'reference data' }[] = [];
const cache = chartCacheDir();
for (const release of releases) {
  const where = findCachedChart(release.chart, cache);
  if (!where) {
    notChecked.push({ what: `${releaseLabel(release)}: ${LEFT_OUT_BY_NAME.has(release.chart.chart) ? 'chart never vendored (AGPL)' : `not in the chart cache ${cache}`}`, kind: 'chart' });
    continue;
  }
  const missing = missingDependencies(where);
  if (missing.length > 0 && !referenceAvailable()) {
    notChecked.push({ what: `${releaseLabel(release)}: subcharts ${missing.join(' + ')} missing, and no reference data for stand-ins`, kind: 'reference data' });
    continue;
  }
  const dir = missing.length > 0 ? withEmptyDependencies(where, missing) : where;
  try {
    for (const r of renderRelease(helm, release, dir, KUBE_1_34_API_VERSIONS)) {
      // Helm installs a namespaced object written without a namespace into the release's; every kind
      // that holds a pod is namespaced.
      const object = r.object.metadata.namespace ? r.object : ({ ...r.object, metadata: { ...r.object.metadata, namespace: release.namespace } } as Manifest);
      rendered.push({ source: r.source, object });
    }
  } finally {
    if (dir !== where) fs.rmSync(dir, { recursive: true, force: true });
  }
  if (missing.length > 0) {
    standIns.push(...subchartStandIns(release, where, missing));
    notChecked.push({ what: `${chartLabel(release.chart)} subcharts ${missing.join(' + ')} from their real templates (missing from ${where}/charts/: stand-ins checked instead)`, kind: 'chart' });
  }
}

// Ballast's own pods: its workloads, and what the operators make of its Cluster and TestRun.
const ownObjects: Located[] = rollout;
const ownPods = [...podTemplatesOf(ownObjects), ...operatorPodsOf(ownObjects)];
// The charts' pods: their workloads, the Prometheus the operator makes of the chart's resource, stand-ins.
const chartPods = [...podTemplatesOf(rendered), ...operatorPodsOf(rendered), ...standIns];
const everyObject = [...ownObjects, ...rendered];
const operatorAndStandIns = [...operatorPodsOf(ownObjects), ...operatorPodsOf(rendered), ...standIns];
const allPods = [...ownPods, ...chartPods];

if (notChecked.length > 0) {
  process.stderr.write(`\nPOD SECURITY: not checked from real charts:\n${notChecked.map((n) => `  - ${n.what}`).join('\n')}\n\n`);
}

// Its fields are set once its beforeAll has run: read them inside hooks and tests.
const api = apiServerForFile();

/** What the platform's pods meet, measured once on the server: the reference for the checks below. */
let measured: MeasuredPod[];
let levels: Map<string, PsaLevel>;
beforeAll(async () => {
  measured = await measurePodLevels(api.ssa, allPods);
  levels = namespaceLevels(measured);
}, 300_000);

/**
 * A copy of the synthesized output with the labels each namespace should carry written where the backends
 * write them: into each Namespace document of dist/flux, and into `metadata.labels` of each
 * kubernetes_namespace_v1 of the stack JSON. Returns the Flux folder and the stack of the copy.
 */
function labelledCopyOfOutput(labels: ReadonlyMap<string, Record<string, string>>): { fluxDir: string; stack: Record<string, any> } {
  const copy = tempDir('ballast-psa-output-');
  fs.cpSync(dist, copy, { recursive: true });
  const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
  for (const file of walk(path.join(copy, 'flux')).filter((f) => f.endsWith('.yaml'))) {
    const docs = parseAllDocuments(fs.readFileSync(file, 'utf8'));
    let changed = false;
    for (const doc of docs) {
      const name = doc.getIn(['metadata', 'name']) as string | undefined;
      if (doc.get('kind') !== 'Namespace' || !name || !labels.has(name)) continue;
      doc.setIn(['metadata', 'labels'], { ...((doc.getIn(['metadata', 'labels']) as any)?.toJSON?.() ?? {}), ...labels.get(name) });
      changed = true;
    }
    if (changed) fs.writeFileSync(file, docs.map((d) => d.toString()).join('---\n'));
  }
  const copied = JSON.parse(JSON.stringify(stack)) as Record<string, any>;
  // The labels go on the namespace resources themselves here; the stack's own kubernetes_labels over them go.
  if (copied.resource?.kubernetes_labels) delete copied.resource.kubernetes_labels;
  for (const resource of Object.values((copied.resource?.kubernetes_namespace_v1 ?? {}) as Record<string, { metadata: any }>)) {
    const meta = Array.isArray(resource.metadata) ? resource.metadata[0] : resource.metadata;
    if (labels.has(meta.name)) meta.labels = { ...meta.labels, ...labels.get(meta.name) };
  }
  return { fluxDir: path.join(copy, 'flux'), stack: copied };
}

/** The level check's three lines for a namespace labelled `written` whose pods meet `level` (stricter). */
const tooStrictLines = (ns: string, written: string, level: string) =>
  ['enforce', 'warn', 'audit'].map((mode) => `namespace ${ns}: ${mode} is ${written}, stricter than ${level}, the strictest level all its pods meet`);

/** True when a finding is about a pod or workload of namespace `ns` (owners read `Kind ns/name`). */
const about = (f: string, ns: string) => new RegExp(`(the Pod of |: )\\w+ ${ns}/`).test(f);

/** `ns: level` lines, for messages. */
const table = (m: ReadonlyMap<string, PsaLevel>) => [...m].sort(([a], [b]) => a.localeCompare(b)).map(([ns, l]) => `${ns}: ${l}`);

/** The six labels of each namespace at `level(ns)`. */
const labelled = (level: (ns: string, measured: PsaLevel) => PsaLevel) => new Map([...levels].map(([ns, l]) => [ns, psaLabels(level(ns, l))]));

describe('the platform as synthesized', () => {
  test('every pod is admitted by the Pod Security labels of its namespace as the output writes them, without a warning', async () => {
    const findings = await podSecurityFindings(api.ssa, everyObject, synthesized.labels, operatorAndStandIns);
    expect([...synthesized.conflicts, ...findings]).toEqual([]);
  });

  test('each namespace that holds a pod is labelled with the strictest level its pods meet (no looser)', () => {
    // The levels measured: see PSA-LEVELS.md for what forces each.
    expect(labelLevelFindings(synthesized.labels, levels)).toEqual([]);
  });

  test('every namespace the output writes carries the six Pod Security labels (level and version)', () => {
    const problems = [...synthesized.labels]
      .map(([ns, l]) => [ns, labelProblems(podSecurityLabelsOf(l))] as const)
      .filter(([, p]) => p.length > 0)
      .map(([ns, p]) => `namespace ${ns} (${synthesized.writtenBy.get(ns)!.join(', ')}): ${p.join('; ')}`);
    expect(problems).toEqual([]);
  });

  test("ballast's own workloads (WebService, the demo API/UI, the load tests, the database) meet restricted", async () => {
    const own = await measurePodLevels(api.ssa, ownPods);
    const below = own.filter((m) => m.level !== 'restricted').map((m) => `${m.template.owner} (${m.template.source}): ${m.level}: ${m.violations.restricted}`);
    expect(below).toEqual([]);
  });
});

// The NetworkPolicies select pods by the labels the components declare (lib/core/network.ts), and admit
// them on container ports: both must be what the real pods carry, or a policy would select nothing and
// its connections would be refused on a cluster. Mutation check: a wrong label in a component's
// addPods (Traefik's instance label "traefik-x", say) fails the first test; a wrong port the second.
describe('the NetworkPolicies select the real pods', () => {
  const ports = (pod: Manifest) => {
    const spec = (pod as { spec?: { containers?: { ports?: { containerPort: number; protocol?: string }[] }[]; hostNetwork?: boolean } }).spec ?? {};
    return (spec.containers ?? []).flatMap((c) => (c.ports ?? []).map((p) => `${p.protocol ?? 'TCP'}/${p.containerPort}`));
  };
  const matching = (namespace: string, labels: Readonly<Record<string, string>>) =>
    allPods.filter((p) => p.namespace === namespace && Object.entries(labels).every(([k, v]) => (p.pod.metadata.labels as Record<string, string> | undefined)?.[k] === v));
  // (cert-manager's HTTP-01 solver pods, which exist only while a challenge runs, are the plan's, not a component's.)
  const groups = plan.components.flatMap((c) => c.network.podGroups).filter((g) => !g.namespace.startsWith('flux-'));

  // A stand-in for a subchart missing from the chart cache carries the fields Pod Security judges, not the
  // chart's labels: a group of such a namespace that selects none of its pods is named, not failed.
  const standInNamespaces = new Set(standIns.map((p) => p.namespace));
  test('every pod group a component declares selects at least one pod the platform runs', () => {
    const unmatched = groups.filter((g) => matching(g.namespace, g.labels).length === 0);
    const unknown = unmatched.filter((g) => standInNamespaces.has(g.namespace));
    if (unknown.length > 0) process.stderr.write(`NETWORK POLICY SELECTORS not checked against real pods (stand-ins for missing subcharts): ${unknown.map((g) => `${g.namespace}/${g.name}`).join(', ')}\n`);
    expect(unmatched.filter((g) => !standInNamespaces.has(g.namespace)).map((g) => `${g.namespace}/${g.name} ${JSON.stringify(g.labels)}`)).toEqual([]);
  });

  test('every port a connection reaches a pod group on is a container port of its pods', () => {
    const problems: string[] = [];
    for (const g of groups) {
      const pods = matching(g.namespace, g.labels);
      const open = new Set(pods.flatMap((p) => ports(p.pod)));
      for (const c of plan.connections) {
        if (c.to.kind !== 'pods' || c.to.pods.namespace !== g.namespace || JSON.stringify(c.to.pods.labels) !== JSON.stringify(g.labels)) continue;
        for (const p of c.ports) if (pods.length > 0 && !open.has(`${p.protocol ?? 'TCP'}/${p.port}`)) problems.push(`${g.namespace}/${g.name}: ${p.protocol ?? 'TCP'}/${p.port} (${c.why}) is not a container port of ${pods.map((x) => x.owner).join(', ')}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('the harness', () => {
  test('measures every pod of the platform at one of the three levels', () => {
    expect(measured.length).toBe(allPods.length);
    expect(measured.every((m) => PSA_LEVELS.includes(m.level))).toBe(true);
    // Ballast's namespaces and the charts' (flux-system's pods come from charts never vendored).
    expect([...levels.keys()].sort()).toEqual(expect.arrayContaining(['articles', 'database', 'loadtests', 'traefik']));
    process.stdout.write(`measured levels:\n  ${table(levels).join('\n  ')}\n`);
  });

  test('given the levels measured just now as labels, it finds nothing', async () => {
    const byHand = labelled((_, l) => l);
    expect(await podSecurityFindings(api.ssa, everyObject, byHand, operatorAndStandIns)).toEqual([]);
    expect(labelLevelFindings(byHand, levels)).toEqual([]);
  });

  // The acceptance checks above, run on a copy of the output with the measured levels written where the
  // backends write labels (Flux Namespace objects, Terraform namespace metadata.labels): they pass. Then the
  // mutation: one namespace that is not restricted labelled one level stricter in the copy (monitoring,
  // whose node-exporter needs privileged, if it is measured so): both checks fail, naming it.
  test('read from a hand-labelled copy of the output, the checks pass; one namespace one level too strict, they fail', async () => {
    const copy = labelledCopyOfOutput(labelled((_, l) => l));
    const good = synthesizedNamespaceLabels(copy.fluxDir, copy.stack);
    expect(good.conflicts).toEqual([]);
    expect(await podSecurityFindings(api.ssa, everyObject, good.labels, operatorAndStandIns)).toEqual([]);
    expect(labelLevelFindings(good.labels, levels)).toEqual([]);

    const victim = levels.get('monitoring') !== 'restricted' && levels.has('monitoring') ? 'monitoring' : [...levels].find(([, l]) => l !== 'restricted')![0];
    const mutated = labelledCopyOfOutput(labelled((ns, l) => (ns === victim ? PSA_LEVELS[PSA_LEVELS.indexOf(l) + 1] : l)));
    const bad = synthesizedNamespaceLabels(mutated.fluxDir, mutated.stack);
    const findings = await podSecurityFindings(api.ssa, everyObject, bad.labels, operatorAndStandIns);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => about(f, victim))).toBe(true);
    expect(labelLevelFindings(bad.labels, levels)).toEqual(tooStrictLines(victim, PSA_LEVELS[PSA_LEVELS.indexOf(levels.get(victim)!) + 1], levels.get(victim)!));
  });

  // Mutation: every namespace labelled one level stricter than its pods meet (the mistake of labelling by
  // intent, e.g. monitoring `baseline` while node-exporter needs `privileged`, or loadtests `restricted`
  // before the k6 pods set a seccomp profile). Each such namespace must show up as a refused Pod and a
  // warned workload, and as "stricter than" in the level check.
  test('catches a namespace labelled one level too strict', async () => {
    const looserThanRestricted = [...levels].filter(([, l]) => l !== 'restricted').map(([ns]) => ns);
    expect(looserThanRestricted.length).toBeGreaterThan(0);
    const tooStrict = labelled((_, l) => PSA_LEVELS[Math.min(PSA_LEVELS.indexOf(l) + 1, PSA_LEVELS.length - 1)]);
    const findings = await podSecurityFindings(api.ssa, everyObject, tooStrict, operatorAndStandIns);
    for (const ns of looserThanRestricted) {
      expect({ ns, rejected: findings.some((f) => about(f, ns) && f.includes('was rejected') && f.includes('violates PodSecurity')) }).toEqual({ ns, rejected: true });
      expect(labelLevelFindings(tooStrict, levels).some((f) => f.startsWith(`namespace ${ns}: `) && f.includes('stricter than'))).toBe(true);
    }
    // The restricted namespaces stay restricted, and nothing is said about them.
    const restricted = [...levels].filter(([, l]) => l === 'restricted').map(([ns]) => ns);
    expect(findings.filter((f) => restricted.some((ns) => about(f, ns)))).toEqual([]);
  });

  // Mutation: a namespace labelled one level looser than its pods meet (privileged "to be safe"), which
  // admits everything and so passes the admission check: the level check catches it.
  test('catches a namespace labelled one level too loose', () => {
    const aboveBaseline = [...levels].filter(([, l]) => l !== 'privileged').map(([ns]) => ns);
    const tooLoose = labelled((_, l) => PSA_LEVELS[Math.max(PSA_LEVELS.indexOf(l) - 1, 0)]);
    const findings = labelLevelFindings(tooLoose, levels);
    for (const ns of aboveBaseline) expect(findings.filter((f) => f.startsWith(`namespace ${ns}: `) && f.includes('looser than'))).toHaveLength(3);
  });

  test('says which namespaces have no labels, naming their pods', async () => {
    const findings = await podSecurityFindings(api.ssa, everyObject, new Map(), operatorAndStandIns);
    for (const ns of levels.keys()) expect(findings.some((f) => f.startsWith(`namespace ${ns}: no pod-security.kubernetes.io/enforce`))).toBe(true);
  });
});

describe('each level refuses what breaks it, and admits it one level down', () => {
  const container = { name: 'app', image: 'registry.example.com/app:1' };
  const restrictedPod = {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{ ...container, securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
  };
  // No seccompProfile and no runAsNonRoot: breaks restricted only.
  const breaksRestricted = { containers: [{ ...container, securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }] };
  // hostNetwork and a privileged container: break baseline.
  const breaksBaseline = { hostNetwork: true, containers: [{ ...container, securityContext: { privileged: true } }] };
  const pod = (ns: string, name: string, spec: object) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns }, spec }) as Manifest;
  const deployment = (ns: string, name: string, spec: object) =>
    ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: ns },
      spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec } },
    }) as Manifest;

  test.each([
    ['restricted', 'baseline', breaksRestricted],
    ['baseline', 'privileged', breaksBaseline],
  ] as const)('%s refuses a pod that breaks it, and warns of a Deployment that would; %s admits both', async (level, below, spec) => {
    const strict = `psa-negative-${level}`;
    const loose = `psa-negative-${level}-below`;
    const objects = (ns: string): Located[] => [{ source: 'test', object: deployment(ns, 'breaks', spec) }, { source: 'test', object: pod(ns, 'breaks', spec) }];
    const good = (ns: string): Located[] => [{ source: 'test', object: pod(ns, 'meets-restricted', restrictedPod) }];

    const refused = await podSecurityFindings(api.ssa, [...objects(strict), ...good(strict)], new Map([[strict, psaLabels(level)]]));
    expect(refused.some((f) => f.includes(`the Pod of Pod ${strict}/breaks was rejected`) && f.includes(`violates PodSecurity "${level}:v1.34"`))).toBe(true);
    expect(refused.some((f) => f.includes(`Deployment ${strict}/breaks drew a warning`) && f.includes(`would violate PodSecurity "${level}:v1.34"`))).toBe(true);
    expect(refused.filter((f) => f.includes('meets-restricted'))).toEqual([]);

    expect(await podSecurityFindings(api.ssa, objects(loose), new Map([[loose, psaLabels(below)]]))).toEqual([]);
  });

  test('the probe namespaces really enforce: a pod that breaks baseline measures privileged, one that breaks only restricted baseline', async () => {
    await labelNamespace(api.ssa, 'psa-negative-measure', psaLabels('privileged'));
    const [b, p, r] = await measurePodLevels(api.ssa, [
      { source: 'test', owner: 'Pod breaks-restricted', namespace: 'psa-negative-measure', pod: pod('psa-negative-measure', 'breaks-restricted', breaksRestricted) },
      { source: 'test', owner: 'Pod breaks-baseline', namespace: 'psa-negative-measure', pod: pod('psa-negative-measure', 'breaks-baseline', breaksBaseline) },
      { source: 'test', owner: 'Pod meets-restricted', namespace: 'psa-negative-measure', pod: pod('psa-negative-measure', 'meets-restricted', restrictedPod) },
    ]);
    expect([b.level, p.level, r.level]).toEqual(['baseline', 'privileged', 'restricted']);
    expect(b.violations.restricted).toMatch(/seccompProfile/);
    expect(p.violations.baseline).toMatch(/host namespaces \(hostNetwork=true\)|privileged/);
  });
});

// What this file cannot check from real charts here, named (counted as not run, never as passed).
for (const { what, kind } of notChecked) {
  gatedTests(false, kind, what.replace(/[%\]]/g, '')).test('pods of every release rendered from its real chart', () => undefined);
}
