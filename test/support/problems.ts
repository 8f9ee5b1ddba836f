import { ValidationError } from '../../lib/internal';

/** The message of the ValidationError `build` throws, or 'no error'; any other error is rethrown. */
export function problemOf(build: () => void): string {
  try {
    build();
  } catch (err) {
    if (err instanceof ValidationError) return err.message;
    throw err;
  }
  return 'no error';
}
