import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { catalog } from '../../catalog';
import { ChartComponentOptions, Component } from '../../core/component';
import { ContainerResources, renderResources, requestsOf } from '../../core/resource-checks';
import { NetworkPeer } from '../../core/network';

const RESOURCES: ContainerResources = { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(200), limit: Size.mebibytes(400) } };

/** Properties of CloudNativePg: its node pool and extra chart values. */
export type CloudNativePgProps = ChartComponentOptions;

/**
 * The CloudNativePG operator (chart cloudnative-pg, operator 1.30), which installs the
 * `postgresql.cnpg.io` CRDs and runs PostgreSQL clusters described by `PostgresCluster`.
 */
export class CloudNativePg extends Component {
  constructor(scope: Construct, id: string, props: CloudNativePgProps = {}) {
    super(scope, id, { namespace: props.namespace ?? 'cnpg-system', deployWith: props.deployWith, secrets: props.secrets, allowReservedNamespace: props.allowReservedNamespace, networkPolicies: props.networkPolicies, podSecurity: props.podSecurity });
    this.addChart(
      catalog.cloudnativePg,
      {
        // A fixed name keeps the operator's objects (and its webhook Service) predictable.
        fullnameOverride: 'cnpg',
        crds: { create: true },
        resources: renderResources(RESOURCES),
        ...this.scheduling(props.nodePool),
      },
      { releaseName: 'cnpg', extraValues: props.extraValues, userSensitiveValues: props.sensitiveValues, releasePolicy: props.releasePolicy },
    );
    const operator = this.network.addPods('cnpg-operator', { 'app.kubernetes.io/name': 'cloudnative-pg' }, { roles: ['postgres-operator'] });
    this.network.allowFrom(NetworkPeer.anywhere(), { to: operator, ports: [{ port: 9443 }], why: 'the API server calls its admission webhook (from outside the pod network)' });
    this.claimCapacity({ pool: props.nodePool, what: 'CloudNativePG operator', replicas: () => 1, requests: requestsOf(RESOURCES) });
  }
}
