import type { Validator } from '@cfworker/json-schema';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { HelmChartSpec, HelmValue, HelmValues, mergeValues } from '../core/helm-chart';
import { ballastCacheDir } from '../core/cache-dir';
import { yaml } from '../core/yaml-package';
import { ReferenceData } from './locate';

/** The outcome of checking one release's values against its chart's `values.schema.json`. */
export type ChartValuesCheck =
  | { readonly status: 'valid' }
  | { readonly status: 'invalid'; readonly errors: readonly string[] }
  /** Not checked, and why (no reference data, the chart ships no schema, another version...). */
  | { readonly status: 'unchecked'; readonly reason: string };

/** The reason of a chart that has no schema to check against. */
export const NO_SCHEMA = 'the chart ships no values.schema.json';

type Draft = '4' | '7' | '2019-09' | '2020-12';

const validators = new Map<string, Validator>();
const defaultValues = new Map<string, HelmValues>();
/** Outcomes by schema file and values: both entry points plan the same platform in one synth process. */
const outcomes = new Map<string, ChartValuesCheck>();

/**
 * A chart's values.yaml, parsed once per process, and only when its check is not in the cache (a
 * re-synth with unchanged values reads no values.yaml at all).
 */
function defaultsOf(file: string): HelmValues {
  let values = defaultValues.get(file);
  if (!values) {
    values = (yaml.parse(fs.readFileSync(file, 'utf8')) ?? {}) as HelmValues;
    defaultValues.set(file, values);
  }
  return values;
}

/** The chart's schema as a validator, cached per file (a schema is parsed once per process). */
function validatorFor(file: string): Validator {
  let validator = validators.get(file);
  if (!validator) {
    const schema = JSON.parse(fs.readFileSync(file, 'utf8')) as { $schema?: string };
    const declared = schema.$schema ?? '';
    const draft: Draft = declared.includes('2020-12')
      ? '2020-12'
      : declared.includes('2019-09')
        ? '2019-09'
        : declared.includes('draft-04')
          ? '4'
          : '7';
    // Loaded on first use: a re-synth whose values passed before never needs the validator.
    const { Validator: SchemaValidator } = require('@cfworker/json-schema') as typeof import('@cfworker/json-schema');
    validator = new SchemaValidator(schema as object, draft, false);
    validators.set(file, validator);
  }
  return validator;
}

/** Sets `value` at the dotted `valuePath` of a copy of `values`, as `--set` does. */
function withValueAt(values: HelmValues, valuePath: string, value: HelmValue): HelmValues {
  const keys = valuePath.split('.');
  let patch: HelmValue = value;
  for (const key of [...keys].reverse()) patch = { [key]: patch };
  return mergeValues(values, patch as HelmValues);
}

/** JSON-pointer location `#/a/b` as a value path `a.b`. */
function valuePath(location: string): string {
  return location.replace(/^#\/?/, '').split('/').map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~')).join('.') || '(root)';
}

/** A validator message as part of one sentence: `Instance type "x" is invalid. Expected "y".` -> `instance type "x" is invalid, expected "y"`. */
function sentence(message: string): string {
  const text = message.replace(/\.$/, '').replace(/\. ([A-Z])/g, (_m, c: string) => `, ${c.toLowerCase()}`);
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** Keywords that only say "something below failed": their deeper errors say what. */
const WRAPPERS = new Set(['properties', 'additionalProperties', 'patternProperties', 'items', 'prefixItems', 'allOf', '$ref', 'unevaluatedProperties']);

/**
 * Checks a release's values as Helm does before rendering: the chart's defaults with ballast's values
 * merged over them (sensitive values as placeholder strings), against the chart's `values.schema.json`
 * from the reference data.
 */
export function checkChartValues(release: HelmChartSpec, reference: ReferenceData | undefined): ChartValuesCheck {
  const { chart, version } = release.chart;
  if (!reference) return { status: 'unchecked', reason: 'no reference data' };
  const dir = path.join(reference.dir, 'charts', chart);
  const meta = path.join(dir, 'Chart.yaml');
  if (!fs.existsSync(meta)) return { status: 'unchecked', reason: 'the reference data has no copy of the chart' };
  const referenceVersion = /^version:\s*["']?([^"'\s#]+)/m.exec(fs.readFileSync(meta, 'utf8'))?.[1];
  if (referenceVersion !== version) {
    return { status: 'unchecked', reason: `the reference data holds version ${referenceVersion} of the chart` };
  }
  const schemaFile = path.join(dir, 'values.schema.json');
  if (!fs.existsSync(schemaFile)) return { status: 'unchecked', reason: NO_SCHEMA };

  const valuesFile = path.join(dir, 'values.yaml');
  let values = release.values;
  for (const s of release.sensitiveValues ?? []) values = withValueAt(values, s.path, `sensitive-${s.value.variable}`);

  const key = `${schemaFile}\n${JSON.stringify(values)}`;
  let outcome = outcomes.get(key);
  if (!outcome) {
    // A re-synth with unchanged values and reference files skips parsing and validating: the digest of
    // what was valid last time is kept in ballast's cache (never in the output).
    const stamp = validStamp(schemaFile, valuesFile, values);
    if (stamp && fs.existsSync(stamp)) {
      outcome = { status: 'valid' };
    } else {
      outcome = validate(validatorFor(schemaFile), mergeValues(defaultsOf(valuesFile), values));
      if (outcome.status === 'valid' && stamp) writeStamp(stamp);
    }
    outcomes.set(key, outcome);
  }
  return outcome;
}

/** The cache file that says "these values passed this schema", keyed by the files' identity and the values. */
function validStamp(schemaFile: string, valuesFile: string, values: HelmValues): string | undefined {
  try {
    const identity = [schemaFile, valuesFile].map((f) => {
      const st = fs.statSync(f);
      return `${f}:${st.size}:${st.mtimeMs}`;
    });
    const digest = crypto.createHash('sha256').update(`${identity.join('\n')}\n${JSON.stringify(values)}`).digest('hex');
    return path.join(ballastCacheDir(), 'values-checks', digest.slice(0, 32));
  } catch {
    return undefined;
  }
}

function writeStamp(stamp: string): void {
  try {
    fs.mkdirSync(path.dirname(stamp), { recursive: true });
    fs.writeFileSync(stamp, '');
  } catch {
    // A read-only cache only costs the next synth the check again.
  }
}

function validate(validator: Validator, values: HelmValues): ChartValuesCheck {
  const result = validator.validate(values);
  if (result.valid) return { status: 'valid' };
  const errors = result.errors
    .filter((e) => !WRAPPERS.has(e.keyword))
    .map((e) =>
      e.keyword === 'false'
        ? `${valuePath(e.instanceLocation)} is not a value the chart knows`
        : `${valuePath(e.instanceLocation)}: ${sentence(e.error)}`,
    );
  return { status: 'invalid', errors: [...new Set(errors)] };
}
