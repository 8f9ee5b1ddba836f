// removed, moved and import blocks, and the Terraform version they need, in the stack's Terraform JSON.
import { App, DataResource, TerraformStack } from 'cdktf';
import * as fs from 'fs';
import * as path from 'path';
import {
  addImportBlock,
  addMovedBlock,
  addRemovedBlock,
  requiredTerraformVersion,
  requireTerraformVersion,
  TERRAFORM_VERSION_FOR,
} from '../../lib/internal';
import { tempDir } from '../support/synth';

/** A stack `demo` built by `build`, synthesized; its Terraform JSON. */
function synth(build: (stack: TerraformStack) => void): Record<string, any> {
  const outdir = tempDir();
  const app = new App({ outdir });
  const stack = new TerraformStack(app, 'demo');
  build(stack);
  app.synth();
  return JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'demo', 'cdk.tf.json'), 'utf8'));
}

test('removed blocks keep the object (destroy = false), accumulate, and need Terraform 1.7', () => {
  const json = synth((stack) => {
    addRemovedBlock(stack, 'terraform_data.old');
    addRemovedBlock(stack, 'module.legacy.helm_release.traefik');
  });
  expect(json.removed).toEqual([
    { from: 'terraform_data.old', lifecycle: { destroy: false } },
    { from: 'module.legacy.helm_release.traefik', lifecycle: { destroy: false } },
  ]);
  expect(json.terraform.required_version).toBe('>= 1.7');
});

test('moved and import blocks name a construct by its address, and add to those of cdktf itself', () => {
  const json = synth((stack) => {
    const renamed = new DataResource(stack, 'renamed', { input: { v: 1 } });
    const adopted = new DataResource(stack, 'adopted');
    const target = new DataResource(stack, 'target');
    target.addMoveTarget('target');
    new DataResource(stack, 'moving').moveTo('target');
    addMovedBlock(stack, 'terraform_data.original', renamed);
    addMovedBlock(stack, 'terraform_data.other', 'terraform_data.somewhere');
    addImportBlock(stack, adopted, 'existing-id');
  });
  expect(json.moved).toEqual(
    expect.arrayContaining([
      { from: 'terraform_data.original', to: 'terraform_data.renamed' },
      { from: 'terraform_data.other', to: 'terraform_data.somewhere' },
      { from: 'terraform_data.moving', to: 'terraform_data.target' },
    ]),
  );
  expect(json.moved).toHaveLength(3);
  expect(json.import).toEqual([{ to: 'terraform_data.adopted', id: 'existing-id' }]);
  expect(json.terraform.required_version).toBeUndefined();
});

test('a construct is addressed by the logical id it has at synth', () => {
  const json = synth((stack) => {
    const resource = new DataResource(stack, 'resource');
    addMovedBlock(stack, 'terraform_data.before', resource);
    resource.overrideLogicalId('after');
  });
  expect(json.moved).toEqual([{ from: 'terraform_data.before', to: 'terraform_data.after' }]);
});

test('a second block for one address is refused (Terraform would refuse the stack)', () => {
  synth((stack) => {
    addRemovedBlock(stack, 'terraform_data.old');
    expect(() => addRemovedBlock(stack, 'terraform_data.old')).toThrow('demo: a removed block for terraform_data.old was already added');
    addMovedBlock(stack, 'terraform_data.a', 'terraform_data.b');
    expect(() => addMovedBlock(stack, 'terraform_data.a', 'terraform_data.c')).toThrow('demo: a moved block for terraform_data.a was already added');
  });
});

test('the required version is the highest asked for; an explicit override still wins', () => {
  const json = synth((stack) => {
    requireTerraformVersion(stack, TERRAFORM_VERSION_FOR.writeOnlyAttributes);
    addRemovedBlock(stack, 'terraform_data.old');
    requireTerraformVersion(stack, '1.9.2');
    expect(requiredTerraformVersion(stack)).toBe('1.11');
  });
  expect(json.terraform.required_version).toBe('>= 1.11');
  const overridden = synth((stack) => {
    addRemovedBlock(stack, 'terraform_data.old');
    stack.addOverride('terraform.required_version', '~> 1.11.0');
  });
  expect(overridden.terraform.required_version).toBe('~> 1.11.0');
  expect(() => synth((stack) => requireTerraformVersion(stack, '>= 1.7'))).toThrow('">= 1.7" is not a Terraform version such as "1.7" or "1.11.0"');
});

test('a stack without blocks has no trace of them', () => {
  const json = synth((stack) => void new DataResource(stack, 'x'));
  expect(Object.keys(json).sort()).toEqual(['//', 'resource', 'terraform']);
});
