import type { Size } from 'cdk8s';
import type { ContainerResources, Cpu } from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import type { Requests } from './capacity';
import { reportProblem } from './errors';
import { binaryQuantity, cpuCores, cpuProblem, cpuQuantity, describeCpu, describeSize, sizeBytes, sizeProblem } from './quantities';

/**
 * CPU, memory and ephemeral storage of a container, as cdk8s-plus-27 types them (`{ cpu: { request,
 * limit }, memory: { request, limit } }` with `Cpu` and `Size`): ballast's components take the same
 * shape as cdk8s-plus containers.
 */
export type { ContainerResources, CpuResources, MemoryResources, EphemeralStorageResources } from 'cdk8s-plus-27';

/**
 * A container's resources as Kubernetes spells them (`resources` of a container, of most charts' values).
 * A type rather than an interface, so that it fits Helm values.
 */
export type KubeResources = {
  readonly requests?: Record<string, string>;
  readonly limits?: Record<string, string>;
};

type Bound = 'request' | 'limit';
type Kind = 'cpu' | 'memory' | 'ephemeralStorage';
const KINDS: readonly Kind[] = ['cpu', 'memory', 'ephemeralStorage'];
/** The Kubernetes resource names of the kinds, in the order ballast has always written them. */
const KUBE_NAME: Readonly<Record<Kind, string>> = { cpu: 'cpu', memory: 'memory', ephemeralStorage: 'ephemeral-storage' };

/**
 * Reports on `scope` everything the types cannot rule out about `resources` (`reportProblem`, all of
 * them): a Cpu or Size that is not one (a plain string from JavaScript), NaN, a negative or zero amount
 * (leave the setting out instead), a fraction of a byte or of a millicore, and a request above its limit
 * (the API server refuses that). Returns `resources`.
 */
export function requireResources(scope: IConstruct, resources: ContainerResources, what = 'resources'): ContainerResources {
  if (typeof resources !== 'object' || resources === null) {
    reportProblem(scope, `${what} is ${resources === null ? 'null' : `a ${typeof resources}`}, not an object`, 'Give { cpu: { request, limit }, memory: { request, limit } } with Cpu and Size values');
    return {};
  }
  // The Kubernetes shape (`requests`, `limits`) from a JavaScript caller would otherwise be left out unseen.
  for (const key of Object.keys(resources).filter((k) => !(KINDS as readonly string[]).includes(k))) {
    reportProblem(scope, `${what}.${key} is not a setting`, 'Use cpu, memory and ephemeralStorage, each { request, limit } (the cdk8s-plus shape)');
  }
  for (const kind of KINDS) {
    const pair = (resources as Record<string, unknown>)[kind] as Partial<Record<Bound, unknown>> | undefined;
    if (pair === undefined) continue;
    if (typeof pair !== 'object' || pair === null) {
      reportProblem(scope, `${what}.${kind} is ${pair === null ? 'null' : `a ${typeof pair}`}, not { request, limit }`, `Give ${what}.${kind} as { request, limit }`);
      continue;
    }
    for (const key of Object.keys(pair).filter((k) => k !== 'request' && k !== 'limit')) {
      reportProblem(scope, `${what}.${kind}.${key} is not a setting`, 'Use request and limit');
    }
    let valid = true;
    for (const bound of ['request', 'limit'] as const) {
      const value = pair?.[bound];
      if (value === undefined) continue;
      const problem = kind === 'cpu' ? cpuProblem(value) : sizeProblem(value);
      if (problem) {
        valid = false;
        const fix = kind === 'cpu' ? describeCpu : describeSize;
        reportProblem(scope, `${what}.${kind}.${bound} ${problem}`, `${fix}, or leave it out for none`);
      }
    }
    if (valid && pair.request !== undefined && pair.limit !== undefined && amount(kind, pair.request) > amount(kind, pair.limit)) {
      reportProblem(scope, `${what}.${kind}.request (${render(kind, pair.request)}) is above ${what}.${kind}.limit (${render(kind, pair.limit)})`, 'Request at most the limit');
    }
  }
  return resources;
}

/**
 * `resources` as a container spec or chart values take them: `{ requests: { cpu: '500m', memory: '1Gi' },
 * limits: { memory: '2Gi' } }`, with only the settings that are given.
 */
export function renderResources(resources: ContainerResources): KubeResources {
  const out: { requests?: Record<string, string>; limits?: Record<string, string> } = {};
  for (const [bound, key] of [['request', 'requests'], ['limit', 'limits']] as const) {
    for (const kind of KINDS) {
      const value = resources?.[kind]?.[bound];
      if (value !== undefined) (out[key] ??= {})[KUBE_NAME[kind]] = render(kind, value);
    }
  }
  return out;
}

/** What one pod asks of its node, for the capacity check (`Component.claimCapacity`). */
export function requestsOf(resources: ContainerResources): Requests {
  return { cpu: resources?.cpu?.request, memory: resources?.memory?.request };
}

function amount(kind: Kind, value: unknown): number {
  return kind === 'cpu' ? cpuCores(value as Cpu) : sizeBytes(value as Size);
}

function render(kind: Kind, value: unknown): string {
  return kind === 'cpu' ? cpuQuantity(value as Cpu) : binaryQuantity(value as Size);
}
