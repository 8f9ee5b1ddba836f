import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { checkDuration, goDurationOfMillis } from '../../core/durations';
import { reportProblem } from '../../core/errors';
import { insideComponent, namespaceOf } from '../../core/in-component';
import type { IServiceTarget } from '../../core/interfaces';
import { requireDnsLabel } from '../../core/names';

/** Properties of a ServiceMonitor. */
export interface ServiceMonitorProps {
  /** Object name. @default the construct id */
  readonly name?: string;
  /**
   * The Service to scrape: a cdk8s-plus `Service` (a team's own) or a WebService. The monitor selects it
   * by its labels, in its namespace, so it needs labels and the monitor is created inside its component.
   */
  readonly service: IServiceTarget;
  /** Name of the Service port that serves metrics (a name, so a port renumbering cannot break it). */
  readonly port: string;
  /** @default '/metrics' */
  readonly path?: string;
  /** How often Prometheus scrapes it. @default Prometheus' scrape interval */
  readonly interval?: Duration;
}

/**
 * A prometheus-operator ServiceMonitor (`monitoring.coreos.com/v1`): scrapes the endpoints behind a
 * Service, selected by the Service's labels and port name. kube-prometheus-stack as ballast configures it
 * selects every ServiceMonitor, so no `release` label is needed. Use it where a Service exists; PodMonitor
 * where only pods do.
 */
export class ServiceMonitor extends Construct {
  constructor(scope: Construct, id: string, props: ServiceMonitorProps) {
    super(scope, id);
    const service = props.service;
    const labels = ((service.metadata.toJson() as { labels?: Record<string, string> }).labels ?? {});
    if (Object.keys(labels).length === 0) {
      reportProblem(this, `the Service ${service.node.path} has no labels, so a ServiceMonitor cannot select it`, 'Give the Service metadata labels, e.g. { "app.kubernetes.io/name": "<name>" }');
    }
    if (!service.ports.some((p) => p.name === props.port)) {
      const names = service.ports.map((p) => p.name).filter((n) => n !== undefined);
      reportProblem(this, `the Service ${service.node.path} has no port named "${props.port}"`, `Name the metrics port of the Service (${names.length > 0 ? `it has ${names.join(', ')}` : 'its ports have no names'}) and give that name here`);
    }
    const interval = props.interval === undefined ? undefined : checkDuration(this, 'interval', props.interval, { min: 1, wholeSeconds: false }, 'Duration.seconds(30)');
    const example = 'new ServiceMonitor(component, "metrics", { service, port: "http" })';
    if (!insideComponent(this, 'ServiceMonitor', `Create it inside the component that holds the Service: ${example}`)) return;
    const mine = namespaceOf(this);
    const theirs = service.metadata.namespace ?? namespaceOf(service);
    if (theirs !== undefined && mine !== theirs) {
      reportProblem(this, `it is in namespace ${mine}, but the Service ${service.node.path} is in ${theirs} (a ServiceMonitor selects Services of its own namespace)`, `Create it inside the component that holds the Service: ${example}`);
    }
    new ApiObject(this, 'resource', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: requireDnsLabel(this, 'ServiceMonitor name', props.name ?? id) },
      spec: {
        selector: { matchLabels: labels },
        endpoints: [{ port: props.port, path: props.path ?? '/metrics', ...(interval !== undefined ? { interval: goDurationOfMillis(interval) } : {}) }],
      },
    });
  }
}
