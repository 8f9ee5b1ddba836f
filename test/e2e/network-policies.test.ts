// The NetworkPolicies ballast derives, judged by an engine that is not ballast's (cyclonus, built by
// scripts/tools.sh): over every pair of the default platform's pod groups (with their labels and the
// ports connections reach them on, plus a port nothing names), the cluster DNS and hosts outside the
// cluster, the engine allows exactly the connections the plan holds and denies every other. Then one
// reference is taken away (a service's database) and that connection is denied.
import { App } from 'cdk8s';
import { CloudNativePg, Platform, PostgresCluster, WebService } from '../../lib';
import { connectivityMatrix } from '../support/network-matrix';
import { disagreements, matrixOf, OUTSIDE_CLIENT, planPolicies } from '../support/network-expectations';
import { defaultPlan, plannedAndSaved, TEST_AGE } from '../support/synth';

describe('NetworkPolicies, checked by cyclonus', () => {
  const { plan } = defaultPlan();
  const { input, pods } = matrixOf(plan, planPolicies(plan));
  const verdicts = connectivityMatrix(input);

  it('allows every connection of the default platform and denies every other', () => {
    // Mutation checks: dropping the egress policy of ballast's workloads (network-policies.ts) lets
    // articles-api reach every pod; dropping the default deny lets every pod reach unrouted ports.
    expect(verdicts.length).toBeGreaterThan(1000);
    expect(disagreements(plan, pods, verdicts)).toEqual([]);
    const allowed = (from: string, to: string, port: number) => verdicts.find((v) => v.from === from && v.to === to && v.port === port)?.allowed;
    // Spot checks a reader can follow: the remote-write receiver, the database, the entry points.
    expect(allowed('loadtests/k6-constant', 'monitoring/prometheus', 9090)).toBe(true);
    expect(allowed('articles/articles-ui', 'monitoring/prometheus', 9090)).toBe(false);
    expect(allowed('articles/articles-api', 'database/postgres', 5432)).toBe(true);
    expect(allowed('articles/articles-ui', 'database/postgres', 5432)).toBe(false);
    expect(allowed(OUTSIDE_CLIENT, 'traefik/traefik', 8443)).toBe(true);
    expect(allowed(OUTSIDE_CLIENT, 'articles/articles-api', 8080)).toBe(false);
  });

  it("denies a service's database once the reference to it is gone", () => {
    const build = (withDatabase: boolean) => {
      const platform = new Platform(new App(), 'p', {
        domain: 'example.com',
        clusterName: 'test',
        git: { url: 'https://github.com/example/gitops.git' },
        sops: { ageRecipients: [TEST_AGE.recipient] },
      });
      new CloudNativePg(platform, 'cnpg');
      const postgres = new PostgresCluster(platform, 'postgres', { replicas: 0, metrics: false, secrets: 'sops' });
      new WebService(platform, 'orders', {
        image: 'ghcr.io/example/orders:1.0.0',
        metricsPath: false,
        secrets: 'sops',
        ...(withDatabase ? { database: { cluster: postgres, name: 'orders', env: (db) => ({ DATABASE_URL: db.uri }) } } : {}),
      });
      return plannedAndSaved(platform);
    };
    const withDb = build(true);
    const matrix = matrixOf(withDb, planPolicies(withDb));
    const reach = (policies: Record<string, unknown>[]) =>
      connectivityMatrix({ ...matrix.input, policies }).find((v) => v.from === 'orders/orders' && v.to === 'database/postgres' && v.port === 5432)?.allowed;
    expect(reach(planPolicies(withDb))).toBe(true);
    const withoutDb = build(false);
    // Same pods, the policies of the platform without the reference.
    expect(reach(planPolicies(withoutDb))).toBe(false);
    expect(disagreements(withDb, matrix.pods, connectivityMatrix(matrix.input))).toEqual([]);
  });
});
