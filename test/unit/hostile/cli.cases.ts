// Cases of the hostile-input table (test/unit/hostile-input.test.ts) for one surface: the `ballast` CLI,
// run in-process as `ballast <args>` (runCli: arguments, output folders, loading the program, building
// it, the command, and what the entry point prints) on programs and folders written under os.tmpdir().
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../../../lib/cli/run-cli';
import { HELP } from '../../../lib/cli/args';
import { CANARY, CANARY_ENV, Expectation, HostileCase, Outcome } from '../../support/hostile';
import { readTree, tempDir, TEST_AGE } from '../../support/synth';
import { accepted, refused } from '../../support/hostile-builders';

const ROOT = path.resolve(__dirname, '../../..');

/** The start of a JavaScript program: ballast, and the tests' valid config (absolute: it lives under os.tmpdir()). */
export const HEADER = `const { App, Component, Fleet, Platform } = require(${JSON.stringify(path.join(ROOT, 'lib/internal'))});
const { testConfig } = require(${JSON.stringify(path.join(ROOT, 'test/support/platforms'))});
`;
/** The same for a TypeScript program. */
export const TS_HEADER = `import { App, Component, Fleet, Platform } from ${JSON.stringify(path.join(ROOT, 'lib/internal'))};
import { testConfig } from ${JSON.stringify(path.join(ROOT, 'test/support/platforms'))};
`;
/** A valid platform in `app`, its Secrets for the run's age key. */
export const VALID = `new Platform(app, 'ballast', testConfig({ sops: { ageRecipients: [${JSON.stringify(TEST_AGE.recipient)}] } }))`;

/** A new project folder (removed after the test file) holding `files` (relative path -> content). */
export function project(files: Record<string, string> = {}): string {
  const dir = tempDir('ballast-cli-');
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

/** The 1-based line of the first line of `source` that holds `text`. */
export function lineOf(source: string, text: string): number {
  const index = source.split('\n').findIndex((l) => l.includes(text));
  if (index < 0) throw new Error(`no line holds ${text}`);
  return index + 1;
}

/** What `ballast <argv>` did. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `ballast <argv>` in `cwd` in this process, its stdout and stderr captured and `env` as its
 * environment (BALLAST_DEBUG only when `debug`). A Promise only when the program is async.
 */
export function startCli(argv: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}, debug = false): CliRun | Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const writes = { out: process.stdout.write, err: process.stderr.write };
  const kept = { exitCode: process.exitCode, notes: process.env.BALLAST_NOTES, debug: process.env.BALLAST_DEBUG };
  process.stdout.write = ((s: string | Uint8Array) => ((stdout += String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => ((stderr += String(s)), true)) as typeof process.stderr.write;
  process.exitCode = 0;
  if (debug) process.env.BALLAST_DEBUG = '1';
  else delete process.env.BALLAST_DEBUG;
  const restore = (): CliRun => {
    const code = Number(process.exitCode ?? 0);
    process.stdout.write = writes.out;
    process.stderr.write = writes.err;
    process.exitCode = kept.exitCode;
    for (const [name, value] of [['BALLAST_NOTES', kept.notes], ['BALLAST_DEBUG', kept.debug]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    return { code, stdout, stderr };
  };
  let pending: void | Promise<void>;
  try {
    pending = runCli(argv, { cwd, env });
  } catch (err) {
    restore();
    throw err;
  }
  return pending ? pending.then(restore, (err: unknown) => (restore(), Promise.reject(err))) : restore();
}

/**
 * The outcome of a run, as the table judges it: exit 0 (or diff's 1, changes) is accepted with the output
 * folder's files and `<stdout>`; a failure is refused with what follows the entry point's first line,
 * unless it is reported as a bug in ballast (a crash).
 */
export function outcomeOf(run: CliRun, outdir?: string, command = 'validate'): Outcome {
  if (run.code === 0 || (command === 'diff' && run.code === 1)) {
    const files = outdir !== undefined && fs.existsSync(outdir) ? readTree(outdir) : {};
    return { kind: 'accepted', tree: { ...files, '<stdout>': run.stdout, '<stderr>': run.stderr } };
  }
  const [first, ...rest] = run.stderr.trimEnd().split('\n');
  if (!/^ballast: \w+ failed, /.test(first ?? '')) return { kind: 'crash', error: `exit ${run.code} without the entry point's report:\n${run.stderr}` };
  const message = rest.join('\n');
  if (/unexpected error|bug in ballast/.test(message)) return { kind: 'crash', error: message };
  return { kind: 'refused', message };
}

/** `ballast <argv>` in `cwd`, as an outcome: for a synchronous program. */
function cli(argv: readonly string[], cwd: string, options: { env?: NodeJS.ProcessEnv; outdir?: string } = {}): Outcome {
  const run = startCli(argv, cwd, options.env);
  if (!('code' in run)) return { kind: 'crash', error: 'the CLI returned a Promise for a synchronous program' };
  return outcomeOf(run, options.outdir, argv[0]);
}

// Async programs: their runs are awaited before the table runs (a case's run is synchronous), in the root
// beforeAll hook this module registers in the test file that imports it (also one that only borrows the
// helpers above: the async runs take well under a second).
const settled = new Map<string, Outcome>();
const asyncRuns: [string, () => Promise<Outcome>][] = [];
if (typeof beforeAll === 'function') {
  beforeAll(async () => {
    for (const [name, start] of asyncRuns) {
      process.env[CANARY_ENV] = CANARY;
      settled.set(name, await start().catch((err: unknown) => ({ kind: 'crash', error: String((err as Error)?.stack ?? err) }) as Outcome));
    }
  }, 180_000);
}

export const cliCases: HostileCase[] = [];
const add = (name: string, expected: Expectation, run: () => Outcome) => cliCases.push({ cls: 'cli', name, expect: expected, run });
/** A case whose program is async: `start` runs it, and the table reads its settled outcome. */
const addAsync = (name: string, expected: Expectation, start: () => Promise<Outcome>) => {
  asyncRuns.push([name, start]);
  add(name, expected, () => settled.get(name) ?? { kind: 'crash', error: `${name}: its run did not settle before the table` });
};
/** `ballast <command>` of `program` (platform.js, or the file named) in a new project. */
const withProgram = (program: string, argv: readonly string[] = ['validate'], file = 'platform.js', more: Record<string, string> = {}) => () =>
  cli(argv, project({ [file]: program, ...more }));
/** As withProgram, for an async program. */
const withAsyncProgram = (program: string, argv: readonly string[] = ['validate']) => async () => {
  const run = await startCli(argv, project({ 'platform.js': program }));
  return outcomeOf(run, undefined, argv[0]);
};
const valid = `${HEADER}module.exports = (app) => ${VALID};\n`;
/** A synth of the valid program into `outdir` (relative to the project, or absolute): its output, checked. */
const synthInto = (outdir: string, prepare: (cwd: string) => void = () => undefined) => () => {
  const cwd = project({ 'platform.js': valid });
  prepare(cwd);
  return cli(['synth', '--outdir', outdir], cwd, { outdir: path.resolve(cwd, outdir) });
};
/** The output of a synth: both backends, with ballast's inventory. */
const bothBackends = (tree: Record<string, string>) => {
  expect(Object.keys(tree)).toEqual(expect.arrayContaining(['flux/.ballast/inventory.json', 'flux/.ballast/files.json', 'cdktf/stacks/ballast/cdk.tf.json']));
};

// --- --outdir and the folders of the stock commands: a project's output folder, nothing else ----------------
// Mutations these catch (outdir.ts), each tried once: without the non-folder check the three "is a file"
// cases fail; without the root check, the root cases (the link to / also without realPath); without the
// home, node_modules or outside-the-project checks, their cases; with holdsBallastOutput ignored, the case
// of ballast's existing output outside the project is refused (a valid input).
add('--outdir at a regular file', refused(/^arguments: --outdir \S*notes\.txt is a file, not a folder\. Give a folder for the output/), () => {
  const cwd = project({ 'platform.js': valid, 'notes.txt': 'keep me\n' });
  return cli(['synth', '--outdir', 'notes.txt'], cwd);
});
add('--outdir at the root of the file system', refused('arguments: --outdir / is the root of the file system (a synth would write /flux and /cdktf). Give a folder of the project'), () =>
  cli(['synth', '--outdir', '/'], project({ 'platform.js': valid })),
);
add('--outdir at the home folder', refused(`arguments: --outdir ${os.homedir()} is the home folder`), () => cli(['synth', `--outdir=${os.homedir()}`], project({ 'platform.js': valid })));
add('--outdir at a link to the root of the file system', refused(/^arguments: --outdir out \(\/\) is the root of the file system/), () => {
  const cwd = project({ 'platform.js': valid });
  fs.symlinkSync('/', path.join(cwd, 'out'));
  return cli(['synth', '--outdir', 'out'], cwd);
});
add('--outdir inside node_modules', refused(/^arguments: --outdir node_modules\/\.cache\/ballast: .* is inside node_modules|^arguments: --outdir node_modules\/\.cache\/ballast is inside node_modules/), () =>
  cli(['synth', '--outdir', 'node_modules/.cache/ballast'], project({ 'platform.js': valid, 'node_modules/.keep': '' })),
);
add('--outdir inside .git', refused('is inside .git, the folder Git keeps its own data in'), () => cli(['diff', '--outdir', '.git/dist'], project({ 'platform.js': valid, '.git/HEAD': 'ref: refs/heads/main\n' })));
add('--outdir at a folder outside the project that holds other files', refused(/^arguments: --outdir \S+ is outside the working folder \S+ and holds files that are not ballast's output \(notes\.txt, src\)\./), () => {
  const elsewhere = project({ 'notes.txt': 'mine\n', 'src/index.ts': 'export {};\n' });
  return cli(['synth', '--outdir', elsewhere], project({ 'platform.js': valid }));
});
add('--outdir outside the project whose flux/ is someone else\'s Flux repository', refused("holds files that are not ballast's output (flux)"), () => {
  const elsewhere = project({ 'flux/clusters/production/kustomization.yaml': 'resources: []\n' });
  return cli(['synth', '--outdir', elsewhere], project({ 'platform.js': valid }));
});
add('--outdir at a folder whose flux/ is a file', refused(/^arguments: --outdir out: out\/flux is a file, not a folder, and a synth writes its output there\./), () =>
  cli(['synth', '--outdir', 'out'], project({ 'platform.js': valid, 'out/flux': 'not a folder\n' })),
);
add('CDKTF_OUTDIR at a file', refused(/^arguments: CDKTF_OUTDIR \S*cdktf\.out is a file, not a folder/), () => {
  const cwd = project({ 'platform.js': valid, 'cdktf.out': '' });
  return cli(['synth'], cwd, { env: { CDKTF_OUTDIR: path.join(cwd, 'cdktf.out') } });
});
add('CDK8S_OUTDIR at the root of the file system', refused('arguments: CDK8S_OUTDIR / is the root of the file system'), () =>
  cli(['synth'], project({ 'platform.js': valid }), { env: { CDK8S_OUTDIR: '/' } }),
);
add('CDKTF_OUTDIR whose folder is outside the project and someone else\'s', refused(/^arguments: CDKTF_OUTDIR \S+: its folder \S+ is outside the working folder/), () => {
  const elsewhere = project({ 'README.md': 'theirs\n' });
  return cli(['validate'], project({ 'platform.js': valid }), { env: { CDKTF_OUTDIR: path.join(elsewhere, 'cdktf.out') } });
});
add('CDKTF_OUTDIR in the project, as cdktf synth sets it', accepted((tree) => expect(Object.keys(tree)).toEqual(expect.arrayContaining(['flux/.ballast/inventory.json', 'cdktf.out/stacks/ballast/cdk.tf.json']))), () => {
  const cwd = project({ 'platform.js': valid });
  return cli(['synth'], cwd, { env: { CDKTF_OUTDIR: path.join(cwd, 'cdktf.out') }, outdir: cwd });
});
add('CDK8S_OUTDIR dist/flux, as cdk8s synth sets it', accepted(bothBackends), () => {
  const cwd = project({ 'platform.js': valid });
  return cli(['synth'], cwd, { env: { CDK8S_OUTDIR: 'dist/flux' }, outdir: path.join(cwd, 'dist') });
});
add('--outdir dist, the plain case', accepted(bothBackends), synthInto('dist'));
add('--outdir at an empty folder outside the project', accepted(bothBackends), () => {
  const elsewhere = project();
  return cli(['synth', '--outdir', elsewhere], project({ 'platform.js': valid }), { outdir: elsewhere });
});
add('--outdir at a folder outside the project that does not exist yet', accepted(bothBackends), () => {
  const elsewhere = path.join(project(), 'new');
  return cli(['synth', '--outdir', elsewhere], project({ 'platform.js': valid }), { outdir: elsewhere });
});
add('--outdir outside the project that holds ballast\'s output (and a README beside it)', accepted((tree) => {
  bothBackends(tree);
  expect(tree['README.md']).toBe('notes\n');
}), () => {
  const elsewhere = project();
  const first = cli(['synth', '--outdir', elsewhere], project({ 'platform.js': valid }), { outdir: elsewhere });
  if (first.kind !== 'accepted') return first;
  fs.writeFileSync(path.join(elsewhere, 'README.md'), 'notes\n');
  return cli(['synth', '--outdir', elsewhere], project({ 'platform.js': valid }), { outdir: elsewhere });
});
add('dist as a link to an empty folder elsewhere', accepted(bothBackends), synthInto('dist', (cwd) => fs.symlinkSync(project(), path.join(cwd, 'dist'))));

// --- Arguments ---------------------------------------------------------------------------------------------
// Mutations these catch (args.ts): echoing an unknown option's value or a stray value puts the canary in
// the message; stopping at the first wrong argument loses the second and third problems.
add('an unknown option with a secret as its value', refused(/^arguments: unknown option "--token" \(its value left out here\)\./), () =>
  cli(['synth', `--token=${CANARY}`], project({ 'platform.js': valid })),
);
add('a secret pasted as a value without an option', refused(/^arguments: argument 2 is a value without an option before it \(left out here\)\./), () =>
  cli(['validate', CANARY], project({ 'platform.js': valid })),
);
add('every wrong argument at once', refused(/^arguments: unknown option "--out" \(its value left out here\)\.[^\n]*\narguments: argument 4 is a value without an option before it \(left out here\)\.[^\n]*\narguments: --app needs a value\./), () => cli(['validate', '--out', 'x', 'y', '--app'], project({ 'platform.js': valid })));
add('--outdir twice', refused('arguments: --outdir is given twice (a and b). Give --outdir once.'), () => cli(['synth', '--outdir', 'a', '--outdir=b'], project({ 'platform.js': valid })));
add('an unknown command', refused('arguments: unknown command "synthesize". Use one of synth, diff, validate (ballast --help)'), () => cli(['synthesize'], project({ 'platform.js': valid })));
add('--help after the command prints the help', accepted((tree) => expect(tree['<stdout>']).toBe(HELP)), () => cli(['synth', '--help'], project()));

// --- --app: the program file and what it exports ------------------------------------------------------------
add('--app at a folder that holds a program', refused(/^arguments: --app infra: \S+ is a folder, not a program file\. Pass the program in it: --app infra\/platform\.ts\./), () =>
  cli(['validate', '--app', 'infra'], project({ 'infra/platform.ts': 'export default 1;\n' })),
);
add('--app at a file that does not exist', refused(/^arguments: --app missing\.ts: \S+ is not a file\./), () => cli(['validate', '--app', 'missing.ts'], project()));
add('--app exporting nothing usable', refused('platform.js: it exports neither a function to build the platform nor a Fleet'), withProgram(`${HEADER}exports.answer = 42;\n`));
add('--app exporting a Platform class instead of a function', refused('platform.js: it exports the class MyPlatform, not a function that builds the platform'), withProgram(`${HEADER}module.exports = class MyPlatform extends Platform {};\n`));
add('a CommonJS program (module.exports = function)', accepted((tree) => expect(tree['<stdout>']).toMatch(/^valid: /)), withProgram(valid));
add('a TypeScript program', accepted((tree) => expect(tree['<stdout>']).toMatch(/^valid: /)), withProgram(`${TS_HEADER}export default (app: App) => ${VALID};\n`, ['validate', '--app', 'infra/main.ts'], 'infra/main.ts'));
add('a fleet program', accepted((tree) => expect(tree['<stdout>']).toMatch(/^valid: staging \d+ components/)), withProgram(`${HEADER}module.exports = new Fleet({ clusters: { staging: {} }, platform: (app, cluster) => new Platform(app, 'ballast', testConfig({ clusterName: cluster.name, sops: { ageRecipients: [${JSON.stringify(TEST_AGE.recipient)}] } })) });\n`));
add('a JavaScript program that does not parse', refused(/^platform\.js:3: the program does not parse: Unexpected token '='\. Fix the syntax there\./), withProgram(`${HEADER}const = 5;\nmodule.exports = (app) => ${VALID};\n`));

// --- What the program returns --------------------------------------------------------------------------------
// Mutation these catch: the loaded program not checking what it returned (platformReturned) makes each
// case a crash deep in the plan ("reading 'Symbol(ballast.Platform)'", a bug in ballast).
add('a program that builds the platform and forgets to return it', refused('platform.js: the platform function built the Platform ballast but returned undefined. Return it: end the function with `return platform;`'), withProgram(`${HEADER}module.exports = (app) => { ${VALID}; };\n`));
add('a program that returns nothing and builds nothing', refused('platform.js: the platform function returned undefined, not a Platform. Build the Platform in the app it is given and return it'), withProgram(`${HEADER}module.exports = () => {};\n`));
add('a program that returns a string', refused('platform.js: the platform function returned a string, not a Platform.'), withProgram(`${HEADER}module.exports = () => 'ballast';\n`));
add('a program that returns the App', refused('platform.js: the platform function returned the cdk8s App, not the Platform ballast in it. Return the Platform'), withProgram(`${HEADER}module.exports = (app) => { ${VALID}; return app; };\n`));
add('a program that returns a Fleet from a function', refused('platform.js: the platform function returned a Fleet. Export the Fleet itself'), withProgram(`${HEADER}module.exports = () => new Fleet({ clusters: { staging: {} }, platform: (app) => ${VALID} });\n`));

// --- Async programs: awaited once, before the output is locked ----------------------------------------------
// Mutation these catch: runProgram handing the Promise on without awaiting it (the program "returned a
// Promise of undefined" for a valid async program, and its rejection goes unhandled).
addAsync('an async program that resolves to the platform', accepted((tree) => expect(tree['<stdout>']).toMatch(/^valid: 0 components/)), withAsyncProgram(`${HEADER}module.exports = async (app) => {\n  await new Promise((resolve) => setTimeout(resolve, 5));\n  return ${VALID};\n};\n`));
addAsync('an async program synthesized', accepted(bothBackends), async () => {
  const cwd = project({ 'platform.js': `${HEADER}module.exports = async (app) => {\n  await Promise.resolve();\n  return ${VALID};\n};\n` });
  return outcomeOf(await startCli(['synth'], cwd), path.join(cwd, 'dist'), 'synth');
});
addAsync('an async program diffed', accepted((tree) => expect(tree['<stdout>']).toMatch(/infrastructure|add|new/i)), withAsyncProgram(`${HEADER}module.exports = async (app) => ${VALID};\n`, ['diff']));
const rejects = `${HEADER}module.exports = async (app) => {\n  await new Promise((resolve) => setTimeout(resolve, 5));\n  const settings = undefined;\n  return new Platform(app, 'ballast', testConfig({ domain: settings.domain }));\n};\n`;
addAsync('an async program that rejects with its own TypeError', refused(`platform.js:${lineOf(rejects, 'settings.domain')}: the program's code threw a TypeError while building the platform: Cannot read properties of undefined (reading 'domain'). The error is in the program, not in ballast`), withAsyncProgram(rejects));
addAsync('an async program that resolves to nothing', refused('platform.js: the platform function returned a Promise of undefined, not a Platform'), withAsyncProgram(`${HEADER}module.exports = async () => { await Promise.resolve(); };\n`));
addAsync('an async program whose construct refuses its props', refused(/^ballast: domain "Example\.COM" is not a DNS domain\./), withAsyncProgram(`${HEADER}module.exports = async (app) => { await Promise.resolve(); return new Platform(app, 'ballast', testConfig({ domain: 'Example.COM' })); };\n`));
// Mutation: dropping the thenable check in Fleet.build answers "did not build the platform in the app", the wrong reason.
add('a fleet whose platform function is async', refused('fleet/staging: the platform function returned a Promise (it is async), and a fleet builds its clusters one after another without waiting'), withProgram(`${HEADER}module.exports = new Fleet({ clusters: { staging: {} }, platform: async (app, cluster) => new Platform(app, 'ballast', testConfig({ clusterName: cluster.name })) });\n`));

// --- Errors thrown by the user's own code: theirs, at their file and line ------------------------------------
// Mutations these catch (program-errors.ts, stack-frames.ts): no frame taken as the user's turns the six
// TypeError cases into "a bug in ballast"; not looking into an UnexpectedError's original, the Component
// case; rewrapping every error as the user's, the ValidationError cases; not leaving the JSON text out,
// the canary in the message; not reading a syntax error's place, the JavaScript syntax case.
const atLoad = `${HEADER}const settings = JSON.parse('{}');\nconst domain = settings.dns.domain;\nmodule.exports = (app) => ${VALID};\n`;
add('a TypeError in the program at load', refused(`platform.js:${lineOf(atLoad, 'settings.dns')}: the program's code threw a TypeError while loading the program: Cannot read properties of undefined (reading 'domain').`), withProgram(atLoad));
const whileBuilding = `${HEADER}module.exports = (app) => {\n  const pools = undefined;\n  return new Platform(app, 'ballast', testConfig({ nodePools: pools.map((p) => p) }));\n};\n`;
add('a TypeError in the program while building', refused(`platform.js:${lineOf(whileBuilding, 'pools.map')}: the program's code threw a TypeError while building the platform: Cannot read properties of undefined (reading 'map').`), withProgram(whileBuilding));
const helper = `exports.domainOf = (settings) => {\n  return settings.domain.toLowerCase();\n};\n`;
add('a TypeError in a module of the program', refused(`lib/settings.js:${lineOf(helper, 'toLowerCase')}: the program's code threw a TypeError while building the platform`), withProgram(`${HEADER}const { domainOf } = require('./lib/settings');\nmodule.exports = (app) => new Platform(app, 'ballast', testConfig({ domain: domainOf({}) }));\n`, ['validate'], 'platform.js', { 'lib/settings.js': helper }));
add('a ValidationError from a construct keeps its message', refused(/^ballast: domain "not a domain" is not a DNS domain\. /), withProgram(`${HEADER}module.exports = (app) => new Platform(app, 'ballast', testConfig({ domain: 'not a domain' }));\n`));
add('a program that parses a secret as JSON: its error, without the secret', refused(/^platform\.js:\d+: the program's code threw a SyntaxError while building the platform: .*the text is not valid JSON \(left out here: it may be a secret\)\./), withProgram(`${HEADER}module.exports = (app) => {\n  const settings = JSON.parse(process.env.${CANARY_ENV});\n  return ${VALID};\n};\n`));
add('a program that throws a string', refused('platform.js: the program threw the string "DOMAIN is not set", not an Error, while building the platform.'), withProgram(`${HEADER}module.exports = () => { throw 'DOMAIN is not set'; };\n`));
const component = `${HEADER}class Mine extends Component {\n  constructor(scope) { super(scope, 'mine', { namespace: 'mine' }); }\n  manifests() {\n    const objects = undefined;\n    return objects.filter((o) => o);\n  }\n}\nmodule.exports = (app) => { const p = ${VALID}; new Mine(p); return p; };\n`;
add('a TypeError in a Component of the program, called while planning', refused(`platform.js:${lineOf(component, 'objects.filter')}: the program's code threw a TypeError while`), withProgram(component));
add('a program that requires a package that is not installed', refused(/^platform\.js:3: the program's code threw an Error while loading the program: Cannot find module 'ballast-extras'/), withProgram(`${HEADER}const extras = require('ballast-extras');\nmodule.exports = (app) => ${VALID};\n`));
add('--app at a JSON file', refused('settings.json: it exports neither a function to build the platform nor a Fleet'), withProgram('{ "domain": "example.com" }\n', ['validate', '--app', 'settings.json'], 'settings.json'));
