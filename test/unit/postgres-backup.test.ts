// PostgresCluster's backups and restore, as typed settings: the objects the Barman Cloud plugin and
// CloudNativePG read (fields checked against their CRDs in schemas.test.ts and on the API server in the
// e2e tier), and every mistake reported at once, as `<construct path>: <what is wrong>. <how to fix>.`
import { BackupSchedule, BarmanCloudPlugin, CloudNativePg, Duration, Manifest, planPlatform, PostgresCluster, PRUNE_DISABLED, S3BackupStore, SecretValue } from '../../lib/internal';
import { testPlatform } from '../support/platforms';

const store = (over: Partial<S3BackupStore> = {}): S3BackupStore => ({
  endpoint: 'https://s3.eu-central-1.amazonaws.com',
  bucket: 'platform-backups',
  accessKeyId: SecretValue.fromVariable('s3_key_id', 'S3 key id.'),
  secretAccessKey: SecretValue.fromVariable('s3_secret', 'S3 secret key.'),
  ...over,
});

function platformWith(props: ConstructorParameters<typeof PostgresCluster>[2]) {
  const platform = testPlatform();
  new CloudNativePg(platform, 'cnpg');
  new BarmanCloudPlugin(platform, 'barman-cloud');
  const postgres = new PostgresCluster(platform, 'postgres', { metrics: false, ...props });
  return { platform, postgres, objects: () => postgres.manifests() as any[] };
}
const problemsOf = (props: ConstructorParameters<typeof PostgresCluster>[2]) => {
  const { platform } = platformWith(props);
  try {
    planPlatform(platform);
  } catch (err) {
    return (err as Error).message;
  }
  return '';
};

test('backup: an ObjectStore with the store, WAL archiving by the plugin, a nightly base backup, 30 days', () => {
  const { objects, postgres } = platformWith({ backup: { store: store() } });
  const byKind = (kind: string) => objects().find((o: Manifest) => o.kind === kind);
  expect(byKind('ObjectStore')).toEqual({
    apiVersion: 'barmancloud.cnpg.io/v1',
    kind: 'ObjectStore',
    metadata: { name: 'postgres-backups', namespace: 'database', annotations: PRUNE_DISABLED },
    spec: {
      configuration: {
        // The folder defaults to the platform's cluster name (testConfig's "test").
        destinationPath: 's3://platform-backups/test',
        endpointURL: 'https://s3.eu-central-1.amazonaws.com',
        s3Credentials: {
          accessKeyId: { name: 'postgres-backups-credentials', key: 'ACCESS_KEY_ID' },
          secretAccessKey: { name: 'postgres-backups-credentials', key: 'ACCESS_SECRET_KEY' },
        },
        wal: { compression: 'gzip' },
        data: { compression: 'gzip' },
      },
      retentionPolicy: '30d',
    },
  });
  expect(byKind('Cluster').spec.plugins).toEqual([{ name: 'barman-cloud.cloudnative-pg.io', isWALArchiver: true, parameters: { barmanObjectName: 'postgres-backups' } }]);
  expect(byKind('ScheduledBackup').spec).toEqual({
    schedule: '0 0 2 * * *',
    cluster: { name: 'postgres' },
    method: 'plugin',
    pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io' },
    immediate: true,
    backupOwnerReference: 'self',
  });
  // The credentials are a Secret of SecretValues (Terraform variables here), never values in the output.
  expect(postgres.bootstrapSecrets.find((s) => s.name === 'postgres-backups-credentials')!.data).toEqual({ ACCESS_KEY_ID: expect.any(SecretValue), ACCESS_SECRET_KEY: expect.any(SecretValue) });
  // The instances may reach the store (HTTPS, any address: it is outside the cluster).
  expect(postgres.network.connections).toContainEqual(expect.objectContaining({ from: postgres.instances.toNetworkPeer(), to: { kind: 'cidr', cidr: '0.0.0.0/0' }, ports: [{ port: 443, protocol: 'TCP' }] }));
});

test('schedules, retention and a store inside the cluster render as CloudNativePG and the plugin read them', () => {
  const { objects, postgres } = platformWith({
    backup: { store: store({ endpoint: 'http://minio.minio.svc:9000', path: 'prod/pg' }), schedule: BackupSchedule.every(Duration.hours(6)), retention: Duration.days(28), compression: 'snappy' },
  });
  const objectStore = objects().find((o: Manifest) => o.kind === 'ObjectStore');
  expect(objectStore.spec.retentionPolicy).toBe('28d');
  expect(objectStore.spec.configuration.destinationPath).toBe('s3://platform-backups/prod/pg');
  expect(objectStore.spec.configuration.wal.compression).toBe('snappy');
  expect(objects().find((o: Manifest) => o.kind === 'ScheduledBackup').spec.schedule).toBe('@every 6h');
  expect(BackupSchedule.cron('0 30 2 * * 0').expression).toBe('0 30 2 * * 0');
  expect(postgres.network.connections).toContainEqual(expect.objectContaining({ to: { kind: 'pods', pods: { namespace: 'minio', labels: {} } }, ports: [{ port: 9000, protocol: 'TCP' }] }));
});

test('restoreFrom: a new cluster bootstrapped by recovery from the source\'s backups, to a point in time', () => {
  const { objects } = platformWith({ clusterName: 'restored', restoreFrom: { store: store(), sourceCluster: 'postgres', pointInTime: new Date('2026-03-01T09:30:00+01:00') } });
  const cluster = objects().find((o: Manifest) => o.kind === 'Cluster');
  expect(cluster.spec.bootstrap).toEqual({ recovery: { source: 'origin', recoveryTarget: { targetTime: '2026-03-01T08:30:00.000Z' } } });
  expect(cluster.spec.externalClusters).toEqual([{ name: 'origin', plugin: { name: 'barman-cloud.cloudnative-pg.io', parameters: { barmanObjectName: 'restored-restore-source', serverName: 'postgres' } } }]);
  const source = objects().find((o: Manifest) => o.kind === 'ObjectStore');
  // The source is read, never pruned of backups: no retention, and not archived into.
  expect(source.spec.retentionPolicy).toBeUndefined();
  expect(cluster.spec.plugins).toBeUndefined();
  expect(objects().some((o: Manifest) => o.kind === 'ScheduledBackup')).toBe(false);
});

// Mutation (done): removing the bucket check in backup-store.ts drops its line from this message.
test('every mistake of the backup settings is reported at once, each with its fix', () => {
  const message = problemsOf({
    backup: { store: store({ endpoint: 's3.example.com', bucket: 'Bad_Bucket', path: '/lead' }), schedule: BackupSchedule.cron('0 2 * * *'), retention: Duration.hours(36) },
  });
  expect(message).toContain('ballast/postgres: backup.store.endpoint "s3.example.com" is not a URL. Use the http(s) URL of the S3 API without credentials, path or query, e.g. "https://s3.eu-central-1.amazonaws.com" or "http://minio.minio.svc:9000".');
  expect(message).toContain('ballast/postgres: backup.store.bucket "Bad_Bucket" is not an S3 bucket name. Use 3 to 63 lowercase letters, digits, "." and "-", starting and ending with a letter or digit, e.g. "platform-backups".');
  expect(message).toContain('ballast/postgres: backup.store.path "/lead" is not a folder of the bucket.');
  expect(message).toContain('ballast/postgres: backup.schedule "0 2 * * *" has 5 fields, and CloudNativePG reads six (seconds first). Write six fields, seconds first');
  expect(message).toContain('ballast/postgres: backup.retention is 1.5 days, not a whole number of days (at least 1). Use Duration.days(n)');
  expect(problemsOf({ backup: { store: store({ endpoint: 'https://user:pw@s3.example.com' }) } })).toContain('backup.store.endpoint "https://user:pw@s3.example.com" holds credentials');
  expect(problemsOf({ backup: { store: store(), schedule: BackupSchedule.daily(25, 0) } })).toContain('backup.schedule hour 25 is not a time of day');
  expect(problemsOf({ backup: { store: store(), schedule: BackupSchedule.every(Duration.seconds(10)) } })).toContain('backup.schedule interval 10s is shorter than a minute');
  expect(problemsOf({ restoreFrom: { store: store(), sourceCluster: 'Postgres!', pointInTime: new Date('nope') } })).toMatch(/restoreFrom.sourceCluster "Postgres!" is not a cluster name[\s\S]*restoreFrom.pointInTime is an invalid Date/);
  expect(problemsOf({ backup: { store: store() }, restoreFrom: { store: store(), sourceCluster: 'postgres' } })).toContain('it would archive its WAL into s3://platform-backups/test/postgres, the backups it restores from');
});

test('without a BarmanCloudPlugin the ObjectStore has no CRD, and the plan says so', () => {
  const platform = testPlatform();
  new CloudNativePg(platform, 'cnpg');
  new PostgresCluster(platform, 'postgres', { metrics: false, backup: { store: store() } });
  expect(() => planPlatform(platform)).toThrow(/no component installs the CRD of ObjectStore "postgres-backups" \(barmancloud.cnpg.io\/v1\)/);
});
