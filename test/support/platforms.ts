import { App } from 'cdk8s';
import { Platform, PlatformConfig } from '../../lib/internal';

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

/** A new platform in a new cdk8s app. */
export function testPlatform(overrides: Partial<PlatformConfig> = {}): Platform {
  return new Platform(new App(), 'ballast', testConfig(overrides));
}
