import { PlatformConfig } from '../platform';

/**
 * A valid platform config for tests: domain `example.com`, cluster `test`, a public HTTPS Git repository,
 * no node pools, no SOPS (every Secret goes through Terraform), the default local Terraform state. A new
 * object on every call.
 */
export function defaultTestConfig(): PlatformConfig {
  return {
    domain: 'example.com',
    clusterName: 'test',
    git: { url: 'https://git.example.com/platform.git' },
  };
}
