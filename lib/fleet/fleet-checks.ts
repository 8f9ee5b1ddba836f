import * as path from 'path';
import { ConfigProblem, ValidationError } from '../core/errors';
import type { DeploymentPlan } from '../plan/deployment-plan';

/** One cluster's plan in a fleet. */
export interface ClusterPlan {
  readonly cluster: string;
  readonly plan: DeploymentPlan;
}

/**
 * What must hold across the clusters of a fleet, beyond each cluster's own checks: one Flux tree (the same
 * `git.path`), and nothing that one cluster's synth or apply would overwrite in another's (secrets file,
 * Terraform state).
 */
export function checkFleet(plans: readonly ClusterPlan[]): void {
  const problems: ConfigProblem[] = [];
  const first = plans[0];
  for (const { cluster, plan } of plans.slice(1)) {
    if (plan.platform.git.path !== first.plan.platform.git.path) {
      problems.push({
        path: `fleet/${cluster}`,
        problem: `git.path "${plan.platform.git.path}" differs from "${first.plan.platform.git.path}" of ${first.cluster}, but a fleet writes one Flux tree that every cluster syncs a folder of`,
        fix: 'Give every cluster the same git.path (branches may differ)',
      });
    }
  }
  const taken = new Map<string, string>();
  const claim = (cluster: string, key: string, what: string, fix: string) => {
    const other = taken.get(key);
    if (other !== undefined) problems.push({ path: `fleet/${cluster}`, problem: `${what} is also ${other}'s`, fix });
    else taken.set(key, cluster);
  };
  for (const { cluster, plan } of plans) {
    const file = plan.platform.sops.secretsFile;
    claim(cluster, `secrets:${path.resolve(file)}`, `the secrets file ${file}`, `Give each cluster its own sops.secretsFile (by default ballast-secrets.${cluster}.sops.yaml), or its generated secrets overwrite the other's`);
    const backend = plan.platform.terraform.backend;
    if (backend.kind === 'local' && backend.path !== undefined) {
      claim(cluster, `state:${path.resolve(backend.path)}`, `the Terraform state file ${backend.path}`, `Give each cluster its own terraform.backend path (by default terraform.${cluster}.tfstate)`);
    }
    if (backend.kind === 'kubernetes' && backend.secretSuffix !== undefined) {
      const where = JSON.stringify([backend.configPath ?? '', backend.configContext ?? '', backend.namespace, backend.secretSuffix]);
      claim(cluster, `state:${where}`, `the Terraform state Secret tfstate-default-${backend.secretSuffix} in ${backend.namespace} of the same kubeconfig context`, 'Give each cluster its own secretSuffix (by default the cluster name) or its own configContext');
    }
  }
  if (problems.length > 0) throw new ValidationError(problems);
}
