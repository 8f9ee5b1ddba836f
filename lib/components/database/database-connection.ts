/**
 * How an application reaches one database of a `PostgresCluster`: names, hosts, the Secret with its
 * credentials and ready connection strings. The password is never inside a string: the strings refer to
 * the environment variable `passwordEnv`, which Kubernetes expands (`$(NAME)` in an env value) from the
 * Secret at container start. `env()` gives a container the variables in the right order.
 */
export interface DatabaseConnection {
  readonly database: string;
  readonly user: string;
  /** The Secret (in the consumer's namespace) with the role's credentials, `kubernetes.io/basic-auth`. */
  readonly secret: { readonly name: string; readonly usernameKey: 'username'; readonly passwordKey: 'password' };
  /** The primary's Service, read and write: `<cluster>-rw.<namespace>.svc.cluster.local`. */
  readonly readWriteHost: string;
  /** The replicas' Service, read only (`<cluster>-ro...`). Fails when the cluster has no read replica. */
  readonly readOnlyHost: string;
  readonly port: number;
  /** The environment variable that holds the password in a consumer's container. */
  readonly passwordEnv: string;
  /** `jdbc:postgresql://<rw host>:<port>/<database>` (user and password are passed apart, as JDBC clients take them). */
  readonly jdbcUrl: string;
  /** The JDBC URL of the read replicas. */
  readonly jdbcReadOnlyUrl: string;
  /** libpq URI to the primary: `postgresql://<user>:$(<passwordEnv>)@<rw host>:<port>/<database>`. */
  readonly uri: string;
  /** libpq URI to the read replicas. */
  readonly readOnlyUri: string;
  /** Npgsql connection string to the primary (`ConnectionStrings__DefaultConnection` of the demo API). */
  readonly npgsql: string;
  /** Npgsql connection string to the read replicas (`ConnectionStrings__DefaultRoConnection`). */
  readonly npgsqlReadOnly: string;
  /**
   * Container environment: the password from the Secret first (so that later values can expand it), then
   * `extra` name -> value pairs, whose values may use `$(passwordEnv)`.
   */
  env(extra?: Record<string, string>): ContainerEnv[];
}

/** A container environment variable as the Kubernetes API takes it. */
export type ContainerEnv =
  | { name: string; value: string }
  | { name: string; valueFrom: { secretKeyRef: { name: string; key: string } } };
