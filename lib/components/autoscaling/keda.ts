import { Construct } from 'constructs';
import { catalog } from '../../catalog';
import { Component, ComponentOptions } from '../../core/component';
import { HelmValues } from '../../core/helm-chart';

/** Properties of KEDA. */
export interface KedaProps extends ComponentOptions {
  /** @default any node */
  readonly nodePool?: string;
  /** Chart values deep-merged over ballast's. @default none */
  readonly extraValues?: HelmValues;
}

/** KEDA (chart keda 2.20.2): event-driven autoscaling, the `keda.sh` CRDs and the metrics API server. */
export class Keda extends Component {
  constructor(scope: Construct, id: string, props: KedaProps = {}) {
    super(scope, id, { namespace: props.namespace ?? 'keda', deployWith: props.deployWith, secrets: props.secrets });
    this.addChart(
      catalog.keda,
      { crds: { install: true }, ...this.scheduling(props.nodePool) },
      { releaseName: 'keda', extraValues: props.extraValues },
    );
  }
}
