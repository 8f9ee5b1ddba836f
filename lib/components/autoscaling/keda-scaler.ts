import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { fail } from '../../core/errors';
import { WebService } from '../apps/web-service';
import { IPrometheus } from '../../core/interfaces';
import { checkReplicaRange, deploymentRef, hpaBehavior, requireRequest, ScalingBehavior } from './scaling-behavior';

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
    const min = props.minReplicas ?? 1;
    checkReplicaRange(this, min, props.maxReplicas);
    const t = props.trigger;
    if (!(t.threshold > 0)) fail(this, `threshold ${t.threshold} is not above 0`, 'Use the value one replica handles, e.g. 50 requests per second');
    if (!t.query.trim()) fail(this, 'the Prometheus query is empty', 'Write the PromQL the workload scales on');
    if (props.fallback && (props.fallback.replicas < min || props.fallback.replicas > props.maxReplicas)) {
      fail(this, `fallback replicas ${props.fallback.replicas} is outside ${min}..${props.maxReplicas}`, 'Hold a replica count within the range');
    }
    if (props.cpuUtilization !== undefined) requireRequest(this, 'cpu', props.target.resources.requests, props.target);
    props.target.markAutoscaled(this, 'ScaledObject', min, props.maxReplicas);
    const behavior = hpaBehavior(props.behavior);
    new ApiObject(this, 'resource', {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: props.target.name, namespace: props.target.namespace },
      spec: {
        scaleTargetRef: deploymentRef(props.target.name),
        minReplicaCount: min,
        maxReplicaCount: props.maxReplicas,
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
      },
    });
  }
}
