import type { Size } from 'cdk8s';
import type { Cpu } from 'cdk8s-plus-27';

/** A taint carried by every node of a pool; workloads that should run there tolerate it. */
export interface NodeTaint {
  readonly key: string;
  /** @default no value (the toleration uses `operator: Exists`) */
  readonly value?: string;
  readonly effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/**
 * A group of nodes that share labels and taints. ballast does not create nodes (the platform is
 * self-hosted); a pool tells workloads how to land on the nodes the operator labelled and tainted.
 */
export interface NodePoolConfig {
  /** Name used by components to ask for this pool, e.g. `monitor`. */
  readonly name: string;
  /** Labels every node of the pool carries; they become the workload's `nodeSelector`. */
  readonly labels: Record<string, string>;
  /** @default no taints */
  readonly taints?: NodeTaint[];
  /**
   * How big the pool is: synth sums the requests of every workload placed on it (at their autoscalers'
   * maximum) and fails when they do not fit. @default unknown (not checked)
   */
  readonly capacity?: NodePoolCapacity;
}

/** The size of a node pool. */
export interface NodePoolCapacity {
  readonly nodes: number;
  /** Allocatable CPU of one node (after the kubelet's and system reservations), e.g. `Cpu.millis(3800)` or `Cpu.units(4)`. */
  readonly cpu: Cpu;
  /** Allocatable memory of one node, e.g. `Size.gibibytes(14)`. */
  readonly memory: Size;
}

/** A Kubernetes toleration, as pod specs and most charts spell it (a type, so it fits Helm values). */
export type Toleration = {
  key: string;
  operator: 'Equal' | 'Exists';
  value?: string;
  effect: NodeTaint['effect'];
};

/** Where a workload must run: the `nodeSelector` and `tolerations` a pod spec or chart takes. */
export type Scheduling = {
  nodeSelector: Record<string, string>;
  tolerations: Toleration[];
};

/** A node pool resolved from the platform config. */
export class NodePool {
  constructor(public readonly config: NodePoolConfig) {}

  public get name(): string {
    return this.config.name;
  }

  /** The node selector and tolerations that place a workload on this pool, and only there. */
  public scheduling(): Scheduling {
    return {
      nodeSelector: { ...this.config.labels },
      tolerations: (this.config.taints ?? []).map((t) =>
        t.value === undefined
          ? { key: t.key, operator: 'Exists', effect: t.effect }
          : { key: t.key, operator: 'Equal', value: t.value, effect: t.effect },
      ),
    };
  }
}
