import type { ContainerEnv, DatabaseConnection } from '../../core/interfaces';

// How an application reaches a database of a PostgreSQL cluster, whether ballast runs the cluster
// (PostgresCluster) or it runs already (PostgresCluster.fromExisting). The types live with the interfaces
// one component uses another through (lib/core/interfaces.ts).
export type { ContainerEnv, DatabaseConnection };

/** PostgreSQL's port, on both the `-rw` and the `-ro` Service of a CloudNativePG cluster. */
export const POSTGRES_PORT = 5432;
/** The port of CloudNativePG's instance manager in each instance pod (status, backups, the operator's calls). */
export const INSTANCE_MANAGER_PORT = 8000;
/** The port of CloudNativePG's exporter in each instance pod (`metrics`). */
export const METRICS_PORT = 9187;
/** The variable a consumer's container reads the role's password from; the strings expand it. */
export const PASSWORD_ENV = 'DATABASE_PASSWORD';

/** What a connection is made of. */
export interface ConnectionParts {
  readonly database: string;
  readonly user: string;
  /** The Secret in the consumer's namespace with `username` and `password`. */
  readonly secretName: string;
  readonly readWriteHost: string;
  /** The replicas' host; called only when a read-only string is read (it may refuse: no replica). */
  readonly readOnlyHost: () => string;
}

/** The connection strings of a database; the password stays in the variable `DATABASE_PASSWORD`. */
export function databaseConnection(parts: ConnectionParts): DatabaseConnection {
  const { database, user, secretName, readWriteHost: rw, readOnlyHost: ro } = parts;
  const pw = `$(${PASSWORD_ENV})`;
  const npgsql = (host: string) => `Host=${host};Port=${POSTGRES_PORT};Database=${database};Username=${user};Password=${pw}`;
  const uri = (host: string) => `postgresql://${user}:${pw}@${host}:${POSTGRES_PORT}/${database}`;
  const jdbc = (host: string) => `jdbc:postgresql://${host}:${POSTGRES_PORT}/${database}`;
  return {
    database,
    user,
    secret: { name: secretName, usernameKey: 'username', passwordKey: 'password' },
    readWriteHost: rw,
    get readOnlyHost() {
      return ro();
    },
    port: POSTGRES_PORT,
    passwordEnv: PASSWORD_ENV,
    jdbcUrl: jdbc(rw),
    get jdbcReadOnlyUrl() {
      return jdbc(ro());
    },
    uri: uri(rw),
    get readOnlyUri() {
      return uri(ro());
    },
    npgsql: npgsql(rw),
    get npgsqlReadOnly() {
      return npgsql(ro());
    },
    env(extra: Record<string, string> = {}): ContainerEnv[] {
      return [
        { name: PASSWORD_ENV, valueFrom: { secretKeyRef: { name: secretName, key: 'password' } } },
        ...Object.entries(extra).map(([name, value]) => ({ name, value })),
      ];
    },
  };
}
