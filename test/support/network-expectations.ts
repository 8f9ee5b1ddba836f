// What the plan says the network must allow, as a matrix to compare with an engine's verdicts: a pod per
// pod group the components declared (with exactly the group's labels and the ports connections reach it
// on, plus one port nothing names), the cluster DNS, and a host outside the cluster on each side. A
// (source, destination, port) is expected allowed when the destination's side admits it (a connection
// into it, or its namespace is not ballast's) and the source's side lets it out (its egress is open, or a
// connection from it, the DNS included, names it). Everything else is expected denied.
import type { DeploymentPlan } from '../../lib/internal';
import { ACME_SOLVER, CLUSTER_DNS, DNS_PORTS, labelsMatch, NetworkConnection, NetworkPeerSpec } from '../../lib/model/network';
import type { MatrixInput, MatrixPod, Verdict } from './network-matrix';

/** A port no connection of the platform uses: every pod listens on it, and nothing may reach it. */
export const UNUSED_PORT = 9999;
/** A client on the internet, and a host on the internet. */
export const OUTSIDE_CLIENT = '203.0.113.10';
export const OUTSIDE_HOST = '198.51.100.7';

interface GroupPod extends MatrixPod {
  readonly egress: 'open' | 'declared';
}

/** Every NetworkPolicy the plan writes, on either backend or in a load test's folder. */
export function planPolicies(plan: DeploymentPlan): Record<string, unknown>[] {
  const all = [...plan.flux.flatMap((p) => p.manifests), ...plan.terraform.manifests.map((m) => m.manifest), ...plan.manual.flatMap((m) => m.manifests)];
  return all.filter((m) => m.kind === 'NetworkPolicy') as unknown as Record<string, unknown>[];
}

/** The matrix input of the plan's pod groups and `policies`. */
export function matrixOf(plan: DeploymentPlan, policies: Record<string, unknown>[]): { input: MatrixInput; pods: GroupPod[] } {
  // The components' groups, and the pods a connection names that no component declares (cert-manager's
  // solver pods, which the plan admits the ingress controller to).
  const declared = plan.components.flatMap((c) => c.network.podGroups).map((g) => ({ name: g.name, namespace: g.namespace, labels: g.labels, egress: g.egress }));
  const key = (ns: string, labels: Readonly<Record<string, string>>) => `${ns}/${JSON.stringify(Object.entries(labels).sort())}`;
  const known = new Set(declared.map((g) => key(g.namespace, g.labels)));
  const named = plan.connections.flatMap((c) => (c.to.kind === 'pods' && c.to.pods.namespace !== CLUSTER_DNS.namespace && !known.has(key(c.to.pods.namespace, c.to.pods.labels)) && Object.keys(c.to.pods.labels).length > 0 ? [c.to.pods] : []));
  const extra = [...new Map(named.map((p) => [key(p.namespace, p.labels), p])).values()].map((p) => ({ name: key(p.namespace, p.labels) === key(p.namespace, ACME_SOLVER.labels) ? ACME_SOLVER.group : Object.values(p.labels).join('-'), namespace: p.namespace, labels: p.labels, egress: 'open' as const }));
  const groups = [...declared, ...extra];
  const pods: GroupPod[] = groups.map((g) => {
    const ports = new Map<string, { port: number; protocol: 'TCP' | 'UDP' }>([[`TCP/${UNUSED_PORT}`, { port: UNUSED_PORT, protocol: 'TCP' }]]);
    for (const c of plan.connections) {
      if (c.to.kind === 'pods' && c.to.pods.namespace === g.namespace && labelsMatch(c.to.pods.labels, g.labels)) {
        for (const p of c.ports) ports.set(`${p.protocol ?? 'TCP'}/${p.port}`, { port: p.port, protocol: p.protocol ?? 'TCP' });
      }
    }
    return { namespace: g.namespace, name: g.name, labels: { ...g.labels }, ports: [...ports.values()], egress: g.egress };
  });
  const dns: GroupPod = { namespace: CLUSTER_DNS.namespace, name: 'coredns', labels: { ...CLUSTER_DNS.labels }, ports: DNS_PORTS.map((p) => ({ port: p.port, protocol: p.protocol ?? 'TCP' })), egress: 'open' };
  const all = [...pods, dns];
  const namespaces = [...new Set(all.map((p) => p.namespace))].map((name) => ({ name, labels: {} }));
  return {
    pods: all,
    input: {
      namespaces,
      pods: all,
      policies,
      externalSources: [OUTSIDE_CLIENT],
      externalDestinations: [{ ip: OUTSIDE_HOST, ports: [{ port: 443, protocol: 'TCP' }] }],
    },
  };
}

type End = { readonly pod?: GroupPod; readonly ip?: string };

function selects(peer: NetworkPeerSpec, end: End): boolean {
  switch (peer.kind) {
    case 'pods':
      return end.pod !== undefined && end.pod.namespace === peer.pods.namespace && labelsMatch(peer.pods.labels, end.pod.labels);
    case 'dns':
      return end.pod !== undefined && end.pod.namespace === CLUSTER_DNS.namespace && labelsMatch(CLUSTER_DNS.labels, end.pod.labels);
    // 0.0.0.0/0 (the only block the platform names) and the API server's any-address egress cover pods too.
    case 'cidr':
    case 'apiServer':
      return true;
    case 'role':
      return false;
  }
}

/** What the plan allows between two ends on a port. */
export function expectedAllowed(plan: DeploymentPlan, from: End, to: End, port: number, protocol: string): boolean {
  const policed = new Set(plan.namespaces.filter((n) => n.networkPoliciesDisabled === undefined && n.name !== 'flux-system').map((n) => n.name));
  const covers = (c: NetworkConnection) => selects(c.from, from) && selects(c.to, to) && c.ports.some((p) => p.port === port && (p.protocol ?? 'TCP') === protocol);
  const dnsOut = from.pod?.egress === 'declared' && to.pod?.namespace === CLUSTER_DNS.namespace && DNS_PORTS.some((p) => p.port === port && p.protocol === protocol);
  const admitted = to.pod === undefined || !policed.has(to.pod.namespace) || plan.connections.some(covers);
  // A group's egress policy holds the connections declared from the group itself (not from anywhere).
  const fromGroup = (c: NetworkConnection) => c.from.kind === 'pods' && from.pod !== undefined && c.from.pods.namespace === from.pod.namespace && labelsMatch(c.from.pods.labels, from.pod.labels);
  const letOut = from.pod === undefined || from.pod.egress === 'open' || !policed.has(from.pod.namespace) || dnsOut || plan.connections.some((c) => fromGroup(c) && covers(c));
  return admitted && letOut;
}

/** The verdicts that differ from the plan's, as readable lines. */
export function disagreements(plan: DeploymentPlan, pods: readonly GroupPod[], verdicts: readonly Verdict[]): string[] {
  const byKey = new Map(pods.map((p) => [`${p.namespace}/${p.name}`, p]));
  const end = (key: string): End => (byKey.has(key) ? { pod: byKey.get(key)! } : { ip: key });
  return verdicts
    .filter((v) => v.allowed !== expectedAllowed(plan, end(v.from), end(v.to), v.port, v.protocol))
    .map((v) => `${v.from} -> ${v.to} ${v.protocol}/${v.port}: the engine says ${v.allowed ? 'allowed' : 'denied'}, the plan ${v.allowed ? 'holds no such connection' : 'holds it'}`);
}
