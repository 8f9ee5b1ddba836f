import { Component } from '../core/component';
import { ConfigProblem, constructPath } from '../core/errors';
import { isEnvVarName, isTerraformIdentifier } from '../core/grammar';
import { BootstrapSecret, SecretValue } from '../core/secret';
import { componentFileName } from './file-names';

// One name, one thing: checks that two different things of the platform never end up under one name
// (a Terraform variable, a generated secret, a Kubernetes object, a file of the Flux repository).

/** Variables the Terraform stack declares for itself: a secret cannot take these names. */
export const STACK_VARIABLES = { kubeconfigPath: 'kubeconfig_path', kubeContext: 'kube_context' } as const;

/** Variables ballast declares for its own secrets (the age key Flux decrypts with): only ballast may use them. */
export const BALLAST_VARIABLES = ['sops_age_key'] as const;

/** Shortest generated secret: 16 URL-safe characters are 96 bits. */
export const MIN_GENERATED_LENGTH = 16;

/** Where a SecretValue is used, for messages. */
interface SecretUse {
  readonly value: SecretValue;
  readonly where: string;
}

/**
 * Every secret input of the platform: one Terraform variable or generated name is one secret. Two
 * SecretValues of the same name must be the same secret: made by the same component (or both by the
 * user) with the same description, constraint and length. Names must be what their consumer accepts.
 */
export function checkSecretIdentities(components: readonly Component[], extra: readonly BootstrapSecret[], problems: ConfigProblem[]): void {
  const uses: SecretUse[] = [];
  const addSecret = (s: BootstrapSecret, path: string) =>
    Object.entries(s.data).forEach(([key, value]) => {
      if (SecretValue.isSecretValue(value)) uses.push({ value, where: `${path} (Secret ${s.namespace}/${s.name}, key ${key})` });
    });
  for (const c of components) {
    c.bootstrapSecrets.forEach((s) => addSecret(s, constructPath(c)));
    for (const s of c.helmChart?.sensitiveValues ?? []) uses.push({ value: s.value, where: `${constructPath(c)} (chart value ${s.path})` });
  }
  extra.forEach((s) => addSecret(s, 'ballast'));

  const byName = new Map<string, SecretUse[]>();
  const named = new Set<SecretValue>();
  for (const use of uses) {
    const source = use.value.source;
    const name = source.kind === 'file' ? source.path : source.name;
    const key = `${source.kind}:${name}`;
    byName.set(key, [...(byName.get(key) ?? []), use]);
    // A name is checked once per SecretValue (a value copied to a consumer's namespace is the same one).
    const problem = named.has(use.value) ? undefined : nameProblem(use.value);
    named.add(use.value);
    if (problem) problems.push({ path: use.where.replace(/ \(.*$/, ''), problem: `${problem.problem} (${use.where.replace(/^[^(]*\(|\)$/g, '')})`, fix: problem.fix });
  }
  for (const group of byName.values()) {
    const first = group[0];
    const other = group.find((u) => u.value !== first.value && !sameSecret(u.value, first.value));
    if (!other) continue;
    problems.push({
      path: other.where.replace(/ \(.*$/, ''),
      problem: `${first.value.origin} is used for two different secrets: ${first.where} and ${other.where}${difference(first.value, other.value)}`,
      fix: 'Give each secret its own name; to share one secret, pass the same SecretValue object to both',
    });
  }
}

function sameSecret(a: SecretValue, b: SecretValue): boolean {
  const length = (v: SecretValue) => (v.source.kind === 'generated' ? v.source.length : 0);
  return (
    a.owner === b.owner &&
    a.description === b.description &&
    length(a) === length(b) &&
    JSON.stringify(a.constraint ?? null) === JSON.stringify(b.constraint ?? null)
  );
}

function difference(a: SecretValue, b: SecretValue): string {
  if (a.owner !== b.owner) return ` (made by ${a.owner ?? 'the platform code'} and by ${b.owner ?? 'the platform code'})`;
  if (a.source.kind === 'generated' && b.source.kind === 'generated' && a.source.length !== b.source.length) {
    return ` (lengths ${a.source.length} and ${b.source.length})`;
  }
  return a.description !== b.description ? ` (described as "${a.description}" and "${b.description}")` : ' (with different constraints)';
}

function nameProblem(value: SecretValue): { problem: string; fix: string } | undefined {
  const s = value.source;
  switch (s.kind) {
    case 'variable':
      if (!isTerraformIdentifier(s.name)) {
        return { problem: `Terraform variable name "${s.name}" is not a Terraform identifier`, fix: 'Use letters, digits, "_" and "-", starting with a letter or "_", e.g. "grafana_admin_password"' };
      }
      if ((Object.values(STACK_VARIABLES) as string[]).includes(s.name)) {
        return { problem: `Terraform variable name "${s.name}" is the stack's own (the kubeconfig it reaches the cluster with)`, fix: 'Choose another name for the secret' };
      }
      if ((BALLAST_VARIABLES as readonly string[]).includes(s.name) && value.owner !== 'ballast') {
        return { problem: `Terraform variable name "${s.name}" is ballast's own (the age key Flux decrypts the repository with)`, fix: 'Choose another name for the secret' };
      }
      return undefined;
    case 'generated':
      if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(s.name)) {
        return { problem: `generated secret name "${s.name}" is not a name`, fix: 'Use at most 128 letters, digits, "_", "." and "-", e.g. "api_token"' };
      }
      if (!Number.isInteger(s.length) || s.length < MIN_GENERATED_LENGTH || s.length > 4096) {
        return { problem: `generated secret ${s.name} has length ${s.length}`, fix: `Use a whole number of characters from ${MIN_GENERATED_LENGTH} to 4096` };
      }
      return undefined;
    case 'env':
      if (!isEnvVarName(s.name) || s.name.includes('=')) return { problem: `environment variable name "${s.name}" is not a variable name`, fix: 'Use letters, digits and "_", e.g. "API_TOKEN"' };
      return undefined;
    case 'file':
      if (typeof s.path !== 'string' || s.path === '') return { problem: 'a SecretValue.fromFile has an empty path', fix: 'Give the path of the file that holds the secret' };
      return undefined;
  }
}

/**
 * Objects from two places under one identity (group, kind, namespace, name): Flux would apply one over
 * the other (or kustomize refuses the folder), Terraform would fail on the second. Also the bootstrap
 * Secrets two components declare under one name in one namespace.
 */
export function checkObjectIdentities(
  objects: readonly { readonly component: Component; readonly manifest: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } } }[],
  secrets: readonly { readonly component: Component; readonly secret: BootstrapSecret }[],
  problems: ConfigProblem[],
): void {
  const seen = new Map<string, Component>();
  const claim = (id: string, what: string, c: Component) => {
    const other = seen.get(id);
    if (other && other !== c) {
      problems.push({ path: constructPath(c), problem: `it creates ${what}, which ${constructPath(other)} creates too`, fix: 'Give one of them another name or namespace' });
    } else if (other === c) {
      problems.push({ path: constructPath(c), problem: `it creates ${what} twice`, fix: 'Create each object once' });
    }
    seen.set(id, c);
  };
  for (const { component, manifest } of objects) {
    const group = manifest.apiVersion.includes('/') ? manifest.apiVersion.split('/')[0] : '';
    const ns = manifest.metadata.namespace ?? component.namespace;
    claim(`${group}/${manifest.kind}/${ns}/${manifest.metadata.name}`, `${manifest.kind} "${ns}/${manifest.metadata.name}"`, component);
  }
  for (const { component, secret } of secrets) claim(`/Secret/${secret.namespace}/${secret.name}`, `Secret "${secret.namespace}/${secret.name}"`, component);
}

/**
 * Components whose files in the Flux repository would have the same name (ids that differ only by case,
 * or by `_`, `/` or `-`): one would overwrite the other.
 */
export function checkFileNames(components: readonly Component[], problems: ConfigProblem[]): void {
  const byFile = new Map<string, Component>();
  for (const c of components) {
    const file = `${c.tier}/${componentFileName(c)}`;
    const other = byFile.get(file);
    if (other) {
      problems.push({
        path: constructPath(c),
        problem: `its file in the Flux repository would be ${componentFileName(c)}.yaml, like that of ${constructPath(other)}`,
        fix: 'Give the components ids that differ by more than case, "_", "-" or "/"',
      });
    } else byFile.set(file, c);
  }
}

/**
 * Every Secret a component's objects read by name (an image pull secret, a `secretKeyRef`) is created by
 * some component (a bootstrap Secret, Git or Terraform) or assumed to exist (`Platform.assumeInstalled`).
 */
export function checkSecretReferences(components: readonly Component[], created: ReadonlySet<string>, assumed: ReadonlySet<string>, problems: ConfigProblem[]): void {
  for (const c of components) {
    for (const ref of c.secretReferences) {
      const id = `${ref.namespace}/${ref.name}`;
      if (created.has(id) || assumed.has(id)) continue;
      problems.push({
        path: constructPath(c),
        problem: `${ref.what} names the Secret "${id}", which no component creates`,
        fix: `Create it with addBootstrapSecret and SecretValue inputs, or declare it with platform.assumeInstalled({ secrets: ['${id}'] }) when it exists already`,
      });
    }
  }
}
