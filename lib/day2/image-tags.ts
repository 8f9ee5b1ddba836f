import { ApiObject, JsonPatch } from 'cdk8s';
import * as path from 'path';
import { yaml } from '../core/yaml-package';
import { chartObjects } from '../core/chart-objects';
import { conflictError, fileError, hasConflictMarkers, readCheckoutFile, restoreFromGit, shownPath } from '../core/checkout-file';
import { Component } from '../core/component';
import { componentFileName } from '../plan/file-names';
import { FLUX_FILE_ROLE } from './previous-flux-files';

// Flux's image automation commits new tags into the Flux repository, where the setter markers are; the
// platform code still names the tag it was written with. Without this, the next synth would write the
// code's tag back over the committed one, and the two would take turns. So a tag the automation committed
// is kept for as long as the code's own tag stays what it was at the previous synth; a new tag in the code
// wins (someone bumped it on purpose).

/** Where a marked image is: the component, its Deployment and the field's path. */
interface MarkedImage {
  readonly component: Component;
  readonly key: string;
  readonly object: ApiObject;
  readonly path: readonly (string | number)[];
  readonly image: string;
}

/** An image this synth keeps from the previous output, for the synth report. */
export interface KeptImage {
  /** `<namespace>/<Deployment>`. */
  readonly key: string;
  /** The tag in the previous output (committed by Flux's image automation). */
  readonly kept: string;
  /** The tag the code names. */
  readonly code: string;
}

/** The images under an image-policy marker, with the image the code gives each. */
function markedImages(components: readonly Component[]): MarkedImage[] {
  const out: MarkedImage[] = [];
  for (const c of components) {
    for (const comment of c.objectComments.filter((x) => x.comment.includes('"$imagepolicy"'))) {
      const object = chartObjects(c).find((o) => o.kind === comment.kind && o.name === comment.name);
      if (!object) continue;
      const image = valueAt(object.toJson(), comment.path);
      if (typeof image === 'string') out.push({ component: c, key: `${c.namespace}/${comment.name}`, object, path: comment.path, image });
    }
  }
  return out;
}

/** The code's image of every marked image, by key: what the inventory remembers for the next synth. */
export function codeImages(components: readonly Component[]): Record<string, string> {
  return Object.fromEntries(markedImages(components).map((m) => [m.key, m.image]).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * Keeps the tags Flux's image automation committed into the previous output (`previousFluxDir`) where
 * the code's image is the one the previous synth had (`previousCodeImages`, from its inventory) and the
 * repository is the same: the component's object is patched to the committed image. Returns what it kept.
 */
export function keepAutomatedTags(components: readonly Component[], previousCodeImages: Readonly<Record<string, string>> | undefined, previousFluxDir: string | undefined): KeptImage[] {
  if (!previousCodeImages || !previousFluxDir) return [];
  const kept: KeptImage[] = [];
  for (const m of markedImages(components)) {
    if (previousCodeImages[m.key] !== m.image) continue;
    const committed = previousImage(previousFluxDir, m);
    if (!committed || committed === m.image || repositoryOf(committed) !== repositoryOf(m.image)) continue;
    m.object.addJsonPatch(JsonPatch.replace(`/${m.path.join('/')}`, committed));
    kept.push({ key: m.key, kept: committed, code: m.image });
  }
  return kept;
}

/**
 * The image at the marked path of the same object in the previous output's file of the component. The
 * file is read inside the output only (a link leading out is refused, as a folder or a FIFO is); one that
 * does not parse is refused with the Git fix rather than read as holding no tag, which would put the
 * code's tag back over the one the automation committed.
 */
function previousImage(fluxDir: string, m: MarkedImage): string | undefined {
  const file = path.join(fluxDir, 'apps', `${componentFileName(m.component)}.yaml`);
  const text = readCheckoutFile(file, FLUX_FILE_ROLE, { within: fluxDir });
  if (text === undefined) return undefined;
  // A merge of the automation's commit with a hand edit: the markers are named, not taken for bad YAML.
  if (hasConflictMarkers(text)) throw conflictError(file, FLUX_FILE_ROLE);
  for (const doc of yaml.parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      // The line only: the YAML package's own message quotes the text.
      const line = doc.errors[0].linePos?.[0].line;
      throw fileError(file, `${FLUX_FILE_ROLE.what} is not valid YAML${line !== undefined ? ` at line ${line}` : ''}`, restoreFromGit(shownPath(file)));
    }
    let o: { kind?: string; metadata?: { name?: string } } | null;
    try {
      o = doc.toJSON() as typeof o;
    } catch {
      // An alias that expands without end (the YAML package stops it): not a file ballast wrote.
      throw fileError(file, `${FLUX_FILE_ROLE.what} is not YAML ballast wrote: its aliases expand too far`, restoreFromGit(shownPath(file)));
    }
    if (o?.kind === m.object.kind && o.metadata?.name === m.object.name) {
      const image = valueAt(o, m.path);
      return typeof image === 'string' ? image : undefined;
    }
  }
  return undefined;
}

/** `ghcr.io/acme/api` of `ghcr.io/acme/api:1.2.3` (or `...@sha256:...`). */
function repositoryOf(image: string): string {
  return image.replace(/@sha256:[a-f0-9]{64}$/, '').replace(/:[^/:]+$/, '');
}

function valueAt(value: unknown, at: readonly (string | number)[]): unknown {
  return at.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[k] : undefined), value);
}
