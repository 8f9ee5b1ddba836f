/** CPU and memory a pod asks for (Kubernetes quantities). */
export interface Requests {
  readonly cpu?: string;
  readonly memory?: string;
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

const CPU = /^([0-9]+(?:\.[0-9]+)?)(m?)$/;
const MEMORY = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|K|M|G|T|P|E)?$/;
const MEMORY_UNITS: Record<string, number> = {
  '': 1,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** CPU cores of a quantity (`500m` -> 0.5, `2` -> 2), or undefined when it is not one. */
export function parseCpu(quantity: string): number | undefined {
  const m = CPU.exec(quantity);
  return m ? Number(m[1]) / (m[2] ? 1000 : 1) : undefined;
}

/** Bytes of a quantity (`2Gi`, `512M`), or undefined when it is not one. */
export function parseMemory(quantity: string): number | undefined {
  const m = MEMORY.exec(quantity);
  return m ? Number(m[1]) * MEMORY_UNITS[m[2] ?? ''] : undefined;
}

/** `3.5 CPU`, `1.5Gi`: for messages. */
export function formatCpu(cores: number): string {
  return `${Number(cores.toFixed(3))} CPU`;
}

export function formatMemory(bytes: number): string {
  return `${Number((bytes / 2 ** 30).toFixed(2))}Gi`;
}
