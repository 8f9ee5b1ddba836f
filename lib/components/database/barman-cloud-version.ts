/**
 * CloudNativePG's Barman Cloud plugin at the version ballast installs and writes objects for. One pin for
 * the install (BarmanCloudPlugin), the images and the reference data the tests check against (the Go
 * module's CRD and kustomization, fetched by scripts/tools.sh at the same version: a unit test compares
 * the two pins).
 */
export const BARMAN_CLOUD_PLUGIN = {
  /** The Go module that holds the plugin's CRD and install manifests (`config/`, `kubernetes/`). */
  module: 'github.com/cloudnative-pg/plugin-barman-cloud',
  version: 'v0.15.0',
  /** The released images (Taskfile.yml `manifest-internal`: `ghcr.io/<repo>` and `ghcr.io/<repo>-sidecar` at the tag). */
  image: 'ghcr.io/cloudnative-pg/plugin-barman-cloud:v0.15.0',
  sidecarImage: 'ghcr.io/cloudnative-pg/plugin-barman-cloud-sidecar:v0.15.0',
  /** The name a Cluster's `plugins`, a ScheduledBackup's `pluginConfiguration` and `externalClusters[].plugin` use. */
  pluginName: 'barman-cloud.cloudnative-pg.io',
  /** The ObjectStore's API group and version. */
  apiVersion: 'barmancloud.cnpg.io/v1',
  group: 'barmancloud.cnpg.io',
  /** The gRPC port the operator calls the plugin on (kubernetes/service.yaml, annotation cnpg.io/pluginPort). */
  port: 9090,
} as const;
