import { parse } from 'yaml';
import { HelmValue, HelmValues, mergeValues } from '../../lib/internal';
import { chartValues, hasSharedFile, sharedFile } from './shared-data';

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
