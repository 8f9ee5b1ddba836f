// cdktf's asset and CLI-version modules are loaded only when used: cdktf loads and synthesizes without
// them, and a call through a stand-in reaches the real module. Run in a fresh Node process: jest has its
// own module registry, in which Node's module cache plays no part.
import { execFileSync } from 'child_process';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..');

// Compiles lib/terraform/deferred-modules.ts with TypeScript and runs it, as the library's first import does.
const CHILD = `
const fs = require('fs'), os = require('os'), path = require('path'), Module = require('module');
const ts = require('typescript');
const file = path.join(process.cwd(), 'lib/terraform/deferred-modules.ts');
const js = ts.transpileModule(fs.readFileSync(file, 'utf8'), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
const m = new Module(file, module); m.filename = file; m.paths = Module._nodeModulePaths(path.dirname(file)); m._compile(js, file);
const loaded = (name) => Object.keys(require.cache).filter((f) => f.includes('/node_modules/' + name + '/')).length;
const cdktf = require('cdktf');
const out = { afterLoad: { archiver: loaded('archiver'), semver: loaded('semver'), readableStream: loaded('readable-stream') } };
const app = new cdktf.App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'deferred-')) });
new cdktf.TerraformOutput(new cdktf.TerraformStack(app, 'stack'), 'answer', { value: 42 });
app.synth();
out.synthesized = JSON.parse(fs.readFileSync(path.join(app.outdir, 'stacks/stack/cdk.tf.json'), 'utf8')).output.answer.value;
const fromCdktf = Module.createRequire(require.resolve('cdktf/lib/private/fs.js'));
out.archive = typeof fromCdktf('archiver')('zip').append;
const fromValidation = Module.createRequire(require.resolve('cdktf/lib/validations/validate-binary-version.js'));
out.satisfies = fromValidation('semver').satisfies('1.5.7', '>=1.2.0');
out.afterUse = { archiver: loaded('archiver') > 1, semver: loaded('semver') > 1 };
process.stdout.write(JSON.stringify(out));
`;

test('cdktf loads without archiver and semver, synthesizes, and reaches both on first use', () => {
  const out = JSON.parse(execFileSync(process.execPath, ['-e', CHILD], { cwd: root, encoding: 'utf8' }));
  // One file each: the stand-in in the module cache, none of the module's own files.
  expect(out.afterLoad).toEqual({ archiver: 1, semver: 1, readableStream: 0 });
  expect(out.synthesized).toBe(42);
  expect(out.archive).toBe('function');
  expect(out.satisfies).toBe(true);
  expect(out.afterUse).toEqual({ archiver: true, semver: true });
});
