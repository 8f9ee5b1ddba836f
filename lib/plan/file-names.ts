import { Component } from '../core/component';
import { isPlatform } from '../core/platform-context';

/** A component's file name: its construct path below the platform, e.g. `traefik` or `flux-operator`. */
export function componentFileName(component: Component): string {
  const scopes = component.node.scopes;
  const start = scopes.findIndex((s) => isPlatform(s)) + 1;
  return scopes
    .slice(start)
    .map((s) => s.node.id)
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-');
}
