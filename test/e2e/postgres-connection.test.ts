// The connection strings ballast hands to applications work against a real PostgreSQL with a primary
// and a streaming standby. The role and database are created as the synthesized CloudNativePG Cluster
// and Database objects say, with the role's password from a test value of its Terraform variable. The
// strings are then taken as a container sees them (Kubernetes expands `$(DATABASE_PASSWORD)` from the
// env list `connection.env()` gives) and only the Service host and port are mapped to the local servers:
// the read-write strings must reach the primary as the role, the read-only ones the standby.
import * as crypto from 'crypto';
import * as path from 'path';
import { Client, ClientConfig } from 'pg';
import { ContainerEnv, DatabaseConnection, Manifest, PostgresCluster, SecretValue, SonarQube } from '../../lib/internal';
import { PostgresEndpoint, PostgresServers } from '../support/e2e/postgres-servers';
import { defaultPlan, fluxObjects, readTree, synthToTemp, terraformJson } from '../support/synth';

const { platform, plan } = defaultPlan();
// Found by id and cast: `instanceof` is true for every cdk8s Chart.
const postgres = platform.node.findChild('postgres') as PostgresCluster;
const sonarqube = platform.node.findChild('sonarqube') as SonarQube;
const connection: DatabaseConnection = sonarqube.connection;
const dist = synthToTemp(platform);
const objects = fluxObjects(path.join(dist, 'flux')).map((o) => o.object);

/**
 * The test's values of the sensitive Terraform variables (`TF_VAR_<name>`), for Secrets Terraform writes.
 * Random per run, from characters that need no escaping in a URI or an Npgsql string (ballast puts the
 * password in both as is).
 */
const tfvars = new Map(
  plan.terraform.variables.filter((v) => v.variable.endsWith('_db_password')).map((v) => [v.variable, crypto.randomBytes(18).toString('base64url')] as const),
);

/**
 * A key of a Secret the cluster gets: one SOPS-encrypted into Git (its value is the one synth read: the
 * generated password), or a bootstrap Secret Terraform creates (the variable's test value).
 */
function secretValue(namespace: string, name: string, key: string): string {
  const encrypted = plan.flux.flatMap((p) => p.encryptedSecrets).find((s) => s.metadata.namespace === namespace && s.metadata.name === name);
  if (encrypted) {
    const value = (encrypted.stringData as Record<string, string> | undefined)?.[key];
    if (value === undefined) throw new Error(`encrypted Secret ${namespace}/${name} has no key "${key}"`);
    return value;
  }
  const secret = plan.terraform.secrets.find((s) => s.namespace === namespace && s.name === name);
  if (!secret) throw new Error(`no Secret ${namespace}/${name} in the plan`);
  const value = secret.data[key];
  if (value === undefined) throw new Error(`bootstrap Secret ${namespace}/${name} has no key "${key}"`);
  if (!(value instanceof SecretValue)) return value;
  const test = tfvars.get(value.variable);
  if (test === undefined) throw new Error(`the test has no value for the Terraform variable "${value.variable}" (${namespace}/${name} ${key})`);
  return test;
}

/** The password of the SonarQube connection's role, as the cluster receives it. */
const password = secretValue('sonarqube', 'postgres-sonarqube-credentials', 'password');

/**
 * Kubernetes' expansion of an env value (k8s.io/kubernetes third_party/forked/golang/expansion):
 * `$(NAME)` becomes the value of NAME when it is defined, and stays as written otherwise; `$$` is a
 * literal `$`; any other `$`, and an unclosed `$(`, stay as they are.
 */
function expandKubernetes(input: string, defined: ReadonlyMap<string, string>): string {
  let out = '';
  let i = 0;
  while (i < input.length) {
    if (input[i] !== '$' || i + 1 === input.length) {
      out += input[i++];
    } else if (input[i + 1] === '$') {
      out += '$';
      i += 2;
    } else if (input[i + 1] === '(') {
      const close = input.indexOf(')', i + 2);
      if (close === -1) {
        out += '$(';
        i += 2;
      } else {
        const name = input.slice(i + 2, close);
        out += defined.get(name) ?? `$(${name})`;
        i = close + 1;
      }
    } else {
      out += input.slice(i, i + 2);
      i += 2;
    }
  }
  return out;
}

/**
 * The environment a container of `namespace` starts with, as the kubelet builds it: in list order, a
 * Secret reference gives the key's value as is, a literal value is expanded with the variables defined
 * before it (the kubelet also offers the Service link variables, which ballast's strings do not use).
 */
function containerEnvironment(env: ContainerEnv[], namespace: string): Map<string, string> {
  const defined = new Map<string, string>();
  for (const e of env) {
    defined.set(e.name, 'value' in e ? expandKubernetes(e.value, defined) : secretValue(namespace, e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.key));
  }
  return defined;
}

/** The env a consumer sets up: every string of the connection, after the password `env()` puts first. */
const strings = {
  DATABASE_URL: connection.uri,
  DATABASE_RO_URL: connection.readOnlyUri,
  JDBC_URL: connection.jdbcUrl,
  JDBC_RO_URL: connection.jdbcReadOnlyUrl,
  NPGSQL: connection.npgsql,
  NPGSQL_RO: connection.npgsqlReadOnly,
};
const seen = containerEnvironment(connection.env(strings), sonarqube.namespace);
function seenValue(name: string): string {
  const value = seen.get(name);
  if (value === undefined) throw new Error(`the container has no variable ${name}`);
  return value;
}

let servers: PostgresServers;

/** Cluster DNS for the test: the Services a connection names, to the local server behind each. */
function service(host: string, port: string | number): PostgresEndpoint {
  const endpoints = new Map([
    [`${connection.readWriteHost}:${connection.port}`, servers.primary],
    [`${connection.readOnlyHost}:${connection.port}`, servers.standby],
  ]);
  const endpoint = endpoints.get(`${host}:${port}`);
  if (!endpoint) throw new Error(`${host}:${port} is not a Service of the cluster (${[...endpoints.keys()].join(', ')})`);
  return endpoint;
}

/** A libpq URI with its host and port pointed at `to` (by default the server behind the Service it names); the rest untouched. */
function uriTo(uri: string, to?: PostgresEndpoint): string {
  const m = /^(postgres(?:ql)?:\/\/[^@/]*@)([^:/?#@]+):(\d+)(\/.*)$/.exec(uri);
  if (!m) throw new Error(`not a libpq URI with user, host, port and database: ${uri.replace(password, '<password>')}`);
  const target = to ?? service(m[2], m[3]);
  return `${m[1]}${target.host}:${target.port}${m[4]}`;
}

/** The parts of `jdbc:postgresql://host:port/database` (user and password are given to JDBC apart). */
function parseJdbc(url: string): { host: string; port: string; database: string } {
  const m = /^jdbc:postgresql:\/\/([^:/?#]+):(\d+)\/([^/?#]+)$/.exec(url);
  if (!m) throw new Error(`not a JDBC URL jdbc:postgresql://host:port/database: ${url}`);
  return { host: m[1], port: m[2], database: m[3] };
}

/** The `Key=Value;...` pairs of an Npgsql connection string, keys lowercase (Npgsql ignores their case). */
function parseNpgsql(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.split(';')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`not Key=Value: "${pair.replace(password, '<password>')}"`);
    out[pair.slice(0, eq).trim().toLowerCase()] = pair.slice(eq + 1);
  }
  return out;
}

interface Session {
  readonly recovery: boolean;
  readonly user: string;
  readonly database: string;
}

/** Logs in with `config` and says where it landed: a server in recovery (the standby) or not, as whom, in which database. */
async function session<T = Session>(config: ClientConfig, sql = 'select pg_is_in_recovery() as recovery, current_user as user, current_database() as database'): Promise<T> {
  const client = new Client({ ...config, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return (await client.query(sql)).rows[0] as T;
  } finally {
    await client.end();
  }
}

const primarySession: Session = { recovery: false, user: connection.user, database: connection.database };
const standbySession: Session = { recovery: true, user: connection.user, database: connection.database };

function cnpg(kind: string, match: (o: Manifest) => boolean): Manifest {
  const found = objects.filter((o) => o.apiVersion === 'postgresql.cnpg.io/v1' && o.kind === kind && match(o));
  if (found.length !== 1) throw new Error(`expected one ${kind} in the Flux tree, found ${found.length}`);
  return found[0];
}
interface ManagedRole {
  name: string;
  ensure?: string;
  login?: boolean;
  passwordSecret?: { name: string };
}
const cluster = cnpg('Cluster', (o) => o.metadata?.name === postgres.clusterName);
const database = cnpg('Database', (o) => {
  const spec = o.spec as { name: string; cluster: { name: string } };
  return spec.name === connection.database && spec.cluster.name === postgres.clusterName;
}).spec as { name: string; owner: string; ensure: string };
const clusterNamespace = cluster.metadata!.namespace!;

beforeAll(async () => {
  servers = await PostgresServers.start();
  const roles = ((cluster.spec as { managed?: { roles?: ManagedRole[] } }).managed?.roles ?? []).filter((r) => r.ensure !== 'absent');
  await servers.asAdmin('primary', async (admin) => {
    // What CloudNativePG does for spec.managed.roles, then for the Database object.
    for (const role of roles) {
      const login = role.login ? 'LOGIN' : 'NOLOGIN';
      const secret = role.passwordSecret?.name;
      let pw = '';
      if (secret) {
        // The operator refuses a secret whose username is not the role's name.
        const username = secretValue(clusterNamespace, secret, 'username');
        if (username !== role.name) throw new Error(`Secret ${clusterNamespace}/${secret} has username "${username}", role is "${role.name}"`);
        pw = ` PASSWORD ${admin.escapeLiteral(secretValue(clusterNamespace, secret, 'password'))}`;
      }
      await admin.query(`CREATE ROLE ${admin.escapeIdentifier(role.name)} ${login}${pw}`);
    }
    if (database.ensure !== 'absent') await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(database.name)} OWNER ${admin.escapeIdentifier(database.owner)}`);
  });
  await servers.waitReplayed();
}, 60_000);
afterAll(() => servers?.stop());

test('the env expansion follows Kubernetes', () => {
  const defined = new Map([['A', 'x']]);
  expect(expandKubernetes('p=$(A);q=$(B)', defined)).toBe('p=x;q=$(B)');
  expect(expandKubernetes('$$(A) $$ $A $( $(A', defined)).toBe('$(A) $ $A $( $(A');
  expect(expandKubernetes('end$', defined)).toBe('end$');
  // A value referring to a variable defined after it is not expanded.
  const late = containerEnvironment([{ name: 'URL', value: '$(P)' }, { name: 'P', value: 'x' }], sonarqube.namespace);
  expect(late.get('URL')).toBe('$(P)');
});

test('the role and database exist as the synthesized objects say, on both servers, with a SCRAM password', async () => {
  expect(database).toMatchObject({ name: connection.database, owner: connection.user });
  for (const on of ['primary', 'standby'] as const) {
    const row = await servers.asAdmin(on, async (c) =>
      (
        await c.query<{ login: boolean; scram: boolean; owner: string }>(
          'select r.rolcanlogin as login, r.rolpassword like $2 as scram, pg_get_userbyid(d.datdba)::text as owner from pg_authid r, pg_database d where r.rolname = $1 and d.datname = $3',
          [connection.user, 'SCRAM-SHA-256$%', connection.database],
        )
      ).rows[0],
    );
    expect({ on, ...row }).toEqual({ on, login: true, scram: true, owner: connection.user });
  }
});

test('the container holds the password from the Secret, and the connection strings with it expanded', () => {
  expect(seenValue(connection.passwordEnv)).toBe(password);
  for (const name of Object.keys(strings)) expect(seenValue(name)).not.toContain(`$(${connection.passwordEnv})`);
  expect(seenValue('DATABASE_URL')).toBe(connection.uri.replace(`$(${connection.passwordEnv})`, password));
});

test('the read-write URI logs in on the primary, as the role, in its database', async () => {
  expect(await session({ connectionString: uriTo(seenValue('DATABASE_URL')) })).toEqual(primarySession);
});

test('the read-only URI logs in on the standby', async () => {
  expect(await session({ connectionString: uriTo(seenValue('DATABASE_RO_URL')) })).toEqual(standbySession);
});

test('the JDBC URLs, with the user and the password passed apart, reach the primary and the standby', async () => {
  const jdbcLogin = async (name: string) => {
    const { host, port, database: db } = parseJdbc(seenValue(name));
    return session({ ...service(host, port), database: db, user: connection.user, password: seenValue(connection.passwordEnv) });
  };
  expect(await jdbcLogin('JDBC_URL')).toEqual(primarySession);
  expect(await jdbcLogin('JDBC_RO_URL')).toEqual(standbySession);
});

test('the Npgsql strings reach the primary and the standby', async () => {
  const npgsqlLogin = async (name: string) => {
    const parts = parseNpgsql(seenValue(name));
    expect(Object.keys(parts).sort()).toEqual(['database', 'host', 'password', 'port', 'username']);
    return session({ ...service(parts.host, parts.port), database: parts.database, user: parts.username, password: parts.password });
  };
  expect(await npgsqlLogin('NPGSQL')).toEqual(primarySession);
  expect(await npgsqlLogin('NPGSQL_RO')).toEqual(standbySession);
});

test('the password is in no connection string and nowhere in the synthesized Flux tree', () => {
  const reference = `$(${connection.passwordEnv})`;
  const all = [connection.database, connection.user, connection.secret.name, connection.readWriteHost, connection.readOnlyHost, ...Object.values(strings)];
  for (const s of all) expect(s).not.toContain(password);
  for (const s of [connection.uri, connection.readOnlyUri, connection.npgsql, connection.npgsqlReadOnly]) expect(s).toContain(reference);
  for (const [file, content] of Object.entries(readTree(path.join(dist, 'flux')))) expect({ file, hasPassword: content.includes(password) }).toEqual({ file, hasPassword: false });
  // The default platform keeps these credentials in Git, SOPS-encrypted: the Secret is there, its values are not.
  const inGit = objects.filter((o) => o.kind === 'Secret' && o.metadata?.name === connection.secret.name) as { stringData?: Record<string, string> }[];
  expect(inGit.length).toBeGreaterThan(0);
  for (const s of inGit) expect(s.stringData?.password).toMatch(/^ENC\[AES256_GCM,/);
  expect(terraformJson(path.join(dist, 'cdktf')).variable?.sonarqube_db_password).toBeUndefined();
});

test('a wrong password, or one Kubernetes left unexpanded, is refused', async () => {
  const wrong = uriTo(seenValue('DATABASE_URL').replace(password, `${password}x`));
  await expect(session({ connectionString: wrong })).rejects.toMatchObject({ code: '28P01' });
  // A string listed before the password variable keeps `$(DATABASE_PASSWORD)` as its password.
  const [pw, ...rest] = connection.env({ DATABASE_URL: connection.uri });
  const unexpanded = containerEnvironment([...rest, pw], sonarqube.namespace).get('DATABASE_URL')!;
  expect(unexpanded).toBe(connection.uri);
  await expect(session({ connectionString: uriTo(unexpanded) })).rejects.toMatchObject({ code: '28P01' });
});

test('writes go through on the primary, are read back from the standby, and are refused there', async () => {
  const rw = uriTo(seenValue('DATABASE_URL'));
  await session({ connectionString: rw }, 'create table e2e_probe as select 42 as answer');
  await servers.waitReplayed();
  expect(await session({ connectionString: uriTo(seenValue('DATABASE_RO_URL')) }, 'select answer from e2e_probe')).toEqual({ answer: 42 });
  // The read-write string sent to the standby: the same login works, the write does not.
  const onStandby = uriTo(seenValue('DATABASE_URL'), servers.standby);
  await expect(session({ connectionString: onStandby }, 'create table e2e_refused (id int)')).rejects.toMatchObject({
    code: '25006',
    message: expect.stringMatching(/read-only transaction/),
  });
});
