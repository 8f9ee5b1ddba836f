import { App } from 'cdk8s';
import { IConstruct } from 'constructs';
import * as fs from 'fs';
import * as path from 'path';
import { ValidationError } from '../core/errors';
import { Fleet } from '../fleet/fleet';

/** What a platform program exports: a function that builds the platform in the cdk8s app it is given. */
export type PlatformProgram = (app: App) => IConstruct;

/** What the CLI runs: one platform's program, or a fleet of them. */
export type LoadedProgram = PlatformProgram | Fleet;

/** The platform program the CLI uses when `--app` is not given, in this order. */
export const DEFAULT_APPS = ['platform.ts', 'platform.js'];

/** A platform program that could not be loaded: the user's to fix, said without a stack trace. */
class ProgramError extends ValidationError {}

/**
 * Loads the user's platform program (`--app`): a TypeScript or JavaScript file whose default export, or
 * export `platform`, is a `PlatformProgram`. TypeScript is transpiled as it is required (types are not
 * checked here: that is `tsc`'s job in the user's project), with the compiler ballast already depends on.
 */
export function loadPlatformProgram(app: string | undefined, cwd = process.cwd()): LoadedProgram {
  const file = app !== undefined ? path.resolve(cwd, app) : DEFAULT_APPS.map((f) => path.join(cwd, f)).find((f) => fs.existsSync(f));
  if (file === undefined) {
    throw new ProgramError([{ path: 'arguments', problem: `no platform program: neither ${DEFAULT_APPS.join(' nor ')} is in ${cwd}`, fix: 'Pass --app <file>, a .ts or .js file whose default export is (app: App) => Platform' }]);
  }
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    throw new ProgramError([{ path: 'arguments', problem: `--app ${app}: ${file} is not a file`, fix: 'Pass the path of your platform program' }]);
  }
  if (/\.[cm]?ts$/.test(file)) registerTypeScript();
  let exported: Record<string, unknown>;
  try {
    exported = require(file) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof ValidationError) throw err;
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new ProgramError([{ path: path.relative(cwd, file) || file, problem: `loading the platform program failed: ${message}`, fix: 'Fix the program (BALLAST_DEBUG=1 prints the stack)' }]);
  }
  const fleet = [exported.default, exported.fleet].find((e) => Fleet.isFleet(e));
  if (fleet) return fleet as Fleet;
  const program = typeof exported.default === 'function' ? exported.default : exported.platform;
  if (typeof program !== 'function') {
    throw new ProgramError([
      { path: path.relative(cwd, file) || file, problem: 'it exports neither a function to build the platform nor a Fleet', fix: 'Export default (or export const platform =) a function (app: App) => Platform, or export default (or export const fleet =) a new Fleet({...})' },
    ]);
  }
  return (cdk8sApp) => (program as PlatformProgram)(cdk8sApp);
}

/**
 * Lets `require` load `.ts` files by transpiling them to CommonJS, unless something else (ts-node, a test
 * runner) already does. The source map is inlined so that a stack trace points into the user's file.
 */
function registerTypeScript(): void {
  const extensions = require.extensions as Record<string, ((module: NodeModule, filename: string) => void) | undefined>;
  if (extensions['.ts']) return;
  const ts = require('typescript') as typeof import('typescript');
  const compile = (module: NodeModule, filename: string): void => {
    const out = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
      fileName: filename,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, inlineSourceMap: true },
    });
    (module as NodeModule & { _compile(code: string, filename: string): void })._compile(out.outputText, filename);
  };
  for (const ext of ['.ts', '.cts', '.mts']) extensions[ext] ??= compile;
}
