// What a PostgreSQL cluster emits, with one database for a consumer (the operator is a dependency, not shown).
import { CloudNativePg, Component, Platform, PostgresCluster, PostgresClusterProps } from '../../../lib';
import { synthComponent } from '../../../lib/testing';

function clusterWithDatabase(platform: Platform, props: PostgresClusterProps = {}): PostgresCluster {
  new CloudNativePg(platform, 'cnpg');
  const postgres = new PostgresCluster(platform, 'postgres', { replicas: 1, metrics: false, ...props });
  postgres.addDatabase(new Component(platform, 'app', { namespace: 'app' }), 'articles');
  return postgres;
}

test('PostgresCluster with a database, password from a Terraform variable', () => {
  expect(synthComponent((platform) => clusterWithDatabase(platform))).toMatchSnapshot();
});

test("PostgresCluster with secrets: 'sops': the credentials go to Git encrypted (shown as their shape)", () => {
  // A public key only: the Secrets are encrypted for it, and the snapshot shows their shape, not ciphertext.
  const sops = { ageRecipients: ['age16ztwxllpspvkz0l6rm6avazgpvct8r4dza3wqu74pwy5a6wq4qsqn2u6ym'] };
  expect(synthComponent((platform) => clusterWithDatabase(platform, { secrets: 'sops' }), { config: { sops } })).toMatchSnapshot();
});
