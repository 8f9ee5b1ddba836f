import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { reportProblem } from '../../core/errors';
import { requireDnsLabel } from '../../core/names';

/** Properties of a ServiceMonitor. */
export interface ServiceMonitorProps {
  /** Object name. @default the construct id */
  readonly name?: string;
  /** Labels of the Services to scrape, in the ServiceMonitor's namespace. */
  readonly selector: Record<string, string>;
  /** Name of the Service port that serves metrics (a name, so a port renumbering cannot break it). */
  readonly port: string;
  /** @default '/metrics' */
  readonly path?: string;
  /** @default Prometheus' scrape interval */
  readonly interval?: string;
}

/**
 * A prometheus-operator ServiceMonitor (`monitoring.coreos.com/v1`): scrapes the endpoints behind the
 * selected Services. kube-prometheus-stack as ballast configures it selects every ServiceMonitor, so no
 * `release` label is needed. Use it where a Service exists; PodMonitor where only pods do.
 */
export class ServiceMonitor extends Construct {
  constructor(scope: Construct, id: string, props: ServiceMonitorProps) {
    super(scope, id);
    if (Object.keys(props.selector).length === 0) {
      reportProblem(this, 'the Service selector is empty', 'Select the Services to scrape by their labels');
    }
    if (props.interval !== undefined && !/^[0-9]+(ms|s|m|h)$/.test(props.interval)) {
      reportProblem(this, `interval "${props.interval}" is not a Prometheus duration`, 'Use a duration such as "30s"');
    }
    new ApiObject(this, 'resource', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: requireDnsLabel(this, 'ServiceMonitor name', props.name ?? id) },
      spec: {
        selector: { matchLabels: props.selector },
        endpoints: [{ port: props.port, path: props.path ?? '/metrics', ...(props.interval ? { interval: props.interval } : {}) }],
      },
    });
  }
}
