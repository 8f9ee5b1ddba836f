import { ValidationError } from '../core/errors';

/**
 * Runs an entry point: a ValidationError is printed as the list of problems it carries (no stack trace),
 * anything else with its stack; both exit non-zero.
 */
export function runEntryPoint(main: () => void): void {
  try {
    main();
  } catch (err) {
    if (err instanceof ValidationError) {
      process.stderr.write(`ballast: synth failed, nothing was written:\n${err.message}\n`);
    } else {
      process.stderr.write(`ballast: synth failed, nothing was written:\n${err instanceof Error ? err.stack : String(err)}\n`);
    }
    process.exitCode = 1;
  }
}
