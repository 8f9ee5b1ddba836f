import { Chart } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { reportProblem } from './errors';

/**
 * True when `scope` is inside a component (a cdk8s Chart), where its objects can be created. Otherwise
 * reports that no backend would deploy its `kind` (cdk8s itself would throw a bare "cannot find a parent
 * chart" from deep inside), and the construct creates nothing.
 */
export function insideComponent(scope: IConstruct, kind: string, fix: string): boolean {
  if (scope.node.scopes.some((s) => Chart.isChart(s))) return true;
  reportProblem(scope, `it is not inside a component, so no backend would deploy its ${kind}`, fix);
  return false;
}

/** The namespace of the component (cdk8s Chart) `c` is in, `c` itself included; undefined outside any. */
export function namespaceOf(c: IConstruct): string | undefined {
  // cdk8s' own lookup of the nearest chart, which throws outside any.
  return c.node.scopes.some((s) => Chart.isChart(s)) ? Chart.of(c).namespace : undefined;
}
