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
  return `${oneLine(p.path)}: ${oneLine(p.problem)}. ${oneLine(p.fix)}.`;
}

/** `text` with control characters escaped: a name the user wrote with a newline cannot break the one-line-per-problem format. */
function oneLine(text: string): string {
  return String(text).replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
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

/** Problems recorded on constructs while they were built, reported together when the platform is planned. */
const reported = new WeakMap<IConstruct, ConfigProblem[]>();

/**
 * Records a problem with the props of `scope` without stopping the program, as the AWS CDK's
 * `node.addValidation` does: a platform with seven mistakes reports all seven in one run. The plan
 * collects them before it reads any object (`reportedProblems`), and cdk8s' own validation (`cdk8s synth`)
 * sees them too. The caller goes on with a value that keeps construction going; nothing is rendered while
 * a problem stands.
 */
export function reportProblem(scope: IConstruct, problem: string, fix: string): void {
  // While a plan runs, the props' problems are collected already: one found now is thrown at once.
  if (planning > 0) fail(scope, problem, fix);
  let list = reported.get(scope);
  if (!list) {
    list = [];
    reported.set(scope, list);
    const problems = list;
    scope.node.addValidation({ validate: () => problems.map(formatProblem) });
  }
  list.push({ path: constructPath(scope), problem, fix });
}

/** The problems `reportProblem` recorded on `constructs`, in their order. */
export function reportedProblems(constructs: readonly IConstruct[]): ConfigProblem[] {
  return constructs.flatMap((c) => reported.get(c) ?? []);
}

/** The problems of a ValidationError `fn` throws, or none; any other error is rethrown. */
export function problemsOf(fn: () => unknown): readonly ConfigProblem[] {
  try {
    fn();
    return [];
  } catch (err) {
    if (err instanceof ValidationError) return err.problems;
    throw err;
  }
}

/** How many plans are running (a fleet plans one cluster after another, never nested in practice). */
let planning = 0;

/** Runs `fn` (a plan) with reportProblem throwing: the plan has collected the recorded problems before. */
export function whilePlanning<T>(fn: () => T): T {
  planning++;
  try {
    return fn();
  } finally {
    planning--;
  }
}

/**
 * An error ballast did not expect (a bug, or a case no check covers yet), tied to the construct that was
 * being processed. Entry points print its message, not its stack (set `BALLAST_DEBUG=1` for that).
 */
export class UnexpectedError extends Error {
  constructor(
    public readonly path: string,
    public readonly doing: string,
    public readonly original: unknown,
  ) {
    const message = original instanceof Error ? original.message : String(original);
    super(`${path}: unexpected error while ${doing}: ${message.split('\n')[0]}. This is a bug in ballast (or a case it does not check yet): please report it with this message and the platform code that caused it.`);
    this.name = 'UnexpectedError';
  }
}

/**
 * Runs `fn` for the construct `scope`; an error other than a ValidationError (or another error that
 * already says what to do) becomes an UnexpectedError naming the construct and what was being done.
 */
export function inConstruct<T>(scope: IConstruct | string | (() => string), doing: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ValidationError || err instanceof UnexpectedError || (err as { userFacing?: unknown } | null)?.userFacing === true) throw err;
    throw new UnexpectedError(typeof scope === 'string' ? scope : typeof scope === 'function' ? scope() : constructPath(scope), doing, err);
  }
}
