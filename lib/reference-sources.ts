import { catalog, CatalogChart } from './catalog';

/**
 * Where the reference data (CRDs, chart values and schemas) that checks ballast's output comes from
 * upstream: every chart of the catalog at its pinned version, and the CRD files that a chart does not
 * carry itself. One list, next to the catalog, so that bumping a chart also changes what the checks use.
 */

/** A file of CustomResourceDefinitions published as a release asset. */
export interface CrdAsset {
  /** Project that publishes it, e.g. `source-controller`. */
  readonly project: string;
  /** Release tag, exact. */
  readonly version: string;
  readonly url: string;
  /** Folder under `crds/` of the reference data that receives its CRDs. */
  readonly folder: string;
}

/** Everything the reference data is built from. */
export interface ReferenceSources {
  /** Charts pulled with `helm pull`: values.yaml, values.schema.json, Chart.yaml, subcharts and CRDs. */
  readonly charts: readonly CatalogChart[];
  readonly crdAssets: readonly CrdAsset[];
}

function fluxController(project: string, version: string): CrdAsset {
  return {
    project,
    version,
    url: `https://github.com/fluxcd/${project}/releases/download/${version}/${project}.crds.yaml`,
    folder: 'fluxcd',
  };
}

/**
 * The Flux toolkit CRDs: the FluxInstance brings up the controllers, which install them at run time, so
 * no chart carries them. Versions of the controllers in the Flux release the platform targets.
 */
export const FLUX_TOOLKIT_CRDS: readonly CrdAsset[] = [
  fluxController('source-controller', 'v1.9.1'),
  fluxController('kustomize-controller', 'v1.9.4'),
  fluxController('helm-controller', 'v1.6.3'),
  fluxController('image-reflector-controller', 'v1.2.0'),
  fluxController('image-automation-controller', 'v1.2.1'),
];

/**
 * cert-manager's CRDs: its chart renders them only with `crds.enabled`, which its default values (all the
 * reference fill renders with) leave off, so they come from the release's own asset.
 */
export const CERT_MANAGER_CRDS: CrdAsset = {
  project: 'cert-manager',
  version: catalog.certManager.version,
  url: `https://github.com/cert-manager/cert-manager/releases/download/${catalog.certManager.version}/cert-manager.crds.yaml`,
  folder: 'cert-manager',
};

/** The upstream sources of the reference data for the charts of the catalog. */
export function referenceSources(): ReferenceSources {
  return { charts: Object.values(catalog), crdAssets: [...FLUX_TOOLKIT_CRDS, CERT_MANAGER_CRDS] };
}
