import { Duration } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { checkDuration } from '../../core/durations';
import { reportProblem } from '../../core/errors';
import { namespaceOf } from '../../core/in-component';
import type { IScalableWorkload } from '../../core/interfaces';
import { describeIntegerRule, integerProblem, POLICY_PERIOD, POLICY_VALUE, STABILIZATION_WINDOW } from '../../model/hpa-behavior';

/** How fast replicas are added or removed (`autoscaling/v2` behavior of one direction). */
export interface ScalingRules {
  /** How long the recommendation must hold before acting, in whole seconds up to an hour. @default Kubernetes' */
  readonly stabilizationWindow?: Duration;
  /** At most this many pods per `period`. @default no pods policy */
  readonly pods?: number;
  /** At most this share (in %) of the current pods per `period`. @default no percent policy */
  readonly percent?: number;
  /** The period of the pods and percent policies, in whole seconds up to 30 minutes. @default Duration.minutes(1) */
  readonly period?: Duration;
}

/** Scale-up and scale-down behaviour. */
export interface ScalingBehavior {
  /** @default Kubernetes' (no stabilization, double or +4 pods per 15 s) */
  readonly scaleUp?: ScalingRules;
  /** @default Kubernetes' (5 minutes stabilization) */
  readonly scaleDown?: ScalingRules;
}

/** The `scaleTargetRef` of an autoscaler (HPA and KEDA spell it alike): the workload's kind and name. */
export function scaleTargetRef(target: IScalableWorkload): { apiVersion: string; kind: string; name: string } {
  const t = target.toScalingTarget();
  return { apiVersion: t.apiVersion, kind: t.kind, name: t.name };
}

/** A workload that tells its autoscaler's kind and range to the platform (a WebService does). */
interface AutoscalerAware {
  markAutoscaled(by: IConstruct, kind: string, minReplicas: number, maxReplicas: number): void;
}

/**
 * Hands `target`'s replicas to the autoscaler `by`: a WebService records it (capacity, disruption budget,
 * one autoscaler only); any other cdk8s-plus workload is marked as cdk8s-plus marks it, and a second
 * autoscaler of it is reported.
 */
export function takeReplicas(by: IConstruct, target: IScalableWorkload, kind: string, min: number, max: number): void {
  const aware = target as Partial<AutoscalerAware>;
  if (typeof aware.markAutoscaled === 'function') return aware.markAutoscaled(by, kind, min, max);
  if (target.hasAutoscaler) {
    reportProblem(by, `${target.node.path} already has an autoscaler`, 'Keep one autoscaler per workload: an HPA or a KEDA ScaledObject, not both');
    return;
  }
  target.markHasAutoscaler();
}

/** Reports an autoscaler whose component is not its workload's (it would scale a Deployment of another namespace). */
export function checkSameNamespace(by: IConstruct, target: IScalableWorkload, example: string): void {
  const mine = namespaceOf(by);
  const theirs = namespaceOf(target);
  if (mine !== undefined && theirs !== undefined && mine !== theirs) {
    reportProblem(by, `it is in namespace ${mine}, but its target ${target.node.path} is in ${theirs}`, `Create it inside the component that holds the workload: ${example}`);
  }
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
 * lib/model/hpa-behavior.ts): a stabilization window that is fractional or above an hour, a period outside
 * 1 s..30 min, a policy of no pods; and a Duration that is not one (untyped JavaScript). Returns the
 * behavior as the API takes it (whole seconds) when it can be used as it is.
 */
export function checkScalingBehavior(scope: IConstruct, behavior: ScalingBehavior | undefined): Record<string, unknown> | undefined {
  if (!behavior) return undefined;
  let ok = true;
  const out: Record<string, unknown> = {};
  for (const direction of ['scaleUp', 'scaleDown'] as const) {
    const rules = behavior[direction];
    if (!rules) continue;
    const seconds = (field: 'stabilizationWindow' | 'period', rule: { min: number; max: number }, example: string): number | undefined => {
      const value = rules[field];
      if (value === undefined) return undefined;
      const ms = checkDuration(scope, `behavior.${direction}.${field}`, value, rule, example);
      if (ms === undefined) ok = false;
      return ms === undefined ? undefined : ms / 1000;
    };
    const window = seconds('stabilizationWindow', STABILIZATION_WINDOW, 'Duration.minutes(5)');
    const period = seconds('period', POLICY_PERIOD, 'Duration.minutes(1)') ?? 60;
    for (const field of ['pods', 'percent'] as const) {
      const value = rules[field];
      const problem = value === undefined ? undefined : integerProblem(value, POLICY_VALUE);
      if (!problem) continue;
      ok = false;
      reportProblem(scope, `behavior.${direction}.${field} ${value} ${problem} (the API server allows ${describeIntegerRule(POLICY_VALUE)} in an autoscaling/v2 HPA)`, `Use ${describeIntegerRule(POLICY_VALUE)}`);
    }
    out[direction] = {
      ...(window !== undefined ? { stabilizationWindowSeconds: window } : {}),
      ...(rules.pods !== undefined || rules.percent !== undefined
        ? {
            selectPolicy: 'Max',
            policies: [
              ...(rules.pods !== undefined ? [{ type: 'Pods', value: rules.pods, periodSeconds: period }] : []),
              ...(rules.percent !== undefined ? [{ type: 'Percent', value: rules.percent, periodSeconds: period }] : []),
            ],
          }
        : {}),
    };
  }
  return ok ? out : undefined;
}

/**
 * Reports a utilization target on a resource that a container of the workload does not request: the
 * HPA computes utilization as a share of the requests of every container, and refuses to scale otherwise.
 */
export function requireRequest(scope: IConstruct, resource: 'cpu' | 'memory', target: IScalableWorkload): void {
  const containers = target.toScalingTarget().containers;
  const missing = containers.filter((c) => !c.resources?.[resource]?.request).map((c) => c.name ?? '(unnamed)');
  if (missing.length > 0 || containers.length === 0) {
    // The path is built only here: reading it costs a walk up the tree, once per autoscaler otherwise.
    const path = target.node.path;
    const which = containers.length === 1 ? 'the container requests' : `the container${missing.length > 1 ? 's' : ''} ${missing.join(', ')} request${missing.length > 1 ? '' : 's'}`;
    reportProblem(scope, `it scales ${path} on ${resource} utilization, but ${which} no ${resource}`, `Set the ${resource} request (resources.${resource}.request) on ${path}: utilization is a share of the request`);
  }
}
