import { Construct } from 'constructs';
import { CatalogChart } from '../../catalog';
import { ChartComponentOptions, Component, Tier } from '../../core/component';
import { HelmValues } from '../../core/helm-chart';

/** Properties of a HelmComponent. */
/** (No `nodePool`: where a chart puts its pods is in its own values, which only you know.) */
export interface HelmComponentProps extends Omit<ChartComponentOptions, 'nodePool'> {
  /** The chart, pinned to an exact version (a `CatalogChart` of your own, or one of `catalog`). */
  readonly chart: CatalogChart;
  /** Namespace of the release. */
  readonly namespace: string;
  /** @default the chart name */
  readonly releaseName?: string;
  /** The chart values ballast passes; `extraValues` are merged over them. @default none */
  readonly values?: HelmValues;
  /** Where it sits in the Flux layout. @default 'infrastructure' */
  readonly tier?: Exclude<Tier, 'loadtests'>;
  /** True when the release holds data (volumes): Flux never prunes it, Terraform never destroys it. @default false */
  readonly stateful?: boolean;
}

/**
 * A component that installs one Helm chart, written without a subclass: everything ballast checks and
 * renders for its own components (release name, values against the chart's schema where the reference data
 * has it, secrets only through `sensitiveValues`, both backends, day-2 guard) applies to it.
 */
export class HelmComponent extends Component {
  constructor(scope: Construct, id: string, props: HelmComponentProps) {
    super(scope, id, {
      namespace: props.namespace,
      deployWith: props.deployWith,
      secrets: props.secrets,
      allowReservedNamespace: props.allowReservedNamespace,
      networkPolicies: props.networkPolicies,
      podSecurity: props.podSecurity,
      tier: props.tier ?? 'infrastructure',
    });
    this.stateful = props.stateful ?? false;
    this.addChart(props.chart, props.values ?? {}, { releaseName: props.releaseName, extraValues: props.extraValues, userSensitiveValues: props.sensitiveValues, releasePolicy: props.releasePolicy });
  }
}
