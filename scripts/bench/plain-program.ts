// The bench's yardstick: what a plain cdk8s + cdktf program costs to write the same objects as ballast,
// with none of ballast's model, checks or plan. `node plain-program.js <objects.json> <outdir> [--cdk8s-only]`
// reads the objects ballast wrote (Flux files and the Terraform stack JSON) and writes them again: one
// cdk8s Chart per Flux file, its objects as ApiObjects, `App.synth()` to YAML; and one cdktf stack whose
// providers, resources and variables carry the same attributes. The Terraform side uses generic
// resources rather than the provider classes (converting attribute names back to the classes' props is
// not what is measured), which makes this program slightly cheaper than a hand-written one.
import type { Construct } from 'constructs';
import * as fs from 'fs';
import * as path from 'path';

/** What the bench hands this program. */
export interface PlainProgramInput {
  /** Each Flux file ballast wrote and its objects. */
  readonly flux: readonly { readonly file: string; readonly objects: readonly Record<string, unknown>[] }[];
  /** The Terraform stack ballast wrote (`cdk.tf.json`). */
  readonly terraform?: TerraformJson;
}

type Attributes = Record<string, unknown>;
interface TerraformJson {
  readonly provider?: Record<string, Attributes[]>;
  readonly resource?: Record<string, Record<string, Attributes>>;
  readonly variable?: Record<string, Attributes & { validation?: { condition: string; error_message: string }[] }>;
}

function writeFlux(input: PlainProgramInput, outdir: string): void {
  const { ApiObject, App, Chart } = require('cdk8s') as typeof import('cdk8s');
  const app = new App({ outdir });
  input.flux.forEach(({ file, objects }, i) => {
    const chart = new Chart(app, `${path.basename(file, '.yaml')}-${i}`, { disableResourceNameHashes: true });
    objects.forEach((o, j) => new ApiObject(chart, `o${j}`, o as never));
  });
  app.synth();
}

function writeTerraform(stackJson: TerraformJson, outdir: string): void {
  // Required here, so that the cdk8s-only measure does not load cdktf.
  const { App: TerraformApp, LocalBackend, TerraformProvider, TerraformResource, TerraformStack, TerraformVariable } = require('cdktf') as typeof import('cdktf');

  class PlainResource extends TerraformResource {
    constructor(scope: Construct, id: string, type: string, private readonly attributes: Attributes) {
      super(scope, id, { terraformResourceType: type });
    }
    protected synthesizeAttributes(): Attributes {
      return this.attributes;
    }
  }

  class PlainProvider extends TerraformProvider {
    constructor(scope: Construct, id: string, type: string, private readonly attributes: Attributes) {
      super(scope, id, { terraformResourceType: type, terraformProviderSource: `hashicorp/${type}` });
    }
    protected synthesizeAttributes(): Attributes {
      return this.attributes;
    }
  }

  const app = new TerraformApp({ outdir });
  const stack = new TerraformStack(app, 'ballast');
  new LocalBackend(stack, { path: 'terraform.tfstate' });
  for (const [type, configs] of Object.entries(stackJson.provider ?? {})) {
    configs.forEach((c, i) => new PlainProvider(stack, `${type}${i}`, type, c));
  }
  for (const [name, v] of Object.entries(stackJson.variable ?? {})) {
    new TerraformVariable(stack, name, {
      type: v.type as string | undefined,
      description: v.description as string | undefined,
      sensitive: v.sensitive as boolean | undefined,
      nullable: v.nullable as boolean | undefined,
      validation: v.validation?.map((x) => ({ condition: x.condition, errorMessage: x.error_message })),
    });
  }
  for (const [type, resources] of Object.entries(stackJson.resource ?? {})) {
    for (const [id, attributes] of Object.entries(resources)) new PlainResource(stack, id, type, attributes);
  }
  app.synth();
}

if (require.main === module) {
  const [inputFile, outdir] = process.argv.slice(2);
  const withTerraform = !process.argv.includes('--cdk8s-only');
  const input = JSON.parse(fs.readFileSync(inputFile, 'utf8')) as PlainProgramInput;
  // Measured apart: loading the libraries, then building and synthesizing (what `App.synth()` costs).
  let t = process.hrtime.bigint();
  require('cdk8s');
  if (withTerraform) require('cdktf');
  const loadMs = Number(process.hrtime.bigint() - t) / 1e6;
  t = process.hrtime.bigint();
  writeFlux(input, path.join(outdir, 'flux'));
  if (withTerraform && input.terraform) writeTerraform(input.terraform, path.join(outdir, 'cdktf'));
  process.stdout.write(`${JSON.stringify({ loadMs, synthMs: Number(process.hrtime.bigint() - t) / 1e6 })}\n`);
}
