// A database and its consumer choose where their Secrets go independently: every combination of
// `secrets: 'terraform' | 'sops'` synthesizes, each Secret goes the one way its values can travel, and no
// value reaches the output in plaintext.
import * as path from 'path';
import { CloudNativePg, planPlatform, PostgresCluster, SecretsBackend, SonarQube, Traefik, WebService } from '../../lib/internal';
import { testPlatform } from '../support/platforms';
import { readTree, synthToTemp, TEST_AGE, terraformJson } from '../support/synth';

const MODES: SecretsBackend[] = ['terraform', 'sops'];
const combinations = MODES.flatMap((database) => MODES.flatMap((sonarqube) => MODES.map((api) => ({ database, sonarqube, api }))));

function platformWith(modes: { database: SecretsBackend; sonarqube: SecretsBackend; api: SecretsBackend }) {
  const platform = testPlatform({ sops: { ageRecipients: [TEST_AGE.recipient] } });
  const traefik = new Traefik(platform, 'traefik');
  new CloudNativePg(platform, 'cnpg');
  const postgres = new PostgresCluster(platform, 'postgres', { secrets: modes.database, metrics: false });
  new SonarQube(platform, 'sonarqube', { database: postgres, ingress: traefik, secrets: modes.sonarqube });
  new WebService(platform, 'api', {
    namespace: 'api',
    image: 'ghcr.io/example/api:1.0.0',
    port: 8080,
    metricsPath: false,
    secrets: modes.api,
    database: { cluster: postgres, name: 'api', env: (db) => ({ DATABASE_URL: db.uri }) },
  });
  return platform;
}

describe.each(combinations)('database $database, SonarQube $sonarqube, API $api', (modes) => {
  const plan = planPlatform(platformWith(modes));
  const inGit = plan.flux.flatMap((p) => p.encryptedSecrets.map((s) => `${s.metadata.namespace}/${s.metadata.name}`)).sort();
  const inTerraform = plan.terraform.secrets.map((s) => `${s.namespace}/${s.name}`).sort();

  test('the role credentials and their copies go the way the database password can', () => {
    const credentials = ['api/postgres-api-credentials', 'database/postgres-api-credentials', 'database/postgres-sonarqube-credentials', 'sonarqube/postgres-sonarqube-credentials'];
    // A Terraform variable reaches the cluster only through Terraform; a generated password only through Git.
    expect(credentials.filter((c) => (modes.database === 'sops' ? inGit : inTerraform).includes(c))).toEqual(credentials);
    // SonarQube's own passcode follows SonarQube's setting.
    expect((modes.sonarqube === 'sops' ? inGit : inTerraform).includes('sonarqube/sonarqube-monitoring')).toBe(true);
    // Nothing is written twice.
    expect(inGit.filter((s) => inTerraform.includes(s))).toEqual([]);
  });

  test('both backends render, and no generated value is in the output', () => {
    const dir = synthToTemp(platformWith(modes));
    const tf = terraformJson(path.join(dir, 'cdktf'));
    for (const s of Object.values((tf.resource.kubernetes_secret_v1 ?? {}) as Record<string, any>)) {
      for (const v of Object.values(s.data_wo as Record<string, string>)) expect(v).toMatch(/^\$\{var\.[a-z0-9_]+\}$|^[a-z_]+$/);
    }
    const generated = plan.flux.flatMap((p) => p.encryptedSecrets).flatMap((s) => Object.entries(s.stringData as Record<string, string>).filter(([k]) => k !== 'username').map(([, v]) => v));
    const everything = Object.values(readTree(dir)).join('\n');
    for (const value of generated) expect(everything).not.toContain(value);
  });
});
