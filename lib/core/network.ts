// What a component declares about its network: the pods it runs (by labels), the connections it opens or
// accepts, and whether ballast may write NetworkPolicies for its namespace. The plan reads these and writes
// the policies (lib/plan/network-policies.ts); nothing here renders an object.
import { reportProblem } from './errors';
import type { IConstruct } from 'constructs';
import { isCidr, isPort } from './grammar';
import { isDnsLabel } from './names';
import {
  ANYWHERE_IPV4,
  NetworkConnection,
  NetworkPeerSpec,
  NetworkPort,
  NetworkRole,
  PodSecurityLevel,
  POD_SECURITY_LEVELS,
} from '../model/network';

export type { NetworkPort, NetworkProtocol, NetworkRole, PodSecurityLevel } from '../model/network';

/** Something a connection can be opened to or from: pods, addresses, the cluster DNS, the API server. */
export interface INetworkPeer {
  /** The pods or addresses it stands for. */
  toNetworkPeer(): NetworkPeerSpec;
}

/** Peers that are not pods of a component: addresses, the cluster DNS, the API server, pods by labels. */
export class NetworkPeer implements INetworkPeer {
  /** Pods of `namespace` with all of `labels` (none: every pod of the namespace). */
  public static pods(namespace: string, labels: Record<string, string> = {}): NetworkPeer {
    return new NetworkPeer({ kind: 'pods', pods: { namespace, labels: { ...labels } } });
  }

  /** Addresses outside the pod network, as a CIDR (`203.0.113.0/24`). */
  public static cidr(cidr: string): NetworkPeer {
    return new NetworkPeer({ kind: 'cidr', cidr });
  }

  /** Every IPv4 address: clients on the internet, the nodes, a cloud load balancer. */
  public static anywhere(): NetworkPeer {
    return new NetworkPeer({ kind: 'cidr', cidr: ANYWHERE_IPV4 });
  }

  /** The cluster DNS (`k8s-app: kube-dns` in `kube-system`). */
  public static clusterDns(): NetworkPeer {
    return new NetworkPeer({ kind: 'dns' });
  }

  /** The Kubernetes API server: any address, on the ports the connection names (443, and 6443 where the CNI sees the server's own port). */
  public static apiServer(): NetworkPeer {
    return new NetworkPeer({ kind: 'apiServer' });
  }

  /** The pods that play `role` on the platform (its ingress controller, its Prometheus), whichever component runs them. */
  public static role(role: NetworkRole): NetworkPeer {
    return new NetworkPeer({ kind: 'role', role });
  }

  private constructor(private readonly spec: NetworkPeerSpec) {}

  public toNetworkPeer(): NetworkPeerSpec {
    return this.spec;
  }
}

/** Where a group's pods may connect to. */
export type EgressPolicy =
  /** Anywhere: the default for charts, whose controllers reach registries, ACME servers, webhooks... */
  | 'open'
  /** Only to the cluster DNS and the connections declared from the group: ballast's own workloads. */
  | 'declared';

/** Pods of a component, by labels: a peer of connections, and what one NetworkPolicy of the component selects. */
export class PodGroup implements INetworkPeer {
  constructor(
    /** Names the group's policies (`<name>-ingress`); unique in its namespace. */
    public readonly name: string,
    public readonly namespace: string,
    public readonly labels: Readonly<Record<string, string>>,
    public readonly egress: EgressPolicy,
    /** What the group does for the rest of the platform. */
    public readonly roles: readonly NetworkRole[] = [],
  ) {}

  public toNetworkPeer(): NetworkPeerSpec {
    return { kind: 'pods', pods: { namespace: this.namespace, labels: this.labels } };
  }
}

/** Options of `allowFrom`. */
export interface AllowFromOptions {
  /** The ports of this component's pods the peer may reach (their container ports). */
  readonly ports: readonly NetworkPort[];
  /** Why: written on the policy, for the person who reads it. */
  readonly why: string;
  /** Which of the component's pods. @default its main pods (the first group it declares) */
  readonly to?: PodGroup;
}

/** Options of `allowTo`. */
export interface AllowToOptions {
  /** The peer's ports this component's pods may reach. */
  readonly ports: readonly NetworkPort[];
  readonly why: string;
  /** Which of the component's pods. @default its main pods */
  readonly from?: PodGroup;
}

/** A component opting out of NetworkPolicies, with the reason written on its namespace. */
export interface NetworkPolicyOptOut {
  readonly disabled: string;
}

/** The pod security level a component's pods meet, and why that one. */
export interface PodSecurityDeclaration {
  readonly level: PodSecurityLevel;
  readonly reason: string;
}

/** A component's network: its pod groups, its connections, its opt-out. */
export class ComponentNetwork {
  private readonly groups: PodGroup[] = [];
  private readonly opened: NetworkConnection[] = [];
  private solvers = false;

  constructor(
    private readonly owner: IConstruct & { readonly namespace: string },
    /** Set when the component opts out: the reason. */
    public readonly disabled?: string,
  ) {
    if (disabled !== undefined && (typeof disabled !== 'string' || disabled.trim() === '')) {
      reportProblem(owner, 'networkPolicies.disabled has no reason', "Say why the namespace needs no NetworkPolicies, e.g. { disabled: 'the CNI enforces policies of its own' }");
    }
  }

  /**
   * Says the component's routes get certificates over ACME HTTP-01, whose solver pods cert-manager runs in
   * its namespace: the plan admits the ingress controller to them, once per namespace.
   */
  public admitAcmeSolvers(): void {
    this.solvers = true;
  }

  /** True when the component's routes need cert-manager's HTTP-01 solver pods reached. */
  public get acmeSolvers(): boolean {
    return this.solvers;
  }

  /** The pod groups the component declared, main first. */
  public get podGroups(): readonly PodGroup[] {
    return this.groups;
  }

  /** Its main pods: the first group it declared, if any. */
  public get mainPods(): PodGroup | undefined {
    return this.groups[0];
  }

  /** Every connection declared on this component, either end. */
  public get connections(): readonly NetworkConnection[] {
    return this.opened;
  }

  /** Declares pods of the component (labels that select exactly them), for policies and as a peer. */
  public addPods(name: string, labels: Record<string, string>, options: { readonly egress?: EgressPolicy; readonly roles?: readonly NetworkRole[] } = {}): PodGroup {
    if (!isDnsLabel(name)) reportProblem(this.owner, `pod group "${name}" is not a DNS label`, 'Use lowercase letters, digits and "-"');
    if (this.groups.some((g) => g.name === name)) reportProblem(this.owner, `pod group "${name}" is declared twice`, 'Give each group a name of its own');
    const group = new PodGroup(name, this.owner.namespace, { ...labels }, options.egress ?? 'open', [...(options.roles ?? [])]);
    this.groups.push(group);
    return group;
  }

  /**
   * A connection between two peers neither of which need be this component's pods (an autoscaler of this
   * component letting KEDA's operator query Prometheus, say); recorded here, for the plan.
   */
  public connect(from: INetworkPeer, to: INetworkPeer, options: { readonly ports: readonly NetworkPort[]; readonly why: string }): void {
    this.add(from.toNetworkPeer(), to.toNetworkPeer(), options.ports, options.why);
  }

  /** Lets `peer` reach this component's pods on `ports`. */
  public allowFrom(peer: INetworkPeer, options: AllowFromOptions): void {
    const to = options.to ?? this.requireMain('allowFrom');
    if (to) this.add(peer.toNetworkPeer(), to.toNetworkPeer(), options.ports, options.why);
  }

  /** Lets this component's pods reach `peer` on `ports`. */
  public allowTo(peer: INetworkPeer, options: AllowToOptions): void {
    const from = options.from ?? this.requireMain('allowTo');
    if (from) this.add(from.toNetworkPeer(), peer.toNetworkPeer(), options.ports, options.why);
  }

  private requireMain(method: string): PodGroup | undefined {
    const main = this.mainPods;
    if (!main) reportProblem(this.owner, `${method} needs the component's pods, and it declares none`, 'Declare them first with network.addPods(...), or name them in the options');
    return main;
  }

  private add(from: NetworkPeerSpec, to: NetworkPeerSpec, ports: readonly NetworkPort[], why: string): void {
    const bad = ports.filter((p) => !isPort(p.port) || (p.protocol !== undefined && p.protocol !== 'TCP' && p.protocol !== 'UDP'));
    if (ports.length === 0) reportProblem(this.owner, 'a connection names no port', 'Name the ports it uses, e.g. ports: [{ port: 5432 }]');
    for (const p of bad) reportProblem(this.owner, `port ${JSON.stringify(p)} is not a TCP or UDP port from 1 to 65535`, 'Use the container port the peer listens on');
    if (typeof why !== 'string' || why.trim() === '') reportProblem(this.owner, 'a connection has no reason', "Say why in `why`, e.g. why: 'reads the orders API'");
    for (const end of [from, to]) {
      if (end.kind === 'cidr' && !isCidr(end.cidr)) reportProblem(this.owner, `"${end.cidr}" is not a CIDR`, 'Write an IPv4 or IPv6 block such as 203.0.113.0/24');
    }
    this.opened.push({ from, to, ports: ports.map((p) => ({ port: p.port, protocol: p.protocol ?? 'TCP' })), why });
  }
}

/** What is wrong with a component's `podSecurity` override (from untyped JS or a file, say). */
export function podSecurityProblems(declaration: PodSecurityDeclaration | undefined): { problem: string; fix: string }[] {
  if (declaration === undefined) return [];
  const problems: { problem: string; fix: string }[] = [];
  if (!POD_SECURITY_LEVELS.includes(declaration.level)) {
    problems.push({ problem: `podSecurity.level "${String(declaration.level)}" is not a Pod Security level`, fix: `Use one of ${POD_SECURITY_LEVELS.map((l) => `'${l}'`).join(', ')}` });
  }
  if (typeof declaration.reason !== 'string' || declaration.reason.trim() === '') {
    problems.push({ problem: 'podSecurity has no reason', fix: "Say why the pods need that level, e.g. reason: 'the agent reads host paths'" });
  }
  return problems;
}

/** The least strict of `levels` (a namespace meets the level of its least strict component). */
export function leastStrict(levels: readonly PodSecurityLevel[]): PodSecurityLevel {
  return levels.reduce<PodSecurityLevel>((worst, l) => (POD_SECURITY_LEVELS.indexOf(l) > POD_SECURITY_LEVELS.indexOf(worst) ? l : worst), 'restricted');
}
