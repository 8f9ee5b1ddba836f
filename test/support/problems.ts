import { IConstruct } from 'constructs';
import { reportedProblems, ValidationError } from '../../lib/internal';

/**
 * The message of the ValidationError `build` throws, or 'no error'; any other error is rethrown. When
 * `build` returns a construct and throws nothing, the problems its props recorded (`reportProblem`, which
 * the plan reports together with every other) count as its error: the message the plan would throw.
 */
export function problemOf(build: () => unknown): string {
  let built: unknown;
  try {
    built = build();
  } catch (err) {
    if (err instanceof ValidationError) return err.message;
    throw err;
  }
  const node = (built as Partial<IConstruct> | undefined)?.node;
  if (node && typeof node.root === 'object') {
    const reported = reportedProblems(node.root.node.findAll());
    if (reported.length > 0) return new ValidationError(reported).message;
  }
  return 'no error';
}
