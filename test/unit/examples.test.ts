// The own-platform example of the README (examples/own-platform/platform.ts) cannot rot: `npm test`'s tsc
// type-checks it (tsconfig.json includes examples/, and maps the package name `ballast` to lib/index.ts, as
// an installed package resolves it), and this test synthesizes it with the library's own synthPlatform and
// holds the README's copy of it to the file.
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import ownPlatform from '../../examples/own-platform/platform';
import { synthPlatform } from '../../lib';
import { packageRoot } from '../../lib/internal';
import { tempDir } from '../support/synth';

const root = packageRoot();
const example = path.join(root, 'examples', 'own-platform', 'platform.ts');

test('the type-check of npm test covers examples/ and resolves `ballast` to the library', () => {
  const tsconfig = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.json'), 'utf8')) as { include: string[]; compilerOptions: { paths: Record<string, string[]> } };
  expect(tsconfig.include).toContain('examples');
  expect(tsconfig.compilerOptions.paths.ballast).toEqual(['./lib/index.ts']);
});

test('the own-platform example synthesizes: Flux installed by Terraform, syncing dist/flux of its repository', () => {
  const dist = tempDir('ballast-example-');
  const fluxDir = path.join(dist, 'flux');
  const terraformDir = path.join(dist, 'cdktf');
  synthPlatform(() => ownPlatform(new App()), { fluxDir, terraformDir });

  // Terraform installs the Flux Operator and the FluxInstance, which clones with the token and syncs
  // dist/flux/clusters/staging of the branch.
  const stack = JSON.parse(fs.readFileSync(path.join(terraformDir, 'stacks', 'ballast', 'cdk.tf.json'), 'utf8')) as { resource: Record<string, Record<string, any>> };
  const releases = Object.values(stack.resource.helm_release);
  expect(releases.map((r) => r.name).sort()).toEqual(['flux', 'flux-operator']);
  const instance = releases.find((r) => r.name === 'flux');
  const values = JSON.stringify(instance.values);
  for (const part of ['dist/flux/clusters/staging', 'refs/heads/main', 'https://git.acme.example/platform.git', 'flux-git-auth']) expect(values).toContain(part);
  expect(Object.keys(stack.resource.kubernetes_secret_v1 ?? {}).some((k) => k.includes('flux-git-auth'))).toBe(true);

  // What Flux then applies: the cluster's entry point and the steps, under the repository path.
  expect(fs.readFileSync(path.join(fluxDir, 'clusters', 'staging', 'infrastructure.yaml'), 'utf8')).toContain('path: ./dist/flux/infrastructure/controllers');
  for (const file of ['infrastructure/controllers/traefik.yaml', 'infrastructure/controllers/monitoring.yaml', 'apps/shop.yaml']) {
    expect(fs.existsSync(path.join(fluxDir, file))).toBe(true);
  }
  // The variables the README's deploy step exports.
  const tfvars = fs.readFileSync(path.join(terraformDir, 'stacks', 'ballast', 'terraform.tfvars.example'), 'utf8');
  const variables = [...tfvars.matchAll(/^#?\s*([a-z_0-9]+)\s*=/gm)].map((m) => m[1]).sort();
  expect(variables).toEqual(expect.arrayContaining(['admin_users', 'git_token']));
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  for (const v of variables.filter((v) => !['kubeconfig_path', 'kube_context'].includes(v))) expect(readme).toContain(`TF_VAR_${v}=`);
});

test("the README's example is the file, line for line", () => {
  const code = fs.readFileSync(example, 'utf8');
  // The program from its import on (the header comment points at the README and this test).
  const program = code.slice(code.indexOf('import '));
  expect(fs.readFileSync(path.join(root, 'README.md'), 'utf8')).toContain(program);
});
