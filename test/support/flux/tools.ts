import * as fs from 'fs';
import * as path from 'path';
import { toolPath } from '../../../scripts/tool-path';

/** Flux's controllers that scripts/tools.sh builds (helm-controller cannot be built here: not served). */
export type FluxControllerName = 'source-controller' | 'kustomize-controller';

/**
 * The cached binary of a Flux controller (scripts/tools.sh builds it). Throws with the reason when it is
 * not built: the flux tier fails without its tools, it never skips.
 */
export function fluxControllerPath(name: FluxControllerName): string {
  try {
    return toolPath(name);
  } catch (err) {
    throw new Error(`${(err as Error).message} (\`npm run pretest:flux\` builds every tool of the flux tier)`);
  }
}

/**
 * The CRD files the controller's own module ships (config/crd/bases), which scripts/tools.sh caches
 * beside the binary: the reference data holds the kinds ballast writes, and lacks some a controller
 * watches (Bucket, ExternalArtifact), without which it cannot start.
 */
export function fluxControllerCrdFiles(name: FluxControllerName): string[] {
  const dir = path.join(path.dirname(fluxControllerPath(name)), 'crds');
  if (!fs.existsSync(dir)) {
    throw new Error(`${name}: no CRDs cached at ${dir}; remove ${path.dirname(dir)} and run \`bash scripts/tools.sh ${name}\` again`);
  }
  return fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => path.join(dir, f));
}
