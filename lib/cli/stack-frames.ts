import * as path from 'path';
import { fileURLToPath } from 'url';

// Whose code threw an error, read from its stack: the user's program (their files), ballast's own library,
// or neither (Node's internals, a dependency). A TypeError in the user's program is theirs to fix, and
// reporting it as "a bug in ballast" sends them to the wrong place.

/** One frame of a V8 stack trace that names a file. */
export interface StackFrame {
  /** Absolute path of the file (a `file://` URL converted). */
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** Who wrote the code of a frame. */
export type FrameOwner = 'user' | 'ballast' | 'other';

/**
 * ballast's own code: the folder of its library modules (`lib/` in a checkout, `dist-js/lib/` once
 * compiled, inside `node_modules/ballast` once installed). Not the package root: a checkout's own programs
 * (apps/, scripts/) are user code when the CLI runs them.
 */
const BALLAST_LIB = path.resolve(__dirname, '..');

// `    at fn (file:1:2)`, `    at file:1:2`, `    at async fn (file:1:2)`, `    at new C (file:1:2)`.
const FRAME = /^\s*at (?:async )?(?:.*? \()?(.+?):(\d+):(\d+)\)?$/;

/** The frames of `stack` that name a file with a position, top first. */
export function stackFrames(stack: string): StackFrame[] {
  const frames: StackFrame[] = [];
  for (const line of stack.split('\n')) {
    const m = FRAME.exec(line);
    if (!m) continue;
    let file = m[1];
    if (file.startsWith('file://')) {
      try {
        file = fileURLToPath(file);
      } catch {
        continue;
      }
    }
    frames.push({ file, line: Number(m[2]), column: Number(m[3]) });
  }
  return frames;
}

/** Whose code `file` is: ballast's library, the user's, or other (Node's internals, `node_modules`, eval). */
export function ownerOf(file: string, ballastLib = BALLAST_LIB): FrameOwner {
  if (!path.isAbsolute(file)) return 'other';
  const rel = path.relative(ballastLib, file);
  if (rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))) return 'ballast';
  if (file.split(/[\\/]/).includes('node_modules')) return 'other';
  return 'user';
}

/** The stack of `err`, when it is an object that has one. */
function stackOf(err: unknown): string | undefined {
  const stack = (err as { stack?: unknown } | null | undefined)?.stack;
  return typeof stack === 'string' ? stack : undefined;
}

/**
 * The frame that tells whose `err` is: its topmost frame in the user's code or in ballast's, skipping
 * Node's internals and dependencies (a `JSON.parse` or a library the user called threw it on their
 * behalf). Undefined when the stack names neither.
 */
export function decidingFrame(err: unknown, ballastLib = BALLAST_LIB): (StackFrame & { readonly owner: 'user' | 'ballast' }) | undefined {
  const stack = stackOf(err);
  if (stack === undefined) return undefined;
  for (const frame of stackFrames(stack)) {
    const owner = ownerOf(frame.file, ballastLib);
    if (owner !== 'other') return { ...frame, owner };
  }
  return undefined;
}

/** The topmost frame of `err` in the user's code, wherever it is in the stack (the call that led to it). */
export function firstUserFrame(err: unknown, ballastLib = BALLAST_LIB): StackFrame | undefined {
  const stack = stackOf(err);
  return stack === undefined ? undefined : stackFrames(stack).find((f) => ownerOf(f.file, ballastLib) === 'user');
}
