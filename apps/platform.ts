import { Construct } from 'constructs';
import * as path from 'path';
import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import {
  AcmeIssuer,
  AlertReceiver,
  BarmanCloudPlugin,
  BackupSchedule,
  CertManager,
  CloudNativePg,
  Flux,
  HorizontalAutoscaler,
  ImageUpdateAutomation,
  Keda,
  K6Operator,
  KedaScaler,
  KubePrometheusStack,
  LoadTest,
  localAgeKey,
  Platform,
  PostgresCluster,
  SecretValue,
  SonarQube,
  Traefik,
  TRAEFIK_RECORDED,
  WebService,
} from '../lib';
// The repository's own folder (the scripts live beside the platform, in source and in dist-js alike).
import { packageRoot } from '../lib/internal';

/** What the tests (or a CI) change in the default platform. */
export interface DefaultPlatformOptions {
  /** Age public keys that may decrypt the Secrets written to Git. @default the checkout's own key (LOCAL_AGE_KEY_FILE) */
  readonly ageRecipients?: string[];
  /**
   * Whether a missing checkout key is saved to LOCAL_AGE_KEY_FILE (false for `diff`, which writes nothing).
   * @default true
   */
  readonly saveLocalKey?: boolean;
  /** What differs when the platform is one cluster of a fleet (apps/fleet.ts). @default the production cluster below */
  readonly cluster?: ClusterSettings;
}

/** What the example fleet (apps/fleet.ts) sets per cluster; every default is the single default platform's. */
export interface ClusterSettings {
  /** The cluster's name. @default 'production' */
  readonly name?: string;
  /** @default 'platform.example.com' */
  readonly domain?: string;
  /** The branch Flux syncs. @default 'main' */
  readonly branch?: string;
  /** Nodes per pool. @default monitor 1, storage 2, loadgen 2, apps 3 */
  readonly nodes?: { readonly monitor?: number; readonly storage?: number; readonly loadgen?: number; readonly apps?: number };
  /** PostgreSQL read replicas. @default 1 */
  readonly postgresReplicas?: number;
  /** @default Size.gibibytes(20) */
  readonly postgresStorage?: Size;
  /** The Articles API and UI image tag. @default '1.0.0' */
  readonly articlesVersion?: string;
  /** Whether Flux's image automation follows new 1.x tags of the API. @default true */
  readonly followImages?: boolean;
  /** The k6 operator and the load tests (and the loadgen pool). @default true */
  readonly loadTests?: boolean;
  /** Let's Encrypt's directory. @default 'production' */
  readonly acmeServer?: 'staging' | 'production';
  /**
   * The S3-compatible store of PostgreSQL's backups (its credentials are the Terraform variables
   * backup_s3_access_key_id and backup_s3_secret_access_key). The folder in the bucket is the cluster's name.
   * @default endpoint 'https://s3.example.com', bucket 'platform-backups'
   */
  readonly backupStore?: { readonly endpoint: string; readonly bucket: string };
}

/**
 * The age key of this checkout, made on the first synth (git-ignored, mode 0600): the default platform's
 * Secrets in Git and its secrets file are encrypted for it, and Terraform gives its private key to Flux
 * (`TF_VAR_sops_age_key`). Your platform names your team's keys in `sops.ageRecipients` instead and commits
 * its `ballast-secrets.sops.yaml`.
 */
export const LOCAL_AGE_KEY_FILE = '.ballast/age.key';

/**
 * The default platform: the one both entry points synthesize. Edit it to describe yours; moving a
 * component to the other backend is a change of its `deployWith`, and its Secrets between Terraform and
 * SOPS files in Git a change of its `secrets`.
 */
export function defaultPlatform(scope: Construct, options: DefaultPlatformOptions = {}): Platform {
  const cluster = options.cluster ?? {};
  const nodes = { monitor: 1, storage: 2, loadgen: 2, apps: 3, ...cluster.nodes };
  const loadTests = cluster.loadTests ?? true;
  const version = cluster.articlesVersion ?? '1.0.0';
  const platform = new Platform(scope, 'ballast', {
    domain: cluster.domain ?? 'platform.example.com',
    clusterName: cluster.name ?? 'production',
    git: { url: 'https://github.com/example/platform-gitops.git', branch: cluster.branch ?? 'main' },
    // Terraform state beside the project (git-ignored), never under dist/. For a team:
    // { kind: 'kubernetes', namespace: 'terraform-state' } (a Secret with Lease locking), or
    // { kind: 'custom', create: (stack) => new S3Backend(stack, { ... }) }.
    terraform: { backend: { kind: 'local' } },
    sops: options.ageRecipients
      ? { ageRecipients: options.ageRecipients }
      : { ageRecipients: [localAgeKey(LOCAL_AGE_KEY_FILE, { save: options.saveLocalKey ?? true }).recipient], identityFile: LOCAL_AGE_KEY_FILE },
    nodePools: [
      {
        name: 'monitor',
        labels: { 'node.ballast.dev/pool': 'monitor' },
        taints: [{ key: 'node.ballast.dev/pool', value: 'monitor', effect: 'NoSchedule' }],
        capacity: { nodes: nodes.monitor, cpu: Cpu.millis(3800), memory: Size.gibibytes(14) },
      },
      {
        name: 'storage',
        labels: { 'node.ballast.dev/pool': 'storage' },
        taints: [{ key: 'node.ballast.dev/pool', value: 'storage', effect: 'NoSchedule' }],
        capacity: { nodes: nodes.storage, cpu: Cpu.millis(3800), memory: Size.gibibytes(7) },
      },
      // Load generators: k6 pods never share nodes with what they measure.
      ...(loadTests
        ? [
            {
              name: 'loadgen',
              labels: { 'node.ballast.dev/pool': 'loadgen' },
              taints: [{ key: 'node.ballast.dev/pool', value: 'loadgen', effect: 'NoSchedule' as const }],
              capacity: { nodes: nodes.loadgen, cpu: Cpu.millis(3800), memory: Size.gibibytes(7) },
            },
          ]
        : []),
      // Applications: no taint, so anything unplaced may also land here.
      { name: 'apps', labels: { 'node.ballast.dev/pool': 'apps' }, capacity: { nodes: nodes.apps, cpu: Cpu.millis(3800), memory: Size.gibibytes(7) } },
    ],
  });

  const flux = new Flux(platform, 'flux');
  // Flux commits the tags the image policies select (the Articles API's imageAutomation) to the repository,
  // with a token that may push: the sync source clones the public repository without credentials.
  // (A cluster that takes new versions only by promotion has none: see apps/fleet.ts.)
  const followImages = cluster.followImages ?? true;
  if (followImages) {
    new ImageUpdateAutomation(flux, 'image-updates', {
      author: { name: 'Flux', email: 'flux@platform.example.com' },
      writeCredentials: { username: 'git', password: SecretValue.fromVariable('git_push_token', 'Token with write access to the platform Git repository, for Flux image automation.') },
    });
  }
  // A LoadBalancer Service, which gets its address from a cloud, MetalLB or k3s' servicelb, and node ports
  // everywhere. Terraform does not wait for the address (its helm provider would, and a cluster without a
  // load-balancer controller never gives one): the apply goes on to install Flux.
  const traefik = new Traefik(platform, 'traefik', { deployWith: 'terraform', metrics: true, serviceType: 'LoadBalancer', releasePolicy: { wait: false } });
  // TLS on every route: cert-manager and a Let's Encrypt ClusterIssuer that proves each host over HTTP-01
  // through Traefik. Every IngressRoute gets a Certificate of its host from it (try a new platform with
  // server: 'staging' first: Let's Encrypt's production limits are strict).
  const certManager = new CertManager(platform, 'cert-manager', { metrics: true });
  platform.useIssuer(new AcmeIssuer(certManager, 'letsencrypt', { email: `certificates@${platform.domain}`, server: cluster.acmeServer ?? 'production' }));
  // Critical alerts page the on-call through PagerDuty; warnings go to the team's Slack channel. Both
  // credentials are Terraform variables: Terraform writes them into a Secret Alertmanager mounts, and
  // neither reaches the chart values or Git.
  const alerting = {
    critical: AlertReceiver.pagerDuty('on-call', {
      routingKey: SecretValue.fromVariable('alerts_pagerduty_routing_key', 'Routing key of the PagerDuty service (Events API v2) that pages the on-call.'),
    }),
    warning: AlertReceiver.slack('platform-team', {
      webhookUrl: SecretValue.fromVariable('alerts_slack_webhook_url', 'Slack incoming webhook URL of the platform team\'s alerts channel.'),
    }),
  };
  // Grafana's dashboards are written into the output (nothing is downloaded at its start): Kubernetes,
  // autoscaling, k6 results and the load-test overview, Traefik, the alerts' runbooks; the database and the
  // API add their own.
  const monitoring = new KubePrometheusStack(platform, 'monitoring', { deployWith: 'flux', nodePool: 'monitor', ingress: traefik, alerting });
  new CloudNativePg(platform, 'cnpg');
  // CloudNativePG's Barman Cloud plugin, in the operator's namespace: PostgreSQL's backups go through it.
  new BarmanCloudPlugin(platform, 'barman-cloud');
  const backupStore = cluster.backupStore ?? { endpoint: 'https://s3.example.com', bucket: 'platform-backups' };
  // One primary and one read replica on the storage pool (two nodes: they never share one).
  // The database layer keeps its Secrets in Git, SOPS-encrypted: generated passwords (kept in the
  // SOPS-encrypted ballast-secrets.sops.yaml between synths), no Terraform apply to change one.
  const postgres = new PostgresCluster(platform, 'postgres', {
    replicas: cluster.postgresReplicas ?? 1,
    nodePool: 'storage',
    storageSize: cluster.postgresStorage ?? Size.gibibytes(20),
    dashboardsIn: monitoring,
    secrets: 'sops',
    // WAL archived continuously, a base backup every night, 30 days to restore from (see the README's
    // "Backups and restore"). The store is outside the cluster, so that losing the cluster loses no backup;
    // its credentials are Terraform variables: Terraform writes their Secret, never Git.
    backup: {
      store: {
        ...backupStore,
        accessKeyId: SecretValue.fromVariable('backup_s3_access_key_id', 'Access key id of the S3-compatible store of the PostgreSQL backups.'),
        secretAccessKey: SecretValue.fromVariable('backup_s3_secret_access_key', 'Secret access key of the S3-compatible store of the PostgreSQL backups.'),
      },
      schedule: BackupSchedule.daily(2, 0),
      retention: Duration.days(30),
    },
  });
  new SonarQube(platform, 'sonarqube', { database: postgres, ingress: traefik, nodePool: 'apps', secrets: 'sops' });
  new Keda(platform, 'keda', { metrics: true });

  // The demo: an Articles API that writes to the primary and reads from the replica, and its UI, on one
  // host: /api to the API, the rest to the UI. The images are the user's builds of the demo (pinned tags).
  const host = `articles.${platform.domain}`;
  const api = new WebService(platform, 'articles-api', {
    namespace: 'articles',
    nodePool: 'apps',
    secrets: 'sops',
    image: `ghcr.io/example/articles-api:${version}`,
    port: 8080,
    route: { host, pathPrefix: '/api' },
    // Its dashboard: requests, errors and latency as Traefik sees them, replicas, CPU and memory.
    dashboardsIn: monitoring,
    // Flux follows new 1.x tags of the image and commits them to the image line.
    ...(followImages ? { imageAutomation: { flux, semverRange: '^1.0.0' } } : {}),
    resources: { cpu: { request: Cpu.millis(250) }, memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) } },
    database: {
      cluster: postgres,
      name: 'articles',
      env: (db) => ({ ConnectionStrings__DefaultConnection: db.npgsql, ConnectionStrings__DefaultRoConnection: db.npgsqlReadOnly }),
    },
  });
  // Scaled on the requests Traefik routes to it: one replica per 50 requests per second, 2 to 10.
  new KedaScaler(api, 'scaler', {
    target: api,
    trigger: {
      prometheus: monitoring,
      query: `sum(${TRAEFIK_RECORDED.requestRate}{service="${api.traefikService}"})`,
      threshold: 50,
      activationThreshold: 1,
    },
    minReplicas: 2,
    maxReplicas: 10,
    fallback: { failureThreshold: 3, replicas: 4 },
    behavior: { scaleDown: { stabilizationWindow: Duration.minutes(2), percent: 50, period: Duration.minutes(1) } },
  });
  const ui = new WebService(platform, 'articles-ui', {
    namespace: 'articles',
    nodePool: 'apps',
    image: `ghcr.io/example/articles-ui:${version}`,
    port: 8080,
    route: { host },
    metricsPath: false,
  });
  new HorizontalAutoscaler(ui, 'hpa', { target: ui, minReplicas: 2, maxReplicas: 4, cpuUtilization: 70 });

  if (!loadTests) return platform;
  // Load tests of the API, in dist/flux/loadtests/<name>/: run one with kubectl apply -k (see the README).
  const operator = new K6Operator(platform, 'k6-operator');
  const script = path.join(packageRoot(), 'loadtests', 'articles-crawl.ts');
  const loadTest = { script, target: api, prometheus: monitoring, nodePool: 'loadgen' } as const;
  new LoadTest(platform, 'crawl', { ...loadTest, options: { vus: 1, iterations: 1, thresholds: { checks: ['rate==1'] } } });
  new LoadTest(platform, 'constant', { ...loadTest, options: { vus: 200, duration: Duration.minutes(3), thresholds: { http_req_duration: ['p(95)<700'] } } });
  new LoadTest(platform, 'ramp', {
    ...loadTest,
    runner: 'testrun',
    operator,
    parallelism: 2,
    resources: { cpu: { request: Cpu.millis(1500) }, memory: { request: Size.gibibytes(2), limit: Size.gibibytes(3) } },
    options: {
      stages: [
        { duration: Duration.minutes(1), target: 50 },
        { duration: Duration.minutes(2), target: 150 },
        { duration: Duration.minutes(2), target: 300 },
        { duration: Duration.minutes(2), target: 500 },
        { duration: Duration.minutes(2), target: 800 },
        { duration: Duration.minutes(2), target: 1200 },
        { duration: Duration.minutes(2), target: 50 },
      ],
      thresholds: { http_req_duration: ['p(95)<700'], http_req_failed: ['rate<0.01'] },
    },
  });
  return platform;
}
