import { IConstruct } from 'constructs';
import { ConfigProblem, constructPath, ValidationError } from '../../core/errors';
import { isPort } from '../../core/grammar';
import { HelmValues } from '../../core/helm-chart';

/**
 * How traffic from outside the cluster reaches Traefik: `LoadBalancer` asks the cluster for an external
 * address (a cloud's load balancer, MetalLB, k3s' servicelb); `NodePort` opens the entry points on a port
 * of every node; `ClusterIP` keeps the Service inside the cluster (with `hostPorts`, or behind another
 * proxy).
 */
export type TraefikServiceType = 'LoadBalancer' | 'NodePort' | 'ClusterIP';

/** A port for each of Traefik's two entry points: `web` (HTTP, redirected to HTTPS) and `websecure` (HTTPS). */
export interface TraefikEntryPointPorts {
  /** @default none */
  readonly web?: number;
  /** @default none */
  readonly websecure?: number;
}

/** How Traefik is reached (the part of `TraefikProps` about its Service). */
export interface TraefikExposure {
  /** @default 'LoadBalancer' */
  readonly serviceType?: TraefikServiceType;
  /** @default chosen by Kubernetes */
  readonly nodePorts?: TraefikEntryPointPorts;
  /** @default none */
  readonly hostPorts?: TraefikEntryPointPorts;
}

const SERVICE_TYPES: readonly TraefikServiceType[] = ['LoadBalancer', 'NodePort', 'ClusterIP'];
const ENTRY_POINTS = ['web', 'websecure'] as const;

/**
 * The chart values (traefik 41: `service.spec.type`, `ports.<entry point>.nodePort` and `.hostPort`,
 * `updateStrategy`) for how Traefik is reached; fails with every problem of the settings.
 */
export function traefikServiceValues(scope: IConstruct, exposure: TraefikExposure): HelmValues {
  const path = constructPath(scope);
  const problems: ConfigProblem[] = [];
  const add = (problem: string, fix: string) => problems.push({ path, problem, fix });
  const type = exposure.serviceType ?? 'LoadBalancer';
  if (!SERVICE_TYPES.includes(type)) add(`serviceType "${String(type)}" is not a Service type Traefik's chart takes`, `Use one of ${SERVICE_TYPES.map((t) => `"${t}"`).join(', ')}`);
  const ports = (what: 'nodePorts' | 'hostPorts'): TraefikEntryPointPorts => {
    const given = exposure[what];
    if (given === undefined) return {};
    if (typeof given !== 'object' || given === null || Array.isArray(given)) {
      add(`${what} is not an object`, 'Give { web, websecure } port numbers');
      return {};
    }
    for (const [key, value] of Object.entries(given)) {
      if (!(ENTRY_POINTS as readonly string[]).includes(key)) add(`${what}.${key} is not an entry point of Traefik`, 'Use web or websecure');
      else if (typeof value !== 'number' || !isPort(value)) add(`${what}.${key} is ${JSON.stringify(value)}, not a port`, 'Use a whole number from 1 to 65535');
    }
    return given;
  };
  const nodePorts = ports('nodePorts');
  const hostPorts = ports('hostPorts');
  if (Object.keys(nodePorts).length > 0 && type === 'ClusterIP') {
    add('nodePorts are set, but a ClusterIP Service has no node ports', 'Use serviceType "NodePort" (or "LoadBalancer", whose Service has node ports too), or remove nodePorts');
  }
  if (problems.length > 0) throw new ValidationError(problems);

  const entryPoint = (name: (typeof ENTRY_POINTS)[number]) => ({
    ...(nodePorts[name] !== undefined ? { nodePort: nodePorts[name] } : {}),
    ...(hostPorts[name] !== undefined ? { hostPort: hostPorts[name] } : {}),
  });
  const portValues = Object.fromEntries(ENTRY_POINTS.map((name) => [name, entryPoint(name)]).filter(([, v]) => Object.keys(v).length > 0));
  return {
    service: { spec: { type } },
    ...(Object.keys(portValues).length > 0 ? { ports: portValues } : {}),
    // A host port is taken by the pod that holds it: the chart's rolling update (a new pod first) would
    // wait for a node without the port taken; stopping one pod before its replacement frees it.
    ...(Object.keys(hostPorts).length > 0 ? { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } } } : {}),
  };
}
