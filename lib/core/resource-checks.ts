import { IConstruct } from 'constructs';
import { parseCpu, parseMemory } from './capacity';
import { ConfigProblem, constructPath, reportProblem } from './errors';
import { quantityProblem } from './grammar';

/** CPU and memory of a container, as Kubernetes takes them. */
export interface ResourceQuantities {
  readonly requests?: { readonly cpu?: string; readonly memory?: string };
  readonly limits?: { readonly cpu?: string; readonly memory?: string };
}

/**
 * Fails on `scope` unless every request and limit is a quantity the API server accepts for its resource
 * (`half` or `512MB` are not; `512m` of memory is a valid quantity but means milli-bytes) and no request
 * is above its limit (the API server refuses that too). Returns `resources`.
 */
export function requireResources<T extends ResourceQuantities>(scope: IConstruct, resources: T, what = 'resources'): T {
  const problems: ConfigProblem[] = [];
  const path = constructPath(scope);
  for (const bound of ['requests', 'limits'] as const) {
    for (const kind of ['cpu', 'memory'] as const) {
      const value: unknown = resources?.[bound]?.[kind];
      if (value === undefined) continue;
      const problem = typeof value === 'string' ? quantityProblem(value, kind) : `is a ${typeof value}, not a quantity string`;
      if (problem) problems.push({ path, problem: `${what}.${bound}.${kind} ${problem}`, fix: kind === 'cpu' ? 'Use cores or millicores, e.g. "500m" or "2"' : 'Use bytes with a binary suffix, e.g. "512Mi" or "2Gi"' });
    }
  }
  if (problems.length === 0) {
    const cpu = [resources.requests?.cpu, resources.limits?.cpu].map((q) => (q === undefined ? undefined : parseCpu(q)));
    const memory = [resources.requests?.memory, resources.limits?.memory].map((q) => (q === undefined ? undefined : parseMemory(q)));
    for (const [kind, [request, limit]] of [['cpu', cpu], ['memory', memory]] as const) {
      if (request !== undefined && limit !== undefined && request > limit) {
        problems.push({ path, problem: `${what}.requests.${kind} is above ${what}.limits.${kind}`, fix: 'Request at most the limit' });
      }
    }
  }
  // Reported with the platform's other mistakes; the quantities are read only once none stands.
  for (const p of problems) reportProblem(scope, p.problem, p.fix);
  return resources;
}
