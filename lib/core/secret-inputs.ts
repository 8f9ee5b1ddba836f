import { ConfigProblem } from './errors';
import { looksLikePasswordKey } from './grammar';
import { SecretValue } from './secret';

// Where a secret could slip into the output as plain text, and the checks that refuse it. Every check
// returns problems (never throws) so that a synth lists them all.

const SECRET_INSTEAD = 'SecretValue.fromVariable, fromEnv, fromFile or generated';

/**
 * The data of a bootstrap Secret: every value a SecretValue (a JavaScript caller or a cast can pass a
 * string, which would be written out as it is), and no key that conventionally holds a secret among the
 * values declared as not secret.
 */
export function bootstrapSecretProblems(path: string, name: string, data: Record<string, unknown>, plainData: Record<string, unknown>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [key, value] of Object.entries(data ?? {})) {
    if (!SecretValue.isSecretValue(value)) {
      problems.push({
        path,
        problem: `secret "${name}" has the key "${key}" with a ${value === null ? 'null' : typeof value} value, not a SecretValue, which would be written to the output as it is`,
        fix: `Pass ${SECRET_INSTEAD}; put values that are not secret (a user name) in plainData`,
      });
    }
  }
  for (const [key, value] of Object.entries(plainData ?? {})) {
    if (typeof value !== 'string') {
      problems.push({ path, problem: `secret "${name}" has the plain key "${key}" with a ${typeof value} value`, fix: 'Give plainData strings only' });
    } else if (looksLikePasswordKey(key)) {
      problems.push({
        path,
        problem: `secret "${name}" has the key "${key}" among its plain (not secret) values, but that key holds a secret`,
        fix: `Move it to the secret data as ${SECRET_INSTEAD}`,
      });
    } else if (key in (data ?? {})) {
      problems.push({ path, problem: `secret "${name}" has the key "${key}" both as a secret and as a plain value`, fix: 'Keep one of them' });
    }
  }
  return problems;
}

/**
 * Chart values given by the user (`extraValues`): a non-empty string under a key that holds a password or
 * token, a SecretValue (values are written out as they are; a SecretValue belongs in `sensitiveValues`),
 * and a Kubernetes Secret anywhere in the tree (`extraObjects`, `extraManifests`...).
 */
export function valuesSecretProblems(path: string, values: unknown, what: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  walk(values, [], (value, at) => {
    const where = `${what}.${at.join('.')}`;
    if (SecretValue.isSecretValue(value)) {
      problems.push({ path, problem: `${where} is a SecretValue, but chart values are written to the output as they are`, fix: `Pass it as sensitiveValues: { '${at.join('.')}': <the SecretValue> } (a Secret the release reads)` });
      return false;
    }
    const secret = embeddedSecret(value);
    if (secret) {
      problems.push({ path, problem: `${where} holds a Kubernetes ${secret}, whose values would be written to the output`, fix: "Declare the Secret with addBootstrapSecret and SecretValue inputs, and reference it by name in the chart's values" });
      return false;
    }
    const key = at[at.length - 1];
    if (typeof key === 'string' && typeof value === 'string' && value !== '' && looksLikePasswordKey(key)) {
      problems.push({
        path,
        problem: `${where} holds a secret ("${key}") as plain text, which would be written to the output`,
        fix: `Remove it from ${what} and pass it as sensitiveValues: { '${at.join('.')}': ${SECRET_INSTEAD} }, or use the chart's existingSecret with addBootstrapSecret`,
      });
    }
    return true;
  });
  return problems;
}

/**
 * A Kubernetes Secret inside an object the component creates (a `v1/List`, a `SecretList`, a Secret
 * nested in a custom resource): its values would be written out in plain text (or base64 on the Terraform
 * side). Returns what was found and where, or undefined.
 */
export function nestedSecretIn(manifest: unknown): string | undefined {
  let found: string | undefined;
  walk(manifest, [], (value, at) => {
    if (found) return false;
    const secret = at.length > 0 ? embeddedSecret(value) : undefined;
    if (secret) found = `a ${secret} at ${at.join('.')}`;
    return found === undefined;
  });
  return found;
}

/** `Secret` or `SecretList` when `value` is an object of that kind (any apiVersion of the core group). */
function embeddedSecret(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { kind, apiVersion, data, stringData, items, metadata } = value as Record<string, unknown>;
  // `{ kind: Secret, name }` is a reference (Flux's valuesFrom, a secretRef); an object is one with a body.
  const isObject = apiVersion !== undefined || data !== undefined || stringData !== undefined || items !== undefined || metadata !== undefined;
  if ((kind === 'Secret' || kind === 'SecretList') && (apiVersion === undefined || apiVersion === 'v1') && isObject) return `${kind}`;
  return undefined;
}

/** Visits every value under `value` (depth first); `visit` returns false to skip what is below. */
function walk(value: unknown, at: (string | number)[], visit: (value: unknown, at: (string | number)[]) => boolean, seen = new Set<object>()): void {
  if (!visit(value, at)) return;
  if (typeof value !== 'object' || value === null || seen.has(value)) return;
  seen.add(value);
  if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...at, i], visit, seen));
  else for (const [k, v] of Object.entries(value)) walk(v, [...at, k], visit, seen);
}

/**
 * Where a secret sits as plain text in an object a component emits (its own, or as patched through an
 * escape hatch): a ConfigMap key that conventionally holds a secret, a container's `env` entry named so
 * with a literal `value`, and any other non-empty string under such a key. Field names that reference a
 * Secret by name (`secretName`, `secretRef`, `existingSecret`, Traefik's `basicAuth.secret`) are not
 * values. Returns the dotted paths, or none.
 */
export function plainSecretsInObject(manifest: unknown): string[] {
  const found: string[] = [];
  const kind = (manifest as { kind?: unknown } | null)?.kind;
  // One path stack for the whole walk: this runs over every object of a plan, and copying the path at
  // each step cost more than the checks.
  const at: (string | number)[] = [];
  const seen = new Set<object>();
  const visit = (value: unknown): void => {
    const key = at[at.length - 1];
    if (typeof value === 'string') {
      if (value === '' || typeof key !== 'string' || !isSecretKey(key)) return;
      // A ConfigMap's keys are the names of its values; elsewhere, a field named like a secret.
      if ((kind === 'ConfigMap' && at.length === 2 && (at[0] === 'data' || at[0] === 'binaryData')) || !isSecretReferenceField(at)) found.push(at.join('.'));
      return;
    }
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    if (Array.isArray(value)) {
      const isEnv = key === 'env';
      for (let i = 0; i < value.length; i++) {
        at.push(i);
        const item = value[i] as { name?: unknown; value?: unknown } | null;
        // An env entry: { name: DB_PASSWORD, value: ... }.
        if (isEnv && typeof item === 'object' && item !== null && typeof item.name === 'string' && typeof item.value === 'string' && item.value !== '' && isSecretKey(item.name)) {
          found.push(`${at.join('.')} (${item.name})`);
        }
        visit(item);
        at.pop();
      }
      return;
    }
    for (const k of Object.keys(value)) {
      at.push(k);
      visit((value as Record<string, unknown>)[k]);
      at.pop();
    }
  };
  visit(manifest);
  return found;
}

/** looksLikePasswordKey, remembered: the same few hundred keys recur in every object of a plan. */
const secretKeys = new Map<string, boolean>();
function isSecretKey(key: string): boolean {
  let answer = secretKeys.get(key);
  if (answer === undefined) {
    answer = looksLikePasswordKey(key);
    if (secretKeys.size < 100_000) secretKeys.set(key, answer);
  }
  return answer;
}

/** Annotations that name a Secret (CloudNativePG finds a plugin's TLS Secrets by them on its Service). */
const SECRET_NAME_ANNOTATIONS: ReadonlySet<string> = new Set(['cnpg.io/pluginClientSecret', 'cnpg.io/pluginServerSecret']);

/** Fields named like a secret that hold the name of a Secret, not its value. */
function isSecretReferenceField(at: readonly (string | number)[]): boolean {
  if (at.length < 2) return false;
  const [parent, key] = at.slice(-2);
  if (parent === 'annotations' && typeof key === 'string' && SECRET_NAME_ANNOTATIONS.has(key)) return true;
  return key === 'secret' && (parent === 'basicAuth' || parent === 'digestAuth' || parent === 'forwardAuth' || parent === 'tls');
}
