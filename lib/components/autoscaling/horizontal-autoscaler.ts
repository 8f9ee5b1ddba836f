import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { reportProblem } from '../../core/errors';
import { WebService } from '../apps/web-service';
import { insideComponent } from '../../core/in-component';
import { checkReplicaRange, checkScalingBehavior, deploymentRef, hpaBehavior, requireRequest, ScalingBehavior } from './scaling-behavior';

/** Properties of a HorizontalAutoscaler. */
export interface HorizontalAutoscalerProps {
  readonly target: WebService;
  /** @default 1 */
  readonly minReplicas?: number;
  readonly maxReplicas: number;
  /** Average CPU use as a share of the request, in %. @default none */
  readonly cpuUtilization?: number;
  /** Average memory use as a share of the request, in %. @default none */
  readonly memoryUtilization?: number;
  /** @default Kubernetes' */
  readonly behavior?: ScalingBehavior;
}

/** An `autoscaling/v2` HorizontalPodAutoscaler of a WebService's Deployment, on CPU and/or memory. */
export class HorizontalAutoscaler extends Construct {
  constructor(scope: Construct, id: string, props: HorizontalAutoscalerProps) {
    super(scope, id);
    // Every problem of the props is reported (reportProblem) and the plan lists them together; building
    // goes on with values that keep it going, and nothing is rendered while a problem stands.
    let { min, max } = checkReplicaRange(this, props.minReplicas ?? 1, props.maxReplicas);
    if (min < 1) {
      reportProblem(this, 'minReplicas 0 needs KEDA (an HPA keeps at least one replica)', 'Use minReplicas >= 1, or a KedaScaler');
      min = 1;
      max = Math.max(max, 1);
    }
    const metrics: Record<string, unknown>[] = [];
    for (const [resource, value] of [['cpu', props.cpuUtilization], ['memory', props.memoryUtilization]] as const) {
      if (value === undefined) continue;
      if (!Number.isInteger(value) || value < 1) {
        reportProblem(this, `${resource}Utilization ${value} is not a percentage`, 'Use a whole number such as 70');
        continue;
      }
      requireRequest(this, resource, props.target.resources, props.target);
      metrics.push({ type: 'Resource', resource: { name: resource, target: { type: 'Utilization', averageUtilization: value } } });
    }
    if (metrics.length === 0 && props.cpuUtilization === undefined && props.memoryUtilization === undefined) {
      reportProblem(this, 'it has no metric to scale on', 'Set cpuUtilization and/or memoryUtilization');
    }
    props.target.markAutoscaled(this, 'HorizontalPodAutoscaler', min, max);
    const behavior = checkScalingBehavior(this, props.behavior) ? hpaBehavior(props.behavior) : undefined;
    if (!insideComponent(this, 'HorizontalPodAutoscaler', 'Create it inside the WebService it scales: new HorizontalAutoscaler(service, "hpa", { target: service, ... })')) return;
    new ApiObject(this, 'resource', {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: props.target.name, namespace: props.target.namespace },
      spec: {
        scaleTargetRef: deploymentRef(props.target.name),
        minReplicas: min,
        maxReplicas: max,
        metrics,
        ...(behavior ? { behavior } : {}),
      },
    });
  }
}
