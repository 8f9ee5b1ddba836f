// What an ACME ClusterIssuer emits: the cluster-scoped ClusterIssuer, and for DNS-01 the Secret of the
// provider's credentials in cert-manager's namespace (by its keys and Terraform variable, never a value).
import { AcmeIssuer, CertManager, Dns01, SecretValue } from '../../../lib';
import { synthComponent } from '../../../lib/testing';

test("AcmeIssuer: Let's Encrypt staging over HTTP-01 through Traefik", () => {
  const output = synthComponent((platform) => new AcmeIssuer(new CertManager(platform, 'cert-manager'), 'letsencrypt', { email: 'certificates@example.com', server: 'staging' }));
  expect(output).toMatchSnapshot();
});

test("AcmeIssuer: Let's Encrypt production over DNS-01 through Cloudflare", () => {
  const output = synthComponent((platform) => {
    const certManager = new CertManager(platform, 'cert-manager');
    new AcmeIssuer(certManager, 'letsencrypt', {
      email: 'certificates@example.com',
      solver: { dns01: Dns01.cloudflare({ apiToken: SecretValue.fromVariable('cloudflare_api_token', 'Cloudflare API token with DNS edit rights.') }) },
    });
  }, { only: 'cert-manager' });
  // The whole component: the issuer's Secret is cert-manager's, where cert-manager reads it.
  expect({ flux: output.flux['infrastructure/configs/cert-manager.yaml'], terraform: output.terraform, terraformVariables: output.terraformVariables }).toMatchSnapshot();
});
