import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { reportProblem } from '../../core/errors';
import { describePromqlError, promqlSyntaxError } from '../../core/promql';
import { WebService } from '../apps/web-service';
import { IPrometheus } from '../../core/interfaces';
import { reportCrdPropsProblems } from '../../core/crd-props';
import { insideComponent } from '../../core/in-component';
import { checkReplicaRange, checkScalingBehavior, deploymentRef, hpaBehavior, requireRequest, ScalingBehavior } from './scaling-behavior';

/** The ScaledObject fields set from props, by JSON pointer: a value the CRD refuses is reported under the prop's name. */
const PROP_OF_FIELD: Readonly<Record<string, string>> = {
  '/spec/minReplicaCount': 'minReplicas',
  '/spec/maxReplicaCount': 'maxReplicas',
  '/spec/pollingInterval': 'pollingInterval',
  '/spec/cooldownPeriod': 'cooldownPeriod',
  '/spec/fallback/failureThreshold': 'fallback.failureThreshold',
  '/spec/fallback/replicas': 'fallback.replicas',
};

/** A Prometheus query KEDA scales on. */
export interface PrometheusTrigger {
  /** The Prometheus KEDA asks: its `queryUrl` is the trigger's serverAddress. */
  readonly prometheus: IPrometheus;
  /** PromQL returning one value, e.g. a Traefik request rate. */
  readonly query: string;
  /** Target value per replica (KEDA's AverageValue): replicas = ceil(value / threshold). */
  readonly threshold: number;
  /** Below this the workload scales to `minReplicas` (to zero when 0). @default 0 */
  readonly activationThreshold?: number;
}

/** Properties of a KedaScaler. */
export interface KedaScalerProps {
  readonly target: WebService;
  readonly trigger: PrometheusTrigger;
  /** Also scale on CPU utilization (% of the request). @default none */
  readonly cpuUtilization?: number;
  /** @default 1 */
  readonly minReplicas?: number;
  readonly maxReplicas: number;
  /** Seconds between two queries. @default 15 */
  readonly pollingInterval?: number;
  /** Seconds after the last activation before scaling to zero. @default 300 */
  readonly cooldownPeriod?: number;
  /** Replicas to hold when Prometheus cannot be asked `failureThreshold` times in a row. @default none */
  readonly fallback?: { readonly failureThreshold: number; readonly replicas: number };
  /** Passed through to the HPA KEDA manages. @default Kubernetes' */
  readonly behavior?: ScalingBehavior;
}

/**
 * A KEDA `ScaledObject` (`keda.sh/v1alpha1`) of a WebService's Deployment, on a Prometheus query whose
 * server is the platform's Prometheus (never a hand-typed URL), optionally also on CPU.
 */
export class KedaScaler extends Construct {
  constructor(scope: Construct, id: string, props: KedaScalerProps) {
    super(scope, id);
    // Every problem of the props is reported (reportProblem) and the plan lists them together; building
    // goes on with values that keep it going, and nothing is rendered while a problem stands.
    const { min, max, ok: rangeOk } = checkReplicaRange(this, props.minReplicas ?? 1, props.maxReplicas);
    const t = props.trigger;
    if (!(t.threshold > 0)) reportProblem(this, `threshold ${t.threshold} is not above 0`, 'Use the value one replica handles, e.g. 50 requests per second');
    if (typeof t.query !== 'string' || !t.query.trim()) {
      reportProblem(this, 'the Prometheus query is empty', 'Write the PromQL the workload scales on');
    } else {
      const error = promqlSyntaxError(t.query);
      if (error) reportProblem(this, `the Prometheus query ${JSON.stringify(t.query)} does not parse ${describePromqlError(error)}`, 'Correct the PromQL (Prometheus refuses a query that does not parse, and KEDA cannot scale on it)');
    }
    // Against the range only when the range itself stands (a refused one is replaced by 1..1).
    if (rangeOk && props.fallback && (props.fallback.replicas < min || props.fallback.replicas > max)) {
      reportProblem(this, `fallback replicas ${props.fallback.replicas} is outside ${min}..${max}`, 'Hold a replica count within the range');
    }
    if (props.cpuUtilization !== undefined) requireRequest(this, 'cpu', props.target.resources, props.target);
    props.target.markAutoscaled(this, 'ScaledObject', min, max);
    const behavior = checkScalingBehavior(this, props.behavior) ? hpaBehavior(props.behavior) : undefined;
    const spec = {
      scaleTargetRef: deploymentRef(props.target.name),
      minReplicaCount: min,
      maxReplicaCount: max,
      pollingInterval: props.pollingInterval ?? 15,
      cooldownPeriod: props.cooldownPeriod ?? 300,
      ...(props.fallback ? { fallback: props.fallback } : {}),
      ...(behavior ? { advanced: { horizontalPodAutoscalerConfig: { behavior } } } : {}),
      triggers: [
        {
          type: 'prometheus',
          metadata: {
            serverAddress: t.prometheus.queryUrl,
            query: t.query,
            threshold: String(t.threshold),
            activationThreshold: String(t.activationThreshold ?? 0),
          },
        },
        ...(props.cpuUtilization !== undefined ? [{ type: 'cpu', metricType: 'Utilization', metadata: { value: String(props.cpuUtilization) } }] : []),
      ],
    };
    // The KEDA CRD's own grammar (integers, minimums) for the values the props set: `pollingInterval: 0.5`
    // and a negative cooldownPeriod are refused here, with the names the user typed.
    const object = { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name: props.target.name, namespace: props.target.namespace }, spec };
    reportCrdPropsProblems(this, object, (pointer) => PROP_OF_FIELD[pointer]);
    if (insideComponent(this, 'ScaledObject', 'Create it inside the WebService it scales: new KedaScaler(service, "scaler", { target: service, ... })')) new ApiObject(this, 'resource', object);
  }
}
