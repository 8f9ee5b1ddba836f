import { App } from 'cdk8s';
import { CertManager, Platform, PlatformConfig } from '../../lib/internal';
import { CERT_MANAGER_GROUP } from '../../lib/core/tls';
import { STAND_IN_ISSUER } from '../../lib/testing/stand-in-issuer';

/** A valid platform config for tests; override any field. */
export function testConfig(overrides: Partial<PlatformConfig> = {}): PlatformConfig {
  return {
    domain: 'example.com',
    clusterName: 'test',
    git: { url: 'https://git.example.com/platform.git' },
    nodePools: [
      { name: 'monitor', labels: { pool: 'monitor' }, taints: [{ key: 'pool', value: 'monitor', effect: 'NoSchedule' }] },
    ],
    ...overrides,
  };
}

/** Options of a test platform. */
export interface TestPlatformOptions {
  /**
   * The platform's routes get their Certificates from an existing ClusterIssuer "letsencrypt" (with
   * cert-manager's CRDs assumed installed), so that tests about other things need no CertManager.
   * @default true (false for the tests of TLS itself)
   */
  readonly issuer?: boolean;
}

/** A new platform in a new cdk8s app. */
export function testPlatform(overrides: Partial<PlatformConfig> = {}, options: TestPlatformOptions = {}): Platform {
  const platform = new Platform(new App(), 'ballast', testConfig(overrides));
  if (options.issuer ?? true) {
    platform.assumeInstalled({ crdGroups: [CERT_MANAGER_GROUP] });
    platform.useIssuer(CertManager.existingIssuer(platform, { name: STAND_IN_ISSUER }));
  }
  return platform;
}
