// The Terraform state backend setting: refused at config time with `<path>: <what>. <fix>.`, and rendered
// as the `terraform.backend` block of the stack's JSON, the only backend the stack has.
import { App as Cdk8sApp } from 'cdk8s';
import { App, LocalBackend, PgBackend, S3Backend, TerraformStack } from 'cdktf';
import * as fs from 'fs';
import * as path from 'path';
import { addStateBackend, planPlatform, Platform, StateBackendOptions, synthTerraform, TerraformStateBackend, ValidationError } from '../../lib/internal';
import { testConfig, testPlatform } from '../support/platforms';
import { tempDir } from '../support/synth';

/** The ValidationError message of a platform with `backend`, or '' when it is accepted. */
function problemsOf(backend: TerraformStateBackend): string {
  try {
    testPlatform({ terraform: { backend } });
    return '';
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return err.message;
  }
}

describe('the setting is checked with the platform config', () => {
  test.each<[string, TerraformStateBackend, string]>([
    [
      'unknown kind',
      { kind: 's3' } as unknown as TerraformStateBackend,
      'ballast: terraform.backend.kind "s3" is not a state backend kind. Use one of "local", "kubernetes", "custom" ("custom" takes any cdktf backend, e.g. S3Backend).',
    ],
    [
      'an option the backend does not know',
      { kind: 'kubernetes', namespace: 'terraform-state', bucket: 'state' } as unknown as TerraformStateBackend,
      'ballast: terraform.backend.bucket is not an option of the kubernetes backend. Use namespace, secretSuffix, configPath, configContext, or a custom backend for other settings.',
    ],
    [
      'local state under dist/',
      { kind: 'local', path: 'dist/terraform.tfstate' },
      'ballast: terraform.backend.path "dist/terraform.tfstate" is inside dist/, which tools rewrite (a synth replaces dist/ whole). Keep the state outside the output folders: leave path out for a file in the project root, or use a remote backend.',
    ],
    [
      'local state in the stack folder, written the way the old default was',
      { kind: 'local', path: './dist/cdktf/stacks/ballast/terraform.tfstate' },
      'ballast: terraform.backend.path "./dist/cdktf/stacks/ballast/terraform.tfstate" is inside dist/, which tools rewrite (a synth replaces dist/ whole). Keep the state outside the output folders: leave path out for a file in the project root, or use a remote backend.',
    ],
    [
      'local state under cdktf.out/, given absolute',
      { kind: 'local', path: path.resolve('cdktf.out/x.tfstate') },
      `ballast: terraform.backend.path "${path.resolve('cdktf.out/x.tfstate')}" is inside cdktf.out/, which tools rewrite (a synth replaces dist/ whole). Keep the state outside the output folders: leave path out for a file in the project root, or use a remote backend.`,
    ],
    ['local state path that is a folder', { kind: 'local', path: 'state/' }, 'ballast: terraform.backend.path "state/" is a folder. Give the path of the state file, e.g. "state/ballast.tfstate".'],
    ['empty local state path', { kind: 'local', path: '' }, 'ballast: terraform.backend.path is empty. Leave path out for a state file in the project root, or give a file path.'],
    [
      'secret suffix ending in -<number>',
      { kind: 'kubernetes', namespace: 'terraform-state', secretSuffix: 'ballast-2' },
      'ballast: terraform.backend.secretSuffix "ballast-2" ends in "-<number>", which the kubernetes backend refuses. Drop the number or its "-", e.g. "ballast2".',
    ],
    [
      'secret suffix that makes no Secret name',
      { kind: 'kubernetes', namespace: 'terraform-state', secretSuffix: 'My_State' },
      'ballast: terraform.backend.secretSuffix "My_State" does not make a valid Secret name. Use lowercase letters, digits and "-", e.g. "ballast".',
    ],
    [
      'namespace that is not a DNS label',
      { kind: 'kubernetes', namespace: 'Terraform' },
      'ballast: terraform.backend.namespace "Terraform" is not a valid DNS label. Name the namespace that holds the state Secret: at most 63 lowercase letters, digits and "-".',
    ],
    [
      'kubernetes backend without a namespace',
      { kind: 'kubernetes' } as unknown as TerraformStateBackend,
      'ballast: terraform.backend.namespace "" is not a valid DNS label. Name the namespace that holds the state Secret: at most 63 lowercase letters, digits and "-".',
    ],
    [
      'empty kubeconfig path',
      { kind: 'kubernetes', namespace: 'tf', configPath: ' ' },
      "ballast: terraform.backend.configPath is empty. Leave configPath out for Terraform's default, or set it.",
    ],
    [
      'custom backend without a create function',
      { kind: 'custom', create: 'S3Backend' } as unknown as TerraformStateBackend,
      'ballast: terraform.backend.create is not a function. Pass a function that creates the backend on the stack, e.g. (stack) => new S3Backend(stack, { ... }).',
    ],
  ])('%s', (_name, backend, message) => {
    expect(problemsOf(backend)).toBe(message);
  });

  test('every problem of the setting is listed with the others of the config', () => {
    const config = testConfig({ domain: '', terraform: { backend: { kind: 'kubernetes', namespace: 'X', secretSuffix: 'a-1' } } });
    expect(() => new Platform(new Cdk8sApp(), 'ballast', config)).toThrow(
      /domain is empty[^]*terraform\.backend\.namespace "X"[^]*terraform\.backend\.secretSuffix "a-1"/,
    );
  });

  test.each<[string, TerraformStateBackend]>([
    ['the default local file', { kind: 'local' }],
    ['a local file elsewhere', { kind: 'local', path: '../state/ballast.tfstate' }],
    ['a file whose name starts like an output folder', { kind: 'local', path: 'dist-state/ballast.tfstate' }],
    ['the kubernetes backend', { kind: 'kubernetes', namespace: 'terraform-state', secretSuffix: 'ballast', configPath: '~/.kube/config', configContext: 'admin' }],
    ['a custom backend', { kind: 'custom', create: (stack) => new S3Backend(stack, { bucket: 'b', key: 'k', region: 'eu-west-1' }) }],
  ])('%s is accepted', (_name, backend) => {
    expect(problemsOf(backend)).toBe('');
  });

  test('without a setting the platform uses a local state file', () => {
    expect(testPlatform().terraform.backend).toEqual({ kind: 'local' });
  });
});

/** Synthesizes a stack `demo` with only `backend` into `<root>/out`; returns its Terraform JSON. */
function synthBackend(backend: TerraformStateBackend | undefined, options: StateBackendOptions = {}, root = tempDir()): Record<string, any> {
  const app = new App({ outdir: path.join(root, 'out') });
  const stack = new TerraformStack(app, 'demo');
  addStateBackend(stack, backend, { projectRoot: root, ...options });
  app.synth();
  return JSON.parse(fs.readFileSync(path.join(root, 'out', 'stacks', 'demo', 'cdk.tf.json'), 'utf8'));
}

describe('the terraform.backend block of each kind', () => {
  test('local by default: terraform.<stack>.tfstate in the project root, relative to the stack folder', () => {
    expect(synthBackend(undefined).terraform.backend).toEqual({ local: { path: '../../../terraform.demo.tfstate' } });
    expect(synthBackend({ kind: 'local' }).terraform.backend).toEqual({ local: { path: '../../../terraform.demo.tfstate' } });
  });

  test('local with a path relative to the project root, and an absolute one kept as it is', () => {
    expect(synthBackend({ kind: 'local', path: 'state/demo.tfstate' }).terraform.backend.local.path).toBe('../../../state/demo.tfstate');
    expect(synthBackend({ kind: 'local', path: '/var/lib/terraform/demo.tfstate' }).terraform.backend.local.path).toBe('/var/lib/terraform/demo.tfstate');
  });

  test('the path is computed from the final output folder, not from a staging folder', () => {
    const root = tempDir();
    const json = synthBackend({ kind: 'local' }, { outdir: path.join(root, 'dist', 'cdktf') }, root);
    expect(json.terraform.backend.local.path).toBe('../../../../terraform.demo.tfstate');
  });

  test('a state file inside the output folder is refused at synth, whatever that folder is called', () => {
    expect(() => synthBackend({ kind: 'local', path: 'out/demo.tfstate' })).toThrow(
      /^demo: terraform\.backend\.path "out\/demo\.tfstate" is inside the output folder out, which every synth replaces\. Keep the state file outside the output folder\.$/,
    );
  });

  test('kubernetes: namespace, suffix (the stack name by default), kubeconfig and context', () => {
    expect(synthBackend({ kind: 'kubernetes', namespace: 'terraform-state' }).terraform.backend).toEqual({
      kubernetes: { namespace: 'terraform-state', secret_suffix: 'demo' },
    });
    const json = synthBackend({ kind: 'kubernetes', namespace: 'tf', secretSuffix: 'prod', configPath: 'kube/admin.conf', configContext: 'admin@prod' });
    expect(json.terraform.backend).toEqual({
      kubernetes: { namespace: 'tf', secret_suffix: 'prod', config_path: '../../../kube/admin.conf', config_context: 'admin@prod' },
    });
    expect(json['//'].metadata.backend).toBe('kubernetes');
    expect(synthBackend({ kind: 'kubernetes', namespace: 'tf', configPath: '~/.kube/config' }).terraform.backend.kubernetes.config_path).toBe('~/.kube/config');
  });

  test('custom: the construct the user creates is the only backend', () => {
    const pg = synthBackend({ kind: 'custom', create: (stack) => new PgBackend(stack, { connStr: 'postgres://db.example.com/terraform', schemaName: 'ballast' }) });
    expect(pg.terraform.backend).toEqual({ pg: { conn_str: 'postgres://db.example.com/terraform', schema_name: 'ballast' } });
    const local = synthBackend({ kind: 'custom', create: (stack) => new LocalBackend(stack, { path: '/srv/state/demo.tfstate' }) });
    expect(local.terraform.backend).toEqual({ local: { path: '/srv/state/demo.tfstate' } });
  });

  test('custom: a function that creates no backend on the stack is refused', () => {
    const elsewhere = new TerraformStack(new App({ outdir: tempDir() }), 'other');
    expect(() => synthBackend({ kind: 'custom', create: () => new LocalBackend(elsewhere, {}) })).toThrow(
      /^demo: terraform\.backend\.create did not create exactly one backend on the stack\. Create the backend with the stack as scope and return it\.$/,
    );
  });

  test('a setting checkConfig refuses is refused at synth too, and so is a stack name the default suffix cannot be', () => {
    expect(() => synthBackend({ kind: 'kubernetes', namespace: 'tf', secretSuffix: 'x-1' })).toThrow(/^demo: terraform\.backend\.secretSuffix "x-1" ends in "-<number>"/);
    const stack = new TerraformStack(new App({ outdir: tempDir() }), 'platform-2');
    expect(() => addStateBackend(stack, { kind: 'kubernetes', namespace: 'tf' })).toThrow(/^platform-2: terraform\.backend\.secretSuffix "platform-2" ends in "-<number>"/);
  });
});

describe('the platform stack', () => {
  /** The backend block of the platform stack synthesized into `<root>/dist/cdktf.staging-1`, renamed to dist/cdktf. */
  function platformBackend(backend?: TerraformStateBackend, root = tempDir()): Record<string, any> {
    const staging = path.join(root, 'dist', 'cdktf.staging-1');
    fs.mkdirSync(staging, { recursive: true });
    const plan = planPlatform(testPlatform(backend ? { terraform: { backend } } : {}));
    synthTerraform(plan, staging, { finalOutdir: path.join(root, 'dist', 'cdktf') });
    return JSON.parse(fs.readFileSync(path.join(staging, 'stacks', 'ballast', 'cdk.tf.json'), 'utf8')).terraform.backend;
  }

  test('keeps its state in the folder synth runs in by default, where no synth deletes it', () => {
    const root = tempDir();
    const stackDir = path.join(root, 'dist', 'cdktf', 'stacks', 'ballast');
    expect(platformBackend(undefined, root)).toEqual({ local: { path: path.relative(stackDir, path.resolve('terraform.ballast.tfstate')) } });
  });

  test('takes the backend of the platform config, and only that one', () => {
    expect(platformBackend({ kind: 'kubernetes', namespace: 'terraform-state' })).toEqual({ kubernetes: { namespace: 'terraform-state', secret_suffix: 'ballast' } });
    expect(platformBackend({ kind: 'custom', create: (stack) => new S3Backend(stack, { bucket: 'state', key: 'ballast.tfstate', region: 'eu-west-1', encrypt: true }) })).toEqual({
      s3: { bucket: 'state', key: 'ballast.tfstate', region: 'eu-west-1', encrypt: true },
    });
  });
});
