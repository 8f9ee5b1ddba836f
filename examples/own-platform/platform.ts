// A platform repository of your own (README, "Your own platform"): this program, and what `npx ballast
// synth` writes from it, live in one Git repository. `cdktf deploy` installs Flux, and Flux then
// reconciles dist/flux of that repository. test/unit/examples.test.ts type-checks and synthesizes it.
import { AcmeIssuer, App, CertManager, CloudNativePg, Flux, KubePrometheusStack, Platform, PostgresCluster, SecretValue, Traefik, WebService } from 'ballast';

export default function platform(app: App): Platform {
  const platform = new Platform(app, 'acme', {
    domain: 'acme.example',
    clusterName: 'staging',
    git: {
      // The repository that holds this program; Flux syncs dist/flux/clusters/staging from its main branch.
      url: 'https://git.acme.example/platform.git',
      branch: 'main',
      path: 'dist/flux',
      // A private repository: Terraform writes the token into the Secret Flux clones with.
      auth: { username: 'flux', password: SecretValue.fromVariable('git_token', 'Read token of the platform Git repository.') },
    },
  });
  // Flux itself, installed by Terraform: the Flux Operator, then a FluxInstance that syncs the path above.
  new Flux(platform, 'flux');
  const traefik = new Traefik(platform, 'traefik', { adminUsers: SecretValue.fromVariable('admin_users', 'htpasswd lines of the admins.') });
  // Every route gets a certificate of its host. Let's Encrypt's staging directory first; 'production'
  // once the Certificates are Ready.
  const certManager = new CertManager(platform, 'cert-manager');
  platform.useIssuer(new AcmeIssuer(certManager, 'letsencrypt', { email: 'certificates@acme.example', server: 'staging' }));
  new KubePrometheusStack(platform, 'monitoring', { ingress: traefik });
  new CloudNativePg(platform, 'cnpg');
  const database = new PostgresCluster(platform, 'postgres', { replicas: 1 });
  new WebService(platform, 'shop', {
    image: 'ghcr.io/acme/shop:2.0.1',
    route: { host: 'shop.acme.example' },
    database: { cluster: database, name: 'shop', env: (c) => ({ DATABASE_URL: c.uri }) },
  });
  return platform;
}
