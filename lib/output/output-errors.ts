import * as path from 'path';

/**
 * What a failed synth left in its output folders.
 *
 * - `unchanged`: nothing was written; the output folders hold what they held before.
 * - `rolled-back`: the swap began and was undone; the output folders hold the previous output again.
 * - `replaced`: the new output is in place; what failed came after the swap.
 * - `interrupted`: the output folders may hold the output of two different synths; the next synth
 *   finishes or undoes the swap from its journal.
 */
export type OutputState = 'unchanged' | 'rolled-back' | 'replaced' | 'interrupted';

/** A synth failure that knows, and says, what state the output folders are in. */
export class SynthOutputError extends Error {
  /** What the output folders hold now. */
  public readonly state: OutputState;
  /** The output folders concerned (absolute paths). */
  public readonly outdirs: readonly string[];
  /** Its message says what happened and what to do: printed as it is, never wrapped as unexpected. */
  public readonly userFacing = true;

  constructor(state: OutputState, outdirs: readonly string[], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SynthOutputError';
    this.state = state;
    this.outdirs = outdirs;
  }
}

/** Another synth holds the lock of an output folder (and did not let go in time). Nothing was written. */
export class OutputLockedError extends SynthOutputError {
  constructor(outdir: string, message: string) {
    super('unchanged', [outdir], message);
    this.name = 'OutputLockedError';
  }
}

/**
 * The state of the output folders as the tail of `synth failed, ...`: "nothing was written" only where
 * that is true.
 */
export function describeOutputState(state: OutputState, outdirs: readonly string[]): string {
  const dirs = outdirs.map(displayPath).join(' and ');
  switch (state) {
    case 'unchanged':
      return 'nothing was written';
    case 'rolled-back':
      return `the output was not changed: the swap was undone and ${dirs} hold the previous output`;
    case 'replaced':
      return `but the new output is in ${dirs}`;
    case 'interrupted':
      return `${dirs} may hold the output of two different synths until the next synth finishes or undoes the interrupted swap`;
  }
}

/** `dir` relative to the working folder when it is inside it (`dist/flux`), absolute otherwise. */
export function displayPath(dir: string): string {
  const rel = path.relative(process.cwd(), dir);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : dir;
}

/** The message of a thrown value, for composing messages. */
export function messageOf(err: unknown): string {
  // Not `instanceof Error`: errors from another realm (a vm context, a test sandbox) fail that test.
  const message = (err as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(err);
}
