import { Component } from '../core/component';
import { ConfigProblem, constructPath } from '../core/errors';

/**
 * Reports every cycle of `deployAfter` calls once: Flux would wait forever on a `dependsOn` cycle and
 * Terraform refuses a dependency cycle, so neither may be written.
 */
export function checkDependencyCycles(components: readonly Component[], problems: ConfigProblem[]): void {
  const done = new Set<Component>();
  const reported = new Set<string>();
  const visit = (c: Component, stack: Component[]) => {
    if (done.has(c)) return;
    const at = stack.indexOf(c);
    if (at >= 0) {
      const cycle = [...stack.slice(at), c].map(constructPath);
      const key = [...new Set(cycle)].sort().join(' ');
      if (!reported.has(key)) {
        reported.add(key);
        problems.push({
          path: cycle[0],
          problem: `its deployAfter calls form a cycle (${cycle.join(' -> ')})`,
          fix: 'Remove one of the deployAfter calls in this cycle',
        });
      }
      return;
    }
    for (const d of c.dependencies) visit(d, [...stack, c]);
    done.add(c);
  };
  for (const c of components) visit(c, []);
}
