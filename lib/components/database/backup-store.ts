import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { Component } from '../../core/component';
import { reportProblem } from '../../core/errors';
import { NetworkPeer, PodGroup } from '../../core/network';
import { SecretValue } from '../../core/secret';
import { BARMAN_CLOUD_PLUGIN } from './barman-cloud-version';

/**
 * An S3-compatible object store for PostgreSQL's base backups and WAL archive (AWS S3, MinIO, Ceph RGW,
 * Garage...), as the Barman Cloud plugin's `ObjectStore` reads it. The credentials are SecretValues: they
 * reach a Secret in the cluster, never the output in plain text.
 */
export interface S3BackupStore {
  /** The S3 API's URL (`endpointURL`), e.g. `https://s3.eu-central-1.amazonaws.com` or `http://minio.minio.svc:9000`. */
  readonly endpoint: string;
  /** The bucket; it must exist (barman-cloud does not create it). */
  readonly bucket: string;
  /**
   * The folder in the bucket; each cluster writes under `<path>/<server name>/` (`base/` and `wals/`).
   * @default the platform's cluster name, so that the clusters of a fleet never share a folder
   */
  readonly path?: string;
  /** The access key id (`AWS_ACCESS_KEY_ID` to barman-cloud). */
  readonly accessKeyId: SecretValue;
  /** The secret access key (`AWS_SECRET_ACCESS_KEY` to barman-cloud). */
  readonly secretAccessKey: SecretValue;
}

/** Compression of base backups and WAL files (the values both the ObjectStore's `data` and `wal` accept). */
export type BackupCompression = 'gzip' | 'bzip2' | 'snappy' | 'lz4';
const COMPRESSIONS: readonly BackupCompression[] = ['gzip', 'bzip2', 'snappy', 'lz4'];

/** The keys of the credentials Secret (the plugin's documentation uses the same names). */
export const BACKUP_CREDENTIAL_KEYS = { accessKeyId: 'ACCESS_KEY_ID', secretAccessKey: 'ACCESS_SECRET_KEY' } as const;

/** Options of a BackupStore. */
export interface BackupStoreOptions {
  readonly store: S3BackupStore;
  /** `<setting>` in messages (`backup.store`, `restoreFrom.store`). */
  readonly setting: string;
  /** The ObjectStore's name; its credentials Secret is `<name>-credentials`. */
  readonly name: string;
  /** The pods that read and write it (a cluster's instances): let out to the endpoint. */
  readonly clients: PodGroup;
  /** `spec.retentionPolicy`, in whole days (checked by the caller). @default none: the plugin deletes nothing */
  readonly retention?: Duration;
  /** @default 'gzip' */
  readonly compression?: BackupCompression;
  /** Flux's prune-disabled annotation, for a store that holds the data of a cluster. @default none */
  readonly annotations?: Record<string, string>;
}

/**
 * One `ObjectStore` (barmancloud.cnpg.io/v1) and the Secret of its credentials, in the namespace of the
 * component it belongs to (the plugin reads both from the Cluster's namespace). Made by PostgresCluster
 * for its backups and for a restore.
 */
export class BackupStore extends Construct {
  /** The ObjectStore's name (a Cluster's `barmanObjectName`). */
  public readonly name: string;
  /** `s3://<bucket>/<path>`: the ObjectStore's `destinationPath`. */
  public readonly destinationPath: string;
  public readonly endpoint: string;
  /** The name of the Secret with the credentials. */
  public readonly secretName: string;

  constructor(owner: Component, id: string, options: BackupStoreOptions) {
    super(owner, id);
    const { store, setting } = options;
    this.name = options.name;
    this.endpoint = store.endpoint;
    this.secretName = `${options.name}-credentials`;
    const folder = store.path ?? owner.platform.clusterName;
    this.destinationPath = `s3://${store.bucket}/${folder}`;
    const url = endpointProblems(owner, setting, store.endpoint);
    if (!isBucketName(store.bucket)) {
      reportProblem(owner, `${setting}.bucket "${String(store.bucket)}" is not an S3 bucket name`, 'Use 3 to 63 lowercase letters, digits, "." and "-", starting and ending with a letter or digit, e.g. "platform-backups"');
    }
    if (typeof folder !== 'string' || !/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(folder) || folder.split('/').some((s) => s === '.' || s === '..')) {
      reportProblem(owner, `${setting}.path "${String(folder)}" is not a folder of the bucket`, 'Use folder names of letters, digits, ".", "_" and "-" joined by "/", without a leading or trailing "/", e.g. "production/postgres"');
    }
    const compression = options.compression ?? 'gzip';
    if (!COMPRESSIONS.includes(compression)) {
      reportProblem(owner, `backup compression "${String(compression)}" is not one barman-cloud offers for both base backups and WAL`, `Use one of ${COMPRESSIONS.map((c) => `'${c}'`).join(', ')}`);
    }
    owner.addBootstrapSecret(this.secretName, { [BACKUP_CREDENTIAL_KEYS.accessKeyId]: store.accessKeyId, [BACKUP_CREDENTIAL_KEYS.secretAccessKey]: store.secretAccessKey });
    if (url) owner.network.allowTo(storePeer(url), { from: options.clients, ports: [{ port: storePort(url) }], why: `base backups and WAL to the object store ${url.host}` });

    new ApiObject(this, 'object-store', {
      apiVersion: BARMAN_CLOUD_PLUGIN.apiVersion,
      kind: 'ObjectStore',
      metadata: { name: this.name, ...(options.annotations ? { annotations: options.annotations } : {}) },
      spec: {
        configuration: {
          destinationPath: this.destinationPath,
          endpointURL: store.endpoint,
          s3Credentials: {
            accessKeyId: { name: this.secretName, key: BACKUP_CREDENTIAL_KEYS.accessKeyId },
            secretAccessKey: { name: this.secretName, key: BACKUP_CREDENTIAL_KEYS.secretAccessKey },
          },
          wal: { compression },
          data: { compression },
        },
        ...(options.retention ? { retentionPolicy: `${Math.round(options.retention.toMilliseconds({ integral: false }) / 86_400_000)}d` } : {}),
      },
    });
  }
}

/** The endpoint as a URL, after reporting what is wrong with it; undefined when it cannot be used. */
function endpointProblems(owner: Component, setting: string, endpoint: unknown): URL | undefined {
  const fix = 'Use the http(s) URL of the S3 API without credentials, path or query, e.g. "https://s3.eu-central-1.amazonaws.com" or "http://minio.minio.svc:9000"';
  let url: URL | undefined;
  try {
    url = typeof endpoint === 'string' ? new URL(endpoint) : undefined;
  } catch {
    url = undefined;
  }
  const why = !url
    ? 'is not a URL'
    : !['http:', 'https:'].includes(url.protocol)
      ? `has the scheme ${url.protocol.replace(':', '')}, not http or https`
      : url.username || url.password
        ? 'holds credentials, which would be written to the output'
        : (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash
          ? 'has a path, query or fragment: the bucket and folder are settings of their own'
          : undefined;
  if (why === undefined) return url;
  reportProblem(owner, `${setting}.endpoint "${String(endpoint)}" ${why}`, fix);
  return undefined;
}

/**
 * An S3 bucket name (AWS's rules, which S3-compatible stores follow): 3-63 characters, lowercase letters,
 * digits, dots and hyphens, a letter or digit at both ends, no `..`, not an IPv4 address.
 */
export function isBucketName(name: unknown): boolean {
  return typeof name === 'string' && /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) && !name.includes('..') && !/^\d+\.\d+\.\d+\.\d+$/.test(name);
}

/** Where the store is: an address, a Service of the cluster (`<service>.<namespace>.svc...`), or anywhere. */
function storePeer(url: URL): NetworkPeer {
  const host = url.hostname;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return NetworkPeer.cidr(`${host}/32`);
  const service = /^[a-z0-9-]+\.([a-z0-9-]+)\.svc(\.cluster\.local)?$/.exec(host);
  if (service) return NetworkPeer.pods(service[1]);
  return NetworkPeer.anywhere();
}

function storePort(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}
