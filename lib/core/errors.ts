import { IConstruct } from 'constructs';

/** One problem with the platform description, tied to the construct that has it. */
export interface ConfigProblem {
  /** Construct path, e.g. `ballast/traefik`. */
  readonly path: string;
  /** What is wrong, as one sentence without a trailing period. */
  readonly problem: string;
  /** How to fix it, as one sentence without a trailing period. */
  readonly fix: string;
}

/**
 * A platform description that cannot be synthesized.
 *
 * Its message lists every problem as `<construct path>: <what is wrong>. <how to fix>.` so that a user
 * sees all of them at once instead of fixing one per synth run.
 */
export class ValidationError extends Error {
  public readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ValidationError';
    this.problems = problems;
  }
}

export function formatProblem(p: ConfigProblem): string {
  return `${p.path}: ${p.problem}. ${p.fix}.`;
}

/** The path users see for a construct: the root has an empty path, so it is named by its id. */
export function constructPath(scope: IConstruct): string {
  return scope.node.path === '' ? scope.node.id || '<root>' : scope.node.path;
}

/** Throws a ValidationError for a single problem on `scope`. */
export function fail(scope: IConstruct | string, problem: string, fix: string): never {
  const path = typeof scope === 'string' ? scope : constructPath(scope);
  throw new ValidationError([{ path, problem, fix }]);
}
