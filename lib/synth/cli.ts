import { UnexpectedError, ValidationError } from '../core/errors';
import { describeOutputState, displayPath, SynthOutputError } from '../output/output-errors';
import { outputsSwappedIn } from '../output/output-swap';

/** How an entry point reports a failure. */
export interface EntryPointOptions {
  /** What failed, in the first line. @default 'synth' */
  readonly action?: string;
  /** Exit code of a failure (`diff` keeps 1 and 2 for its answers). @default 1 */
  readonly failureExitCode?: number;
}

/**
 * Runs an entry point: a ValidationError is printed as the list of problems it carries, a SynthOutputError
 * as its message, anything else as an unexpected error to report (its stack only with `BALLAST_DEBUG=1`);
 * all exit non-zero. The first line says
 * what the output folders hold: "nothing was written" only when no output was swapped in and no swap was
 * left half-done.
 *
 * `main` may be async (a platform program that awaits something): its Promise is returned, settled once
 * the failure, if any, is printed; it never rejects. A synchronous `main` is run and reported at once.
 */
export function runEntryPoint(main: () => PromiseLike<void>, options?: EntryPointOptions): Promise<void>;
export function runEntryPoint(main: () => void | PromiseLike<void>, options?: EntryPointOptions): void | Promise<void>;
export function runEntryPoint(main: () => void, options?: EntryPointOptions): void;
export function runEntryPoint(main: () => unknown, options: EntryPointOptions = {}): void | Promise<void> {
  const swappedBefore = outputsSwappedIn().length;
  const report = (err: unknown): void => {
    const written = outputsSwappedIn().slice(swappedBefore);
    let state: string;
    // An earlier synth of this entry point may have written output even when this error wrote nothing.
    if (err instanceof SynthOutputError && !(err.state === 'unchanged' && written.length > 0)) state = describeOutputState(err.state, err.outdirs);
    else if (written.length > 0) state = `after the new output was written to ${[...new Set(written)].map(displayPath).join(' and ')}`;
    else state = 'nothing was written';
    const known = err instanceof ValidationError || err instanceof UnexpectedError || (err as { userFacing?: unknown } | null)?.userFacing === true;
    const body = known ? (err as Error).message : new UnexpectedError('ballast', `running ${options.action ?? 'synth'}`, err).message;
    // The stack helps whoever fixes the bug, not the user: only on request.
    const stack = process.env.BALLAST_DEBUG && typeof (err as { stack?: unknown } | null)?.stack === 'string' ? `\n${(err as Error).stack}` : '';
    process.stderr.write(`ballast: ${options.action ?? 'synth'} failed, ${state}:\n${body}${stack}\n`);
    process.exitCode = options.failureExitCode ?? 1;
  };
  let result: unknown;
  try {
    result = main();
  } catch (err) {
    report(err);
    return;
  }
  if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') return Promise.resolve(result).then(() => undefined, report);
}
