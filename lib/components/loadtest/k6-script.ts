import * as fs from 'fs';
import * as path from 'path';
import { cachedJson } from '../../core/build-cache';

/** A load-test script ready for k6: one plain ES module. */
export interface K6Script {
  /** The file name inside the ConfigMap, e.g. `articles-crawl.js`. */
  readonly fileName: string;
  readonly source: string;
  /** The modules it imports (all k6 built-ins). */
  readonly imports: readonly string[];
}

/** k6's built-in modules: what a script may import without a bundler that k6 can run as is. */
const K6_MODULE = /^k6(\/[a-z0-9-]+)*$/;

/**
 * Turns a TypeScript load-test script into the ES module k6 runs: types stripped by TypeScript's
 * transpiler (type-checking is `tsc -p loadtests`' job), ES2020 kept. The script may import k6's modules
 * only; anything else would need bundling k6 cannot do at run time, so it is an error. TypeScript loads
 * slowly, so the result is remembered by the script's content.
 */
export function compileK6Script(file: string): K6Script {
  const source = fs.readFileSync(file, 'utf8');
  const compiled = cachedJson('k6-scripts', path.join(__dirname, path.basename(__filename)), `${path.basename(file)}\n${source}`, {}, () => {
    const ts = require('typescript') as typeof import('typescript');
    const out = ts.transpileModule(source, {
      fileName: path.basename(file),
      compilerOptions: { target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.ES2020, removeComments: false },
    });
    const imports = ts.preProcessFile(out.outputText, true, true).importedFiles.map((f) => f.fileName);
    return { source: out.outputText, imports };
  });
  return { fileName: path.basename(file).replace(/\.ts$/, '.js'), source: compiled.source, imports: compiled.imports };
}

/** The imports of a script that are not k6 built-in modules. */
export function foreignImports(script: K6Script): string[] {
  return script.imports.filter((m) => !K6_MODULE.test(m));
}
