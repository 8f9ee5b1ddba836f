// What SonarQube emits: its chart on the platform's PostgreSQL, its Secrets and its route.
import { CloudNativePg, PostgresCluster, SonarQube, Traefik } from '../../../lib';
import { synthComponent } from '../../../lib/testing';

test('SonarQube', () => {
  const output = synthComponent((platform) => {
    new CloudNativePg(platform, 'cnpg');
    const database = new PostgresCluster(platform, 'postgres', { metrics: false });
    return new SonarQube(platform, 'sonarqube', { database, ingress: new Traefik(platform, 'traefik') });
  });
  expect(output).toMatchSnapshot();
});
