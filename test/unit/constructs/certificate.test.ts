// What a Certificate emits, and the Certificate an IngressRoute makes for its host (or the wildcard of its
// parent domain), in the route's namespace.
import { AcmeIssuer, CertManager, Certificate, Component, Dns01, IngressRoute, SecretValue, Traefik } from '../../../lib';
import { synthComponent } from '../../../lib/testing';

test('Certificate from the platform issuer (the test platform stands one in)', () => {
  const output = synthComponent((platform) => {
    const app = new Component(platform, 'app', { namespace: 'app', tier: 'apps' });
    return new Certificate(app, 'cert', { name: 'app-example-com', dnsNames: ['app.example.com', 'www.app.example.com'] });
  });
  expect(output).toMatchSnapshot();
});

test('IngressRoute with a wildcard certificate from a DNS-01 issuer', () => {
  const output = synthComponent((platform) => {
    new Traefik(platform, 'traefik');
    const certManager = new CertManager(platform, 'cert-manager');
    platform.useIssuer(
      new AcmeIssuer(certManager, 'letsencrypt', {
        email: 'certificates@example.com',
        solver: { dns01: Dns01.cloudflare({ apiToken: SecretValue.fromVariable('cloudflare_api_token', 'Cloudflare API token with DNS edit rights.') }) },
      }),
    );
    const app = new Component(platform, 'app', { namespace: 'app', tier: 'apps' });
    return new IngressRoute(app, 'route', { host: 'app.example.com', backend: { name: 'app', port: 'http' }, tls: { wildcard: true } });
  });
  expect(output).toMatchSnapshot();
});
