// NetworkPolicies from the connections the components declared: in each namespace ballast manages, a
// default deny of ingress, then for each pod group one policy that admits exactly the connections made to
// it, and for groups whose needs are all known (ballast's own workloads) one that allows exactly their
// egress. Written among the objects of the component that owns the pods, so both backends, the fleet, the
// inventory and `diff` treat them as any other object of that component.
import { Component } from '../core/component';
import { isBuiltInNamespace, isReservedNamespace } from '../core/grammar';
import { PodGroup } from '../core/network';
import type { Manifest } from '../model/manifest';
import {
  ACME_SOLVER,
  CLUSTER_DNS,
  DNS_PORTS,
  labelsMatch,
  labelText,
  NAMESPACE_NAME_LABEL,
  NetworkConnection,
  NetworkPeerSpec,
  NetworkPort,
  NetworkRole,
  peerKey,
} from '../model/network';

// The NetworkPolicy fields written here (networking.k8s.io/v1), as plain JSON.
interface NetworkPolicyPeer {
  readonly podSelector?: { readonly matchLabels: Record<string, string> };
  readonly namespaceSelector?: { readonly matchLabels: Record<string, string> };
  readonly ipBlock?: { readonly cidr: string };
}
interface NetworkPolicyPort {
  readonly port: number;
  readonly protocol: string;
}

/** The annotation that lists, on each policy, why each of its rules is there. */
const POLICY_REASONS_ANNOTATION = 'ballast.dev/allows';

/** The name of a namespace's default deny. */
const DEFAULT_DENY_NAME = 'default-deny-ingress';

/** What the plan decided about one namespace's network. */
export interface NamespaceNetwork {
  readonly namespace: string;
  /** Why the namespace has no policies from ballast, when it has none. */
  readonly disabled?: string;
}

/** The policies of each component, and each managed namespace's decision. */
export interface NetworkPlan {
  readonly policies: ReadonlyMap<Component, Manifest[]>;
  readonly namespaces: readonly NamespaceNetwork[];
  /** Every connection declared on the platform, deduplicated, in a stable order. */
  readonly connections: readonly NetworkConnection[];
  /** The namespaces left without policies because a component runs pods it does not declare. */
  readonly undeclared: readonly { readonly namespace: string; readonly reason: string }[];
}

/** Whether ballast writes policies in `namespace`: one it creates, not the cluster's or Flux's own. */
function managed(namespace: string): boolean {
  return !isBuiltInNamespace(namespace) && !isReservedNamespace(namespace);
}

/**
 * The NetworkPolicies of the platform's components. `platformDisabled` (the platform's own opt-out, with
 * its reason) leaves every namespace without them; so does, for its namespace, a component that opts out,
 * or one that `runsPods` without declaring any of them.
 */
export function planNetworkPolicies(components: readonly Component[], platformDisabled: string | undefined, runsPods: (c: Component) => boolean): NetworkPlan {
  const byNamespace = new Map<string, Component[]>();
  for (const c of components) {
    if (!managed(c.namespace)) continue;
    const members = byNamespace.get(c.namespace);
    if (members) members.push(c);
    else byNamespace.set(c.namespace, [c]);
  }
  // cert-manager's HTTP-01 solver pods, once per namespace whose routes need them, held by the first
  // component there that has such a route.
  const solvers = new Map<Component, PodGroup>();
  for (const [namespace, members] of byNamespace) {
    const holder = members.find((c) => c.network.acmeSolvers);
    if (holder) solvers.set(holder, new PodGroup(ACME_SOLVER.group, namespace, ACME_SOLVER.labels, 'open'));
  }
  const solverConnections: NetworkConnection[] = [...solvers.values()].map((g) => ({
    from: { kind: 'role', role: 'ingress' },
    to: g.toNetworkPeer(),
    ports: [{ port: ACME_SOLVER.port, protocol: 'TCP' }],
    why: 'the ingress controller routes ACME HTTP-01 challenges to the solver pods cert-manager runs',
  }));
  const players = rolePlayers(components.flatMap((c) => c.network.podGroups));
  const connections = dedupe([...components.flatMap((c) => c.network.connections), ...solverConnections].flatMap((c) => resolveRoles(c, players)));
  // Connections by the namespace of each end: a group reads only those of its own namespace.
  const into = indexBy(connections, (c) => c.to);
  const outOf = indexBy(connections, (c) => c.from);
  const namespaces: NamespaceNetwork[] = [];
  const undeclaredIn: { namespace: string; reason: string }[] = [];
  const policies = new Map<Component, Manifest[]>();
  for (const [namespace, members] of [...byNamespace].sort(([a], [b]) => (a < b ? -1 : 1))) {
    // A component that runs pods it does not declare (a chart or a team's own workload, without
    // network.addPods) would have them cut off by the default deny: the namespace is left open, and says so.
    const undeclared = members.find((c) => c.network.podGroups.length === 0 && c.network.disabled === undefined && runsPods(c));
    const undeclaredReason = undeclared && `${undeclared.node.path} runs pods it does not declare (network.addPods), which a default deny would cut off`;
    const optOut = platformDisabled ?? members.find((c) => c.network.disabled !== undefined)?.network.disabled ?? undeclaredReason;
    namespaces.push({ namespace, ...(optOut !== undefined ? { disabled: optOut } : {}) });
    if (undeclaredReason !== undefined && optOut === undeclaredReason) undeclaredIn.push({ namespace, reason: undeclaredReason });
    if (optOut !== undefined) continue;
    members.forEach((c, i) => {
      const own: Manifest[] = [];
      // The first component of the namespace (construct-path order), as for the Namespace object itself.
      // A load test is applied by hand from a folder of its own, so each one carries its own copy.
      if (c.tier === 'loadtests') own.push(defaultDeny(namespace, `${DEFAULT_DENY_NAME}-${c.node.id}`));
      else if (i === 0) own.push(defaultDeny(namespace, DEFAULT_DENY_NAME));
      const solver = solvers.get(c);
      for (const group of [...c.network.podGroups, ...(solver ? [solver] : [])]) {
        const ingress = ingressPolicy(group, into.get(namespace) ?? []);
        if (ingress) own.push(ingress);
        if (group.egress === 'declared') own.push(egressPolicy(group, outOf.get(namespace) ?? []));
      }
      if (own.length > 0) policies.set(c, own);
    });
  }
  return { policies, namespaces, connections, undeclared: undeclaredIn };
}

/**
 * A connection with each role put in by the pods that play it: one connection per such group. Nobody
 * playing the role (no Prometheus on the platform, say) leaves the connection out.
 */
function resolveRoles(c: NetworkConnection, players: ReadonlyMap<NetworkRole, readonly NetworkPeerSpec[]>): NetworkConnection[] {
  const ends = (p: NetworkPeerSpec): readonly NetworkPeerSpec[] => (p.kind === 'role' ? (players.get(p.role) ?? []) : [p]);
  return ends(c.from).flatMap((from) => ends(c.to).map((to) => ({ ...c, from, to })));
}

/** The pods that play each role. */
function rolePlayers(groups: readonly PodGroup[]): Map<NetworkRole, NetworkPeerSpec[]> {
  const players = new Map<NetworkRole, NetworkPeerSpec[]>();
  for (const g of groups) for (const role of g.roles) players.set(role, [...(players.get(role) ?? []), g.toNetworkPeer()]);
  return players;
}

function defaultDeny(namespace: string, name: string): Manifest {
  return policy(namespace, name, ['nothing: every pod of the namespace refuses ingress no other policy of it admits'], {
    podSelector: {},
    policyTypes: ['Ingress'],
  });
}

/** The policy admitting every connection made to `group`, one rule per peer; none when nothing connects to it. */
function ingressPolicy(group: PodGroup, connections: readonly NetworkConnection[]): Manifest | undefined {
  const into = connections.filter((c) => covers(c.to, group));
  if (into.length === 0) return undefined;
  const rules = byPeer(into, (c) => c.from).map(
    ({ peer, ports }) => ({ from: peersOf(peer, group.namespace), ports: portsOf(ports) }),
  );
  return policy(group.namespace, `${group.name}-ingress`, into.map(reasonOf), {
    podSelector: { matchLabels: { ...group.labels } },
    policyTypes: ['Ingress'],
    ingress: rules,
  });
}

/** The policy allowing `group` the cluster DNS and exactly the connections declared from it. */
function egressPolicy(group: PodGroup, connections: readonly NetworkConnection[]): Manifest {
  const out = connections.filter((c) => covers(c.from, group));
  const dns: NetworkConnection = { from: group.toNetworkPeer(), to: { kind: 'dns' }, ports: DNS_PORTS, why: 'resolves Service names' };
  const all = [dns, ...out];
  const rules = byPeer(all, (c) => c.to).map(({ peer, ports }) => ({ to: peersOf(peer, group.namespace), ports: portsOf(ports) }));
  return policy(group.namespace, `${group.name}-egress`, all.map(reasonOf), {
    podSelector: { matchLabels: { ...group.labels } },
    policyTypes: ['Egress'],
    egress: rules,
  });
}

/** Connections by the namespace of their pods at `end` (none for an end that is not pods). */
function indexBy(connections: readonly NetworkConnection[], end: (c: NetworkConnection) => NetworkPeerSpec): Map<string, NetworkConnection[]> {
  const index = new Map<string, NetworkConnection[]>();
  for (const c of connections) {
    const peer = end(c);
    if (peer.kind !== 'pods') continue;
    const list = index.get(peer.pods.namespace);
    if (list) list.push(c);
    else index.set(peer.pods.namespace, [c]);
  }
  return index;
}

/**
 * Whether a connection's end takes in every pod of `group`: the group itself, or pods of its namespace
 * chosen by fewer labels (a whole namespace, say, when a load test targets a Service it knows no pods of).
 */
function covers(end: NetworkPeerSpec, group: PodGroup): boolean {
  return end.kind === 'pods' && end.pods.namespace === group.namespace && labelsMatch(end.pods.labels, group.labels);
}

/** Connections grouped by the peer at `end`, each with the union of its ports, in a stable order. */
function byPeer(connections: readonly NetworkConnection[], end: (c: NetworkConnection) => NetworkPeerSpec): { peer: NetworkPeerSpec; ports: NetworkPort[] }[] {
  const groups = new Map<string, { peer: NetworkPeerSpec; ports: Map<string, NetworkPort> }>();
  for (const c of connections) {
    const peer = end(c);
    const k = peerKey(peer);
    const g = groups.get(k) ?? groups.set(k, { peer, ports: new Map() }).get(k)!;
    for (const p of c.ports) g.ports.set(portKey(p), { port: p.port, protocol: p.protocol ?? 'TCP' });
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([, g]) => ({ peer: g.peer, ports: [...g.ports.values()].sort((a, b) => a.port - b.port || (a.protocol! < b.protocol! ? -1 : 1)) }));
}

function portKey(p: NetworkPort): string {
  return `${p.protocol ?? 'TCP'}/${p.port}`;
}

/** A peer as a NetworkPolicy names it. Pods of another namespace need its namespace selected by name. */
function peersOf(peer: NetworkPeerSpec, own: string): NetworkPolicyPeer[] {
  switch (peer.kind) {
    case 'pods':
      return [podsPeer(peer.pods.namespace, peer.pods.labels, own)];
    case 'dns':
      return [podsPeer(CLUSTER_DNS.namespace, CLUSTER_DNS.labels, own)];
    case 'cidr':
      return [{ ipBlock: { cidr: peer.cidr } }];
    case 'apiServer':
      // The API server is outside the pod network, at an address the cluster chooses.
      return [{ ipBlock: { cidr: '0.0.0.0/0' } }];
    case 'role':
      throw new Error(`the role ${peer.role} was not resolved`);
  }
}

function podsPeer(namespace: string, labels: Readonly<Record<string, string>>, own: string): NetworkPolicyPeer {
  const podSelector = { matchLabels: { ...labels } };
  return namespace === own ? { podSelector } : { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } }, podSelector };
}

function portsOf(ports: readonly NetworkPort[]): NetworkPolicyPort[] {
  return ports.map((p) => ({ port: p.port, protocol: p.protocol ?? 'TCP' }));
}

function reasonOf(c: NetworkConnection): string {
  const ports = c.ports.map(portKey).join(' ');
  return `${describe(c.from)} -> ${describe(c.to)} ${ports}: ${c.why}`;
}

function describe(p: NetworkPeerSpec): string {
  switch (p.kind) {
    case 'pods':
      return `${p.pods.namespace}/${labelText(p.pods.labels) || '*'}`;
    case 'cidr':
      return p.cidr;
    case 'dns':
      return 'cluster DNS';
    case 'apiServer':
      return 'API server';
    case 'role':
      return `the ${p.role}`;
  }
}

function policy(namespace: string, name: string, reasons: readonly string[], spec: Record<string, unknown>): Manifest {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace, annotations: { [POLICY_REASONS_ANNOTATION]: [...new Set(reasons)].sort().join('; ') } },
    spec,
  };
}

/** The same connection declared twice (by both ends, say) counts once. */
function dedupe(connections: readonly NetworkConnection[]): NetworkConnection[] {
  const seen = new Map<string, NetworkConnection>();
  for (const c of connections) {
    const k = `${peerKey(c.from)}|${peerKey(c.to)}|${c.ports.map(portKey).sort().join(',')}|${c.why}`;
    if (!seen.has(k)) seen.set(k, c);
  }
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, c]) => c);
}
