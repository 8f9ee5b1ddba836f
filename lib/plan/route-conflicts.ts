import { Component } from '../core/component';
import { ConfigProblem, constructPath } from '../core/errors';
import type { Manifest } from '../model/manifest';

/** A route that answers one host and one path, and where it comes from. */
interface RouteKey {
  readonly owner: string;
  readonly entryPoints: readonly string[] | 'all';
  readonly host: string;
  readonly path: string;
}

/** `Host(`h`)`, optionally `&& PathPrefix(`/p`)` or `&& Path(`/p`)`: the rules ballast writes. */
const SIMPLE_RULE = /^Host\(`([^`]+)`\)(?:\s*&&\s*(PathPrefix|Path)\(`([^`]+)`\))?$/;

function routeKeys(component: Component, route: Manifest): RouteKey[] {
  const spec = (route.spec ?? {}) as { entryPoints?: string[]; routes?: { match?: string }[] };
  const owner = `IngressRoute "${route.metadata.name}" of ${constructPath(component)}`;
  const entryPoints = spec.entryPoints?.length ? spec.entryPoints : 'all';
  return (spec.routes ?? []).flatMap((r) => {
    // Rules with more conditions (headers, methods...) may share a host and path on purpose.
    const m = SIMPLE_RULE.exec((r.match ?? '').trim());
    return m ? [{ owner, entryPoints, host: m[1].toLowerCase(), path: `${m[2] ?? 'PathPrefix'}(${m[3] ?? '/'})` }] : [];
  });
}

function overlap(a: RouteKey['entryPoints'], b: RouteKey['entryPoints']): boolean {
  return a === 'all' || b === 'all' || a.some((e) => b.includes(e));
}

/**
 * Two IngressRoutes that answer the same host and path on a shared entry point: Traefik would pick one of
 * them silently (equal rule length, equal priority), so synth refuses it and names both.
 */
export function checkRouteConflicts(objects: readonly { component: Component; manifest: Manifest }[], problems: ConfigProblem[]): void {
  // Routes seen so far by host and path: a lookup per route keeps the check linear in the routes.
  const seen = new Map<string, RouteKey[]>();
  for (const { component, manifest } of objects) {
    if (manifest.kind !== 'IngressRoute' || !manifest.apiVersion.startsWith('traefik.io/')) continue;
    for (const key of routeKeys(component, manifest)) {
      const sameTarget = seen.get(`${key.host} ${key.path}`);
      const other = sameTarget?.find((s) => overlap(s.entryPoints, key.entryPoints));
      if (other && other.owner !== key.owner) {
        problems.push({
          path: constructPath(component),
          problem: `${key.owner} answers host "${key.host}" with ${key.path}, as ${other.owner} already does`,
          fix: 'Give one of the routes another host or path prefix',
        });
      } else if (!other) {
        if (sameTarget) sameTarget.push(key);
        else seen.set(`${key.host} ${key.path}`, [key]);
      }
    }
  }
}
