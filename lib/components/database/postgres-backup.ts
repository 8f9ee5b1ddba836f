import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { Component } from '../../core/component';
import { reportProblem } from '../../core/errors';
import { durationProblem } from '../../core/durations';
import { PodGroup } from '../../core/network';
import { PRUNE_DISABLED } from '../../model/manifest';
import { BackupSchedule } from './backup-schedule';
import { BackupCompression, BackupStore, S3BackupStore } from './backup-store';
import { BARMAN_CLOUD_PLUGIN } from './barman-cloud-version';

/**
 * Backups of a PostgresCluster through CloudNativePG's Barman Cloud plugin (install it with
 * BarmanCloudPlugin): continuous WAL archiving into an S3-compatible store, a base backup on a schedule,
 * and the plugin deleting what is older than the retention.
 */
export interface PostgresBackupProps {
  /** Where the base backups and the WAL archive go. */
  readonly store: S3BackupStore;
  /** When a base backup is taken. @default BackupSchedule.daily(2, 0): every day at 02:00 */
  readonly schedule?: BackupSchedule;
  /**
   * How far back a restore can go: the plugin deletes base backups (and the WAL only they need) older
   * than this (`retentionPolicy`, in whole days). Shortening it on a running platform deletes backups, so
   * the day-2 guard asks for an acknowledgement.
   * @default Duration.days(30)
   */
  readonly retention?: Duration;
  /** Compression of base backups and WAL files. @default 'gzip' */
  readonly compression?: BackupCompression;
}

/**
 * A cluster's backup objects: the ObjectStore (`<cluster>-backups`, prune-disabled: it is the way to the
 * cluster's data), its credentials Secret, and the ScheduledBackup of base backups. The Cluster's
 * `plugins` entry is `pluginEntry`.
 */
export class PostgresBackup extends Construct {
  public readonly store: BackupStore;
  public readonly schedule: BackupSchedule;
  /** How long backups are kept, when it is a valid retention (the ObjectStore's `retentionPolicy`). */
  public readonly retention?: Duration;

  constructor(owner: Component, id: string, clusterName: string, instances: PodGroup, props: PostgresBackupProps) {
    super(owner, id);
    const retention = props.retention ?? Duration.days(30);
    const retentionWrong = durationProblem(retention);
    const days = retentionWrong === undefined ? retention.toMilliseconds({ integral: false }) / 86_400_000 : Number.NaN;
    if (retentionWrong !== undefined || !Number.isInteger(days) || days < 1) {
      reportProblem(owner, `backup.retention ${retentionWrong ?? `is ${Number.isFinite(days) ? `${+days.toFixed(3)} days` : 'not a number of days'}, not a whole number of days (at least 1)`}`, 'Use Duration.days(n) with n of at least 1, e.g. Duration.days(30): the plugin keeps base backups by days, weeks or months');
    }
    if (retentionWrong === undefined && Number.isInteger(days) && days >= 1) this.retention = retention;
    this.schedule = props.schedule ?? BackupSchedule.daily(2, 0);
    const scheduleWrong = this.schedule instanceof BackupSchedule ? this.schedule.problem() : 'is not a BackupSchedule';
    if (scheduleWrong !== undefined) {
      reportProblem(owner, `backup.schedule ${scheduleWrong}`, this.schedule instanceof BackupSchedule ? this.schedule.fix : 'Use BackupSchedule.daily(hour, minute), BackupSchedule.every(Duration) or BackupSchedule.cron("0 0 2 * * *")');
    }
    this.store = new BackupStore(owner, 'store', {
      store: props.store,
      setting: 'backup.store',
      name: `${clusterName}-backups`,
      clients: instances,
      retention: this.retention,
      compression: props.compression,
      annotations: PRUNE_DISABLED,
    });
    new ApiObject(this, 'scheduled-backup', {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'ScheduledBackup',
      metadata: { name: `${clusterName}-base-backup` },
      spec: {
        schedule: this.schedule instanceof BackupSchedule ? this.schedule.expression : String(this.schedule),
        cluster: { name: clusterName },
        method: 'plugin',
        pluginConfiguration: { name: BARMAN_CLOUD_PLUGIN.pluginName },
        // A first base backup at once: WAL archiving alone restores nothing without one.
        immediate: true,
        // The Backup objects go with the ScheduledBackup; what they describe stays in the store until retention.
        backupOwnerReference: 'self',
      },
    });
  }

  /** The Cluster's `spec.plugins` entry: the plugin archives the WAL into this store. */
  public get pluginEntry(): Record<string, unknown> {
    return { name: BARMAN_CLOUD_PLUGIN.pluginName, isWALArchiver: true, parameters: { barmanObjectName: this.store.name } };
  }
}
