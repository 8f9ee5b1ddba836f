import { yaml } from '../core/yaml-package';

const { isMap, isScalar, isSeq, parseAllDocuments } = yaml;
import { renderFluxRepository } from '../flux/repository';
import type { DeploymentPlan } from '../day2/deployment-plan';
import type { Manifest } from '../model/manifest';
import { isJsonObject, JsonObject, summarizeLongStrings } from './json';
import { Ownership } from './ownership';
import { secretShape, SecretShape } from './secret-shape';

/** One object of the Flux repository as `synthComponent` shows it: the object, or an encrypted Secret's shape. */
export type FluxObject = JsonObject | SecretShape;

/**
 * The objects of the Flux repository that the selected constructs wrote, by file, in the order of each
 * file. The repository is rendered by the renderer synth uses and read back from its YAML, so what is
 * shown is what would be committed; a value with a line comment (a Flux image-policy marker) reads
 * `value # comment`, as its line does.
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
      .map((doc) => withLineComments(doc.toJSON() as unknown, doc.contents))
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

/** `json` (the document's value, modified in place) with every commented scalar of `node` as `value # comment`. */
function withLineComments(json: unknown, node: unknown): unknown {
  const visit = (n: unknown, parent: Record<string | number, unknown>, key: string | number) => {
    if (isScalar(n)) {
      if (n.comment) parent[key] = `${String(n.value)} #${n.comment}`;
    } else if (isMap(n)) {
      const target = parent[key] as Record<string, unknown>;
      for (const pair of n.items) visit(pair.value, target, String(isScalar(pair.key) ? pair.key.value : pair.key));
    } else if (isSeq(n)) {
      const target = parent[key] as unknown[] as unknown as Record<number, unknown>;
      n.items.forEach((item, i) => visit(item, target, i));
    }
  };
  const root = { value: json };
  visit(node, root, 'value');
  return root.value;
}
