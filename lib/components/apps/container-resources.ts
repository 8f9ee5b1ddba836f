import { Size, SizeRoundingBehavior } from 'cdk8s';
import type { ContainerResources } from 'cdk8s-plus-27';
import type { IConstruct } from 'constructs';
import { reportProblem } from '../../core/errors';
import { sizeProblem } from '../../core/quantities';
import { requireResources } from '../../core/resource-checks';

const MEMORY_FIX = 'Use a Size of whole mebibytes, e.g. Size.mebibytes(512) or Size.gibibytes(2)';

/**
 * Checks the CPU and memory of a container that cdk8s-plus renders (a WebService's): everything
 * `requireResources` checks, and what cdk8s-plus adds: it writes memory in mebibytes and throws on a
 * fraction of one, and ballast passes no ephemeral storage on. Reports on `scope`; returns `resources`.
 */
export function checkContainerResources(scope: IConstruct, resources: ContainerResources, what = 'resources'): ContainerResources {
  requireResources(scope, resources, what);
  for (const bound of ['request', 'limit'] as const) {
    const memory: unknown = resources?.memory?.[bound];
    if (memory === undefined || sizeProblem(memory) !== undefined) continue;
    const mib = (memory as Size).toMebibytes({ rounding: SizeRoundingBehavior.NONE });
    if (!Number.isInteger(mib)) reportProblem(scope, `${what}.memory.${bound} ${(memory as Size).asString()} is not a whole number of mebibytes`, MEMORY_FIX);
  }
  if (resources?.ephemeralStorage !== undefined) {
    reportProblem(scope, `${what}.ephemeralStorage is set, which ballast does not pass on`, 'Leave it out: ballast sets CPU and memory, and counts them against the node pools');
  }
  return resources;
}
