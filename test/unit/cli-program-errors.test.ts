// The CLI reports what the user's program did as the program's: an error its own code throws at its file
// and line (the line of the .ts file), a function that returns no platform, an async program awaited
// once; and what ballast's own code throws stays ballast's. The hostile-input table runs the same through
// `ballast <args>` in this process (test/unit/hostile/cli.cases.ts); here are the parts it cannot show: the
// real Node loader with ballast's own TypeScript transpiler and source maps (a child process), the stack
// under BALLAST_DEBUG=1, and the classification of stack frames.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { runCommand } from '../../lib/cli/commands';
import { parseSynthArgs } from '../../lib/cli/args';
import { buildFailure, ProgramError, usersError } from '../../lib/cli/program-errors';
import { runProgram } from '../../lib/cli/run-program';
import { decidingFrame, ownerOf, stackFrames } from '../../lib/cli/stack-frames';
import { UnexpectedError, ValidationError } from '../../lib/core/errors';
import { Platform } from '../../lib/internal';
import { runEntryPoint } from '../../lib/synth/cli';
import { testConfig } from '../support/platforms';
import { tempDir } from '../support/synth';
import { HEADER, lineOf, project, startCli, TS_HEADER, VALID } from './hostile/cli.cases';

const ROOT = path.resolve(__dirname, '../..');
const LIB = path.join(ROOT, 'lib');

describe('whose code a stack frame is', () => {
  test("ballast's library, a dependency or Node, and everything else the user's", () => {
    expect(ownerOf(path.join(LIB, 'core/component.ts'), LIB)).toBe('ballast');
    expect(ownerOf(path.join(ROOT, 'node_modules/constructs/lib/construct.js'), LIB)).toBe('other');
    expect(ownerOf('node:internal/modules/cjs/loader', LIB)).toBe('other');
    expect(ownerOf('<anonymous>', LIB)).toBe('other');
    // The checkout's own programs are user code when the CLI runs them: only lib/ is ballast's.
    expect(ownerOf(path.join(ROOT, 'apps/platform.ts'), LIB)).toBe('user');
    expect(ownerOf('/home/me/infra/platform.ts', LIB)).toBe('user');
  });

  test('frames of every form V8 writes, a file:// URL converted', () => {
    const stack = [
      'TypeError: x',
      '    at fn (/p/a.ts:1:2)',
      '    at /p/b.ts:3:4',
      '    at async Promise.all (index 0)',
      '    at new Thing (file:///p/c.mjs:5:6)',
      '    at eval (eval at run (/p/d.js:7:8), <anonymous>:1:1)',
    ].join('\n');
    expect(stackFrames(stack)).toEqual([
      { file: '/p/a.ts', line: 1, column: 2 },
      { file: '/p/b.ts', line: 3, column: 4 },
      { file: '/p/c.mjs', line: 5, column: 6 },
      { file: 'eval at run (/p/d.js:7:8), <anonymous>', line: 1, column: 1 },
    ]);
  });

  test("the deciding frame skips Node's and the dependencies' frames (JSON.parse, a library called by the program)", () => {
    const err = { stack: ['SyntaxError: x', '    at JSON.parse (<anonymous>)', `    at f (${ROOT}/node_modules/yaml/dist/index.js:1:1)`, '    at build (/p/platform.ts:9:3)', `    at built (${LIB}/synth/platform-synth.ts:40:1)`].join('\n') };
    expect(decidingFrame(err, LIB)).toMatchObject({ file: '/p/platform.ts', line: 9, owner: 'user' });
    const ours = { stack: ['TypeError: x', `    at checkConfig (${LIB}/platform.ts:207:27)`, '    at build (/p/platform.ts:9:3)'].join('\n') };
    expect(decidingFrame(ours, LIB)).toMatchObject({ owner: 'ballast' });
  });
});

describe('an error is reported as the program\'s or as ballast\'s', () => {
  const context = { file: '/p/platform.ts', doing: 'building the platform', cwd: '/p' };
  const thrownAt = (top: string, name = 'TypeError'): Error => {
    const err = new TypeError("Cannot read properties of undefined (reading 'x')");
    err.name = name;
    err.stack = `${name}: ${err.message}\n    at f (${top})\n    at build (/p/platform.ts:9:3)\n    at built (${LIB}/cli/run-program.ts:1:1)`;
    return err;
  };

  test("the user's own TypeError: theirs, at their file and line", () => {
    // Catches: decidingFrame returning undefined (every error ballast's), or ownerOf calling the user's file ballast's.
    const failure = buildFailure(thrownAt('/p/lib/settings.ts:4:7'), context);
    expect(failure).toBeInstanceOf(ProgramError);
    expect((failure as ProgramError).problems).toEqual([
      { path: 'lib/settings.ts:4', problem: "the program's code threw a TypeError while building the platform: Cannot read properties of undefined (reading 'x')", fix: 'The error is in the program, not in ballast: fix it there (BALLAST_DEBUG=1 prints the whole stack)' },
    ]);
  });

  test("an error of ballast's own code, called by the program: ballast's bug, naming the program's line that called it", () => {
    const failure = buildFailure(thrownAt(`${LIB}/platform.ts:207:27`), context, 'ballast/traefik');
    expect(failure).toBeInstanceOf(UnexpectedError);
    expect((failure as Error).message).toBe(
      "ballast/traefik: unexpected error while building the platform (called from platform.ts:9): Cannot read properties of undefined (reading 'x'). This is a bug in ballast (or a case it does not check yet): please report it with this message and the platform code that caused it.",
    );
  });

  test('a refusal of a construct keeps its message, even thrown through the program', () => {
    const refusal = new ValidationError([{ path: 'ballast', problem: 'domain "x" is not a DNS domain', fix: 'Use a domain' }]);
    expect(buildFailure(refusal, context)).toBe(refusal);
    expect(usersError(refusal, context)).toBeUndefined();
  });

  test("the user's error that ballast wrapped as unexpected (a Component's own method, called while planning) is the user's", () => {
    const wrapped = new UnexpectedError('ballast/mine', 'placing its objects', thrownAt('/p/platform.ts:12:5'));
    expect(usersError(wrapped, context)?.message).toMatch(/^platform\.ts:12: the program's code threw a TypeError while placing its objects \(ballast\/mine\): /);
  });

  test('a thrown value that is not an Error names the program file', () => {
    expect(usersError(42, context)?.message).toBe("platform.ts: the program threw a value of type number, not an Error, while building the platform. The error is in the program, not in ballast: fix it there (BALLAST_DEBUG=1 prints the whole stack).");
  });
});

describe('BALLAST_DEBUG=1 prints the stack of what the program threw', () => {
  test("its first frame is the user's line", () => {
    const source = `${HEADER}module.exports = (app) => {\n  const zones = undefined;\n  return new Platform(app, 'ballast', testConfig({ domain: zones.primary }));\n};\n`;
    const cwd = project({ 'platform.js': source });
    const run = startCli(['validate'], cwd, {}, true);
    if (!('code' in run)) throw new Error('a synchronous program ran asynchronously');
    expect(run.code).toBe(1);
    const [header, report, ...stack] = run.stderr.trimEnd().split('\n');
    expect(header).toBe('ballast: validate failed, nothing was written:');
    expect(report).toMatch(new RegExp(`^platform\\.js:${lineOf(source, 'zones.primary')}: the program's code threw a TypeError`));
    // Catches: ProgramError keeping its own stack (frames in program-errors.ts) instead of the program's.
    expect(stack[0]).toBe("TypeError: Cannot read properties of undefined (reading 'primary')");
    expect(stack[1]).toContain(`${path.join(fs.realpathSync(cwd), 'platform.js')}:${lineOf(source, 'zones.primary')}:`);
  });
});

describe('async programs and the synchronous API', () => {
  const asyncPlatform = async (app: App) => {
    await Promise.resolve();
    return new Platform(app, 'ballast', testConfig());
  };

  test('runProgram awaits an async program once, then plans what it built', async () => {
    let calls = 0;
    const dist = tempDir('ballast-cli-async-');
    const result = runProgram('validate', parseSynthArgs(['--outdir', dist], {}), (app) => (calls++, asyncPlatform(app)), { out: () => undefined, err: () => undefined });
    expect(result).toBeInstanceOf(Promise);
    await expect(result).resolves.toBe(0);
    expect(calls).toBe(1);
  });

  test('runProgram of a synchronous program answers at once', () => {
    const dist = tempDir('ballast-cli-sync-');
    expect(runProgram('validate', parseSynthArgs(['--outdir', dist], {}), (app) => new Platform(app, 'ballast', testConfig()), { out: () => undefined, err: () => undefined })).toBe(0);
  });

  test('runCommand, which builds inside the lock, refuses an async program instead of planning a Promise', () => {
    const dist = tempDir('ballast-cli-async-');
    // Catches: builtNow without its isThenable check (the Promise reaches the plan: "not a Platform" from the wrong place, or a crash).
    expect(() => runCommand('validate', parseSynthArgs(['--outdir', dist], {}), asyncPlatform, { out: () => undefined, err: () => undefined })).toThrow(
      'program: the platform function returned a Promise, and runCommand builds the platform without waiting. Run it with runProgram, which awaits it as the ballast CLI does, or build the platform synchronously.',
    );
  });

  test('an async entry point that fails is reported, and its Promise resolves', async () => {
    const lines: string[] = [];
    const write = jest.spyOn(process.stderr, 'write').mockImplementation((s) => (lines.push(String(s)), true));
    const before = process.exitCode;
    try {
      const done = runEntryPoint(async () => {
        await Promise.resolve();
        throw new ValidationError([{ path: 'arguments', problem: 'late', fix: 'Fix it' }]);
      }, { action: 'diff', failureExitCode: 3 });
      // Catches: runEntryPoint without its thenable branch (the rejection escapes unreported).
      await expect(done).resolves.toBeUndefined();
      expect(lines.join('')).toBe('ballast: diff failed, nothing was written:\narguments: late. Fix it.\n');
      expect(process.exitCode).toBe(3);
    } finally {
      process.exitCode = before;
      write.mockRestore();
    }
  });
});

/**
 * The real loader: a child Node process loads ballast's library (transpiled by a hook this test removes
 * again) and runs `ballast <args>` through runCli, so the program goes through load-app.ts's own
 * TypeScript transpiler and Node's source maps, as with the installed CLI. One child runs every case.
 */
describe('in a plain Node process, errors of a TypeScript program name the line of the .ts file', () => {
  // Types and interfaces the transpiler removes, and imports it rewrites: a JavaScript line is not the .ts line.
  const preamble = `${TS_HEADER}\ninterface ZoneSettings {\n  primary?: { name: string };\n}\nconst zones: ZoneSettings = {};\n`;
  const programs: Record<string, string> = {
    building: `${preamble}export default async (app: App) => {\n  await Promise.resolve();\n  const name: string = zones.primary!.name;\n  return new Platform(app, 'ballast', testConfig({ domain: name }));\n};\n`,
    loading: `${preamble}const name: string = zones.primary!.name;\nexport default (app: App) => new Platform(app, 'ballast', testConfig({ domain: name }));\n`,
    syntax: `${preamble}export default (app: App) => {\n  const = 5;\n  return ${VALID};\n};\n`,
    valid: `${preamble}export default async (app: App): Promise<Platform> => {\n  await new Promise((resolve) => setTimeout(resolve, 5));\n  return ${VALID};\n};\n`,
    helper: `${TS_HEADER}import { domainOf } from './settings';\nexport default (app: App) => new Platform(app, 'ballast', testConfig({ domain: domainOf(undefined) }));\n`,
  };
  const settings = `interface Settings {\n  domain: string;\n}\n\nexport function domainOf(settings?: Settings): string {\n  return settings!.domain.toLowerCase();\n}\n`;
  const runs: { name: string; argv: string[]; debug?: boolean }[] = [
    { name: 'building', argv: ['validate', '--app', 'building.ts'] },
    { name: 'building-debug', argv: ['validate', '--app', 'building.ts'], debug: true },
    { name: 'loading', argv: ['validate', '--app', 'loading.ts'] },
    { name: 'syntax', argv: ['validate', '--app', 'syntax.ts'] },
    { name: 'valid', argv: ['validate', '--app', 'valid.ts'] },
    { name: 'helper', argv: ['validate', '--app', 'helper.ts'] },
  ];
  let results: Record<string, { code: number; stderr: string; stdout: string }>;
  let cwd: string;

  beforeAll(() => {
    cwd = project({ ...Object.fromEntries(Object.entries(programs).map(([name, source]) => [`${name}.ts`, source])), 'settings.ts': settings });
    const child = path.join(tempDir('ballast-cli-child-'), 'cli-child.js');
    fs.writeFileSync(child, CHILD);
    const out = spawnSync(process.execPath, [child, ROOT, cwd, JSON.stringify(runs)], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, BALLAST_DEBUG: '' } });
    if (out.status !== 0) throw new Error(`the child failed (${out.status}):\n${out.stderr}`);
    results = JSON.parse(out.stdout);
  }, 150_000);

  test('a TypeError while building (after an await): the .ts line', () => {
    // Catches: registerTypeScript without inlineSourceMap, or no process.setSourceMapsEnabled(true): the
    // line of the JavaScript the transpiler wrote instead.
    expect(results.building.stderr).toBe(
      `ballast: validate failed, nothing was written:\nbuilding.ts:${lineOf(programs.building, 'zones.primary')}: the program's code threw a TypeError while building the platform: Cannot read properties of undefined (reading 'name'). The error is in the program, not in ballast: fix it there (BALLAST_DEBUG=1 prints the whole stack).\n`,
    );
    expect(results.building.code).toBe(1);
  });

  test('BALLAST_DEBUG=1: the stack, its first frame at the .ts line and column', () => {
    const line = lineOf(programs.building, 'zones.primary');
    const column = programs.building.split('\n')[line - 1].indexOf('zones.primary!.name') + 'zones.primary!.'.length + 1;
    expect(results['building-debug'].stderr.split('\n').slice(2, 4)).toEqual([
      "TypeError: Cannot read properties of undefined (reading 'name')",
      expect.stringContaining(`${path.join(fs.realpathSync(cwd), 'building.ts')}:${line}:${column})`),
    ]);
  });

  test('a TypeError at load: the .ts line', () => {
    expect(results.loading.stderr).toContain(`\nloading.ts:${lineOf(programs.loading, 'zones.primary')}: the program's code threw a TypeError while loading the program: `);
  });

  test("a syntax error: the .ts line, from ballast's transpiler", () => {
    // Catches: transpileModule without reportDiagnostics (the error surfaces later, at a JavaScript line).
    expect(results.syntax.stderr).toMatch(new RegExp(`\\nsyntax\\.ts:${lineOf(programs.syntax, 'const = 5')}: the program does not parse: Variable declaration expected\\. Fix the syntax there \\(tsc --noEmit lists every error\\)\\.\\n`));
  });

  test('an async program that resolves to its platform: validated, exit 0', () => {
    expect(results.valid).toMatchObject({ code: 0, stdout: expect.stringMatching(/^valid: 0 components/) });
  });

  test("a TypeError in a module the program imports: that module's .ts line", () => {
    expect(results.helper.stderr).toContain(`\nsettings.ts:${lineOf(settings, 'toLowerCase')}: the program's code threw a TypeError while building the platform: `);
  });
});

/**
 * The child: ballast's library transpiled by a hook for its own loading only (removed before the program
 * loads, so that load-app.ts registers its own), then each run through runCli, its output captured.
 */
const CHILD = `
const fs = require('fs');
const [root, cwd, runsJson] = process.argv.slice(2);
const ts = require(root + '/node_modules/typescript');
const compile = (module, filename) => module._compile(ts.transpileModule(fs.readFileSync(filename, 'utf8'), { fileName: filename, compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText, filename);
require.extensions['.ts'] = compile;
const { runCli } = require(root + '/lib/cli/run-cli.ts');
require(root + '/lib/internal.ts');
require(root + '/lib/model/crd-grammar.generated.ts');
require(root + '/test/support/platforms.ts');
delete require.extensions['.ts'];
Error.stackTraceLimit = 50;
(async () => {
  const results = {};
  const write = { out: process.stdout.write, err: process.stderr.write };
  for (const run of JSON.parse(runsJson)) {
    let stdout = '';
    let stderr = '';
    process.stdout.write = (s) => ((stdout += s), true);
    process.stderr.write = (s) => ((stderr += s), true);
    process.exitCode = 0;
    if (run.debug) process.env.BALLAST_DEBUG = '1';
    else delete process.env.BALLAST_DEBUG;
    try {
      await runCli(run.argv, { cwd });
    } finally {
      process.stdout.write = write.out;
      process.stderr.write = write.err;
    }
    results[run.name] = { code: process.exitCode, stdout, stderr };
  }
  process.exitCode = 0;
  process.stdout.write(JSON.stringify(results));
})();
`;
