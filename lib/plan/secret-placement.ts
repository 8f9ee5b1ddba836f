import { Component } from '../core/component';
import { ConfigProblem, constructPath } from '../core/errors';
import { sensitiveValuesSecretName } from '../core/helm-chart';
import { BootstrapSecret, SecretUnavailable, SecretValue } from '../core/secret';
import type { Manifest } from './deployment-plan';

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

/** The `valuesFrom` Secret of a Flux-deployed release's sensitive values, if it has any. */
function sensitiveValuesSecret(c: Component): BootstrapSecret[] {
  const chart = c.helmChart;
  if (c.deployWith !== 'flux' || !chart?.sensitiveValues?.length) return [];
  return [{ namespace: c.namespace, name: sensitiveValuesSecretName(chart), type: 'Opaque', data: Object.fromEntries(chart.sensitiveValues.map((v) => [v.path, v.value])) }];
}

/**
 * Decides, per component (`secretsWith`), which Secrets Terraform writes and which go to Git encrypted;
 * reads the values of the encrypted ones now, so that a missing value fails synth with what to provide.
 * `sopsRecipients` are the platform's age recipients (empty when none are configured).
 */
export function placeSecrets(components: readonly Component[], sopsRecipients: readonly string[], platformPath: string, problems: ConfigProblem[]): SecretPlacement {
  const placement: SecretPlacement = { terraform: [], sops: [] };
  for (const c of components) {
    if (c.secretsWith === 'terraform') {
      placement.terraform.push(...c.bootstrapSecrets);
      continue;
    }
    if (c.deployWith !== 'flux') {
      problems.push({ path: constructPath(c), problem: "its Secrets go to Git (secrets: 'sops'), but Terraform deploys it before Flux applies them", fix: "Deploy it with Flux, or keep secrets: 'terraform'" });
      continue;
    }
    for (const s of [...c.bootstrapSecrets, ...sensitiveValuesSecret(c)]) {
      const stringData: Record<string, string> = {};
      for (const [key, value] of Object.entries(s.data)) {
        if (!(value instanceof SecretValue)) {
          stringData[key] = value;
          continue;
        }
        try {
          stringData[key] = value.resolve();
        } catch (err) {
          if (!(err instanceof SecretUnavailable)) throw err;
          problems.push({ path: constructPath(c), problem: `Secret ${s.namespace}/${s.name} key ${key} cannot be read: ${err.problem}`, fix: err.fix });
        }
      }
      placement.sops.push({
        component: c,
        secret: {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: s.name, namespace: s.namespace, ...(s.labels ? { labels: s.labels } : {}) },
          type: s.type ?? 'Opaque',
          stringData,
        },
      });
    }
  }
  // The valuesFrom Secrets of Terraform-secret components come after every declared Secret, as before.
  for (const c of components.filter((x) => x.secretsWith === 'terraform')) {
    placement.terraform.push(...sensitiveValuesSecret(c));
  }
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
      data: { [SOPS_AGE_KEY]: SecretValue.fromVariable('sops_age_key', 'The age private key (AGE-SECRET-KEY-1...) Flux decrypts the repository\'s Secrets with.') },
    });
  }
  return placement;
}
