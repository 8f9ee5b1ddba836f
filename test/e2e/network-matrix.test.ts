// The NetworkPolicy harness (test/support/network-matrix.ts) against a hand-written scenario whose
// verdicts follow from Kubernetes' rules alone: cyclonus must answer each one exactly as written here
// before the harness is trusted with generated policies.
import { connectivityMatrix, MatrixInput, Verdict } from '../support/network-matrix';

const EXTERNAL = '203.0.113.10';
const OUTSIDE_HTTPS = '198.51.100.7';

const base: Omit<MatrixInput, 'policies'> = {
  namespaces: [
    { name: 'a', labels: {} },
    { name: 'b', labels: { team: 'data' } },
    { name: 'kube-system', labels: {} },
  ],
  pods: [
    { namespace: 'a', name: 'client', labels: { app: 'client' }, ports: [{ port: 8080, protocol: 'TCP', name: 'http' }] },
    { namespace: 'a', name: 'other', labels: { app: 'other' }, ports: [{ port: 8080, protocol: 'TCP', name: 'http' }] },
    {
      namespace: 'b',
      name: 'db',
      labels: { app: 'db' },
      ports: [
        { port: 5432, protocol: 'TCP', name: 'postgres' },
        { port: 9187, protocol: 'TCP', name: 'metrics' },
      ],
    },
    { namespace: 'b', name: 'web', labels: { app: 'web' }, ports: [{ port: 8080, protocol: 'TCP', name: 'http' }] },
    {
      namespace: 'kube-system',
      name: 'coredns',
      labels: { 'k8s-app': 'kube-dns' },
      ports: [
        { port: 53, protocol: 'UDP', name: 'dns' },
        { port: 53, protocol: 'TCP', name: 'dns-tcp' },
      ],
    },
  ],
  externalSources: [EXTERNAL],
  externalDestinations: [{ ip: OUTSIDE_HTTPS, ports: [{ port: 443, protocol: 'TCP' }] }],
};

const policy = (namespace: string, name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { namespace, name },
  spec,
});
// No policyTypes: the API server defaults it to [Ingress], which the harness must do too.
const denyIngressB = policy('b', 'default-deny-ingress', { podSelector: {} });
const allowClientToDb = (port: number, clientNamespace = 'a') =>
  policy('b', 'allow-client-to-db', {
    podSelector: { matchLabels: { app: 'db' } },
    policyTypes: ['Ingress'],
    ingress: [
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': clientNamespace } }, podSelector: { matchLabels: { app: 'client' } } }],
        ports: [{ protocol: 'TCP', port }],
      },
    ],
  });
const denyEgressAButDns = policy('a', 'default-deny-egress-but-dns', {
  podSelector: {},
  policyTypes: ['Egress'],
  egress: [
    {
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [
        { protocol: 'UDP', port: 53 },
        { protocol: 'TCP', port: 53 },
      ],
    },
  ],
});
// ipBlock and a named port: only the outside address may reach web's `http` port.
const allowExternalToWeb = policy('b', 'allow-external-to-web', {
  podSelector: { matchLabels: { app: 'web' } },
  policyTypes: ['Ingress'],
  ingress: [{ from: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ protocol: 'TCP', port: 'http' }] }],
});

const line = (v: Verdict) => `${v.from} -> ${v.to} ${v.port}/${v.protocol}`;
const allowed = (vs: Verdict[]) => vs.filter((v) => v.allowed).map(line);
const denied = (vs: Verdict[]) => vs.filter((v) => !v.allowed).map(line);
const matrix = (...policies: Record<string, unknown>[]) => connectivityMatrix({ ...base, policies });

const open = matrix();

test('without policies every pair is asked about, and every one is allowed', () => {
  // 5 pods: 7 pod ports plus the outside 443; each pod asks every port but its own (7 + 1 - own),
  // the outside source the 7 pod ports only.
  expect(open).toHaveLength(7 + 7 + 6 + 7 + 6 + 7);
  expect(denied(open)).toEqual([]);
  expect(open.filter((v) => v.from === v.to)).toEqual([]);
  expect(open).toContainEqual({ from: EXTERNAL, to: 'b/db', port: 5432, protocol: 'TCP', allowed: true });
  expect(open).toContainEqual({ from: 'a/client', to: OUTSIDE_HTTPS, port: 443, protocol: 'TCP', allowed: true });
});

test('a default-deny ingress in b denies everything into b, and nothing else', () => {
  const vs = matrix(denyIngressB);
  expect(vs.map(line)).toEqual(open.map(line));
  expect(denied(vs)).toEqual(open.filter((v) => v.to.startsWith('b/')).map(line));
  expect(denied(vs)).toContain('b/web -> b/db 5432/TCP');
  expect(denied(vs)).toContain(`${EXTERNAL} -> b/web 8080/TCP`);
});

// Mutation check, run by hand once: with the allow rule's port changed to 5433 this test failed (the
// only verdict into b became denied); the last test keeps that mutation caught for good.
test("plus an allow from a's client to b's db on TCP 5432: exactly that is allowed into b", () => {
  const vs = matrix(denyIngressB, allowClientToDb(5432));
  expect(allowed(vs).filter((l) => / -> b\//.test(l))).toEqual(['a/client -> b/db 5432/TCP']);
  // The same pod on another port, and another pod of a on the same port, stay denied.
  expect(denied(vs)).toEqual(expect.arrayContaining(['a/client -> b/db 9187/TCP', 'a/other -> b/db 5432/TCP', 'a/client -> b/web 8080/TCP']));
  expect(allowed(vs).filter((l) => !/ -> b\//.test(l))).toEqual(allowed(open).filter((l) => !/ -> b\//.test(l)));
});

test('plus a default-deny egress in a with DNS to kube-dns: a reaches only DNS, a stays reachable', () => {
  const vs = matrix(denyIngressB, allowClientToDb(5432), denyEgressAButDns);
  // Out of a: only kube-dns on UDP and TCP 53; the db allow of b no longer helps, egress denies it first.
  expect(allowed(vs).filter((l) => l.startsWith('a/'))).toEqual([
    'a/client -> kube-system/coredns 53/UDP',
    'a/client -> kube-system/coredns 53/TCP',
    'a/other -> kube-system/coredns 53/UDP',
    'a/other -> kube-system/coredns 53/TCP',
  ]);
  expect(denied(vs)).toEqual(expect.arrayContaining(['a/client -> b/db 5432/TCP', 'a/client -> a/other 8080/TCP', `a/client -> ${OUTSIDE_HTTPS} 443/TCP`]));
  // Into a nothing changes (the policy is egress only), and b still reaches the outside.
  expect(allowed(vs)).toEqual(expect.arrayContaining(['b/db -> a/client 8080/TCP', `${EXTERNAL} -> a/other 8080/TCP`, `b/web -> ${OUTSIDE_HTTPS} 443/TCP`]));
  expect(allowed(vs).filter((l) => / -> b\//.test(l))).toEqual([]);
});

test('an ipBlock on a named port lets the outside address reach web on http only', () => {
  const vs = matrix(denyIngressB, allowExternalToWeb);
  expect(allowed(vs).filter((l) => / -> b\//.test(l))).toEqual([`${EXTERNAL} -> b/web 8080/TCP`]);
});

test('a wrong port or a wrong namespace in the allow rule changes the verdicts (the mutations are caught)', () => {
  const into = (...p: Record<string, unknown>[]) => allowed(matrix(...p)).filter((l) => / -> b\//.test(l));
  expect(into(denyIngressB, allowClientToDb(5433))).toEqual([]);
  expect(into(denyIngressB, allowClientToDb(5432, 'b'))).toEqual([]);
});

test('a policy the engine cannot read fails the harness, with the reason', () => {
  expect(() => matrix(policy('b', 'bad', { podSelector: {}, policyTypes: ['Ingress'], ingres: [] }))).toThrow(/cyclonus failed[\s\S]*unknown field/);
  expect(() => matrix({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'x' }, spec: { podSelector: {} } })).toThrow(/metadata.namespace is required/);
});
