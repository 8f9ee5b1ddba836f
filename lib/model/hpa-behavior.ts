// The API server's rules for the `behavior` of an `autoscaling/v2` HorizontalPodAutoscaler. There is no
// CRD to read them from: they are Kubernetes' own validation, kubernetes/kubernetes
// pkg/apis/autoscaling/validation/validation.go (validateBehavior, validateScalingRules,
// validateScalingPolicy, with MaxStabilizationWindowSeconds = 3600 and MaxPeriodSeconds = 1800), and the
// Go types of k8s.io/api/autoscaling/v2 (the fields are int32: a fraction does not decode). KEDA passes its
// `advanced.horizontalPodAutoscalerConfig.behavior` to the HPA it creates, so the same rules hold there
// (its CRD only says int32).

/** A whole-number field and the range the API server allows. */
export interface IntegerRule {
  readonly min: number;
  readonly max: number;
}

const INT32_MAX = 2 ** 31 - 1;
/** `stabilizationWindowSeconds`: 0 to 3600. */
export const STABILIZATION_WINDOW: IntegerRule = { min: 0, max: 3600 };
/** A policy's `periodSeconds`: 1 to 1800. */
export const POLICY_PERIOD: IntegerRule = { min: 1, max: 1800 };
/** A policy's `value` (pods or percent): above 0. */
export const POLICY_VALUE: IntegerRule = { min: 1, max: INT32_MAX };

const SELECT_POLICIES = ['Max', 'Min', 'Disabled'];
const POLICY_TYPES = ['Pods', 'Percent'];

/** What is wrong with `value` under `rule` (`is not a whole number`, `is below 0`), or undefined. */
export function integerProblem(value: unknown, rule: IntegerRule): string | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value)) return 'is not a whole number';
  if (value < rule.min) return `is below ${rule.min}`;
  if (value > rule.max) return `is above ${rule.max}`;
  return undefined;
}

/** What `rule` allows, as words: `a whole number from 0 to 3600`, `a whole number of at least 1`. */
export function describeIntegerRule(rule: IntegerRule): string {
  return rule.max >= INT32_MAX ? `a whole number of at least ${rule.min}` : `a whole number from ${rule.min} to ${rule.max}`;
}

/** One value of a behavior the API server refuses. */
export interface BehaviorViolation {
  /** JSON pointer of the value, from the behavior's own pointer. */
  readonly pointer: string;
  readonly what: string;
  /** What the API server allows there. */
  readonly allowed: string;
}

/** The values of a `behavior` object (at JSON pointer `at`) that the API server refuses. */
export function hpaBehaviorViolations(behavior: unknown, at: string): BehaviorViolation[] {
  const out: BehaviorViolation[] = [];
  if (behavior === null || typeof behavior !== 'object') return out;
  const integer = (value: unknown, rule: IntegerRule, pointer: string) => {
    const problem = value === undefined ? undefined : integerProblem(value, rule);
    if (problem) out.push({ pointer, what: `is ${JSON.stringify(value)}, which ${problem}`, allowed: describeIntegerRule(rule) });
  };
  const oneOf = (value: unknown, allowed: readonly string[], pointer: string) => {
    if (value !== undefined && !allowed.includes(value as string)) out.push({ pointer, what: `is ${JSON.stringify(value)}`, allowed: `one of ${allowed.join(', ')}` });
  };
  for (const direction of ['scaleUp', 'scaleDown']) {
    const rules = (behavior as Record<string, unknown>)[direction] as Record<string, unknown> | undefined;
    if (rules === null || typeof rules !== 'object') continue;
    const here = `${at}/${direction}`;
    integer(rules.stabilizationWindowSeconds, STABILIZATION_WINDOW, `${here}/stabilizationWindowSeconds`);
    oneOf(rules.selectPolicy, SELECT_POLICIES, `${here}/selectPolicy`);
    const policies = Array.isArray(rules.policies) ? (rules.policies as Record<string, unknown>[]) : [];
    policies.forEach((policy, i) => {
      if (policy === null || typeof policy !== 'object') return;
      oneOf(policy.type, POLICY_TYPES, `${here}/policies/${i}/type`);
      integer(policy.value, POLICY_VALUE, `${here}/policies/${i}/value`);
      integer(policy.periodSeconds, POLICY_PERIOD, `${here}/policies/${i}/periodSeconds`);
    });
  }
  return out;
}
