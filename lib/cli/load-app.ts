import { App } from 'cdk8s';
import { IConstruct } from 'constructs';
import * as fs from 'fs';
import * as path from 'path';
import { ConfigProblem, ValidationError } from '../core/errors';
import { Fleet } from '../fleet/fleet';
import { buildFailure, displayFile, ProgramError, usersError } from './program-errors';
import { isThenable, platformReturned } from './program-result';

/**
 * What a platform program exports: a function that builds the platform in the cdk8s app it is given and
 * returns it, or a Promise of it (an `async` function, for a program that reads something first).
 */
export type PlatformProgram = (app: App) => IConstruct | PromiseLike<IConstruct>;

/** What the CLI runs: one platform's program, or a fleet of them. */
export type LoadedProgram = PlatformProgram | Fleet;

/** The platform program the CLI uses when `--app` is not given, in this order. */
export const DEFAULT_APPS = ['platform.ts', 'platform.js'];

const EXPORTS_FIX = 'Export default (or export const platform =) a function (app: App) => Platform, or export default (or export const fleet =) a new Fleet({...})';

/**
 * Loads the user's platform program (`--app`): a TypeScript or JavaScript file whose default export, or
 * export `platform`, is a `PlatformProgram`, or a Fleet. TypeScript is transpiled as it is required (types
 * are not checked here: that is `tsc`'s job in the user's project), with the compiler ballast already
 * depends on.
 *
 * The function returned builds the platform and checks what the program returned; whatever the program's
 * own code throws, at load or while building, is reported as the program's, at its file and line.
 */
export function loadPlatformProgram(app: string | undefined, cwd = process.cwd()): LoadedProgram {
  const file = programFile(app, cwd);
  const shown = displayFile(file, cwd);
  // Stack traces of the program point into its own source (its .ts lines, through the inline source map
  // the transpiler writes, or a compiled program's own maps), for the messages and BALLAST_DEBUG=1.
  process.setSourceMapsEnabled(true);
  if (/\.[cm]?ts$/.test(file)) registerTypeScript();
  shownFrom = cwd;
  let exported: Record<string, unknown>;
  try {
    exported = require(file) as Record<string, unknown>;
  } catch (err) {
    throw loadFailure(err, file, cwd);
  }
  if (exported === null || (typeof exported !== 'object' && typeof exported !== 'function')) exported = {};
  // `module.exports = ...` of a CommonJS program counts as its default export.
  const fleet = [exported.default, exported.fleet, exported].find((e) => Fleet.isFleet(e));
  if (fleet) return fleet as Fleet;
  const program = [exported.default, exported.platform, exported].find((e) => typeof e === 'function');
  if (typeof program !== 'function') {
    throw new ProgramError([{ path: shown, problem: 'it exports neither a function to build the platform nor a Fleet', fix: EXPORTS_FIX }]);
  }
  // A class is a function too, and calling it without `new` throws from ballast's line, not the user's.
  if (/^class\b/.test(Function.prototype.toString.call(program))) {
    throw new ProgramError([{ path: shown, problem: `it exports the class ${(program as { name?: string }).name || '(anonymous)'}, not a function that builds the platform`, fix: 'Export a function that makes it: export default (app: App) => new MyPlatform(app, ...)' }]);
  }
  const context = { file, doing: 'building the platform', cwd };
  return (cdk8sApp) => {
    let result: unknown;
    try {
      result = (program as (app: App) => unknown)(cdk8sApp);
    } catch (err) {
      throw buildFailure(err, context);
    }
    if (!isThenable(result)) return platformReturned(result, cdk8sApp, shown);
    return Promise.resolve(result).then(
      (value) => platformReturned(value, cdk8sApp, shown, true),
      (err: unknown) => {
        throw buildFailure(err, context);
      },
    );
  };
}

/** The absolute path of the program: `--app`, or the first default program in `cwd`. */
function programFile(app: string | undefined, cwd: string): string {
  const file = app !== undefined ? path.resolve(cwd, app) : DEFAULT_APPS.map((f) => path.join(cwd, f)).find((f) => fs.existsSync(f));
  if (file === undefined) {
    throw new ProgramError([{ path: 'arguments', problem: `no platform program: neither ${DEFAULT_APPS.join(' nor ')} is in ${cwd}`, fix: 'Pass --app <file>, a .ts or .js file whose default export is (app: App) => Platform' }]);
  }
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (stat?.isDirectory()) {
    const inside = DEFAULT_APPS.map((f) => path.join(file, f)).find((f) => fs.existsSync(f));
    throw new ProgramError([
      { path: 'arguments', problem: `--app ${app}: ${file} is a folder, not a program file`, fix: inside ? `Pass the program in it: --app ${displayFile(inside, cwd)}` : 'Pass the path of your platform program, a .ts or .js file' },
    ]);
  }
  if (!stat?.isFile()) throw new ProgramError([{ path: 'arguments', problem: `--app ${app}: ${file} is not a file`, fix: 'Pass the path of your platform program' }]);
  return file;
}

/**
 * What to throw when requiring the program failed: a refusal it raised as it is, an error of its own
 * code at its file and line, a syntax error at its line; anything else (a module Node cannot load) as
 * a program that could not be loaded.
 */
function loadFailure(err: unknown, file: string, cwd: string): unknown {
  if (err instanceof ValidationError || (err as { userFacing?: unknown } | null)?.userFacing === true) return err;
  const own = usersError(err, { file, doing: 'loading the program', cwd });
  if (own) return own;
  // The first line, without a test runner's or ts-node's colours.
  const text = err instanceof Error ? err.message : String(err);
  const message = (text.replace(/\u001b\[[0-9;]*m/g, '').split('\n').find((l) => l.trim() !== '') ?? 'no message').trim().replace(/\.+$/, '');
  // V8 names the place of a syntax error in a line `<file>:<line>` above the message, not in a frame (a
  // test runner puts its own text before it, and its SyntaxError is of another realm).
  const syntax = (err as { name?: unknown } | null)?.name === 'SyntaxError' ? String((err as { stack?: unknown }).stack ?? '') : '';
  const at = /^(.+):(\d+)$/m.exec(syntax);
  if (at && path.isAbsolute(at[1])) {
    return new ProgramError([{ path: `${displayFile(at[1], cwd)}:${at[2]}`, problem: `the program does not parse: ${message.replace(/^SyntaxError: /, '')}`, fix: 'Fix the syntax there' }], err);
  }
  return new ProgramError([{ path: displayFile(file, cwd), problem: `loading the platform program failed: ${message}`, fix: 'Fix the program (BALLAST_DEBUG=1 prints the stack)' }], err);
}

/** The folder the transpiler's messages show files relative to: that of the program loaded last. */
let shownFrom = process.cwd();

/**
 * Lets `require` load `.ts` files by transpiling them to CommonJS (through `pirates`, the require hook
 * Babel and Jest use), unless something else (ts-node, a test runner) already does. The source map is
 * inlined so that a stack trace points into the user's file; a syntax error is reported at its line, as
 * the compiler finds it.
 */
function registerTypeScript(): void {
  if (require.extensions['.ts']) return;
  const ts = require('typescript') as typeof import('typescript');
  const { addHook } = require('pirates') as typeof import('pirates');
  const transpile = (code: string, filename: string): string => {
    const out = ts.transpileModule(code, {
      fileName: filename,
      reportDiagnostics: true,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, inlineSourceMap: true },
    });
    const problems = new Map<string, ConfigProblem>();
    for (const d of out.diagnostics ?? []) {
      if (d.category !== ts.DiagnosticCategory.Error) continue;
      const line = d.file && d.start !== undefined ? `:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}` : '';
      const text = ts.flattenDiagnosticMessageText(d.messageText, ' ').replace(/\.+$/, '');
      const problem = { path: `${displayFile(filename, shownFrom)}${line}`, problem: `the program does not parse: ${text}`, fix: 'Fix the syntax there (tsc --noEmit lists every error)' };
      // The parser can report one mistake twice at one line.
      problems.set(`${problem.path} ${problem.problem}`, problem);
    }
    if (problems.size > 0) throw new ProgramError([...problems.values()]);
    return out.outputText;
  };
  // A program's own .ts files only: a package in node_modules ships JavaScript.
  addHook(transpile, { exts: ['.ts', '.cts', '.mts'], ignoreNodeModules: true });
}
