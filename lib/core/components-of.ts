import { IConstruct } from 'constructs';
import { Component } from './component';

/** The components under `root`, in construct-path order. */
export function componentsOf(root: IConstruct): Component[] {
  return componentsAmong(root.node.findAll());
}

/** The components among `constructs`, in construct-path order. */
export function componentsAmong(constructs: readonly IConstruct[]): Component[] {
  // A construct's path is built from its scopes on every read: read it once per component, not per comparison.
  return constructs
    .filter((c): c is Component => Component.isComponent(c))
    .map((c) => ({ c, path: c.node.path }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map(({ c }) => c);
}

/** The nearest component `scope` is built in (itself included), if any. */
export function enclosingComponent(scope: IConstruct): Component | undefined {
  return scope.node.scopes.slice().reverse().find((s): s is Component => Component.isComponent(s));
}
