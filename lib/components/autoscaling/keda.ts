import { Construct } from 'constructs';
import { catalog } from '../../catalog';
import { ChartComponentOptions, Component } from '../../core/component';

/** Properties of Keda: its node pool and extra chart values. */
export type KedaProps = ChartComponentOptions;

/** KEDA (chart keda 2.20.2): event-driven autoscaling, the `keda.sh` CRDs and the metrics API server. */
export class Keda extends Component {
  constructor(scope: Construct, id: string, props: KedaProps = {}) {
    super(scope, id, { namespace: props.namespace ?? 'keda', deployWith: props.deployWith, secrets: props.secrets, allowReservedNamespace: props.allowReservedNamespace });
    this.addChart(
      catalog.keda,
      { crds: { install: true }, ...this.scheduling(props.nodePool) },
      { releaseName: 'keda', extraValues: props.extraValues, userSensitiveValues: props.sensitiveValues, releasePolicy: props.releasePolicy },
    );
  }
}
