// A platform synthesized again and again into the same output folders, as a team does over time: one
// workspace (dist/flux, dist/cdktf and the secrets file) and a platform shape that each step changes.
import * as fs from 'fs';
import * as path from 'path';
import { Construct } from 'constructs';
import {
  Backend,
  BarmanCloudPlugin,
  catalog,
  CloudNativePg,
  Component,
  Duration,
  KubePrometheusStack,
  Platform,
  PlatformSynthOptions,
  PlatformSynthResult,
  PostgresCluster,
  SecretsBackend,
  SecretValue,
  Size,
  synthPlatform,
  Traefik,
  WebService,
} from '../../lib/internal';
import { testPlatform } from './platforms';
import { tempDir, TEST_AGE } from './synth';

/** One checkout: its output folders and its secrets file. */
export interface Workspace {
  readonly root: string;
  readonly flux: string;
  readonly terraform: string;
  readonly secrets: string;
  /** The local Terraform state of the workspace's stack (in its root, as `terraform.ballast.tfstate` is in a project's). */
  readonly state: string;
}

export function workspace(): Workspace {
  const root = tempDir('ballast-day2-');
  return { root, flux: path.join(root, 'dist', 'flux'), terraform: path.join(root, 'dist', 'cdktf'), secrets: path.join(root, 'ballast-secrets.sops.yaml'), state: path.join(root, 'terraform.ballast.tfstate') };
}

/** A stateful component with one release, whose name a test can change. */
class Store extends Component {
  constructor(scope: Construct, id: string, releaseName: string, deployWith: Backend) {
    super(scope, id, { namespace: 'store', deployWith });
    this.stateful = true;
    this.addChart(catalog.keda, { crds: { install: true } }, { releaseName });
  }
}

/** What a test changes between synths. */
export interface Shape {
  /** PostgreSQL with an app on it, and how its Secrets travel. @default 'terraform' (false: no database) */
  readonly postgres?: SecretsBackend | false;
  /** @default 'terraform' */
  readonly traefik?: Backend;
  /** Traefik's namespace. @default 'traefik' */
  readonly traefikNamespace?: string;
  /** @default 'flux' */
  readonly monitoring?: Backend;
  /** The stateful Store's release name and backend. @default none */
  readonly store?: { readonly releaseName: string; readonly deployWith: Backend };
  /** A Terraform-written token in the namespace of the app (which Flux owns otherwise). @default false */
  readonly appToken?: boolean;
  /** A second, plain app. @default true */
  readonly extraApp?: boolean;
  /** The image of that app. @default 'ghcr.io/example/web:1.0.0' */
  readonly webImage?: string;
  /** PostgreSQL's volume. @default '20Gi' */
  readonly postgresStorage?: Size;
  /** PostgreSQL's backups (and the Barman Cloud plugin), by their retention. @default none */
  readonly backupRetention?: Duration;
}

export function shapedPlatform(ws: Workspace, shape: Shape = {}): Platform {
  const platform = testPlatform({ sops: { ageRecipients: [TEST_AGE.recipient], secretsFile: ws.secrets }, terraform: { backend: { kind: 'local', path: ws.state } } });
  const traefik = new Traefik(platform, 'traefik', { deployWith: shape.traefik ?? 'terraform', ...(shape.traefikNamespace ? { namespace: shape.traefikNamespace } : {}) });
  new KubePrometheusStack(platform, 'monitoring', { deployWith: shape.monitoring ?? 'flux', nodePool: 'monitor', ingress: traefik });
  if (shape.postgres !== false) {
    new CloudNativePg(platform, 'cnpg');
    const backup = shape.backupRetention
      ? {
          store: { endpoint: 'https://s3.example.com', bucket: 'backups', accessKeyId: SecretValue.fromVariable('s3_key_id', 'S3 key id.'), secretAccessKey: SecretValue.fromVariable('s3_secret', 'S3 secret key.') },
          retention: shape.backupRetention,
        }
      : undefined;
    if (backup) {
      // The plugin's mutual TLS needs cert-manager's CRDs, which this small platform takes as installed.
      platform.assumeInstalled({ crdGroups: ['cert-manager.io'] });
      new BarmanCloudPlugin(platform, 'barman-cloud');
    }
    const postgres = new PostgresCluster(platform, 'postgres', { secrets: shape.postgres ?? 'terraform', ...(shape.postgresStorage ? { storageSize: shape.postgresStorage } : {}), ...(backup ? { backup } : {}) });
    new WebService(platform, 'app', {
      namespace: 'app',
      image: 'ghcr.io/example/app:1.0.0',
      port: 8080,
      secrets: shape.postgres === 'sops' ? 'sops' : 'terraform',
      database: { cluster: postgres, name: 'app', env: (db) => ({ DATABASE_URL: db.uri }) },
    });
  }
  if (shape.extraApp ?? true) new WebService(platform, 'web', { namespace: 'web', image: shape.webImage ?? 'ghcr.io/example/web:1.0.0', port: 8080 });
  if (shape.appToken) {
    const web = platform.node.tryFindChild('web') as WebService;
    web.addBootstrapSecret('web-token', { token: SecretValue.fromVariable('web_token', 'A token of the web app.') });
  }
  if (shape.store) new Store(platform, 'store', shape.store.releaseName, shape.store.deployWith);
  return platform;
}

/** Synthesizes `shape` into the workspace, as `npm run synth` does. */
export function synthShape(ws: Workspace, shape: Shape = {}, options: PlatformSynthOptions = {}): PlatformSynthResult {
  return synthPlatform(() => shapedPlatform(ws, shape), { fluxDir: ws.flux, terraformDir: ws.terraform, ...options });
}

/** The Terraform JSON of the workspace's stack. */
export function stackJson(ws: Workspace): Record<string, any> {
  return JSON.parse(fs.readFileSync(path.join(ws.terraform, 'stacks', 'ballast', 'cdk.tf.json'), 'utf8'));
}

/** Every file of the workspace's output, for "nothing was written" checks. */
export function outputSnapshot(ws: Workspace): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(ws.root, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(path.join(ws.root, 'dist'));
  if (fs.existsSync(ws.secrets)) out['ballast-secrets.sops.yaml'] = fs.readFileSync(ws.secrets, 'utf8');
  return out;
}
