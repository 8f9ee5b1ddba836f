import { formatCpu, formatMemory } from '../core/capacity';
import { binaryQuantity, cpuCores, cpuQuantity, sizeBytes } from '../core/quantities';
import { Component } from '../core/component';
import { ConfigProblem, constructPath } from '../core/errors';
import { PlatformContext } from '../core/platform-context';
import { IConstruct } from 'constructs';

/** Share of a pool's capacity above which synth warns (rolling updates and evictions need room). */
const WARN_AT = 0.85;

/**
 * Sums, per node pool with a known size, the requests of every pod placed on it at its maximum replica
 * count, and fails when they do not fit (pods would stay Pending) or warns when little room is left for
 * rolling updates. A pod larger than one node, or more one-per-node pods than nodes, fails too.
 */
export function checkCapacity(platform: PlatformContext & IConstruct, components: readonly Component[], problems: ConfigProblem[], notes: string[]): void {
  const path = constructPath(platform);
  for (const pool of platform.nodePools) {
    const size = pool.config.capacity;
    if (!size) continue;
    const nodeCpu = cpuCores(size.cpu);
    const nodeMemory = sizeBytes(size.memory);
    let cpu = 0;
    let memory = 0;
    const parts: string[] = [];
    for (const c of components) {
      for (const claim of c.capacityClaims.filter((x) => x.pool === pool.name)) {
        const replicas = claim.replicas();
        const podCpu = cpuCores(claim.requests.cpu);
        const podMemory = sizeBytes(claim.requests.memory);
        const cpuText = claim.requests.cpu ? cpuQuantity(claim.requests.cpu) : '0';
        const memoryText = claim.requests.memory ? binaryQuantity(claim.requests.memory) : '0';
        cpu += replicas * podCpu;
        memory += replicas * podMemory;
        parts.push(`${claim.what} ${replicas} x ${cpuText} / ${memoryText}`);
        if (podCpu > nodeCpu || podMemory > nodeMemory) {
          problems.push({
            path: constructPath(c),
            problem: `one pod of ${claim.what} requests ${cpuText} CPU and ${memoryText}, more than a node of pool "${pool.name}" allocates (${cpuQuantity(size.cpu)} CPU, ${binaryQuantity(size.memory)})`,
            fix: 'Lower the requests, or use bigger nodes in the pool',
          });
        }
        if (claim.onePerNode && replicas > size.nodes) {
          problems.push({
            path: constructPath(c),
            problem: `${claim.what} runs ${replicas} pods on different nodes, but pool "${pool.name}" has ${size.nodes}`,
            fix: `Give the pool at least ${replicas} nodes, or run fewer replicas`,
          });
        }
      }
    }
    const totalCpu = size.nodes * nodeCpu;
    const totalMemory = size.nodes * nodeMemory;
    const load = `its workloads request ${formatCpu(cpu)} and ${formatMemory(memory)} at their maximum replicas (${parts.join('; ')}), its ${size.nodes} nodes allocate ${formatCpu(totalCpu)} and ${formatMemory(totalMemory)}`;
    if (cpu > totalCpu || memory > totalMemory) {
      problems.push({ path, problem: `node pool "${pool.name}" is too small: ${load}`, fix: 'Add nodes to the pool, lower requests or maximum replicas, or move workloads to another pool' });
    } else if (cpu > WARN_AT * totalCpu || memory > WARN_AT * totalMemory) {
      notes.push(`node pool "${pool.name}" is over ${WARN_AT * 100}% full: ${load}; a rolling update or an eviction may leave pods Pending`);
    }
  }
}
