// A real backup and restore round trip with the settings ballast synthesizes. The real PostgreSQL archives
// its WAL with barman-cloud-wal-archive (its archive_command) and takes a base backup with
// barman-cloud-backup into a loopback S3 server (gofakes3), using exactly the destination path, endpoint,
// server name and credentials that the synthesized ObjectStore and Secret name. Rows are written after
// the base backup, a moment is recorded, more rows are written; then barman-cloud-restore and
// barman-cloud-wal-restore (restore_command) recover a new data folder up to the recoveryTarget.targetTime
// the synthesized restore names. The rows from before that moment come back, the later ones do not.
//
// Mutation (done): making PostgresRestore write its targetTime one hour after pointInTime fails the check
// that the restore names the recorded moment, before anything is restored.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BarmanCloudPlugin, CloudNativePg, Manifest, planPlatform, PostgresCluster, S3BackupStore, SecretValue, terraformObjects } from '../../lib/internal';
import { FakeS3, own, PostgresServer, requireBarmanCloud, runAsServerUser } from '../support/e2e/backup-tools';
import { freePort } from '../support/e2e/processes';
import { testPlatform } from '../support/platforms';

const CREDENTIALS: Record<string, string> = { s3_key_id: 'ballast-e2e-key', s3_secret: crypto.randomBytes(12).toString('hex') };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The synthesized objects of a platform with a backed-up cluster (and, given `pointInTime`, a restore of it). */
function synthesized(endpoint: string, pointInTime?: Date) {
  const platform = testPlatform();
  new CloudNativePg(platform, 'cnpg');
  new BarmanCloudPlugin(platform, 'barman-cloud');
  const store: S3BackupStore = {
    endpoint,
    bucket: 'ballast-backups',
    accessKeyId: SecretValue.fromVariable('s3_key_id', 'S3 key id.'),
    secretAccessKey: SecretValue.fromVariable('s3_secret', 'S3 secret key.'),
  };
  new PostgresCluster(platform, 'postgres', { backup: { store }, metrics: false });
  if (pointInTime) new PostgresCluster(platform, 'restored', { clusterName: 'restored', metrics: false, restoreFrom: { store, sourceCluster: 'postgres', pointInTime } });
  const plan = planPlatform(platform);
  const flux = plan.flux.flatMap((p) => p.manifests) as Manifest[];
  const secrets = terraformObjects(plan, (v) => CREDENTIALS[v.variable]).secrets;
  return { flux, secrets };
}

/** What barman-cloud needs, read from the synthesized ObjectStore, its Secret and the Cluster that uses it. */
function barmanSettings(flux: Manifest[], secrets: Manifest[]) {
  const cluster = flux.find((m) => m.kind === 'Cluster' && m.metadata.name === 'postgres') as any;
  const plugin = cluster.spec.plugins[0];
  const store = flux.find((m) => m.kind === 'ObjectStore' && m.metadata.name === plugin.parameters.barmanObjectName) as any;
  const config = store.spec.configuration;
  const secret = (ref: { name: string; key: string }) => (secrets.find((s) => s.metadata.name === ref.name) as any).stringData[ref.key] as string;
  return {
    destination: config.destinationPath as string,
    endpoint: config.endpointURL as string,
    // The plugin's serverName parameter defaults to the Cluster's name.
    server: (plugin.parameters.serverName as string | undefined) ?? cluster.metadata.name,
    compression: config.wal.compression as string,
    // As the plugin passes them to barman-cloud.
    env: { AWS_ACCESS_KEY_ID: secret(config.s3Credentials.accessKeyId), AWS_SECRET_ACCESS_KEY: secret(config.s3Credentials.secretAccessKey) },
  };
}

let s3: FakeS3 | undefined;
const servers: PostgresServer[] = [];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ballast-backup-'));
afterAll(async () => {
  for (const s of servers) await s.stop();
  s3?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('base backup and WAL archive into the synthesized store, then a point-in-time restore to the synthesized target', async () => {
  requireBarmanCloud();
  s3 = await FakeS3.start();
  const first = synthesized(s3.endpoint);
  const b = barmanSettings(first.flux, first.secrets);
  expect(b.destination).toBe('s3://ballast-backups/test');
  expect(b.endpoint).toBe(s3.endpoint);
  expect(b.env.AWS_SECRET_ACCESS_KEY).toBe(CREDENTIALS.s3_secret);
  const endpointArgs = ['--endpoint-url', b.endpoint];

  // The source server: WAL archived by barman-cloud-wal-archive, as the plugin's sidecar does.
  own(dir);
  const password = crypto.randomBytes(12).toString('hex');
  const pwfile = path.join(dir, 'pw');
  fs.writeFileSync(pwfile, `${password}\n`);
  own(pwfile);
  const bin = PostgresServer.bin();
  const source = path.join(dir, 'source');
  await runAsServerUser(path.join(bin, 'initdb'), [`--pgdata=${source}`, '--username=ballast_admin', `--pwfile=${pwfile}`, '--auth=scram-sha-256', '--locale=C', '--no-sync']);
  fs.writeFileSync(path.join(source, 'pg_hba.conf'), 'host all all 127.0.0.1/32 scram-sha-256\n');
  const archive = `barman-cloud-wal-archive ${endpointArgs.join(' ')} --${b.compression} ${b.destination} ${b.server} %p`;
  const primary = new PostgresServer(source, await freePort(), password, { wal_level: 'replica', archive_mode: 'on', archive_command: archive }, b.env);
  servers.push(primary);
  await primary.until('it accepts connections', async () => (await primary.query('select 1')).length === 1);
  await primary.query('create table articles (id int primary key, written text not null)');
  await primary.query("insert into articles values (1, 'before the base backup')");

  // --immediate-checkpoint: the base backup starts at once instead of after a spread checkpoint (minutes).
  await runAsServerUser('barman-cloud-backup', [...endpointArgs, `--${b.compression}`, '--immediate-checkpoint', '--host=127.0.0.1', `--port=${primary.port}`, '--user=ballast_admin', b.destination, b.server], { ...b.env, PGPASSWORD: password });
  await primary.query("insert into articles values (2, 'after the base backup')");
  // The moment to restore to, from the server's own clock, with a margin on both sides.
  await sleep(1500);
  const [{ now }] = await primary.query<{ now: Date }>('select now() as now');
  await sleep(1500);
  await primary.query("insert into articles values (3, 'after the target time')");
  const [{ wal }] = await primary.query<{ wal: string }>('select pg_walfile_name(pg_current_wal_lsn()) as wal');
  await primary.query('select pg_switch_wal()');
  await primary.until(`WAL ${wal} is archived`, async () => (await primary.query<{ w: string | null }>('select last_archived_wal as w from pg_stat_archiver'))[0].w! >= wal);
  await primary.stop();

  // The restore, as the synthesized restore construct names it.
  const second = synthesized(s3.endpoint, now);
  const restored = second.flux.find((m) => m.kind === 'Cluster' && m.metadata.name === 'restored') as any;
  const origin = restored.spec.externalClusters.find((e: any) => e.name === restored.spec.bootstrap.recovery.source);
  const sourceStore = second.flux.find((m) => m.kind === 'ObjectStore' && m.metadata.name === origin.plugin.parameters.barmanObjectName) as any;
  const r = { destination: sourceStore.spec.configuration.destinationPath as string, server: origin.plugin.parameters.serverName as string, target: restored.spec.bootstrap.recovery.recoveryTarget.targetTime as string };
  expect(r).toEqual({ destination: b.destination, server: b.server, target: now.toISOString() });

  const target = path.join(dir, 'restored');
  fs.mkdirSync(target, { mode: 0o700 });
  own(target);
  // barman-cloud 3.4 restores a backup by its id (no `latest`): the one base backup the store lists.
  const listed = JSON.parse(await runAsServerUser('barman-cloud-backup-list', [...endpointArgs, '--format=json', r.destination, r.server], b.env)) as { backups_list: { backup_id: string }[] };
  expect(listed.backups_list).toHaveLength(1);
  await runAsServerUser('barman-cloud-restore', [...endpointArgs, r.destination, r.server, listed.backups_list[0].backup_id, target], b.env);
  fs.writeFileSync(path.join(target, 'recovery.signal'), '');
  own(path.join(target, 'recovery.signal'));
  const restore = `barman-cloud-wal-restore ${endpointArgs.join(' ')} ${r.destination} ${r.server} %f %p`;
  // The instance manager writes the RFC 3339 targetTime as PostgreSQL's own timestamp text: PostgreSQL
  // checks recovery_target_time before it loads time zone abbreviations, so `Z` is refused at start.
  const recoveryTargetTime = r.target.replace('T', ' ').replace(/Z$/, '+00:00');
  const copy = new PostgresServer(target, await freePort(), password, { restore_command: restore, recovery_target_time: recoveryTargetTime, recovery_target_action: 'promote', archive_mode: 'off' }, b.env);
  servers.push(copy);
  await copy.until('the restored server is promoted after recovery', async () => !(await copy.query<{ r: boolean }>('select pg_is_in_recovery() as r'))[0].r, 120_000);
  const rows = await copy.query<{ id: number; written: string }>('select id, written from articles order by id');
  expect(rows).toEqual([
    { id: 1, written: 'before the base backup' },
    { id: 2, written: 'after the base backup' },
  ]);
  expect(copy.output).toMatch(/recovery stopping before commit of transaction \d+, time /);
});
