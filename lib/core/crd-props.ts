import type { IConstruct } from 'constructs';
import { reportProblem } from './errors';
import { checkAgainstCrd } from '../model/crd-grammar';

/**
 * Checks an object a construct builds from its props against the CRD of its kind, and reports each value
 * the CRD refuses on `scope` under the name of the prop that set it (`pollingInterval 0.5 is not an
 * integer (the keda.sh CRD says integer, minimum 1)`), where the user typed it. `propOf` names the prop
 * behind a JSON pointer of the object, or returns undefined for a field ballast sets itself (the plan's
 * check of every object reports those). Returns true when it reported a problem.
 */
export function reportCrdPropsProblems(scope: IConstruct, object: { readonly apiVersion: string; readonly kind: string }, propOf: (pointer: string) => string | undefined): boolean {
  const check = checkAgainstCrd(object);
  if (check.status !== 'checked') return false;
  const group = object.apiVersion.split('/')[0];
  let reported = false;
  for (const v of check.violations) {
    const prop = propOf(v.pointer);
    if (prop === undefined) continue;
    reported = true;
    reportProblem(scope, `${prop} ${v.what} (the ${group} CRD says ${v.constraint})`, v.accepted ? `Set ${prop} to ${v.accepted}` : `Set ${prop}`);
  }
  return reported;
}
