import Ajv, { ValidateFunction } from 'ajv';
import { allCrds, moduleCrds } from './shared-data';

/**
 * Validators for custom resources, built from the CRDs' openAPIV3Schema. Objects are closed (no unknown
 * fields) unless the schema preserves unknown fields, as the API server's strict field validation does.
 */
export class CrdSchemas {
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, code: { regExp: goRegExp } });

  constructor() {
    for (const { crd } of [...allCrds(), ...moduleCrds()]) {
      const group = crd.spec.group as string;
      for (const version of crd.spec.versions as { name: string; served: boolean; schema?: { openAPIV3Schema: object } }[]) {
        if (!version.served || !version.schema) continue;
        const key = `${group}/${version.name}/${crd.spec.names.kind}`;
        this.validators.set(key, this.ajv.compile(closeObjects(structuredClone(version.schema.openAPIV3Schema))));
      }
    }
  }

  /** True when a served CRD version defines `apiVersion` + `kind`. */
  public has(apiVersion: string, kind: string): boolean {
    return this.validators.has(`${apiVersion}/${kind}`);
  }

  /** Schema errors of `object`; throws when no CRD serves its kind. */
  public errors(object: { apiVersion: string; kind: string; [field: string]: unknown }): string[] {
    const validate = this.validators.get(`${object.apiVersion}/${object.kind}`);
    if (!validate) throw new Error(`no served CRD for ${object.apiVersion} ${object.kind} in the reference data`);
    if (validate(object)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  }
}

/**
 * CRD patterns are Go regular expressions; the only Go syntax they use that JavaScript lacks is the `(?i)`
 * flag group (always applying to the whole pattern there), which becomes the `i` flag.
 */
const goRegExp = Object.assign(
  (pattern: string, flags: string) =>
    pattern.includes('(?i)') ? new RegExp(pattern.replace('(?i)', ''), `${flags}i`) : new RegExp(pattern, flags),
  { code: 'new RegExp' },
);

/** Adds `additionalProperties: false` to every object schema that lists properties and keeps no unknowns. */
function closeObjects(schema: any): any {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (typeof schema !== 'object' || schema === null) return schema;
  for (const [k, v] of Object.entries(schema)) schema[k] = closeObjects(v);
  if (schema.properties && schema.additionalProperties === undefined && !schema['x-kubernetes-preserve-unknown-fields']) {
    // metadata is validated by the API server, not by the CRD schema.
    schema.additionalProperties = false;
  }
  if (schema.properties?.metadata && schema.properties.apiVersion) {
    schema.properties.metadata = { type: 'object' };
  }
  return schema;
}
