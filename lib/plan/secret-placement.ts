import { Component } from '../core/component';
import { ConfigProblem, constructPath } from '../core/errors';
import { sensitiveValuesSecretName } from '../core/helm-chart';
import { BootstrapSecret, SecretUnavailable, SecretValue } from '../core/secret';
import type { Manifest } from '../model/manifest';
import { PRUNE_DISABLED } from '../model/manifest';

/** The Secret in `flux-system` that holds the age key Flux decrypts the repository with. */
export const SOPS_AGE_SECRET = 'sops-age';
/** Its key: kustomize-controller reads entries ending in `.agekey`. */
export const SOPS_AGE_KEY = 'age.agekey';

/** Where every Secret of the platform goes. */
export interface SecretPlacement {
  /** Written by Terraform from sensitive variables (in order: components' secrets, then `valuesFrom` secrets). */
  readonly terraform: BootstrapSecret[];
  /** Written SOPS-encrypted into the component's Flux step: the plaintext objects, values read at synth. */
  readonly sops: { readonly component: Component; readonly secret: Manifest }[];
}

/** The plaintext Secret object of `s`, its values read now; a value that cannot be read is a problem. */
function encryptable(c: Component, s: BootstrapSecret, problems: ConfigProblem[], generated: (name: string, length: number) => string): Manifest {
  const stringData: Record<string, string> = {};
  for (const [key, value] of Object.entries(s.data)) {
    if (!(value instanceof SecretValue)) {
      stringData[key] = value;
      continue;
    }
    try {
      stringData[key] = value.resolve(generated);
    } catch (err) {
      if (!(err instanceof SecretUnavailable)) throw err;
      problems.push({ path: constructPath(c), problem: `Secret ${s.namespace}/${s.name} key ${key} cannot be read: ${err.problem}`, fix: err.fix });
    }
  }
  const annotations = c.stateful ? { annotations: { ...PRUNE_DISABLED } } : {};
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: s.name, namespace: s.namespace, ...(s.labels ? { labels: s.labels } : {}), ...annotations },
    type: s.type ?? 'Opaque',
    stringData,
  };
}

/**
 * A release Terraform installs gets its sensitive values from Terraform variables only: a value synth
 * reads would have to be written into the Terraform JSON.
 */
function checkTerraformReleaseValues(c: Component, problems: ConfigProblem[]): void {
  if (c.deployWith !== 'terraform') return;
  for (const v of c.helmChart?.sensitiveValues ?? []) {
    if (!v.value.knownAtSynth) continue;
    problems.push({
      path: constructPath(c),
      problem: `the sensitive chart value ${v.path} comes from ${v.value.origin}, but Terraform installs this release and would need it in plaintext in dist/cdktf`,
      fix: 'Use SecretValue.fromVariable for it, or deploy the component with Flux',
    });
  }
}

/** The `valuesFrom` Secret of a Flux-deployed release's sensitive values, if it has any. */
function sensitiveValuesSecret(c: Component): BootstrapSecret[] {
  const chart = c.helmChart;
  if (c.deployWith !== 'flux' || !chart?.sensitiveValues?.length) return [];
  return [{ namespace: c.namespace, name: sensitiveValuesSecretName(chart), type: 'Opaque', data: Object.fromEntries(chart.sensitiveValues.map((v) => [v.path, v.value])) }];
}

/**
 * Where a Secret can go is decided by where its values can be read. A value from a Terraform variable
 * reaches the cluster only through Terraform; a value synth reads (generated, from a file or the
 * environment) only through Git, SOPS-encrypted, since writing it into the Terraform JSON would put it
 * in plaintext. Only a Secret of plain strings follows the component's `secrets` setting. This is what
 * lets a database and its consumers choose their modes independently: the copy of a database's
 * credentials in a consumer's namespace goes the way its password can.
 */
function channelOf(c: Component, s: BootstrapSecret, problems: ConfigProblem[]): 'terraform' | 'sops' | undefined {
  const values = Object.entries(s.data).filter((e): e is [string, SecretValue] => e[1] instanceof SecretValue);
  const fromTerraform = values.filter(([, v]) => !v.knownAtSynth);
  const atSynth = values.filter(([, v]) => v.knownAtSynth);
  if (fromTerraform.length > 0 && atSynth.length > 0) {
    problems.push({
      path: constructPath(c),
      problem: `Secret ${s.namespace}/${s.name} mixes ${fromTerraform[0][1].origin} (key ${fromTerraform[0][0]}) with ${atSynth[0][1].origin} (key ${atSynth[0][0]}), which no single backend can write`,
      fix: 'Give every key of one Secret values from Terraform variables, or every key values synth reads',
    });
    return undefined;
  }
  if (fromTerraform.length > 0) return 'terraform';
  if (atSynth.length > 0) return 'sops';
  return c.secretsWith;
}

/**
 * Decides which Secrets Terraform writes and which go to Git encrypted (see `channelOf`); reads the values
 * of the encrypted ones now, so that a missing value fails synth with what to provide.
 * `sopsRecipients` are the platform's age recipients (empty when none are configured).
 */
export function placeSecrets(
  components: readonly Component[],
  sopsRecipients: readonly string[],
  platformPath: string,
  problems: ConfigProblem[],
  generated: (name: string, length: number) => string,
): SecretPlacement {
  const placement: SecretPlacement = { terraform: [], sops: [] };
  // The valuesFrom Secrets that Terraform writes come after every declared Secret.
  const valuesSecrets: BootstrapSecret[] = [];
  for (const c of components) {
    checkTerraformReleaseValues(c, problems);
    const declared = c.bootstrapSecrets.map((s) => ({ s, valuesFrom: false }));
    const values = sensitiveValuesSecret(c).map((s) => ({ s, valuesFrom: true }));
    for (const { s, valuesFrom } of [...declared, ...values]) {
      const channel = channelOf(c, s, problems);
      if (channel === undefined) continue;
      if (channel === 'terraform') {
        (valuesFrom ? valuesSecrets : placement.terraform).push(s);
        continue;
      }
      if (c.deployWith !== 'flux') {
        problems.push({
          path: constructPath(c),
          problem: `Secret ${s.namespace}/${s.name} must go to Git (its values are read at synth, or secrets: 'sops'), but Terraform deploys this component before Flux applies it`,
          fix: "Deploy it with Flux, or give the Secret values from Terraform variables (SecretValue.fromVariable) and keep secrets: 'terraform'",
        });
        continue;
      }
      placement.sops.push({ component: c, secret: encryptable(c, s, problems, generated) });
    }
  }
  placement.terraform.push(...valuesSecrets);
  if (placement.sops.length > 0) {
    if (sopsRecipients.length === 0) {
      problems.push({
        path: platformPath,
        problem: `${placement.sops.map((s) => constructPath(s.component)).filter((p, i, a) => a.indexOf(p) === i).join(', ')} write Secrets to Git encrypted, but no age recipient is configured`,
        fix: 'Set sops.ageRecipients in the platform config to the public keys (age1...) that may decrypt them',
      });
    }
    placement.terraform.push({
      namespace: 'flux-system',
      name: SOPS_AGE_SECRET,
      type: 'Opaque',
      data: { [SOPS_AGE_KEY]: SecretValue.defaultOf('ballast', SecretValue.fromVariable('sops_age_key', 'The age private key (AGE-SECRET-KEY-1...) Flux decrypts the repository\'s Secrets with.')) },
    });
  }
  return placement;
}
