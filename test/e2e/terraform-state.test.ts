// The real terraform CLI runs stacks built with ballast's state backends and lifecycle blocks: state
// outlives the output folder, the kubernetes backend keeps and locks it in a real API server, `removed`
// forgets without destroying, `moved` renames without replacing, `import` adopts. The stacks hold only
// Terraform's built-in `terraform_data`, which needs no provider download.
import { DataResource, LocalBackend, TerraformStack } from 'cdktf';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { addImportBlock, addMovedBlock, addRemovedBlock, TerraformStateBackend } from '../../lib/internal';
import { ApiServer } from '../support/e2e/api-server';
import { filesMatching, plannedChanges, startTerraform, terraform, terraformOk, TerraformProject, terraformVersion } from '../support/e2e/terraform';

const roots: string[] = [];
afterAll(() => roots.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** A new project in a temporary folder. */
function project(): TerraformProject {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ballast-terraform-'));
  roots.push(root);
  return new TerraformProject(root);
}

/** Two plain resources, `a` and `b`. */
function twoResources(stack: TerraformStack): void {
  new DataResource(stack, 'a', { input: { value: 'a' } });
  new DataResource(stack, 'b', { input: { value: 'b' } });
}

/** Synthesizes `p` anew and runs `terraform init` in the fresh stack folder, as `cdktf deploy` does. */
async function synthAndInit(p: TerraformProject, backend: TerraformStateBackend | undefined, build: (stack: TerraformStack) => void): Promise<string> {
  const dir = p.synth(backend, build);
  await terraformOk(dir, ['init']);
  return dir;
}

const NO_CHANGES = /No changes\. Your infrastructure matches the configuration\./;

beforeAll(() => {
  // A missing CLI fails the tier with the reason, rather than skipping what it proves.
  expect(terraformVersion()).toMatch(/^Terraform v1\.(7|8|9|[1-9][0-9])\./);
});

describe('the local backend', () => {
  test('keeps the state in the project root, where synths that replace dist/cdktf do not touch it', async () => {
    const p = project();
    const dir = p.synth(undefined, twoResources);
    expect(p.json().terraform.backend).toEqual({ local: { path: '../../../../terraform.demo.tfstate' } });
    await terraformOk(dir, ['init']);
    expect(await terraformOk(dir, ['apply', '-auto-approve'])).toMatch(/Apply complete! Resources: 2 added, 0 changed, 0 destroyed\./);
    expect(await terraformOk(dir, ['plan'])).toMatch(NO_CHANGES);
    expect(filesMatching(p.root, /\.tfstate$/)).toEqual(['terraform.demo.tfstate']);
    const ids = JSON.parse(fs.readFileSync(path.join(p.root, 'terraform.demo.tfstate'), 'utf8')).resources.map((r: { name: string }) => r.name);
    expect(ids.sort()).toEqual(['a', 'b']);

    // Each synth deletes dist/cdktf (Terraform's .terraform/ folder with it) and writes it anew.
    for (let i = 0; i < 2; i++) {
      p.synth(undefined, twoResources);
      expect(fs.existsSync(path.join(dir, '.terraform'))).toBe(false);
    }
    await terraformOk(dir, ['init']);
    expect(await terraformOk(dir, ['plan'])).toMatch(NO_CHANGES);
    expect(filesMatching(p.outdir, /tfstate/)).toEqual([]);
  });

  test('the check can fail: a state file inside the output folder is gone after a synth, and Terraform plans everything anew', async () => {
    const p = project();
    // What the old default wrote: a custom backend is the only way left to put the state there.
    const inOutput: TerraformStateBackend = { kind: 'custom', create: (stack) => new LocalBackend(stack, { path: 'terraform.tfstate' }) };
    const dir = p.synth(inOutput, twoResources);
    await terraformOk(dir, ['init']);
    await terraformOk(dir, ['apply', '-auto-approve']);
    p.synth(inOutput, twoResources);
    await terraformOk(dir, ['init']);
    expect(await terraformOk(dir, ['plan'])).toMatch(/Plan: 2 to add, 0 to change, 0 to destroy\./);
  });
});

describe('lifecycle blocks', () => {
  /** A project whose state holds `a` and `b`. */
  async function applied(): Promise<TerraformProject> {
    const p = project();
    const dir = await synthAndInit(p, undefined, twoResources);
    await terraformOk(dir, ['apply', '-auto-approve']);
    return p;
  }

  test('removed: a resource that leaves the code is forgotten, not destroyed', async () => {
    const p = await applied();
    const onlyA = (stack: TerraformStack) => void new DataResource(stack, 'a', { input: { value: 'a' } });
    // Without the block Terraform would destroy it: the check below can fail.
    await synthAndInit(p, undefined, onlyA);
    expect(await plannedChanges(p.stackDir)).toMatchObject({ 'terraform_data.b': { actions: ['delete'] } });

    await synthAndInit(p, undefined, (stack) => {
      onlyA(stack);
      addRemovedBlock(stack, 'terraform_data.b');
    });
    expect(p.json().removed).toEqual([{ from: 'terraform_data.b', lifecycle: { destroy: false } }]);
    expect(p.json().terraform.required_version).toBe('>= 1.7');
    const changes = await plannedChanges(p.stackDir);
    expect(changes).toEqual({ 'terraform_data.a': { actions: ['no-op'] }, 'terraform_data.b': { actions: ['forget'] } });
    expect(Object.values(changes).flatMap((c) => c.actions)).not.toContain('delete');
    const apply = await terraformOk(p.stackDir, ['apply', '-auto-approve']);
    expect(apply).toMatch(/0 added, 0 changed, 0 destroyed/);
    expect(await terraformOk(p.stackDir, ['state', 'list'])).toBe('terraform_data.a\n');
    expect(await terraformOk(p.stackDir, ['plan'])).toMatch(NO_CHANGES);
  });

  test('moved: a renamed resource keeps its object, with no replacement', async () => {
    const p = await applied();
    const renamed = (stack: TerraformStack) => {
      new DataResource(stack, 'b', { input: { value: 'b' } });
      return new DataResource(stack, 'renamed', { input: { value: 'a' } });
    };
    await synthAndInit(p, undefined, renamed);
    expect(await plannedChanges(p.stackDir)).toMatchObject({ 'terraform_data.a': { actions: ['delete'] }, 'terraform_data.renamed': { actions: ['create'] } });

    const before = await terraformOk(p.stackDir, ['state', 'show', 'terraform_data.a']);
    await synthAndInit(p, undefined, (stack) => addMovedBlock(stack, 'terraform_data.a', renamed(stack)));
    expect(await plannedChanges(p.stackDir)).toEqual({
      'terraform_data.b': { actions: ['no-op'] },
      'terraform_data.renamed': { actions: ['no-op'], previousAddress: 'terraform_data.a' },
    });
    await terraformOk(p.stackDir, ['apply', '-auto-approve']);
    const after = await terraformOk(p.stackDir, ['state', 'show', 'terraform_data.renamed']);
    const id = (show: string) => /\bid\s+=\s+"([^"]+)"/.exec(show)?.[1];
    expect(id(after)).toBe(id(before));
    expect(await terraformOk(p.stackDir, ['plan'])).toMatch(NO_CHANGES);
  });

  test('import: an existing object is adopted into the state', async () => {
    // terraform_data imports any id: the built-in resource stands in for a cluster object here.
    const p = await applied();
    await synthAndInit(p, undefined, (stack) => {
      twoResources(stack);
      addImportBlock(stack, new DataResource(stack, 'adopted'), 'object-made-elsewhere');
    });
    expect(p.json().import).toEqual([{ to: 'terraform_data.adopted', id: 'object-made-elsewhere' }]);
    expect(await plannedChanges(p.stackDir)).toMatchObject({ 'terraform_data.adopted': { importingId: 'object-made-elsewhere' } });
    expect(await terraformOk(p.stackDir, ['apply', '-auto-approve'])).toMatch(/Apply complete! Resources: 1 imported, 0 added/);
    expect(await terraformOk(p.stackDir, ['state', 'show', 'terraform_data.adopted'])).toMatch(/id\s+=\s+"object-made-elsewhere"/);
  });
});

describe('a custom backend', () => {
  test('is the only backend of the stack, and Terraform keeps the state where it says', async () => {
    const p = project();
    const stateFile = path.join(p.root, 'state', 'custom.tfstate');
    const dir = p.synth({ kind: 'custom', create: (stack) => new LocalBackend(stack, { path: stateFile }) }, twoResources);
    expect(p.json().terraform.backend).toEqual({ local: { path: stateFile } });
    await terraformOk(dir, ['init']);
    await terraformOk(dir, ['apply', '-auto-approve']);
    expect(filesMatching(p.root, /\.tfstate$/)).toEqual(['state/custom.tfstate']);
  });
});

describe('the kubernetes backend against a real API server', () => {
  let server: ApiServer;
  const namespace = 'terraform-state';
  beforeAll(async () => {
    server = await ApiServer.start();
    // The backend does not create its namespace: it must exist before the first init.
    const created = await server.request('POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }));
    expect(created.status).toBe(201);
  }, 180_000);
  afterAll(() => server?.stop());

  /**
   * A project whose state is the Secret `tfstate-default-<suffix>`, reached through the file `kubeconfig`
   * in its root, named by a path relative to the root.
   */
  function clusterProject(suffix: string): { p: TerraformProject; backend: TerraformStateBackend } {
    const p = project();
    fs.copyFileSync(server.kubeconfig, path.join(p.root, 'kubeconfig'));
    return { p, backend: { kind: 'kubernetes', namespace, secretSuffix: suffix, configPath: 'kubeconfig' } };
  }

  /** The state Terraform stored in the Secret `tfstate-default-<suffix>`. */
  async function storedState(suffix: string): Promise<{ resources: { name: string }[] }> {
    const secret = await server.request('GET', `/api/v1/namespaces/${namespace}/secrets/tfstate-default-${suffix}`);
    expect(secret.status).toBe(200);
    const data = JSON.parse(secret.body).data as Record<string, string>;
    return JSON.parse(zlib.gunzipSync(Buffer.from(data.tfstate, 'base64')).toString('utf8'));
  }

  /** Who holds the lock of the state `tfstate-default-<suffix>`: the Lease's holder, if any. */
  async function lockHolder(suffix: string): Promise<string | undefined> {
    const lease = await server.request('GET', `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases/lock-tfstate-default-${suffix}`);
    expect(lease.status).toBe(200);
    return (JSON.parse(lease.body) as { spec: { holderIdentity?: string } }).spec.holderIdentity || undefined;
  }

  test('init, apply and re-plan: the state is a Secret in the namespace, and nothing is left to change', async () => {
    const { p, backend } = clusterProject('ballast');
    const dir = p.synth(backend, twoResources);
    expect(p.json().terraform.backend).toEqual({
      kubernetes: { namespace, secret_suffix: 'ballast', config_path: '../../../../kubeconfig' },
    });
    await terraformOk(dir, ['init']);
    await terraformOk(dir, ['apply', '-auto-approve']);
    expect(await terraformOk(dir, ['plan'])).toMatch(NO_CHANGES);
    expect((await storedState('ballast')).resources.map((r) => r.name).sort()).toEqual(['a', 'b']);
    expect(filesMatching(p.root, /tfstate/)).toEqual([]);

    // A fresh checkout (a colleague, CI) finds the same state in the cluster.
    const other = clusterProject('ballast');
    await terraformOk(other.p.synth(other.backend, twoResources), ['init']);
    expect(await terraformOk(other.p.stackDir, ['plan'])).toMatch(NO_CHANGES);
  });

  test('a second apply while the first holds the Lease is refused', async () => {
    const slowly = (stack: TerraformStack) => {
      twoResources(stack);
      new DataResource(stack, 'slow', { provisioners: [{ type: 'local-exec', command: 'sleep 8' }] });
    };
    const first = clusterProject('locking');
    const second = clusterProject('locking');
    await terraformOk(first.p.synth(first.backend, slowly), ['init']);
    await terraformOk(second.p.synth(second.backend, slowly), ['init']);

    const running = startTerraform(first.p.stackDir, ['apply', '-auto-approve']);
    const deadline = Date.now() + 60_000;
    while (!/Provisioning with 'local-exec'/.test(running.output())) {
      if (Date.now() > deadline) throw new Error(`the first apply did not reach its provisioner:\n${running.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const refused = await terraform(second.p.stackDir, ['apply', '-auto-approve', '-lock-timeout=0s']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/Error acquiring the state lock[^]*the state is already locked by another terraform client[^]*Operation: OperationTypeApply/);
    // The lock it names is the Lease the first apply holds.
    const lockId = /ID:\s+(\S+)/.exec(refused.stderr)?.[1];
    expect(await lockHolder('locking')).toBe(lockId);

    const done = await running.done;
    expect(done.stdout).toMatch(/Apply complete! Resources: 3 added, 0 changed, 0 destroyed\./);
    expect(await lockHolder('locking')).toBeUndefined();
    expect((await storedState('locking')).resources.map((r) => r.name).sort()).toEqual(['a', 'b', 'slow']);
    expect(await terraformOk(second.p.stackDir, ['plan'])).toMatch(NO_CHANGES);
  });
});
