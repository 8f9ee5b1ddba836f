import { reportProblem } from '../../core/errors';
import { describeIntegerRule, integerProblem, IntegerRule, POLICY_PERIOD, POLICY_VALUE, STABILIZATION_WINDOW } from '../../model/hpa-behavior';
import type { IConstruct } from 'constructs';
import type { ContainerResources } from '../../core/resource-checks';

/** How fast replicas are added or removed (`autoscaling/v2` behavior of one direction). */
export interface ScalingRules {
  /** Seconds the recommendation must hold before acting. */
  readonly stabilizationWindowSeconds?: number;
  /** At most this many pods per `periodSeconds`. */
  readonly pods?: number;
  /** At most this share (in %) of the current pods per `periodSeconds`. */
  readonly percent?: number;
  /** @default 60 */
  readonly periodSeconds?: number;
}

/** Scale-up and scale-down behaviour. */
export interface ScalingBehavior {
  /** @default Kubernetes' (no stabilization, double or +4 pods per 15 s) */
  readonly scaleUp?: ScalingRules;
  /** @default Kubernetes' (5 minutes stabilization) */
  readonly scaleDown?: ScalingRules;
}

/** The `scaleTargetRef` of an autoscaler of a WebService's Deployment (HPA and KEDA spell it alike). */
export function deploymentRef(name: string): { apiVersion: string; kind: string; name: string } {
  return { apiVersion: 'apps/v1', kind: 'Deployment', name };
}

/**
 * Checks the replica range an autoscaler is given, reporting every problem on `scope`. Returns a range to
 * go on building with (nothing is rendered while a problem stands): 1..1 in place of what was refused.
 */
export function checkReplicaRange(scope: IConstruct, min: number, max: number): { min: number; max: number; ok: boolean } {
  let ok = true;
  const report = (problem: string, fix: string) => {
    reportProblem(scope, problem, fix);
    ok = false;
  };
  if (!Number.isInteger(min) || min < 0) report(`minReplicas ${min} is not a whole number of replicas`, 'Use 0 or more (1 or more for an HPA)');
  if (!Number.isInteger(max) || max < 1) report(`maxReplicas ${max} is not a positive whole number`, 'Use 1 or more');
  if (ok && min > max) report(`minReplicas ${min} is above maxReplicas ${max}`, 'Make minReplicas at most maxReplicas');
  return ok ? { min, max, ok } : { min: 1, max: 1, ok };
}

/**
 * Reports on `scope` each value of `behavior` the API server would refuse in an `autoscaling/v2` HPA (see
 * lib/model/hpa-behavior.ts): a negative or fractional stabilization window, a period outside 1..1800,
 * a policy of no pods. Returns true when the behavior can be used as it is.
 */
export function checkScalingBehavior(scope: IConstruct, behavior: ScalingBehavior | undefined): boolean {
  let ok = true;
  for (const direction of ['scaleUp', 'scaleDown'] as const) {
    const rules = behavior?.[direction];
    if (!rules) continue;
    const fields: [keyof ScalingRules, IntegerRule][] = [
      ['stabilizationWindowSeconds', STABILIZATION_WINDOW],
      ['periodSeconds', POLICY_PERIOD],
      ['pods', POLICY_VALUE],
      ['percent', POLICY_VALUE],
    ];
    for (const [field, rule] of fields) {
      const value = rules[field];
      const problem = value === undefined ? undefined : integerProblem(value, rule);
      if (!problem) continue;
      ok = false;
      reportProblem(scope, `behavior.${direction}.${field} ${value} ${problem} (the API server allows ${describeIntegerRule(rule)} in an autoscaling/v2 HPA)`, `Use ${describeIntegerRule(rule)}`);
    }
  }
  return ok;
}

/** The `behavior` of an `autoscaling/v2` HPA (KEDA passes the same object through). */
export function hpaBehavior(behavior: ScalingBehavior | undefined): Record<string, unknown> | undefined {
  if (!behavior) return undefined;
  const direction = (r: ScalingRules | undefined) =>
    r && {
      ...(r.stabilizationWindowSeconds !== undefined ? { stabilizationWindowSeconds: r.stabilizationWindowSeconds } : {}),
      ...(r.pods !== undefined || r.percent !== undefined
        ? {
            selectPolicy: 'Max',
            policies: [
              ...(r.pods !== undefined ? [{ type: 'Pods', value: r.pods, periodSeconds: r.periodSeconds ?? 60 }] : []),
              ...(r.percent !== undefined ? [{ type: 'Percent', value: r.percent, periodSeconds: r.periodSeconds ?? 60 }] : []),
            ],
          }
        : {}),
    };
  return { ...(behavior.scaleUp ? { scaleUp: direction(behavior.scaleUp) } : {}), ...(behavior.scaleDown ? { scaleDown: direction(behavior.scaleDown) } : {}) };
}

/** Reports a utilization target that names a resource the container does not request. */
export function requireRequest(scope: IConstruct, resource: 'cpu' | 'memory', resources: ContainerResources | undefined, target: IConstruct): void {
  if (!resources?.[resource]?.request) {
    // The path is built only here: reading it costs a walk up the tree, once per autoscaler otherwise.
    const path = target.node.path;
    reportProblem(scope, `it scales ${path} on ${resource} utilization, but the container requests no ${resource}`, `Set resources.${resource}.request on ${path}: utilization is a share of the request`);
  }
}
