// The example fleet: the default platform in two clusters, staging and production, from one description.
// `npx ballast synth --app apps/fleet.ts --outdir dist/fleet` writes dist/fleet/flux (clusters/staging and
// clusters/production over a shared base/) and dist/fleet/cdktf (a Terraform stack per cluster).
import { Fleet, Size } from '../lib';
import { ClusterSettings, DefaultPlatformOptions, defaultPlatform } from './platform';

/**
 * Staging gets every new 1.x image of the Articles API as Flux's image automation finds it, runs the load
 * tests, and is smaller; production takes a version only when `articlesVersion` is promoted here.
 */
export const FLEET_CLUSTERS: Record<string, ClusterSettings> = {
  staging: {
    domain: 'staging.platform.example.com',
    nodes: { monitor: 1, storage: 2, loadgen: 2, apps: 2 },
    postgresReplicas: 1,
    postgresStorage: Size.gibibytes(10),
    articlesVersion: '1.0.0',
    followImages: true,
    loadTests: true,
    acmeServer: 'staging',
  },
  production: {
    domain: 'platform.example.com',
    nodes: { monitor: 1, storage: 2, apps: 3 },
    postgresReplicas: 1,
    postgresStorage: Size.gibibytes(20),
    articlesVersion: '1.0.0',
    followImages: false,
    loadTests: false,
  },
};

/** The example fleet; `options` as for the default platform (the tests name their own age recipients). */
export function exampleFleet(options: Omit<DefaultPlatformOptions, 'cluster'> = {}, clusters = FLEET_CLUSTERS): Fleet<ClusterSettings> {
  return new Fleet({
    clusters,
    platform: (app, cluster) => defaultPlatform(app, { ...options, cluster: { ...cluster.settings, name: cluster.name } }),
  });
}

export default exampleFleet();
