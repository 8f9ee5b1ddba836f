import { Construct } from 'constructs';
import { catalog } from '../../catalog';
import { ChartComponentOptions, Component } from '../../core/component';

/** Properties of K6Operator: its node pool and extra chart values. */
export type K6OperatorProps = ChartComponentOptions;

/** The k6 operator (chart k6-operator 4.6.0): runs `TestRun`s (`k6.io/v1alpha1`) split over several pods. */
export class K6Operator extends Component {
  constructor(scope: Construct, id: string, props: K6OperatorProps = {}) {
    super(scope, id, { namespace: props.namespace ?? 'k6-operator-system', deployWith: props.deployWith, secrets: props.secrets, allowReservedNamespace: props.allowReservedNamespace, networkPolicies: props.networkPolicies, podSecurity: props.podSecurity });
    this.addChart(
      catalog.k6Operator,
      {
        // ballast creates the namespace; the chart creating it too would fight over it.
        namespace: { create: false },
        installCRDs: true,
        ...this.scheduling(props.nodePool),
      },
      { releaseName: 'k6-operator', extraValues: props.extraValues, userSensitiveValues: props.sensitiveValues, releasePolicy: props.releasePolicy },
    );
    this.network.addPods('k6-operator', { 'app.kubernetes.io/name': 'k6-operator' }, { roles: ['k6-operator'] });
  }
}
