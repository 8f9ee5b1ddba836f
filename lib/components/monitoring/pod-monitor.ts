import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { checkDuration, goDurationOfMillis } from '../../core/durations';
import { reportProblem } from '../../core/errors';
import { requireDnsLabel } from '../../core/names';

/** Properties of a PodMonitor. */
export interface PodMonitorProps {
  /** Object name. @default the construct id */
  readonly name?: string;
  /** Labels of the pods to scrape, in the PodMonitor's namespace. */
  readonly selector: Record<string, string>;
  /** Name of the container port that serves metrics. */
  readonly port: string;
  /** @default '/metrics' */
  readonly path?: string;
  /** How often Prometheus scrapes the pods. @default Prometheus' scrape interval */
  readonly interval?: Duration;
}

/**
 * A prometheus-operator PodMonitor (`monitoring.coreos.com/v1`). kube-prometheus-stack as ballast
 * configures it selects every PodMonitor, so no `release` label is needed.
 */
export class PodMonitor extends Construct {
  constructor(scope: Construct, id: string, props: PodMonitorProps) {
    super(scope, id);
    if (Object.keys(props.selector).length === 0) {
      reportProblem(this, 'the pod selector is empty', 'Select the pods to scrape by their labels');
    }
    const interval = props.interval === undefined ? undefined : checkDuration(this, 'interval', props.interval, { min: 1, wholeSeconds: false }, 'Duration.seconds(30)');
    new ApiObject(this, 'resource', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PodMonitor',
      metadata: { name: requireDnsLabel(this, 'PodMonitor name', props.name ?? id) },
      spec: {
        selector: { matchLabels: props.selector },
        podMetricsEndpoints: [
          { port: props.port, path: props.path ?? '/metrics', ...(interval !== undefined ? { interval: goDurationOfMillis(interval) } : {}) },
        ],
      },
    });
  }
}
