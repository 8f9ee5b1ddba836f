// ballast as a team installs it: `npm pack`, the tarball installed into a new project of its own (its own
// package.json and a strict tsconfig), a platform program that imports the package name only, type-checked
// against the published .d.ts, then `npx ballast synth`, `diff` and `validate`, and the output checked.
import { execFileSync, spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { packageRoot } from '../../lib/internal';
import { tempDir } from '../support/synth';
import { toolPath } from '../support/tools';

const root = packageRoot();
const fixture = path.join(root, 'test', 'fixtures', 'package-consumer');
const project = tempDir('ballast-consumer-');
const ownVersion = (name: string) => (JSON.parse(fs.readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

/** Runs a command in the consumer project; fails the test with its output when it fails. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd: project, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 300_000 });
  return result;
}
function ok(result: SpawnSyncReturns<string>): string {
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`exit ${result.status}\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

let tarball: string;
let packed: string[];

beforeAll(() => {
  // `npm pack` runs prepack (the package build) and lists what the tarball holds.
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', project], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const info = JSON.parse(out.slice(out.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  tarball = path.join(project, info[0].filename);
  packed = info[0].files.map((f) => f.path);
  fs.copyFileSync(path.join(fixture, 'platform.ts'), path.join(project, 'platform.ts'));
  fs.copyFileSync(path.join(fixture, 'fleet.ts'), path.join(project, 'fleet.ts'));
  fs.copyFileSync(path.join(fixture, 'tsconfig.json'), path.join(project, 'tsconfig.json'));
  fs.writeFileSync(
    path.join(project, 'package.json'),
    JSON.stringify({
      name: 'acme-platform',
      private: true,
      dependencies: { ballast: `file:${tarball}` },
      // The compiler the team type-checks with, at the version ballast is built with.
      devDependencies: { typescript: ownVersion('typescript') },
    }),
  );
  // Dependencies come from npm's cache where it has them (this project's `npm ci` filled it).
  ok(run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error']));
}, 600_000);

test('the tarball holds the compiled library, its declarations, the CLI, the README and the changelog: no sources, tests or scripts', () => {
  expect(packed).toEqual(expect.arrayContaining(['package.json', 'README.md', 'CHANGELOG.md', 'dist-js/lib/index.js', 'dist-js/lib/index.d.ts', 'dist-js/lib/cli/main.js']));
  expect(packed.filter((f) => !f.startsWith('dist-js/lib/') && !['package.json', 'README.md', 'CHANGELOG.md'].includes(f))).toEqual([]);
  expect(packed.filter((f) => /\.test\.|^dist-js\/(test|scripts|apps|stacks)\//.test(f))).toEqual([]);
  expect(fs.readFileSync(path.join(project, 'node_modules', 'ballast', 'dist-js', 'lib', 'cli', 'main.js'), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
});

test('a strict project type-checks its platform program against the published declarations only', () => {
  ok(run(path.join(project, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json']));
  // Internals are not reachable through the package's exports.
  fs.writeFileSync(path.join(project, 'internal.ts'), "import { renderFluxRepository } from 'ballast/dist-js/lib/internal';\nexport const r = renderFluxRepository;\n");
  const deep = run(path.join(project, 'node_modules', '.bin', 'tsc'), ['--noEmit', '--strict', '--module', 'node16', '--moduleResolution', 'node16', 'internal.ts']);
  fs.rmSync(path.join(project, 'internal.ts'));
  expect(deep.status).not.toBe(0);
  expect(deep.stdout).toContain("Cannot find module 'ballast/dist-js/lib/internal'");
});

test('npx ballast validate, synth, then diff of the unchanged platform', () => {
  const env = { SOPS_AGE_KEY: '', BALLAST_SECRETS_FILE: '' };
  expect(ok(run('npx', ['--no-install', 'ballast', 'validate'], env))).toMatch(/^valid: 6 components, \d+ Flux objects, 0 Terraform releases; nothing written\n$/);
  expect(fs.existsSync(path.join(project, 'dist'))).toBe(false);

  const synth = ok(run('npx', ['--no-install', 'ballast', 'synth', '--app', 'platform.ts'], env));
  expect(synth).toMatch(/^flux: \d+ files in dist\/flux \(.*HelmRelease 4.*\)\nterraform: \d+ files in dist\/cdktf/);
  const flux = path.join(project, 'dist', 'flux');
  for (const file of ['clusters/staging/kustomization.yaml', 'infrastructure/controllers/traefik.yaml', 'apps/shop.yaml', '.ballast/inventory.json']) {
    expect(fs.existsSync(path.join(flux, file))).toBe(true);
  }
  expect(fs.readFileSync(path.join(flux, 'clusters', 'staging', 'infrastructure.yaml'), 'utf8')).toContain('path: ./flux/infrastructure/controllers');
  expect(fs.existsSync(path.join(project, 'dist', 'cdktf', 'stacks', 'ballast', 'cdk.tf.json'))).toBe(true);
  // The folders Flux reconciles build with kustomize.
  for (const folder of ['infrastructure/controllers', 'infrastructure/configs', 'apps', 'clusters/staging']) {
    execFileSync(toolPath('kubectl'), ['kustomize', path.join(flux, folder)], { encoding: 'utf8' });
  }

  const diff = run('npx', ['--no-install', 'ballast', 'diff'], env);
  expect(diff.stdout).toMatch(/0 to add, 0 to change, 0 to remove, 0 to move between owners; 0 destroy, prune, lose data or are refused\n$/);
  expect(diff.status).toBe(0);
});

test('the CLI explains itself and refuses what it does not know, without a stack trace', () => {
  expect(ok(run('npx', ['--no-install', 'ballast', '--help']))).toContain('usage: ballast <command> [options]');
  const unknown = run('npx', ['--no-install', 'ballast', 'deploy']);
  expect(unknown.status).toBe(1);
  expect(unknown.stderr).toBe('ballast: synth failed, nothing was written:\narguments: unknown command "deploy". Use one of synth, diff, validate (ballast --help).\n');
  const missing = run('npx', ['--no-install', 'ballast', 'synth', '--app', 'nowhere.ts']);
  expect(missing.stderr).toContain(`arguments: --app nowhere.ts: ${path.join(project, 'nowhere.ts')} is not a file. Pass the path of your platform program.`);
});

test('a fleet: npx ballast synth writes every cluster, and the stock cdktf synth sees one stack per cluster', () => {
  const env = { SOPS_AGE_KEY: '', BALLAST_SECRETS_FILE: '' };
  const synth = ok(run('npx', ['--no-install', 'ballast', 'synth', '--app', 'fleet.ts', '--outdir', 'fleet-dist'], env));
  expect(synth).toMatch(/^flux: \d+ files in fleet-dist\/flux .*\n {2}2 clusters: \d+ files shared under base\/, \d+ files of a cluster's own, \d+ patches\n/);
  const flux = path.join(project, 'fleet-dist', 'flux');
  for (const cluster of ['staging', 'production']) {
    expect(fs.readFileSync(path.join(flux, 'clusters', cluster, 'apps.yaml'), 'utf8')).toContain(`path: ./flux/clusters/${cluster}/apps`);
    for (const folder of ['', 'infrastructure/controllers', 'infrastructure/configs', 'apps']) {
      execFileSync(toolPath('kubectl'), ['kustomize', path.join(flux, 'clusters', cluster, folder)], { encoding: 'utf8' });
    }
  }
  // `cdktf synth` runs the CLI as its app (CDKTF_OUTDIR names the folder), so `cdktf deploy <cluster>` has its stack.
  fs.writeFileSync(
    path.join(project, 'cdktf.json'),
    JSON.stringify({ language: 'typescript', app: 'npx --no-install ballast synth --app fleet.ts', output: 'cdktf.out', projectId: 'acme-fleet', sendCrashReports: 'false' }),
  );
  const cdktf = path.join(root, 'node_modules', '.bin', 'cdktf');
  // (An empty Terraform CLI configuration: without one, cdktf logs Terraform's warning about it as an [ERROR].)
  fs.writeFileSync(path.join(project, 'terraformrc'), '');
  const stockEnv = { ...env, CHECKPOINT_DISABLE: '1', CI: '1', TF_CLI_CONFIG_FILE: path.join(project, 'terraformrc') };
  const stock = ok(run(cdktf, ['synth'], stockEnv));
  expect(stock).toContain('Generated Terraform code for the stacks: production, staging');
  expect(stock).not.toContain('[ERROR]');
  expect(fs.existsSync(path.join(project, 'cdktf.out', 'stacks', 'staging', 'cdk.tf.json'))).toBe(true);
  expect(fs.existsSync(path.join(project, 'flux', 'clusters', 'production', 'kustomization.yaml'))).toBe(true);
  expect(ok(run(cdktf, ['list'], stockEnv))).toMatch(/production\s+cdktf\.out\/stacks\/production\n.*staging\s+cdktf\.out\/stacks\/staging/s);
  // diff of one cluster, chosen by --cluster or BALLAST_CLUSTER.
  const diff = run('npx', ['--no-install', 'ballast', 'diff', '--app', 'fleet.ts', '--outdir', 'fleet-dist', '--cluster', 'production'], env);
  expect({ status: diff.status, stdout: diff.stdout }).toEqual({ status: 0, stdout: '0 of 1 clusters change; no change in production\n' });
  const unknown = run('npx', ['--no-install', 'ballast', 'diff', '--app', 'fleet.ts', '--outdir', 'fleet-dist'], { ...env, BALLAST_CLUSTER: 'qa' });
  expect(unknown.status).toBe(3);
  expect(unknown.stderr).toContain('arguments: --cluster qa: the fleet has no cluster "qa". Use one of staging, production.');
});

test("the wrong program in a fleet's repository: a single platform is refused before it deletes anything (synth exit 1, diff exit 2)", () => {
  // fleet-dist holds the fleet the test above synthesized (staging and production); platform.ts is a
  // single platform of cluster staging, and it is the program `npx ballast synth` runs without --app.
  const env = { SOPS_AGE_KEY: '', BALLAST_SECRETS_FILE: '' };
  const listing = () => (fs.readdirSync(path.join(project, 'fleet-dist'), { recursive: true, encoding: 'utf8' }) as string[]).sort();
  const before = listing();
  expect(before).toEqual(expect.arrayContaining([path.join('flux', 'clusters', 'production', 'kustomization.yaml'), path.join('cdktf', 'stacks', 'production', 'cdk.tf.json')]));
  const synth = run('npx', ['--no-install', 'ballast', 'synth', '--outdir', 'fleet-dist'], env);
  expect(synth.status).toBe(1);
  // Mutation: reading only a single platform's inventory (as before) makes this synth pass and delete
  // clusters/production and stacks/production.
  expect(synth.stderr).toContain(
    'output/production: the cluster is no longer in the program, and this synth would remove its tree clusters/production/',
  );
  expect(synth.stderr).toContain('acknowledge it (--acknowledge cluster/production)');
  expect(synth.stderr).toContain('if you meant the fleet, run its program (--app <your fleet program>)');
  expect(listing()).toEqual(before);
  const diff = run('npx', ['--no-install', 'ballast', 'diff', '--outdir', 'fleet-dist'], env);
  expect(diff.status).toBe(2);
  expect(diff.stdout).toMatch(/^cluster production is not in this program \(the output holds a fleet\): its tree and its Terraform stack would be removed \(.*\) \[refused: --acknowledge cluster\/production\]\n/);
  // The fleet's own program still finds its output as it left it.
  expect(run('npx', ['--no-install', 'ballast', 'diff', '--app', 'fleet.ts', '--outdir', 'fleet-dist'], env).status).toBe(0);
});

test('one platform that becomes a fleet: the move of its Terraform state is refused until the team carries it over (exit 1, then 0)', () => {
  const env = { SOPS_AGE_KEY: '', BALLAST_SECRETS_FILE: '' };
  // Before the fleet: its staging cluster's platform as the team's one program.
  fs.writeFileSync(path.join(project, 'staging-alone.ts'), "import fleet from './fleet';\nexport default () => fleet.build('staging');\n");
  ok(run('npx', ['--no-install', 'ballast', 'synth', '--app', 'staging-alone.ts', '--outdir', 'move-dist'], env));
  // An applied single platform: its local state, where the stack keeps it.
  const stack = JSON.parse(fs.readFileSync(path.join(project, 'move-dist', 'cdktf', 'stacks', 'ballast', 'cdk.tf.json'), 'utf8'));
  expect(stack.terraform.backend).toEqual({ local: { path: '../../../../terraform.ballast.tfstate' } });
  fs.writeFileSync(path.join(project, 'terraform.ballast.tfstate'), '{"version": 4, "serial": 7, "resources": []}\n');
  const refused = run('npx', ['--no-install', 'ballast', 'synth', '--app', 'fleet.ts', '--outdir', 'move-dist'], env);
  expect(refused.status).toBe(1);
  // Mutation: without the continuity check the fleet's stack staging starts from an empty
  // terraform.staging.tfstate and plans to create everything the cluster has.
  expect(refused.stderr).toContain(
    'terraform/staging: the Terraform state of stack staging would change place: the previous output\'s stack ballast keeps it in the local file terraform.ballast.tfstate, this synth in the local file terraform.staging.tfstate.',
  );
  expect(refused.stderr).toContain('--acknowledge state/staging): move the file first: mv terraform.ballast.tfstate terraform.staging.tfstate');
  expect(fs.existsSync(path.join(project, 'move-dist', 'cdktf', 'stacks', 'ballast'))).toBe(true);
  // What the message says: move it, then acknowledge.
  fs.renameSync(path.join(project, 'terraform.ballast.tfstate'), path.join(project, 'terraform.staging.tfstate'));
  ok(run('npx', ['--no-install', 'ballast', 'synth', '--app', 'fleet.ts', '--outdir', 'move-dist', '--acknowledge', 'state/staging'], env));
  expect(fs.existsSync(path.join(project, 'move-dist', 'cdktf', 'stacks', 'staging', 'cdk.tf.json'))).toBe(true);
  // The acknowledgement held for that synth only: the next one has nothing to carry over.
  const stale = run('npx', ['--no-install', 'ballast', 'synth', '--app', 'fleet.ts', '--outdir', 'move-dist', '--acknowledge', 'state/staging'], env);
  expect(stale.status).toBe(1);
  expect(stale.stderr).toContain('arguments: --acknowledge state/staging names no Terraform stack whose state changes place');
  ok(run('npx', ['--no-install', 'ballast', 'synth', '--app', 'fleet.ts', '--outdir', 'move-dist'], env));
});
