import type { Size } from 'cdk8s';
import type { Cpu } from 'cdk8s-plus-27';

/** CPU and memory a pod asks for. */
export interface Requests {
  /** @default none */
  readonly cpu?: Cpu;
  /** @default none */
  readonly memory?: Size;
}

/**
 * Pods a component places on a node pool, at most: the planner sums them per pool against the pool's
 * size. `replicas` is read at synth, so an autoscaler added after the workload counts at its maximum.
 */
export interface CapacityClaim {
  /** The pool, or undefined when the pods may run anywhere (then they are not counted). */
  readonly pool?: string;
  /** What runs, for messages, e.g. `Prometheus`. */
  readonly what: string;
  readonly replicas: () => number;
  readonly requests: Requests;
  /** The pods must run on different nodes (required anti-affinity). @default false */
  readonly onePerNode?: boolean;
}

/** `3.5 CPU`: cores, for messages. */
export function formatCpu(cores: number): string {
  return `${Number(cores.toFixed(3))} CPU`;
}

/** `1.5Gi`: bytes in GiB, for messages. */
export function formatMemory(bytes: number): string {
  return `${Number((bytes / 2 ** 30).toFixed(2))}Gi`;
}
