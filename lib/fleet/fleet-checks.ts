import * as path from 'path';
import { ConfigProblem, constructPath, ValidationError } from '../core/errors';
import type { DeploymentPlan } from '../day2/deployment-plan';

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
  problems.push(...sharedHostProblems(plans));
  if (problems.length > 0) throw new ValidationError(problems);
}

/** Every `Host(`...`)` of a Traefik rule (an `||` of several names them all). */
const HOST = /Host\(\s*`([^`]+)`\s*\)/g;

/** The hosts the IngressRoutes of a plan answer, with the route and component that answer each. */
function hostsOf(plan: DeploymentPlan): Map<string, string> {
  const hosts = new Map<string, string>();
  for (const p of plan.flux) {
    for (const m of p.manifests) {
      if (m.kind !== 'IngressRoute' || !m.apiVersion.startsWith('traefik.io/')) continue;
      for (const route of ((m.spec as { routes?: { match?: unknown }[] } | undefined)?.routes ?? [])) {
        for (const [, host] of String(route?.match ?? '').matchAll(HOST)) {
          if (!hosts.has(host.toLowerCase())) hosts.set(host.toLowerCase(), `IngressRoute "${m.metadata.name}" of ${constructPath(p.component)}`);
        }
      }
    }
  }
  return hosts;
}

/**
 * Two clusters answering one host name: DNS sends each name to one cluster's load balancer, so the other's
 * route never gets its traffic, and both clusters' cert-manager would order (and renew) the certificate of
 * that name, each breaking the other's HTTP-01 challenges.
 */
function sharedHostProblems(plans: readonly ClusterPlan[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const served = new Map<string, { cluster: string; route: string }>();
  for (const { cluster, plan } of plans) {
    for (const [host, route] of hostsOf(plan)) {
      const other = served.get(host);
      if (!other) served.set(host, { cluster, route });
      else if (other.cluster !== cluster) {
        problems.push({
          path: `fleet/${cluster}`,
          problem: `its ${route} answers host "${host}", which ${other.cluster}'s ${other.route} answers too: DNS sends a name to one cluster, and both would order its certificate`,
          fix: `Give each cluster hosts of its own, e.g. under a domain per cluster (${cluster}.${host.split('.').slice(-2).join('.')})`,
        });
      }
    }
  }
  return problems;
}
