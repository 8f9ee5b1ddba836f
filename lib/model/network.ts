// The network a platform's pods form, as plain data: which pods there are (a namespace and labels), and
// which of them talk to which, on which ports. Components declare both while they are built; the plan
// turns them into NetworkPolicies (lib/plan/network-policies.ts) and tests into a connectivity matrix.

/** The protocols a NetworkPolicy port names (SCTP is left out: nothing in the platform speaks it). */
export type NetworkProtocol = 'TCP' | 'UDP';

/** A port on the receiving pods: their container port, which is what a NetworkPolicy matches (not the Service's). */
export interface NetworkPort {
  readonly port: number;
  /** @default 'TCP' */
  readonly protocol?: NetworkProtocol;
}

/** Pods of one namespace, selected by labels (no labels: every pod of the namespace). */
export interface PodSelection {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * One end of a connection:
 * - `pods`: pods in the cluster, by namespace and labels;
 * - `cidr`: addresses outside the pod network (clients on the internet, the nodes, a load balancer);
 * - `dns`: the cluster DNS (`k8s-app: kube-dns` in `kube-system`, the label kubeadm, k3s, EKS and GKE give it);
 * - `apiServer`: the Kubernetes API server, whose address a policy cannot name (it is outside the pod
 *   network, and differs per cluster), so egress to it is allowed by port to any address.
 */
export type NetworkPeerSpec =
  | { readonly kind: 'pods'; readonly pods: PodSelection }
  | { readonly kind: 'cidr'; readonly cidr: string }
  | { readonly kind: 'dns' }
  | { readonly kind: 'apiServer' }
  | { readonly kind: 'role'; readonly role: NetworkRole };

/**
 * What some pods of the platform do for all the others, named rather than located: a component declares
 * that the ingress controller reaches its pods (or that Prometheus scrapes them) without knowing which
 * component that is; the plan puts in the pod groups that declare the role.
 */
export type NetworkRole = 'ingress' | 'scraper' | 'postgres-operator' | 'keda-operator' | 'k6-operator';

/** A connection the platform makes: `from` opens it to `to` on `ports`, for the reason `why`. */
export interface NetworkConnection {
  readonly from: NetworkPeerSpec;
  readonly to: NetworkPeerSpec;
  readonly ports: readonly NetworkPort[];
  readonly why: string;
}

/** The ports of the cluster DNS: queries over UDP, and TCP for answers that do not fit a datagram. */
export const DNS_PORTS: readonly NetworkPort[] = [
  { port: 53, protocol: 'UDP' },
  { port: 53, protocol: 'TCP' },
];

/** The pods that answer cluster DNS. */
export const CLUSTER_DNS: PodSelection = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };

/** Every address, IPv4: the peer of traffic from outside the pod network. */
export const ANYWHERE_IPV4 = '0.0.0.0/0';

/** The label every namespace carries with its own name (Kubernetes sets it): how a policy selects a namespace by name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** The Pod Security Standards levels, strictest first. */
export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';

/** Strictest first: the order in which a namespace's level is chosen. */
export const POD_SECURITY_LEVELS: readonly PodSecurityLevel[] = ['restricted', 'baseline', 'privileged'];

/**
 * The version of the Pod Security Standards the labels pin: the Kubernetes version ballast checks objects
 * against. Pinned rather than `latest`, so that a cluster upgrade does not tighten a level under running pods.
 */
export const POD_SECURITY_VERSION = 'v1.34';

/**
 * The HTTP-01 solver pods cert-manager runs in a Certificate's namespace while it proves a host: their
 * label and port (its `acmesolver` listens on 8089). The ingress controller must reach them.
 */
export const ACME_SOLVER = { group: 'acme-http01-solver', labels: { 'acme.cert-manager.io/http01-solver': 'true' }, port: 8089 } as const;

/** The annotation that carries why a namespace has no NetworkPolicies from ballast. */
export const NETWORK_POLICY_DISABLED_ANNOTATION = 'ballast.dev/network-policies-disabled';

/** A stable text of a peer, for grouping and sorting. */
export function peerKey(p: NetworkPeerSpec): string {
  switch (p.kind) {
    case 'pods':
      return `pods:${p.pods.namespace}/${labelText(p.pods.labels)}`;
    case 'cidr':
      return `cidr:${p.cidr}`;
    case 'role':
      return `role:${p.role}`;
    default:
      return p.kind;
  }
}

/** `a=1,b=2`, sorted by key. */
export function labelText(labels: Readonly<Record<string, string>>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');
}

/** Whether the pods `labels` are among the pods `selector` selects (every selector label matches). */
export function labelsMatch(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}
