// Connectivity verdicts for NetworkPolicies from an engine that is not ours: cyclonus v0.5.6
// (`cyclonus analyze --mode query-traffic`, offline; scripts/tools.sh builds it).
//
// How cyclonus is fed: `--policy-path` takes a file or folder of YAML/JSON, each a NetworkPolicy or a
// NetworkPolicyList (strict parsing: unknown fields fail), and `--traffic-path` a JSON array of
// `{Source, Destination, ResolvedPort, ResolvedPortName, Protocol}`, each peer `{Internal: {Namespace,
// NamespaceLabels, PodLabels}, IP}`, or `{IP}` alone for a host outside the cluster. It has no
// machine-readable output: per traffic it prints a "Traffic:" table then an "Is traffic allowed?" table
// whose footer row reads `| IS ALLOWED? | TRUE |` (or FALSE). That footer is what is read here, block by
// block, each block checked against the traffic it should describe.
//
// What the harness adds, because the API server would (cyclonus reads policies as written):
// - `policyTypes` defaults as in kube-apiserver's SetDefaults_NetworkPolicy: Ingress, plus Egress when
//   the policy has egress rules (cyclonus refuses a policy without policyTypes);
// - every namespace carries `kubernetes.io/metadata.name: <name>`.
//
// Limitations:
// - A pod is never asked about itself: Kubernetes says a pod cannot block access to itself, but
//   cyclonus evaluates that traffic as any other.
// - ipBlock peers are matched against IP addresses, pods' too (as CNIs do). Pods get synthetic IPs in
//   10.244.0.0/16 unless `ip` is given; hosts outside the cluster are `externalSources` (ingress from
//   them) and `externalDestinations` (egress to them). Traffic where the policed end is outside the
//   cluster is allowed, as Kubernetes cannot police it.
// - A named port in a policy matches the destination port's `name`; give it when policies use names.
// - SCTP, endPort ranges: compared as written (protocol strings, `port <= p <= endPort`).
// - The node a pod runs on and Services are not modelled: verdicts are pod-to-pod at the pod's port.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { toolPath } from './tools';

export interface MatrixPort { port: number; protocol: 'TCP' | 'UDP' | 'SCTP'; name?: string }
export interface MatrixPod { namespace: string; name: string; labels: Record<string, string>; ports: MatrixPort[]; ip?: string }
export interface MatrixInput {
  namespaces: { name: string; labels: Record<string, string> }[];
  pods: MatrixPod[];
  /** NetworkPolicy manifests as JSON, each with metadata.namespace. */
  policies: Record<string, unknown>[];
  /** IP addresses outside the cluster, asked about as sources towards every pod port. */
  externalSources?: string[];
  /** Hosts outside the cluster, asked about as destinations of every pod. */
  externalDestinations?: { ip: string; ports: MatrixPort[] }[];
}
export interface Verdict { from: string /* ns/pod or IP */; to: string /* ns/pod or IP */; port: number; protocol: string; allowed: boolean }

type Peer = { Internal?: { Namespace: string; NamespaceLabels: Record<string, string>; PodLabels: Record<string, string> }; IP: string };
type Endpoint = { key: string; peer: Peer };

const FOOTER = /^\|\s*IS ALLOWED\?\s*\|\s*(TRUE|FALSE)\s*\|/m;

/** The verdict of every (source, destination, destination port) pair of the input, in input order. */
export function connectivityMatrix(input: MatrixInput): Verdict[] {
  const nsLabels = new Map(input.namespaces.map((n) => [n.name, { ...n.labels, 'kubernetes.io/metadata.name': n.name }]));
  const podEndpoint = (p: MatrixPod, i: number): Endpoint => {
    const labels = nsLabels.get(p.namespace);
    if (!labels) throw new Error(`pod ${p.namespace}/${p.name}: namespace ${p.namespace} is not in the matrix's namespaces`);
    const ip = p.ip ?? `10.244.${Math.floor(i / 250)}.${(i % 250) + 1}`;
    return { key: `${p.namespace}/${p.name}`, peer: { Internal: { Namespace: p.namespace, NamespaceLabels: labels, PodLabels: p.labels }, IP: ip } };
  };
  const pods = input.pods.map((p, i) => ({ pod: p, end: podEndpoint(p, i) }));
  if (new Set(pods.map((p) => p.end.key)).size !== pods.length) throw new Error('two pods of the matrix have the same namespace/name');
  const sources: Endpoint[] = [...pods.map((p) => p.end), ...(input.externalSources ?? []).map((ip) => ({ key: ip, peer: { IP: ip } }))];
  const destinations: { end: Endpoint; ports: MatrixPort[] }[] = [
    ...pods.map((p) => ({ end: p.end, ports: p.pod.ports })),
    ...(input.externalDestinations ?? []).map((d) => ({ end: { key: d.ip, peer: { IP: d.ip } }, ports: d.ports })),
  ];

  const asked: { verdict: Omit<Verdict, 'allowed'>; ips: [string, string]; portName: string }[] = [];
  const traffic: unknown[] = [];
  for (const s of sources) {
    for (const d of destinations) {
      // Self-traffic is not the policies' to decide; outside-to-outside is not the cluster's.
      if (s.key === d.end.key || (!s.peer.Internal && !d.end.peer.Internal)) continue;
      for (const p of d.ports) {
        traffic.push({ Source: s.peer, Destination: d.end.peer, ResolvedPort: p.port, ResolvedPortName: p.name ?? '', Protocol: p.protocol });
        asked.push({ verdict: { from: s.key, to: d.end.key, port: p.port, protocol: p.protocol }, ips: [s.peer.IP, d.end.peer.IP], portName: p.name ?? '' });
      }
    }
  }
  if (traffic.length === 0) return [];

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ballast-netmatrix-'));
  try {
    const policyFile = path.join(dir, 'policies.json');
    const trafficFile = path.join(dir, 'traffic.json');
    fs.writeFileSync(policyFile, JSON.stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicyList', items: input.policies.map(withDefaults) }));
    fs.writeFileSync(trafficFile, JSON.stringify(traffic));
    const run = spawnSync(toolPath('cyclonus'), ['analyze', '--mode', 'query-traffic', '--policy-path', policyFile, '--traffic-path', trafficFile], {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    });
    if (run.error) throw run.error;
    // cyclonus exits non-zero (logrus fatal or a panic) on a policy it cannot read.
    if (run.status !== 0) throw new Error(`cyclonus failed (status ${run.status}):\n${run.stderr}\n${run.stdout.slice(-4000)}`);
    // The first chunk is the version banner and "query traffic:"; then one chunk per traffic, in order.
    const blocks = run.stdout.split(/^Traffic:$/m).slice(1);
    if (blocks.length !== asked.length) throw new Error(`cyclonus answered ${blocks.length} traffics, ${asked.length} were asked:\n${run.stdout.slice(-4000)}`);
    return asked.map((a, i) => {
      const footer = FOOTER.exec(blocks[i]);
      // The block must describe this traffic (its rows: `| <port> (<name>) on <protocol> | source | <ip> |`,
      // the protocol wrapped to a line of its own when the cell is over 30 characters): a wrong order or a
      // changed format fails loudly, never shifts verdicts.
      const describes =
        blocks[i].includes(`| ${a.verdict.port} (${a.portName})`) &&
        new RegExp(`\\b${a.verdict.protocol}\\b`).test(blocks[i]) &&
        a.ips.every((ip, end) => new RegExp(`\\|\\s*${end === 0 ? 'source' : 'destination'}\\s*\\|\\s*${ip.replace(/\./g, '\\.')}\\s*\\|`).test(blocks[i]));
      if (!footer || !describes) throw new Error(`cyclonus' answer ${i} is not about ${a.verdict.from} -> ${a.verdict.to} ${a.verdict.port}/${a.verdict.protocol}:\n${blocks[i]}`);
      return { ...a.verdict, allowed: footer[1] === 'TRUE' };
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A copy of the policy with the API server's policyTypes default; a policy without namespace is refused. */
function withDefaults(policy: Record<string, unknown>): Record<string, unknown> {
  const p = JSON.parse(JSON.stringify(policy)) as { metadata?: { name?: string; namespace?: string }; spec?: { policyTypes?: string[]; egress?: unknown[] } };
  if (!p.metadata?.namespace) throw new Error(`NetworkPolicy ${p.metadata?.name}: metadata.namespace is required (cyclonus would put it in "default")`);
  const spec = (p.spec ??= {});
  if (!spec.policyTypes?.length) spec.policyTypes = spec.egress?.length ? ['Ingress', 'Egress'] : ['Ingress'];
  return p as Record<string, unknown>;
}
