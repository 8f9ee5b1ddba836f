import { ApiObject, Chart, DependencyGraph } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * The ApiObjects of `chart` (not of charts nested in it) in the order cdk8s synthesizes them: the
 * topology of the chart's dependency graph, as `Chart.toJson()` gives it.
 *
 * Without a dependency between two constructs of the chart, every construct is a root of that graph and
 * the topology is the chart's pre-order walk, so the graph (a vertex, a path string and a route search
 * per construct) is only built when such a dependency exists. Same order, a fraction of the work; the
 * snapshot and determinism tests hold it to cdk8s' order.
 */
export function chartObjects(chart: Chart): ApiObject[] {
  const all = chart.node.findAll();
  const ordered = hasInnerDependency(all) ? new DependencyGraph(chart.node).topology() : all;
  return ordered.filter((x): x is ApiObject => ApiObject.isApiObject(x) && Chart.of(x) === chart);
}

function hasInnerDependency(constructs: readonly IConstruct[]): boolean {
  let inside: Set<IConstruct> | undefined;
  for (const c of constructs) {
    const dependencies = c.node.dependencies;
    if (dependencies.length === 0) continue;
    inside ??= new Set(constructs);
    if (dependencies.some((d) => inside!.has(d))) return true;
  }
  return false;
}
