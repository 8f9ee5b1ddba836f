import { SecretValue } from '../core/secret';
import type { DeploymentPlan } from '../day2/deployment-plan';
import type { Manifest } from '../model/manifest';
import { namespaceReasons, podSecurityLabels } from '../plan/namespace-metadata';

/** The Kubernetes objects the Terraform stack creates, in apply order. */
export interface TerraformObjects {
  readonly namespaces: Manifest[];
  readonly secrets: Manifest[];
  /** Plain objects of Terraform-managed components, with the component they belong to. */
  readonly manifests: Manifest[];
}

/**
 * The Kubernetes objects of the Terraform side of `plan`, as plain manifests. The cdktf stack turns them
 * into resources (`resolve` yields Terraform variable references); tests apply them to a real API
 * server (`resolve` yields test values). One source for both.
 */
export function terraformObjects(plan: DeploymentPlan, resolve: (value: SecretValue) => string): TerraformObjects {
  const namespaces: Manifest[] = plan.namespaces
    .filter((n) => n.owner === 'terraform')
    .map((n) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: n.name, labels: podSecurityLabels(n), annotations: namespaceReasons(n) } }));

  const secrets: Manifest[] = plan.terraform.secrets.map((s) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: s.name, namespace: s.namespace, ...(s.labels ? { labels: s.labels } : {}) },
    type: s.type ?? 'Opaque',
    stringData: Object.fromEntries(
      Object.entries(s.data).map(([key, v]) => [key, v instanceof SecretValue ? resolve(v) : v]),
    ),
  }));

  return { namespaces, secrets, manifests: plan.terraform.manifests.map((m) => m.manifest) };
}

