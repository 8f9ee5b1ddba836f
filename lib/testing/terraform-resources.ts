import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { yaml } from '../core/yaml-package';
import type { DeploymentPlan } from '../day2/deployment-plan';
import { synthTerraform } from '../synth/synth';
import { STACK_NAME } from '../model/terraform-addresses';
import { terraformTypes } from '../model/terraform-addresses';
import { isJsonObject, JsonObject, JsonValue, summarizeLongStrings } from './json';
import { Ownership } from './ownership';

/** The Terraform resources the selected constructs contribute, and the variables they read. */
export interface TerraformContribution {
  /** Resources by address (`helm_release.release_traefik_traefik`). */
  readonly resources: Record<string, JsonObject>;
  /** Names of the Terraform variables those resources read, sorted. */
  readonly variables: string[];
}

/**
 * The resources of the Terraform stack that the selected constructs own. The stack is synthesized by
 * cdktf exactly as synth does it, into a temporary folder that is removed afterwards, and read back.
 * Each resource is shown without what only says how it relates to others (`depends_on` lists every
 * bootstrap Secret of the platform, cdktf's `//` metadata); `helm_release` values are parsed from their
 * YAML; a Secret's write-only data is reduced to its keys (the values are variable references, listed by
 * name in `variables`).
 */
export function terraformContribution(
  plan: DeploymentPlan,
  ownership: Ownership,
  selected: (path: string) => boolean,
  maxStringLength: number,
): TerraformContribution {
  const stack = synthesizedStack(plan);
  const resources: Record<string, JsonObject> = {};
  const variables = new Set<string>();
  for (const [type, byId] of Object.entries(stack.resource ?? {})) {
    for (const [id, body] of Object.entries(byId)) {
      const address = `${type}.${id}`;
      if (!ownership.terraformOwners(address).some(selected)) continue;
      for (const [, name] of JSON.stringify(body).matchAll(/\$\{var\.([A-Za-z0-9_]+)\}/g)) variables.add(name);
      resources[address] = summarizeLongStrings(readable(type, body), maxStringLength) as JsonObject;
    }
  }
  return { resources, variables: [...variables].sort() };
}

/** The stack's JSON, synthesized into a temporary folder. */
function synthesizedStack(plan: DeploymentPlan): { resource?: Record<string, Record<string, JsonObject>> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ballast-synth-component-'));
  try {
    synthTerraform(plan, dir);
    return JSON.parse(fs.readFileSync(path.join(dir, 'stacks', STACK_NAME, 'cdk.tf.json'), 'utf8')) as { resource?: Record<string, Record<string, JsonObject>> };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A resource body as a snapshot shows it (see `terraformContribution`). */
function readable(type: string, body: JsonObject): JsonObject {
  const { '//': _metadata, depends_on: _dependsOn, ...rest } = body;
  if (type === terraformTypes.secret) {
    const { data_wo: data, ...secret } = rest;
    return { ...secret, keys: isJsonObject(data) ? Object.keys(data).sort() : [] };
  }
  if (type === terraformTypes.release && Array.isArray(rest.values)) {
    return { ...rest, values: (rest.values as readonly JsonValue[]).map((v) => (typeof v === 'string' ? (yaml.parse(v) as JsonValue) : v)) };
  }
  return rest;
}
