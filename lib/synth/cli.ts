import { ValidationError } from '../core/errors';
import { describeOutputState, displayPath, SynthOutputError } from './output-errors';
import { outputsSwappedIn } from './output-swap';

/** How an entry point reports a failure. */
export interface EntryPointOptions {
  /** What failed, in the first line. @default 'synth' */
  readonly action?: string;
  /** Exit code of a failure (`diff` keeps 1 and 2 for its answers). @default 1 */
  readonly failureExitCode?: number;
}

/**
 * Runs an entry point: a ValidationError is printed as the list of problems it carries (no stack trace),
 * a SynthOutputError as its message, anything else with its stack; all exit non-zero. The first line says
 * what the output folders hold: "nothing was written" only when no output was swapped in and no swap was
 * left half-done.
 */
export function runEntryPoint(main: () => void, options: EntryPointOptions = {}): void {
  const swappedBefore = outputsSwappedIn().length;
  try {
    main();
  } catch (err) {
    const written = outputsSwappedIn().slice(swappedBefore);
    let state: string;
    // An earlier synth of this entry point may have written output even when this error wrote nothing.
    if (err instanceof SynthOutputError && !(err.state === 'unchanged' && written.length > 0)) state = describeOutputState(err.state, err.outdirs);
    else if (written.length > 0) state = `after the new output was written to ${[...new Set(written)].map(displayPath).join(' and ')}`;
    else state = 'nothing was written';
    const stack = (err as { stack?: unknown } | null)?.stack;
    const body = err instanceof ValidationError || err instanceof SynthOutputError ? err.message : typeof stack === 'string' ? stack : String(err);
    process.stderr.write(`ballast: ${options.action ?? 'synth'} failed, ${state}:\n${body}\n`);
    process.exitCode = options.failureExitCode ?? 1;
  }
}
