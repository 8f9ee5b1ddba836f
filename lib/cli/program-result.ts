import { App } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { constructPath } from '../core/errors';
import { isPlatform } from '../core/platform-context';
import { Fleet } from '../fleet/fleet';
import { ProgramError } from './program-errors';

// What a platform function returned, checked before anything is planned: a function that forgets its
// `return` would otherwise fail deep inside the plan, as "a bug in ballast" that names no file.

/** True for a Promise, or anything else `await` would wait for. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

const EXAMPLE = 'export default (app: App) => new Platform(app, ...)';

/**
 * `value`, the result of the platform function `program` (its file, as shown) called with `app`, when it
 * is a Platform; otherwise a ProgramError that says what it returned and how to return the platform.
 * `resolved`: the function returned a Promise, and `value` is what that Promise resolved to.
 */
export function platformReturned(value: unknown, app: App, program: string, resolved = false): IConstruct {
  if (typeof value === 'object' && value !== null && isPlatform(value as IConstruct)) return value as IConstruct;
  const returned = resolved ? 'returned a Promise of' : 'returned';
  const fail = (problem: string, fix: string): never => {
    throw new ProgramError([{ path: program, problem: `the platform function ${problem}`, fix }]);
  };
  const built = app.node.findAll().find((c) => isPlatform(c));
  if (value === undefined || value === null) {
    if (built) fail(`built the Platform ${constructPath(built)} but ${returned} ${String(value)}`, 'Return it: end the function with `return platform;`, or write it as an arrow function without braces');
    fail(`${returned} ${String(value)}, not a Platform`, `Build the Platform in the app it is given and return it: ${EXAMPLE}`);
  }
  if (Fleet.isFleet(value)) fail(`${returned} a Fleet`, 'Export the Fleet itself (export default new Fleet({...})), not a function that makes it');
  if (value instanceof App || (Construct.isConstruct(value) && value.node.scope === undefined)) {
    fail(`${returned} the cdk8s App, not the Platform${built ? ` ${constructPath(built)}` : ''} in it`, `Return the Platform: ${EXAMPLE}`);
  }
  if (Construct.isConstruct(value)) fail(`${returned} the construct ${constructPath(value)}, which is not a Platform`, `Return the Platform: ${EXAMPLE}`);
  const kind = typeof value === 'object' ? 'an object' : `a ${typeof value}`;
  return fail(`${returned} ${kind}, not a Platform`, `Return the Platform it builds: ${EXAMPLE}`);
}
