import Module, { createRequire } from 'module';
import * as path from 'path';

/**
 * Modules cdktf loads when it is first required but only runs for features ballast does not use: archiver
 * zips Terraform assets (ballast has none) and semver checks the Terraform CLI's version (a synth does
 * not run the CLI). Together about 200 files and 90 ms of the 400 ms a default synth takes.
 */
const DEFERRED: readonly { readonly module: string; readonly requiredBy: string }[] = [
  { module: 'archiver', requiredBy: 'lib/private/fs.js' },
  { module: 'semver', requiredBy: 'lib/validations/validate-binary-version.js' },
];

/**
 * Puts a stand-in for each deferred module into Node's module cache, where cdktf's `require` finds it:
 * the first call or property read on the stand-in loads the real module and forwards to it, so cdktf
 * works as before and only a synth that uses these features pays for loading them. It runs before cdktf
 * is first loaded (the modules that import cdktf import this one first). A module that is already
 * loaded, or that cdktf does not resolve where expected, is left as it is.
 */
function deferCdktfModules(): void {
  let cdktfRoot: string;
  try {
    cdktfRoot = path.dirname(require.resolve('cdktf/package.json'));
  } catch {
    return;
  }
  for (const { module: name, requiredBy } of DEFERRED) {
    const requireFromCdktf = createRequire(path.join(cdktfRoot, requiredBy));
    let file: string;
    try {
      file = requireFromCdktf.resolve(name);
    } catch {
      continue;
    }
    if (require.cache[file]) continue;
    let real: object | undefined;
    const load = (): object => {
      if (!real) {
        delete require.cache[file];
        real = requireFromCdktf(name) as object;
      }
      return real;
    };
    const standIn = new Module(file);
    standIn.filename = file;
    standIn.loaded = true;
    // A function target, so that a module that is itself a function (archiver) can be called.
    standIn.exports = new Proxy(function deferred() {}, {
      apply: (_target, thisArg, args: unknown[]) => Reflect.apply(load() as (...a: unknown[]) => unknown, thisArg, args),
      construct: (_target, args: unknown[]) => Reflect.construct(load() as new (...a: unknown[]) => object, args),
      get: (_target, key) => Reflect.get(load(), key),
      has: (_target, key) => Reflect.has(load(), key),
    });
    require.cache[file] = standIn;
  }
}

deferCdktfModules();
