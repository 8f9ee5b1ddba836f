import Ajv, { ValidateFunction } from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';
import { parse } from 'yaml';
import { HelmValue, HelmValues, mergeValues } from '../../lib';
import { chartSchema, chartValues, hasSharedFile, sharedFile } from './shared-data';

type Json = HelmValue | undefined;

function isMap(v: Json): v is { [k: string]: HelmValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The defaults a chart's values are checked against: its values.yaml, with each subchart's values.yaml
 * under the subchart's name (or alias), as Helm composes them.
 */
export function chartDefaults(chart: string): HelmValues {
  const own = (chartValues(chart) ?? {}) as HelmValues;
  const meta = parse(sharedFile(`charts/${chart}/Chart.yaml`)) as { dependencies?: { name: string; alias?: string }[] };
  let merged: HelmValues = {};
  for (const dep of meta.dependencies ?? []) {
    if (!hasSharedFile(`charts/${dep.name}/values.yaml`)) continue;
    merged[dep.alias ?? dep.name] = (chartValues(dep.name) ?? {}) as HelmValues;
  }
  merged = mergeValues(merged, own);
  return merged;
}

/**
 * Value paths in `values` that the chart does not know. A path is known when each of its keys exists in
 * the defaults; below a default that is an empty map, null or a list, the chart documents a free-form
 * value and anything goes.
 */
export function unknownValuePaths(defaults: HelmValues, values: HelmValues): string[] {
  const out: string[] = [];
  const walk = (def: Json, val: Json, at: string[]) => {
    if (!isMap(val)) return;
    if (!isMap(def)) return; // free-form (null or list default): the chart takes anything here
    if (Object.keys(def).length === 0) return; // documented as an open map, e.g. nodeSelector: {}
    for (const [key, v] of Object.entries(val)) {
      if (at.length === 0 && key === 'global') continue;
      if (!(key in def)) out.push([...at, key].join('.'));
      else walk(def[key], v, [...at, key]);
    }
  };
  walk(defaults, values, []);
  return out;
}

const validators = new Map<string, ValidateFunction | undefined>();

/** The chart's values.schema.json compiled with the JSON Schema draft it declares, if it ships one. */
export function schemaValidator(chart: string): ValidateFunction | undefined {
  if (!validators.has(chart)) {
    const schema = chartSchema(chart) as { $schema?: string } | undefined;
    if (!schema) {
      validators.set(chart, undefined);
    } else {
      const draft = schema.$schema ?? '';
      const options = { strict: false, allErrors: true, validateFormats: false };
      const ajv = draft.includes('2020-12') ? new Ajv2020(options) : draft.includes('2019-09') ? new Ajv2019(options) : new Ajv(options);
      validators.set(chart, ajv.compile(schema));
    }
  }
  return validators.get(chart);
}

/**
 * Schema errors of `values` for `chart`, checked as Helm does: the chart's defaults with the values merged
 * over them. Empty when the chart ships no schema.
 */
export function schemaErrors(chart: string, values: HelmValues): string[] {
  const validate = schemaValidator(chart);
  if (!validate) return [];
  const merged = mergeValues((chartValues(chart) ?? {}) as HelmValues, values);
  if (validate(merged)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}
