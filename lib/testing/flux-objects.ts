import { parseAllDocuments } from 'yaml';
import { renderFluxRepository } from '../flux/repository';
import { DeploymentPlan, Manifest } from '../plan/deployment-plan';
import { isJsonObject, JsonObject, summarizeLongStrings } from './json';
import { Ownership } from './ownership';
import { secretShape, SecretShape } from './secret-shape';

/** One object of the Flux repository as `synthComponent` shows it: the object, or an encrypted Secret's shape. */
export type FluxObject = JsonObject | SecretShape;

/**
 * The objects of the Flux repository that the selected constructs wrote, by file, in the order of each
 * file. The repository is rendered by the renderer synth uses and read back from its YAML, so what is
 * shown is what would be committed (line comments, such as image-policy markers, are not part of it).
 */
export function fluxObjects(
  plan: DeploymentPlan,
  ownership: Ownership,
  selected: (path: string) => boolean,
  maxStringLength: number,
): Record<string, FluxObject[]> {
  const out: Record<string, FluxObject[]> = {};
  for (const [file, text] of renderFluxRepository(plan).files) {
    if (!file.endsWith('.yaml')) continue;
    const objects = parseAllDocuments(text)
      .map((doc) => doc.toJSON() as unknown)
      .filter((o): o is Manifest => isJsonObject(o) && isJsonObject(o.metadata))
      .filter((o) => {
        const owner = ownership.fluxOwner(o);
        return owner !== undefined && selected(owner);
      })
      .map((o) => ('sops' in o ? secretShape(o, 'sops') : (summarizeLongStrings(o as unknown as JsonObject, maxStringLength) as JsonObject)));
    if (objects.length > 0) out[file] = objects;
  }
  return out;
}
