import * as crypto from 'crypto';

/** A JSON value, as the backends write it. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | JsonObject;
/** A JSON object: a Kubernetes object, a Terraform resource. */
export type JsonObject = { readonly [key: string]: JsonValue };

/**
 * `value` with every string longer than `maxLength` replaced by its length and digest, e.g.
 * `<JSON, 48213 characters, sha256 1f0c9e2ab34d>`. A dashboard embedded in a ConfigMap is tens of kilobytes
 * that nobody reviews line by line in a snapshot; its digest still changes whenever it does.
 */
export function summarizeLongStrings(value: JsonValue, maxLength: number): JsonValue {
  if (typeof value === 'string') return value.length > maxLength ? stringSummary(value) : value;
  if (Array.isArray(value)) return value.map((v: JsonValue) => summarizeLongStrings(v, maxLength));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, summarizeLongStrings(v, maxLength)]));
  }
  return value;
}

function stringSummary(text: string): string {
  const digest = crypto.createHash('sha256').update(text).digest('hex').slice(0, 12);
  return `<${isJson(text) ? 'JSON' : 'text'}, ${text.length} characters, sha256 ${digest}>`;
}

function isJson(text: string): boolean {
  if (!/^\s*[[{]/.test(text)) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** True for a JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
