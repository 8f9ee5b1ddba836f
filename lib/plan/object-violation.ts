/** One value of an object that its consumer (a CRD, the API server, Flux, Prometheus) refuses. */
export interface ObjectViolation {
  /** JSON pointer of the value in the object, e.g. `/spec/pollingInterval`. */
  readonly pointer: string;
  /** What is wrong with it, e.g. `is 0.5, not an integer`. */
  readonly what: string;
  /** Who says so and what they accept, e.g. `the keda.sh CRD says integer, minimum 1`. */
  readonly why: string;
  /** What to do, without a capital, e.g. `set /spec/pollingInterval to a whole number of at least 1`. */
  readonly fix: string;
}

/** The problem and fix of an object with `violations`: every one in one sentence each, all at once. */
export function violationsProblem(kind: string, name: string, violations: readonly ObjectViolation[]): { problem: string; fix: string } {
  const problem = `${kind} "${name}" ${violations.map((v) => `${v.pointer} ${v.what} (${v.why})`).join('; ')}`;
  const fixes = [...new Set(violations.map((v) => v.fix))].join('; ');
  return { problem, fix: `${fixes.charAt(0).toUpperCase()}${fixes.slice(1)}, in the props or the patch that sets it (patchObject, patchHelmRelease)` };
}
