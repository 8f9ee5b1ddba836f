// NetworkPolicies and Pod Security from what the components declare, read as an example: a team's own
// component says which pods it runs and whom they talk to, and ballast writes the policies; a component
// that runs pods it does not declare leaves its namespace open and says so; opting out takes a reason;
// every mistake in a declaration is reported at once. (test/e2e/network-policies.test.ts checks the
// default platform's policies with an independent engine.)
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Component, Manifest, NetworkPeer, Platform, WebService } from '../../lib';
import { testPlatform } from '../support/platforms';
import { problemOf } from '../support/problems';
import { plannedAndSaved } from '../support/synth';

/** The payments team's service: a cdk8s-plus Deployment that calls a card processor on the internet. */
class Payments extends Component {
  constructor(scope: Construct, id: string, declare: boolean) {
    super(scope, id, { namespace: 'payments', tier: 'apps' });
    new kplus.Deployment(this, 'deployment', {
      metadata: { name: 'payments' },
      podMetadata: { labels: { app: 'payments' } } as never,
      containers: [{ name: 'payments', image: 'ghcr.io/acme/payments:1.2.0', ports: [{ number: 8080 }] }],
    });
    if (!declare) return;
    // Its pods, whose egress is all known; who reaches them, and where they go.
    const pods = this.network.addPods('payments', { app: 'payments' }, { egress: 'declared' });
    this.network.allowFrom(NetworkPeer.role('ingress'), { to: pods, ports: [{ port: 8080 }], why: 'routes https://pay.example.com' });
    this.network.allowTo(NetworkPeer.cidr('198.51.100.0/24'), { from: pods, ports: [{ port: 443 }], why: 'calls the card processor' });
  }
}

const policies = (objects: readonly Manifest[], namespace: string) =>
  Object.fromEntries(objects.filter((m) => m.kind === 'NetworkPolicy' && m.metadata.namespace === namespace).map((m) => [m.metadata.name, m.spec]));
const allObjects = (plan: ReturnType<typeof plannedAndSaved>) => [...plan.flux.flatMap((p) => p.manifests), ...plan.terraform.manifests.map((m) => m.manifest)];

test("a team's own component declares its pods and connections, and gets a default deny and exactly those", () => {
  const platform = testPlatform();
  new Payments(platform, 'payments', true);
  const plan = plannedAndSaved(platform);
  expect(policies(allObjects(plan), 'payments')).toEqual({
    'default-deny-ingress': { podSelector: {}, policyTypes: ['Ingress'] },
    // No ingress controller on this platform: nobody plays the role, so nothing is admitted but the deny.
    'payments-egress': {
      podSelector: { matchLabels: { app: 'payments' } },
      policyTypes: ['Egress'],
      egress: [
        { to: [{ ipBlock: { cidr: '198.51.100.0/24' } }], ports: [{ port: 443, protocol: 'TCP' }] },
        { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ port: 53, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }] },
      ],
    },
  });
  const ns = plan.namespaces.find((n) => n.name === 'payments')!;
  // A team's component that says nothing of its pods' level is held at baseline.
  expect(ns.podSecurity.level).toBe('baseline');
});

test('a component that runs pods it does not declare leaves its namespace without policies, and the synth says why', () => {
  const platform = testPlatform();
  new Payments(platform, 'payments', false);
  const plan = plannedAndSaved(platform);
  // Mutation: without this rule the namespace gets a default deny and the team's pods are cut off.
  expect(policies(allObjects(plan), 'payments')).toEqual({});
  expect(plan.namespaces.find((n) => n.name === 'payments')!.networkPoliciesDisabled).toBe('ballast/payments runs pods it does not declare (network.addPods), which a default deny would cut off');
  expect(plan.notes.some((n) => n.startsWith('namespace payments gets no NetworkPolicies: '))).toBe(true);
});

test('opting out takes a reason, which the namespace carries; a WebService beside it opts its namespace out too', () => {
  const platform = testPlatform();
  new WebService(platform, 'shop', { namespace: 'shop', image: 'ghcr.io/acme/shop:1.0.0', metricsPath: false });
  new WebService(platform, 'legacy', { namespace: 'shop', image: 'ghcr.io/acme/legacy:1.0.0', metricsPath: false, networkPolicies: { disabled: 'calls hosts that change weekly' } });
  const plan = plannedAndSaved(platform);
  expect(policies(allObjects(plan), 'shop')).toEqual({});
  expect(plan.namespaces.find((n) => n.name === 'shop')!.networkPoliciesDisabled).toBe('calls hosts that change weekly');
  // Its Pod Security level is unaffected: both are ballast's own workloads.
  expect(plan.namespaces.find((n) => n.name === 'shop')!.podSecurity.level).toBe('restricted');
});

test('the platform opts out as a whole, with its reason', () => {
  const platform = new Platform(testPlatform().node.scope as Construct, 'whole', {
    domain: 'example.com',
    clusterName: 'whole',
    git: { url: 'https://github.com/example/gitops.git' },
    networkPolicies: { disabled: 'the CNI enforces none' },
  });
  new WebService(platform, 'shop', { image: 'ghcr.io/acme/shop:1.0.0', metricsPath: false });
  const plan = plannedAndSaved(platform);
  expect(allObjects(plan).filter((m) => m.kind === 'NetworkPolicy')).toEqual([]);
  expect(plan.namespaces.every((n) => n.networkPoliciesDisabled === 'the CNI enforces none')).toBe(true);
});

test('every mistake in a network or Pod Security declaration is reported at once, with its fix', () => {
  const platform = testPlatform();
  class Broken extends Component {
    constructor(scope: Construct) {
      super(scope, 'broken', { namespace: 'broken', networkPolicies: { disabled: ' ' }, podSecurity: { level: 'strict' as never, reason: '' } });
      this.network.allowFrom(NetworkPeer.anywhere(), { ports: [{ port: 80 }], why: 'no pods declared yet' });
      const pods = this.network.addPods('Bad_Name', { app: 'x' });
      this.network.allowTo(NetworkPeer.cidr('10.0.0.0/33'), { from: pods, ports: [{ port: 70000 }, { port: 53, protocol: 'SCTP' as never }], why: '' });
      this.network.allowTo(NetworkPeer.apiServer(), { from: pods, ports: [], why: 'watches' });
    }
  }
  const message = problemOf(() => new Broken(platform));
  for (const expected of [
    'ballast/broken: networkPolicies.disabled has no reason',
    'ballast/broken: podSecurity.level "strict" is not a Pod Security level',
    'ballast/broken: podSecurity has no reason',
    'ballast/broken: allowFrom needs the component\'s pods, and it declares none',
    'ballast/broken: pod group "Bad_Name" is not a DNS label',
    'ballast/broken: "10.0.0.0/33" is not a CIDR',
    'ballast/broken: port {"port":70000} is not a TCP or UDP port from 1 to 65535',
    'ballast/broken: port {"port":53,"protocol":"SCTP"} is not a TCP or UDP port from 1 to 65535',
    'ballast/broken: a connection has no reason',
    'ballast/broken: a connection names no port',
  ]) {
    expect(message).toContain(expected);
  }
});
