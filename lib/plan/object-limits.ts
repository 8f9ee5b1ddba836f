import * as zlib from 'zlib';
import { Component } from '../core/component';
import { ConfigProblem, constructPath } from '../core/errors';
import type { Manifest } from '../model/manifest';

// The sizes and key names the API server and Helm refuse, checked on the plan's final objects (escape
// hatches included):
// - an object is stored in etcd as one value, and etcd refuses a request over 1.5 MiB
//   (`--max-request-bytes`, 1.5 MiB by default; the API server's own request limit of 3 MiB is above it);
// - a ConfigMap or Secret holds at most 1 MiB of data (core/validation ValidateConfigMap and
//   ValidateSecret: the sum of the values against MaxSecretSize);
// - a ConfigMap or Secret key is `[-._a-zA-Z0-9]+`, at most 253 characters, and neither `.`, `..` nor
//   starting with `..` (apimachinery validation IsConfigMapKey): a key becomes a file name when mounted;
// - Helm keeps each release (its values included) in a Secret, JSON gzipped and base64-encoded, so
//   values whose stored form passes 1 MiB cannot be installed, whatever the chart holds besides.

/** etcd's default request limit: an object larger than this cannot be stored. */
export const MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;
/** The most data a ConfigMap or a Secret holds. */
export const MAX_DATA_BYTES = 1024 * 1024;

const KEY = /^[-._a-zA-Z0-9]+$/;

/** What is wrong with `key` as a ConfigMap or Secret key, or undefined. */
export function dataKeyProblem(key: string): string | undefined {
  if (key.length > 253) return `is ${key.length} characters long, above 253`;
  if (!KEY.test(key)) return 'has characters other than letters, digits, "-", "_" and "."';
  if (key === '.' || key === '..' || key.startsWith('..')) return 'is "." or ".." or starts with ".." (a key is a file name when mounted)';
  return undefined;
}

/** A number of bytes as words: `10.0 MiB`, `512 KiB`. */
export function bytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(n / 1024)} KiB`;
}

/** The size in bytes of a ConfigMap's data as the API server counts it (binaryData decoded). */
function configMapDataBytes(m: Manifest): number {
  let total = 0;
  for (const value of Object.values((m.data ?? {}) as Record<string, unknown>)) total += Buffer.byteLength(String(value));
  for (const value of Object.values((m.binaryData ?? {}) as Record<string, unknown>)) total += Buffer.from(String(value), 'base64').length;
  return total;
}

/** The key problems of a ConfigMap (`data` and `binaryData`, which may not share a key). */
function configMapKeyProblems(m: Manifest): string[] {
  const out: string[] = [];
  const data = Object.keys((m.data ?? {}) as object);
  const binary = Object.keys((m.binaryData ?? {}) as object);
  for (const [field, keys] of [['data', data], ['binaryData', binary]] as const) {
    for (const key of keys) {
      const problem = dataKeyProblem(key);
      if (problem) out.push(`${field} key ${JSON.stringify(key)} ${problem}`);
    }
  }
  for (const key of binary.filter((k) => data.includes(k))) out.push(`the key ${JSON.stringify(key)} is in both data and binaryData`);
  return out;
}

/** The size and key problems of the plan's objects and of the bootstrap Secrets of `components`. */
export function checkObjectLimits(objects: readonly { readonly component: Component; readonly manifest: Manifest }[], components: readonly Component[], problems: ConfigProblem[]): void {
  for (const { component, manifest: m } of objects) {
    if (!m || typeof m !== 'object') continue;
    const where = `${m.kind} "${m.metadata?.name}"`;
    let sized = false;
    if (m.kind === 'ConfigMap' && m.apiVersion === 'v1') {
      const keys = configMapKeyProblems(m);
      if (keys.length > 0) {
        problems.push({ path: constructPath(component), problem: `${where} has a key the API server refuses: ${keys.join('; ')}`, fix: 'Name each key with letters, digits, "-", "_" and "." only (a key is the file name of a mounted value), not starting with ".."' });
      }
      const size = configMapDataBytes(m);
      if (size > MAX_DATA_BYTES) {
        sized = true;
        problems.push({ path: constructPath(component), problem: `${where} holds ${bytes(size)} of data, above the 1 MiB a ConfigMap can hold`, fix: 'Keep large files out of ConfigMaps: serve them from an image, a volume or object storage' });
      }
    }
    if (!sized) {
      const size = Buffer.byteLength(JSON.stringify(m));
      if (size > MAX_OBJECT_BYTES) {
        problems.push({ path: constructPath(component), problem: `${where} is ${bytes(size)} as JSON, above the 1.5 MiB etcd stores in one object`, fix: 'Make the object smaller: move large values out of it (into an image, a volume or object storage)' });
      }
    }
  }
  for (const c of components) {
    for (const secret of c.bootstrapSecrets) {
      for (const key of Object.keys(secret.data)) {
        const problem = dataKeyProblem(key);
        if (problem) problems.push({ path: constructPath(c), problem: `secret "${secret.name}" has the key ${JSON.stringify(key)}, which ${problem}`, fix: 'Name each key with letters, digits, "-", "_" and "." only, not starting with ".."' });
      }
    }
    checkHelmValuesSize(c, problems);
  }
}

/**
 * Helm stores a release, values included, as gzipped JSON in base64 in one Secret of at most 1 MiB: the
 * values alone must fit. Compressing costs time, so only values that could pass the limit are compressed:
 * gzip's output is at most a few hundred bytes larger than its input here, so JSON under 3/4 MiB less
 * 1 KiB stays under 1 MiB once base64-encoded.
 */
function checkHelmValuesSize(c: Component, problems: ConfigProblem[]): void {
  const chart = c.helmChart;
  if (!chart) return;
  const json = JSON.stringify(chart.values);
  if (Buffer.byteLength(json) <= (MAX_DATA_BYTES * 3) / 4 - 1024) return;
  const stored = Math.ceil(zlib.gzipSync(json).length / 3) * 4;
  if (stored > MAX_DATA_BYTES) {
    problems.push({
      path: constructPath(c),
      problem: `the values of chart ${chart.chart.chart} take ${bytes(stored)} in the release Secret Helm keeps (gzipped JSON in base64), above the 1 MiB a Secret can hold`,
      fix: 'Make the values smaller: large files belong in an image, a volume or object storage, not in chart values',
    });
  }
}
