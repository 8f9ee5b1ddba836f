// Generated secrets live in a SOPS-encrypted file committed beside the platform code: every checkout that
// holds the platform's age key synthesizes the same values, a value the last synth used is never invented
// again, and a new one comes only from a rotation by name.
import * as fs from 'fs';
import * as path from 'path';
import { problemOf } from '../support/problems';
import { formatSynthReport, generateAgeIdentity, localAgeKey, readInventory, sopsDecrypt } from '../../lib/internal';
import { outputSnapshot, stackJson, synthShape, Workspace, workspace } from '../support/day2';
import { TEST_AGE } from '../support/synth';

const gitSecrets = (ws: Workspace) => {
  const file = fs.readFileSync(path.join(ws.flux, 'infrastructure', 'configs', 'postgres.yaml'), 'utf8');
  return file
    .split(/^---\n/m)
    .filter((d) => d.includes('\nsops:'))
    .map((d) => sopsDecrypt(d, TEST_AGE.identity) as { metadata: { name: string }; stringData: Record<string, string> });
};
const password = (ws: Workspace) => gitSecrets(ws).find((s) => s.metadata.name === 'postgres-app-credentials')!.stringData.password;

/** Runs `body` with SOPS_AGE_KEY set to `key` (or unset), then puts it back. */
function withAgeKey<T>(key: string | undefined, body: () => T): T {
  const before = process.env.SOPS_AGE_KEY;
  if (key === undefined) delete process.env.SOPS_AGE_KEY;
  else process.env.SOPS_AGE_KEY = key;
  try {
    return body();
  } finally {
    process.env.SOPS_AGE_KEY = before;
  }
}

test('a first synth generates the values and keeps them encrypted in the secrets file; the next reads them', () => {
  const ws = workspace();
  const first = synthShape(ws, { postgres: 'sops' });
  expect(first.plan.day2.secretStore.used).toEqual([{ name: 'app_db_password', status: 'new' }]);
  const file = fs.readFileSync(ws.secrets, 'utf8');
  expect(file).toMatch(/^generated:\n {2}app_db_password: ENC\[AES256_GCM,/);
  expect(file).not.toContain(password(ws));
  expect((sopsDecrypt(file, TEST_AGE.identity) as { generated: Record<string, string> }).generated).toEqual({ app_db_password: password(ws) });
  expect(readInventory(ws.flux)!.generatedSecrets).toEqual(['app_db_password']);

  const again = synthShape(ws, { postgres: 'sops' });
  expect(again.plan.day2.secretStore.used).toEqual([{ name: 'app_db_password', status: 'kept' }]);
  expect(fs.readFileSync(ws.secrets, 'utf8')).toBe(file);
});

test('another checkout (a fresh clone, a CI job) with the key and the committed files gets the same values', () => {
  const ws = workspace();
  synthShape(ws, { postgres: 'sops' });
  const clone = workspace();
  fs.copyFileSync(ws.secrets, clone.secrets);
  fs.cpSync(ws.flux, clone.flux, { recursive: true });
  synthShape(clone, { postgres: 'sops' });
  expect(password(clone)).toBe(password(ws));
  expect(fs.readFileSync(clone.secrets, 'utf8')).toBe(fs.readFileSync(ws.secrets, 'utf8'));
});

test('a fresh machine (no local cache of encrypted documents) rewrites no unchanged Secret: it reuses the previous output\'s', () => {
  const ws = workspace();
  synthShape(ws, { postgres: 'sops' });
  const file = path.join(ws.flux, 'infrastructure', 'configs', 'postgres.yaml');
  const before = fs.readFileSync(file, 'utf8');
  const clone = workspace();
  fs.copyFileSync(ws.secrets, clone.secrets);
  fs.cpSync(ws.flux, clone.flux, { recursive: true });
  const cache = process.env.BALLAST_CACHE;
  process.env.BALLAST_CACHE = path.join(clone.root, 'empty-cache');
  try {
    synthShape(clone, { postgres: 'sops' });
    expect(fs.readFileSync(path.join(clone.flux, 'infrastructure', 'configs', 'postgres.yaml'), 'utf8')).toBe(before);
    // A rotated value is encrypted anew, of course.
    synthShape(clone, { postgres: 'sops' }, { rotate: ['app_db_password'] });
    expect(fs.readFileSync(path.join(clone.flux, 'infrastructure', 'configs', 'postgres.yaml'), 'utf8')).not.toBe(before);
  } finally {
    if (cache === undefined) delete process.env.BALLAST_CACHE;
    else process.env.BALLAST_CACHE = cache;
  }
});

test('a checkout that lost the secrets file is refused, never given new passwords; nothing is written', () => {
  const ws = workspace();
  synthShape(ws, { postgres: 'sops' });
  fs.rmSync(ws.secrets);
  const before = outputSnapshot(ws);
  expect(problemOf(() => void synthShape(ws, { postgres: 'sops' }))).toBe(
    `ballast/app: Secret app/postgres-app-credentials key password cannot be read: the generated secret app_db_password was used by the previous synth (${ws.flux}/.ballast/inventory.json), but ${ws.secrets} does not hold it: a new value would change it under the running workloads. Restore ${ws.secrets} (it is committed beside the platform code), or give it a new value on purpose: --rotate app_db_password.\n` +
      `ballast/postgres: Secret database/postgres-app-credentials key password cannot be read: the generated secret app_db_password was used by the previous synth (${ws.flux}/.ballast/inventory.json), but ${ws.secrets} does not hold it: a new value would change it under the running workloads. Restore ${ws.secrets} (it is committed beside the platform code), or give it a new value on purpose: --rotate app_db_password.`,
  );
  expect(outputSnapshot(ws)).toEqual(before);
});

test('a secrets file no available key decrypts is refused, saying where keys were looked for', () => {
  const ws = workspace();
  synthShape(ws, { postgres: 'sops' });
  const before = outputSnapshot(ws);
  const message = withAgeKey(generateAgeIdentity().identity, () => problemOf(() => void synthShape(ws, { postgres: 'sops' })));
  expect(message).toContain(`${ws.secrets} cannot be decrypted with the 1 age key(s) found`);
  expect(message).toContain("Set SOPS_AGE_KEY_FILE to the key file of one of its recipients (age-keygen -y prints a key's public key).");
  const none = withAgeKey(undefined, () => problemOf(() => void synthShape(ws, { postgres: 'sops' })));
  expect(none).toContain(`${ws.secrets} holds the generated secrets, but no age key was found to decrypt it (looked at SOPS_AGE_KEY, SOPS_AGE_KEY_FILE,`);
  expect(outputSnapshot(ws)).toEqual(before);
});

test('rotation by name: a generated value is replaced and reported; a Terraform variable gets a new write-only revision', () => {
  const ws = workspace();
  synthShape(ws, { postgres: 'sops' });
  const old = password(ws);
  const rotated = synthShape(ws, { postgres: 'sops' }, { rotate: ['app_db_password', 'grafana_admin_password'] });
  expect(rotated.plan.day2.secretStore.used).toEqual([{ name: 'app_db_password', status: 'rotated' }]);
  expect(password(ws)).not.toBe(old);
  expect(password(ws)).toMatch(/^[A-Za-z0-9_-]{32}$/);
  const grafana = () => stackJson(ws).resource.kubernetes_secret_v1['secret_monitoring_grafana-admin'];
  expect(grafana().data_wo_revision).toBe(2);
  expect(rotated.plan.day2.rotatedVariables).toEqual(['grafana_admin_password']);
  expect(formatSynthReport(rotated.plan)).toBe(
    `ballast: secret app_db_password: rotated, saved in ${ws.secrets}\n` +
      'ballast: secret grafana_admin_password: Terraform variable rotated (write-only revision 2); the next terraform apply sends its current value\n',
  );
  // The revision is remembered: the next synth keeps it, so Terraform does not send the value again.
  synthShape(ws, { postgres: 'sops' });
  expect(grafana().data_wo_revision).toBe(2);
  expect(readInventory(ws.flux)!.revisions.grafana_admin_password).toBe(2);
});

test('a rotation that names nothing is an error', () => {
  const ws = workspace();
  expect(problemOf(() => void synthShape(ws, { postgres: 'sops' }, { rotate: ['nope'] }))).toBe(
    'ballast: rotate names nope, which is neither a generated secret nor a Terraform variable of this platform. Use one of: app_db_password, grafana_admin_password, sops_age_key, traefik_admin_users.',
  );
});

test('values an earlier version kept in .ballast/generated-secrets.json move into the encrypted file', () => {
  const ws = workspace();
  const cwd = process.cwd();
  process.chdir(ws.root);
  try {
    fs.mkdirSync('.ballast');
    fs.writeFileSync('.ballast/generated-secrets.json', JSON.stringify({ app_db_password: 'k'.repeat(32) }));
    synthShape(ws, { postgres: 'sops' });
  } finally {
    process.chdir(cwd);
  }
  expect(password(ws)).toBe('k'.repeat(32));
  expect((sopsDecrypt(fs.readFileSync(ws.secrets, 'utf8'), TEST_AGE.identity) as { generated: object }).generated).toEqual({ app_db_password: 'k'.repeat(32) });
});

test("the checkout's own age key: made and kept on first use, or made in memory only where nothing may be written", () => {
  const ws = workspace();
  const file = path.join(ws.root, '.ballast', 'age.key');
  const ephemeral = localAgeKey(file, { save: false });
  expect(fs.existsSync(file)).toBe(false);
  expect(ephemeral.recipient).toMatch(/^age1/);
  const made = localAgeKey(file);
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  expect(localAgeKey(file)).toEqual(made);
  expect(localAgeKey(file, { save: false })).toEqual(made);
});
