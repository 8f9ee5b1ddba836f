import { Construct } from 'constructs';
import type { Component } from '../../core/component';
import { fail } from '../../core/errors';
import type { AddDatabaseOptions, DatabaseConnection, IPostgresCluster } from '../../core/interfaces';
import { databaseConnection, POSTGRES_PORT } from './database-connection';
import { isPostgresIdentifier, requireDnsLabel } from '../../core/names';
import { NetworkPeer } from '../../core/network';
import { SecretValue } from '../../core/secret';

/** Options of `PostgresCluster.fromExisting`. */
export interface ExistingPostgresClusterOptions {
  /** Name of the CloudNativePG `Cluster` (its Services are `<name>-rw` and `<name>-ro`). */
  readonly clusterName: string;
  /** Namespace it runs in. */
  readonly namespace: string;
  /** It has read replicas (then `<name>-ro` serves read-only connections). @default false */
  readonly readReplicas?: boolean;
}


/**
 * A CloudNativePG cluster that already runs and that ballast does not own. Its roles are the `managed`
 * roles of a Cluster object that is not in this platform, so ballast cannot add one, nor a `Database`
 * owned by one: `addDatabase` connects a consumer to a database and role that the cluster's owners
 * created, with the role's password given as a SecretValue. It puts that password in the consumer's
 * Secret and returns the connection; asked without a password, it is an error that says so.
 */
export class ExistingPostgresCluster extends Construct implements IPostgresCluster {
  public readonly description: string;
  public readonly clusterName: string;
  public readonly namespace: string;
  /** `<cluster>-rw.<namespace>.svc.cluster.local`: the primary. */
  public readonly readWriteHost: string;
  public readonly port = POSTGRES_PORT;
  private readonly readReplicas: boolean;
  private readonly consumers = new Map<string, Component>();

  constructor(scope: Construct, id: string, options: ExistingPostgresClusterOptions) {
    super(scope, id);
    this.clusterName = requireDnsLabel(this, 'clusterName', options?.clusterName);
    this.namespace = requireDnsLabel(this, 'namespace', options?.namespace);
    this.readReplicas = options.readReplicas ?? false;
    this.description = `the existing PostgreSQL cluster ${this.clusterName} in namespace ${this.namespace}`;
    this.readWriteHost = `${this.clusterName}-rw.${this.namespace}.svc.cluster.local`;
  }

  /** `<cluster>-ro.<namespace>.svc.cluster.local`: the read replicas. Fails when it has none. */
  public readOnlyHost(consumer: Construct): string {
    if (!this.readReplicas) {
      fail(consumer, `it asks for a read-only connection to ${this.description}, which has no read replica (readReplicas is false)`, 'Use the read-write connection, or say readReplicas: true when the cluster has replicas');
    }
    return `${this.clusterName}-ro.${this.namespace}.svc.cluster.local`;
  }

  /**
   * The connection of `consumer` to the database `name`, which the cluster's owners created with its
   * role (`options.user`, default the database name). `options.password` is that role's password: it
   * goes to the consumer's Secret `<cluster>-<user>-credentials`.
   */
  public addDatabase(consumer: Component, name: string, options: AddDatabaseOptions = {}): DatabaseConnection {
    const user = options.user ?? name;
    for (const [what, value] of [['database name', name], ['role name', user]] as const) {
      if (!isPostgresIdentifier(value)) {
        fail(consumer, `${what} "${value}" is not a PostgreSQL identifier`, 'Use lowercase letters, digits and "_", starting with a letter, at most 63 characters, not starting with "pg_"');
      }
    }
    if (!SecretValue.isSecretValue(options.password)) {
      fail(
        consumer,
        `${this.description} is not managed by this platform, so ballast cannot create the role "${user}" or the database "${name}" in it`,
        `Have the cluster's owners create both, and give addDatabase (or the WebService's database) the role's password: { password: SecretValue.fromEnv(...) }`,
      );
    }
    const claimed = this.consumers.get(`${consumer.namespace}/${name}`);
    if (claimed && claimed !== consumer) fail(consumer, `database "${name}" of ${this.description} is already connected in namespace ${consumer.namespace} by ${claimed.node.path}`, 'Connect each database once per namespace');
    this.consumers.set(`${consumer.namespace}/${name}`, consumer);
    // The consumer's egress to the cluster's instances (their own namespace's policies are its owners').
    if (consumer.network.mainPods) {
      consumer.network.allowTo(NetworkPeer.pods(this.namespace, { 'cnpg.io/cluster': this.clusterName }), { ports: [{ port: POSTGRES_PORT }], why: `uses database ${name} of ${this.description}` });
    }
    const secretName = `${this.clusterName}-${user}-credentials`.replace(/_/g, '-').replace(/-+/g, '-');
    consumer.addBootstrapSecret(secretName, { password: options.password! }, { type: 'kubernetes.io/basic-auth', plainData: { username: user } });
    return databaseConnection({ database: name, user, secretName, readWriteHost: this.readWriteHost, readOnlyHost: () => this.readOnlyHost(consumer) });
  }
}
