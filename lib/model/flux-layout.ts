/**
 * The layout of the Flux repository ballast writes, after flux2-kustomize-helm-example: three steps that
 * Flux applies in order, each a folder with a Kustomization of its own. Components name the sync's
 * source and namespace; the plan places objects into steps; the Flux backend writes the folders.
 */

/** The Flux steps, applied in this order. */
export const FLUX_STEPS = ['controllers', 'configs', 'apps'] as const;
export type FluxStep = (typeof FLUX_STEPS)[number];

/** Folder of each Flux step inside the repository. */
export const STEP_FOLDERS: Record<FluxStep, string> = {
  controllers: 'infrastructure/controllers',
  configs: 'infrastructure/configs',
  apps: 'apps',
};

/** Folder of the objects applied by hand (load tests), outside every path Flux reconciles. */
export const MANUAL_FOLDER = 'loadtests';

/** The GitRepository the Flux Operator creates for `sync` (named after its namespace). */
export const FLUX_SOURCE_NAME = 'flux-system';
export const FLUX_NAMESPACE = 'flux-system';
