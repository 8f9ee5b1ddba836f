import { Size, SizeRoundingBehavior } from 'cdk8s';
import type { ContainerResources, Cpu } from 'cdk8s-plus-27';
import type { IConstruct } from 'constructs';
import { parseCpu, parseMemory, Requests } from '../../core/capacity';
import { reportProblem } from '../../core/errors';
import { quantityProblem } from '../../core/grammar';

/** Requests and limits as the API takes them: quantity strings. */
export interface ResourceStrings {
  readonly requests: Requests;
  readonly limits: Requests;
}

/** The checked resources: what is safe to give cdk8s-plus, and the same as quantity strings. */
export interface CheckedResources {
  /** `resources` without the values that were reported (cdk8s-plus would throw on them, or render nonsense). */
  readonly resources: ContainerResources;
  readonly quantities: ResourceStrings;
}

const CPU_FIX = 'Use Cpu.millis(n) or Cpu.units(n) of cdk8s-plus-27, e.g. Cpu.millis(250)';
const MEMORY_FIX = 'Use a Size of whole mebibytes, e.g. Size.mebibytes(512) or Size.gibibytes(2)';

function isCpu(value: unknown): value is Cpu {
  return typeof value === 'object' && value !== null && typeof (value as Cpu).amount === 'string';
}

function isSize(value: unknown): value is Size {
  return typeof value === 'object' && value !== null && typeof (value as Size).toMebibytes === 'function';
}

/**
 * Checks the CPU and memory of a container given as cdk8s-plus `ContainerResources` (`Cpu`, `Size`) and
 * reports on `scope` what the API server would refuse or cdk8s-plus cannot render: a value of another type
 * (a string from untyped JavaScript), a CPU amount that is no quantity (`Cpu.units(-1)`), memory that is
 * not whole mebibytes (cdk8s-plus writes memory in Mi and throws on a fraction), a request above its limit.
 */
export function checkContainerResources(scope: IConstruct, resources: ContainerResources, what = 'resources'): CheckedResources {
  const cpu: { request?: Cpu; limit?: Cpu } = {};
  const memory: { request?: Size; limit?: Size } = {};
  const requests: { cpu?: string; memory?: string } = {};
  const limits: { cpu?: string; memory?: string } = {};
  const bounds = { request: requests, limit: limits } as const;
  for (const bound of ['request', 'limit'] as const) {
    const c: unknown = resources?.cpu?.[bound];
    if (c !== undefined) {
      const problem = isCpu(c) ? quantityProblem(c.amount, 'cpu') : `is ${JSON.stringify(c)}, not a Cpu`;
      if (problem) reportProblem(scope, `${what}.cpu.${bound} ${problem}`, CPU_FIX);
      else {
        cpu[bound] = c as Cpu;
        bounds[bound].cpu = (c as Cpu).amount;
      }
    }
    const m: unknown = resources?.memory?.[bound];
    if (m !== undefined) {
      const mib = isSize(m) ? m.toMebibytes({ rounding: SizeRoundingBehavior.NONE }) : undefined;
      if (mib === undefined) reportProblem(scope, `${what}.memory.${bound} is ${JSON.stringify(m)}, not a Size`, MEMORY_FIX);
      else if (!Number.isInteger(mib) || mib < 1) reportProblem(scope, `${what}.memory.${bound} ${(m as Size).asString()} is not a whole number of mebibytes, 1 or more`, MEMORY_FIX);
      else {
        memory[bound] = m as Size;
        bounds[bound].memory = `${mib}Mi`;
      }
    }
  }
  if (resources?.ephemeralStorage !== undefined) {
    reportProblem(scope, `${what}.ephemeralStorage is set, which ballast does not pass on`, 'Leave it out: ballast sets CPU and memory, and counts them against the node pools');
  }
  for (const kind of ['cpu', 'memory'] as const) {
    const parse = kind === 'cpu' ? parseCpu : parseMemory;
    const request = requests[kind] === undefined ? undefined : parse(requests[kind]!);
    const limit = limits[kind] === undefined ? undefined : parse(limits[kind]!);
    if (request !== undefined && limit !== undefined && request > limit) {
      reportProblem(scope, `${what}.${kind}.request is above ${what}.${kind}.limit`, 'Request at most the limit');
    }
  }
  const checked: ContainerResources = {
    ...(cpu.request || cpu.limit ? { cpu } : {}),
    ...(memory.request || memory.limit ? { memory } : {}),
  };
  return { resources: checked, quantities: { requests, limits } };
}

/** Memory in mebibytes as a quantity: `2Gi` when whole gibibytes, else `512Mi`. */
export function memoryQuantity(mebibytes: string): string {
  const mib = Number(mebibytes.replace(/Mi$/, ''));
  return mib % 1024 === 0 ? `${mib / 1024}Gi` : `${mib}Mi`;
}

/** Requests and limits as an object of the API, without empty halves. */
export function resourceRequirements(q: ResourceStrings, format: (memory: string) => string = (m) => m): Record<string, Record<string, string>> {
  const half = (r: Requests) => ({ ...(r.cpu ? { cpu: r.cpu } : {}), ...(r.memory ? { memory: format(r.memory) } : {}) });
  const requests = half(q.requests);
  const limits = half(q.limits);
  return { ...(Object.keys(requests).length ? { requests } : {}), ...(Object.keys(limits).length ? { limits } : {}) };
}
