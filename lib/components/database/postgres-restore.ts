import { Construct } from 'constructs';
import { Component } from '../../core/component';
import { reportProblem } from '../../core/errors';
import { isDnsLabel } from '../../core/names';
import { PodGroup } from '../../core/network';
import { S3BackupStore, BackupStore } from './backup-store';
import { BARMAN_CLOUD_PLUGIN } from './barman-cloud-version';

/**
 * Where a new PostgresCluster takes its data from: the backups of another cluster (by its name, the
 * folder its backups are under), optionally up to a point in time. Restoring is making a new cluster; the
 * old one, if it still runs, is left as it is.
 */
export interface PostgresRestoreProps {
  /** The store that holds the backups (the same settings as the source cluster's `backup.store`). */
  readonly store: S3BackupStore;
  /** The name of the cluster whose backups are restored (its `clusterName`: the folder under the store's path). */
  readonly sourceCluster: string;
  /**
   * Replays the WAL up to this moment and stops there (`recoveryTarget.targetTime`, RFC 3339 in UTC): the
   * state just before a bad migration or a dropped table. It must lie after the end of a base backup.
   * @default the end of the archived WAL: everything the source archived
   */
  readonly pointInTime?: Date;
}

/**
 * The recovery of a PostgresCluster (its `restoreFrom`): an ObjectStore `<cluster>-restore-source`
 * pointing at the source's backups (without retention: it never deletes the backups it reads), and the
 * Cluster's `bootstrap.recovery` and `externalClusters` entry through the Barman Cloud plugin.
 */
export class PostgresRestore extends Construct {
  public readonly store: BackupStore;
  public readonly sourceCluster: string;
  /** `recoveryTarget.targetTime`, when restoring to a point in time. */
  public readonly targetTime?: string;

  constructor(owner: Component, id: string, clusterName: string, instances: PodGroup, props: PostgresRestoreProps) {
    super(owner, id);
    this.sourceCluster = props.sourceCluster;
    if (typeof props.sourceCluster !== 'string' || !isDnsLabel(props.sourceCluster)) {
      reportProblem(owner, `restoreFrom.sourceCluster "${String(props.sourceCluster)}" is not a cluster name`, 'Give the clusterName of the cluster whose backups are restored (lowercase letters, digits and "-")');
    }
    if (props.pointInTime !== undefined) {
      if (!(props.pointInTime instanceof Date) || Number.isNaN(props.pointInTime.getTime())) {
        reportProblem(owner, `restoreFrom.pointInTime is ${props.pointInTime instanceof Date ? 'an invalid Date' : `a ${typeof props.pointInTime}, not a Date`}`, 'Use a Date, e.g. new Date("2026-03-01T09:30:00Z")');
      } else {
        // toISOString is RFC 3339 in UTC (`Z`), which the Cluster CRD's targetTime takes.
        this.targetTime = props.pointInTime.toISOString();
      }
    }
    this.store = new BackupStore(owner, 'source', { store: props.store, setting: 'restoreFrom.store', name: `${clusterName}-restore-source`, clients: instances });
  }

  /** The Cluster's `spec.bootstrap`. */
  public get bootstrap(): Record<string, unknown> {
    return { recovery: { source: 'origin', ...(this.targetTime ? { recoveryTarget: { targetTime: this.targetTime } } : {}) } };
  }

  /** The Cluster's `spec.externalClusters`: the source's backups through the plugin. */
  public get externalClusters(): Record<string, unknown>[] {
    return [{ name: 'origin', plugin: { name: BARMAN_CLOUD_PLUGIN.pluginName, parameters: { barmanObjectName: this.store.name, serverName: this.sourceCluster } } }];
  }
}
