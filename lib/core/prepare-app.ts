import { ConfigProblem, problemsOf, ValidationError } from './errors';
import type { Component } from './component';

/**
 * cdk8s' app-wide preparation, once: dependency inference and every construct's validation. cdk8s runs
 * them for the whole app whenever one chart is rendered (its public `Chart.toJson()`), so rendering the
 * first chart prepares all; the objects it returns are dropped (each component renders its own, with its
 * patches checked, in `manifests()`).
 */
export function prepareApp(charts: readonly Component[]): void {
  if (charts.length === 0) return;
  try {
    charts[0].toJson();
  } catch (err) {
    // cdk8s serializes every object here, applying ApiObject.addJsonPatch patches without validation: a
    // patch of a missing path fails deep inside. Each component says which of its objects cannot be rendered.
    let problems: readonly ConfigProblem[];
    try {
      problems = charts.flatMap((c) => problemsOf(() => c.manifests()));
    } catch {
      throw err;
    }
    if (problems.length > 0) throw new ValidationError(problems);
    throw err;
  }
}
