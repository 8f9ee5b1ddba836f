import { Construct } from 'constructs';
import { catalog } from '../../catalog';
import { Component, ComponentOptions } from '../../core/component';
import { HelmValues } from '../../core/helm-chart';

const REQUESTS = { cpu: '100m', memory: '200Mi' };

/** Properties of the CloudNativePG operator. */
export interface CloudNativePgProps extends ComponentOptions {
  /** Node pool of the operator. @default any node */
  readonly nodePool?: string;
  /** Chart values deep-merged over ballast's. @default none */
  readonly extraValues?: HelmValues;
}

/**
 * The CloudNativePG operator (chart cloudnative-pg, operator 1.30), which installs the
 * `postgresql.cnpg.io` CRDs and runs PostgreSQL clusters described by `PostgresCluster`.
 */
export class CloudNativePg extends Component {
  constructor(scope: Construct, id: string, props: CloudNativePgProps = {}) {
    super(scope, id, { namespace: props.namespace ?? 'cnpg-system', deployWith: props.deployWith, secrets: props.secrets });
    this.addChart(
      catalog.cloudnativePg,
      {
        // A fixed name keeps the operator's objects (and its webhook Service) predictable.
        fullnameOverride: 'cnpg',
        crds: { create: true },
        resources: { requests: { ...REQUESTS }, limits: { memory: '400Mi' } },
        ...this.scheduling(props.nodePool),
      },
      { releaseName: 'cnpg', extraValues: props.extraValues },
    );
    this.claimCapacity({ pool: props.nodePool, what: 'CloudNativePG operator', replicas: () => 1, requests: REQUESTS });
  }
}
