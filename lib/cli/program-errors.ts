import * as path from 'path';
import { lastConstructedComponent } from '../core/component';
import { ConfigProblem, UnexpectedError, ValidationError } from '../core/errors';
import { decidingFrame, firstUserFrame } from './stack-frames';

/**
 * A problem of the user's platform program: it cannot be loaded, it threw, it returned no platform. The
 * user's to fix, printed as the other problems are (`<file>: <what>. <fix>.`), never as a bug in ballast.
 */
export class ProgramError extends ValidationError {
  constructor(problems: readonly ConfigProblem[], original?: unknown) {
    super(problems);
    this.name = 'ProgramError';
    // BALLAST_DEBUG=1 prints the stack of what the program threw (its frames in the user's files), not
    // the stack of this report.
    const stack = (original as { stack?: unknown } | null | undefined)?.stack;
    if (typeof stack === 'string') this.stack = stack;
  }
}

/** `file` as the user names it: relative to the working folder when it is inside it. */
export function displayFile(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/** What the program was doing when it threw, for messages. */
export interface ProgramContext {
  /** The program's file (absolute), named when the error itself names no file of the user's. */
  readonly file?: string;
  /** `loading the program`, `building the platform`... */
  readonly doing: string;
  /** The folder paths are shown relative to. */
  readonly cwd: string;
}

const FIX = 'The error is in the program, not in ballast: fix it there (BALLAST_DEBUG=1 prints the whole stack)';

/**
 * `err` as the user's own error, when their code threw it while ballast ran the program:
 * - an error whose topmost frame outside Node and the dependencies is in the user's code: a ProgramError
 *   at that file and line; also when ballast wrapped it as unexpected because it called the user's code
 *   (a Component's own method);
 * - a thrown value that is not an Error (`throw 'no domain'`): a ProgramError naming the program file.
 * Undefined for everything else: a ValidationError or another error that already says what to do keeps
 * its message (a construct's refusal, even when the program's call led to it), and an error of ballast's
 * own code is ballast's to report.
 */
export function usersError(err: unknown, context: ProgramContext): ProgramError | undefined {
  if (err instanceof UnexpectedError) return asUsers(err.original, { ...context, doing: err.path === 'ballast' ? err.doing : `${err.doing} (${err.path})` });
  if (err instanceof ValidationError || (err as { userFacing?: unknown } | null)?.userFacing === true) return undefined;
  return asUsers(err, context);
}

/** `err` as the user's ProgramError, when their code threw it. */
function asUsers(err: unknown, context: ProgramContext): ProgramError | undefined {
  if (!isErrorLike(err)) {
    if (context.file === undefined) return undefined;
    return new ProgramError([{ path: displayFile(context.file, context.cwd), problem: `the program threw ${describeThrown(err)}, not an Error, while ${context.doing}`, fix: FIX }], err);
  }
  const frame = decidingFrame(err);
  if (frame?.owner !== 'user') return undefined;
  const name = typeof err.name === 'string' && err.name !== '' ? err.name : 'Error';
  return new ProgramError(
    [
      {
        path: `${displayFile(frame.file, context.cwd)}:${frame.line}`,
        problem: `the program's code threw ${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name} while ${context.doing}: ${summary(err.message)}`,
        fix: FIX,
      },
    ],
    err,
  );
}

/** An Error, also one from another realm (a test runner's, a worker's): what has a message and a stack. */
function isErrorLike(err: unknown): err is { name?: unknown; message: string; stack: string } {
  return typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string' && typeof (err as { stack?: unknown }).stack === 'string';
}

/** A thrown non-Error, briefly: its type, and a short string's text. */
function describeThrown(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 120 ? `${value.slice(0, 120)}...` : value)}`;
  return `a value of type ${typeof value}`;
}

/**
 * The first line of a message, without its closing period (the formatter adds one). V8's `JSON.parse`
 * quotes the text it could not parse, and a program that parses a secret from the environment would
 * print it: that quote is left out.
 */
function summary(message: string): string {
  const first = (message.split('\n')[0] ?? '').trim();
  const quiet = first.replace(/(?:Unexpected token .+?, )?"(?:[^"\\]|\\.)*"(?:\.\.\.)? is not valid JSON/, 'the text is not valid JSON (left out here: it may be a secret)');
  return quiet.replace(/\.+$/, '') || 'no message';
}

/**
 * What to throw for `err`, thrown while the program built the platform (`context.doing`): the user's own
 * error as theirs, a refusal as it is, and an error of ballast's own code as unexpected, named by the
 * component built last and the program's line that called into ballast (for the bug report).
 */
export function buildFailure(err: unknown, context: ProgramContext, component = lastConstructedComponent()): unknown {
  const own = usersError(err, context);
  if (own) return own;
  if (err instanceof ValidationError || err instanceof UnexpectedError || (err as { userFacing?: unknown } | null)?.userFacing === true) return err;
  const caller = firstUserFrame(err);
  const at = caller ? ` (called from ${displayFile(caller.file, context.cwd)}:${caller.line})` : '';
  return new UnexpectedError(component ?? 'ballast', `${context.doing}${at}`, err);
}
