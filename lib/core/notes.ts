import type { IConstruct } from 'constructs';
import { constructPath } from './errors';

// Synth notes: what a user should know about the platform as described, which is not a mistake (a
// problem fails synth; a note is printed beside the synth report and synth goes on). Kept as construct
// metadata, so that any construct can add one and the plan collects them from the whole tree.

const NOTE = 'ballast:note';

/** Adds a note that synth prints (`ballast: note: <construct path>: <message>`). */
export function addNote(scope: IConstruct, message: string): void {
  scope.node.addMetadata(NOTE, message);
}

/** Every note of the constructs, with the path of the construct that added it, in tree order. */
export function notesOf(constructs: readonly IConstruct[]): string[] {
  return constructs.flatMap((c) => c.node.metadata.filter((m) => m.type === NOTE).map((m) => `${constructPath(c)}: ${String(m.data)}`));
}
