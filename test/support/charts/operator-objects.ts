import { Manifest } from '../../../lib/internal';
import { Located } from './cross-references';

/**
 * What operators create at run time from the custom resources ballast writes, as far as other objects
 * point at it: a CloudNativePG `Cluster` named X gets the Services X-rw (primary), X-ro (replicas) and X-r
 * (any instance) on port 5432, and instance pods labelled `cnpg.io/cluster: X` with the `postgresql`
 * (5432) and `metrics` (9187) ports (operator 1.30 documentation). Without them, a route, monitor or
 * connection string that points at a database would look broken.
 */
export function operatorObjects(objects: readonly Located[]): Located[] {
  return objects.flatMap((l): Located[] => {
    const o = l.object;
    if (o.kind !== 'Cluster' || !o.apiVersion.startsWith('postgresql.cnpg.io/')) return [];
    const name = o.metadata.name;
    const namespace = o.metadata.namespace!;
    const source = `CloudNativePG (from ${l.source}: Cluster ${namespace}/${name})`;
    const service = (suffix: string): Located => ({
      source,
      object: { apiVersion: 'v1', kind: 'Service', metadata: { name: `${name}-${suffix}`, namespace }, spec: { ports: [{ name: 'postgres', port: 5432, targetPort: 5432 }] } } as Manifest,
    });
    const pod: Located = {
      source,
      object: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `${name}-1`, namespace, labels: { 'cnpg.io/cluster': name, 'cnpg.io/instanceRole': 'primary' } },
        spec: { containers: [{ name: 'postgres', ports: [{ name: 'postgresql', containerPort: 5432 }, { name: 'metrics', containerPort: 9187 }] }] },
      } as Manifest,
    };
    return [service('rw'), service('ro'), service('r'), pod];
  });
}
