import { fail } from '../../core/errors';
import type { IConstruct } from 'constructs';

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

/** Checks the replica range an autoscaler is given. */
export function checkReplicaRange(scope: IConstruct, min: number, max: number): void {
  if (!Number.isInteger(min) || min < 0) fail(scope, `minReplicas ${min} is not a whole number of replicas`, 'Use 0 or more (1 or more for an HPA)');
  if (!Number.isInteger(max) || max < 1) fail(scope, `maxReplicas ${max} is not a positive whole number`, 'Use 1 or more');
  if (min > max) fail(scope, `minReplicas ${min} is above maxReplicas ${max}`, 'Make minReplicas at most maxReplicas');
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

/** Fails when a utilization target names a resource the container does not request. */
export function requireRequest(scope: IConstruct, resource: 'cpu' | 'memory', requests: { cpu?: string; memory?: string } | undefined, target: IConstruct): void {
  if (!requests?.[resource]) {
    // The path is built only here: reading it costs a walk up the tree, once per autoscaler otherwise.
    const path = target.node.path;
    fail(scope, `it scales ${path} on ${resource} utilization, but the container requests no ${resource}`, `Set resources.requests.${resource} on ${path}: utilization is a share of the request`);
  }
}
