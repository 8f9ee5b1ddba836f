import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { reportProblem } from '../../core/errors';
import { describePromqlError, promqlSyntaxError } from '../../core/promql';
import { Duration } from 'cdk8s';
import { IPrometheus, IScalableWorkload } from '../../core/interfaces';
import { checkDuration } from '../../core/durations';
import { reportCrdPropsProblems } from '../../core/crd-props';
import { insideComponent, namespaceOf } from '../../core/in-component';
import { checkReplicaRange, checkSameNamespace, checkScalingBehavior, requireRequest, ScalingBehavior, scaleTargetRef, takeReplicas } from './scaling-behavior';
import { NetworkPeer } from '../../core/network';
import { enclosingComponent } from '../../core/components-of';

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
  /** The workload: a WebService, or a team's own cdk8s-plus Deployment or StatefulSet. */
  readonly target: IScalableWorkload;
  readonly trigger: PrometheusTrigger;
  /** Also scale on CPU utilization (% of the request). @default none */
  readonly cpuUtilization?: number;
  /** @default 1 */
  readonly minReplicas?: number;
  readonly maxReplicas: number;
  /** Time between two queries, in whole seconds. @default Duration.seconds(15) */
  readonly pollingInterval?: Duration;
  /** Time after the last activation before scaling to zero, in whole seconds. @default Duration.minutes(5) */
  readonly cooldownPeriod?: Duration;
  /** Replicas to hold when Prometheus cannot be asked `failureThreshold` times in a row. @default none */
  readonly fallback?: { readonly failureThreshold: number; readonly replicas: number };
  /** Passed through to the HPA KEDA manages. @default Kubernetes' */
  readonly behavior?: ScalingBehavior;
}

/**
 * A KEDA `ScaledObject` (`keda.sh/v1alpha1`) of a workload (a WebService, or a cdk8s-plus Deployment or
 * StatefulSet), on a Prometheus query whose server is the platform's Prometheus (never a hand-typed URL),
 * optionally also on CPU. Create it inside the component that holds the workload.
 */
export class KedaScaler extends Construct {
  constructor(scope: Construct, id: string, props: KedaScalerProps) {
    super(scope, id);
    // Every problem of the props is reported (reportProblem) and the plan lists them together; building
    // goes on with values that keep it going, and nothing is rendered while a problem stands.
    const { min, max, ok: rangeOk } = checkReplicaRange(this, props.minReplicas ?? 1, props.maxReplicas);
    const t = props.trigger;
    // KEDA's operator runs the query: its pods must reach the Prometheus the trigger names.
    const owner = enclosingComponent(this);
    if (t.prometheus?.server && owner) {
      owner.network.connect(NetworkPeer.role('keda-operator'), t.prometheus.server.pods, { ports: [{ port: t.prometheus.server.port }], why: `KEDA queries Prometheus for ${this.node.path}` });
    }
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
    if (props.cpuUtilization !== undefined) requireRequest(this, 'cpu', props.target);
    takeReplicas(this, props.target, 'ScaledObject', min, max);
    const behavior = checkScalingBehavior(this, props.behavior);
    // KEDA's CRD: pollingInterval an integer of at least 1, cooldownPeriod of at least 0 (seconds).
    const polling = checkDuration(this, 'pollingInterval', props.pollingInterval ?? Duration.seconds(15), { min: 1 }, 'Duration.seconds(30)');
    const cooldown = checkDuration(this, 'cooldownPeriod', props.cooldownPeriod ?? Duration.minutes(5), { min: 0 }, 'Duration.minutes(5)');
    const spec = {
      scaleTargetRef: scaleTargetRef(props.target),
      minReplicaCount: min,
      maxReplicaCount: max,
      pollingInterval: (polling ?? 15_000) / 1000,
      cooldownPeriod: (cooldown ?? 300_000) / 1000,
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
    // The KEDA CRD's own grammar (integers, minimums) for the values the props set: a fallback of 0
    // failures is refused here, with the names the user typed.
    const object = { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name: spec.scaleTargetRef.name, namespace: namespaceOf(props.target) }, spec };
    reportCrdPropsProblems(this, object, (pointer) => PROP_OF_FIELD[pointer]);
    const example = 'new KedaScaler(component, "scaler", { target: deployment, ... })';
    if (!insideComponent(this, 'ScaledObject', `Create it inside the component that holds the workload it scales: ${example}`)) return;
    checkSameNamespace(this, props.target, example);
    new ApiObject(this, 'resource', object);
  }
}
