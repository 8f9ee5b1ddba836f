import { Manifest } from '../../../lib';

/** An object of the whole platform (ballast's or a chart's), with where it comes from. */
export interface Located {
  readonly source: string;
  readonly object: Manifest;
}

/** A URL a component exposes (`Component.outputUrls`), with the component's path. */
export interface LocatedUrl {
  readonly component: string;
  readonly name: string;
  readonly url: string;
}

type Labels = Record<string, string>;
interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
}
interface ContainerPort {
  name?: string;
  containerPort: number;
}
interface Container {
  name: string;
  ports?: ContainerPort[];
  env?: { name: string; valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } } }[];
  envFrom?: { secretRef?: { name: string; optional?: boolean } }[];
  args?: string[];
  command?: string[];
}
interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  volumes?: { name: string; secret?: { secretName: string; optional?: boolean; items?: { key: string }[] } }[];
}

/** A pod some object would run: a workload's template, or a Pod. */
interface PodTemplate {
  readonly owner: Located;
  readonly namespace: string;
  readonly labels: Labels;
  readonly spec: PodSpec;
}

const where = (l: Located) => `${l.source}: ${l.object.kind} ${l.object.metadata.namespace ? `${l.object.metadata.namespace}/` : ''}${l.object.metadata.name}`;
const showLabels = (labels: Labels) => `{${Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(', ')}}`;
const matches = (labels: Labels | undefined, selector: Labels) => Object.entries(selector).every(([k, v]) => labels?.[k] === v);

/** The pod templates of workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob) and Pods. */
function podTemplates(objects: readonly Located[]): PodTemplate[] {
  return objects.flatMap((l): PodTemplate[] => {
    const o = l.object as Manifest & { spec?: any };
    const namespace = o.metadata.namespace ?? '';
    if (o.kind === 'Pod') return [{ owner: l, namespace, labels: (o.metadata.labels ?? {}) as Labels, spec: o.spec ?? {} }];
    const template = o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template : ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'].includes(o.kind) ? o.spec?.template : undefined;
    return template ? [{ owner: l, namespace, labels: template.metadata?.labels ?? {}, spec: template.spec ?? {} }] : [];
  });
}

/**
 * Every name that ballast's objects and outputs point at, checked against what ballast and the charts
 * really create; each broken reference is one line naming both ends:
 * - IngressRoute services (Service and port) and Middlewares;
 * - PodMonitor / ServiceMonitor selectors (some pod or Service carries the labels) and their port names;
 * - Secret references of every pod and Middleware (the Secret and the key exist), unless a Job of the
 *   same namespace creates that Secret at run time (a chart's certificate hook, say);
 * - output URLs: an in-cluster URL reaches a Service port, a public URL a route's host.
 */
export function crossReferences(objects: readonly Located[], urls: readonly LocatedUrl[] = []): string[] {
  const problems: string[] = [];
  const of = (kind: string, namespace: string) => objects.filter((l) => l.object.kind === kind && (l.object.metadata.namespace ?? '') === namespace);
  const named = (kind: string, namespace: string, name: string) => of(kind, namespace).find((l) => l.object.metadata.name === name);
  const pods = podTemplates(objects);
  const servicePorts = (svc: Located) => ((svc.object.spec as { ports?: ServicePort[] })?.ports ?? []);
  const describePorts = (svc: Located) => servicePorts(svc).map((p) => `${p.name ?? '(unnamed)'} ${p.port}`).join(', ') || 'none';
  const listOf = (kind: string, namespace: string) => of(kind, namespace).map((l) => l.object.metadata.name).join(', ') || 'none';

  const checkServicePort = (from: string, namespace: string, name: string, port: number | string | undefined) => {
    const svc = named('Service', namespace, name);
    if (!svc) {
      problems.push(`${from} -> Service ${namespace}/${name}: no such Service (Services in ${namespace}: ${listOf('Service', namespace)})`);
      return;
    }
    if (port === undefined) return;
    const ok = servicePorts(svc).some((p) => (typeof port === 'number' ? p.port === port : p.name === port));
    if (!ok) problems.push(`${from} -> Service ${namespace}/${name} port ${port}: ${where(svc)} has no such port (its ports: ${describePorts(svc)})`);
  };

  // IngressRoutes: backends and Middlewares.
  for (const l of objects.filter((x) => x.object.kind === 'IngressRoute')) {
    const ns = l.object.metadata.namespace ?? '';
    const routes = ((l.object.spec as { routes?: any[] })?.routes ?? []) as {
      services?: { kind?: string; name: string; namespace?: string; port?: number | string }[];
      middlewares?: { name: string; namespace?: string }[];
    }[];
    for (const route of routes) {
      for (const s of route.services ?? []) {
        if ((s.kind ?? 'Service') === 'Service') checkServicePort(where(l), s.namespace ?? ns, s.name, s.port);
        else if (!s.name.includes('@') && !named('TraefikService', s.namespace ?? ns, s.name)) {
          problems.push(`${where(l)} -> TraefikService ${s.namespace ?? ns}/${s.name}: no such TraefikService`);
        }
      }
      for (const m of route.middlewares ?? []) {
        if (!named('Middleware', m.namespace ?? ns, m.name)) {
          problems.push(`${where(l)} -> Middleware ${m.namespace ?? ns}/${m.name}: no such Middleware (Middlewares there: ${listOf('Middleware', m.namespace ?? ns)})`);
        }
      }
    }
  }

  // Monitors: what they select exists, with the port they scrape.
  const selectedNamespaces = (l: Located): string[] | 'any' => {
    const sel = (l.object.spec as { namespaceSelector?: { any?: boolean; matchNames?: string[] } })?.namespaceSelector;
    return sel?.any ? 'any' : sel?.matchNames?.length ? sel.matchNames : [l.object.metadata.namespace ?? ''];
  };
  const inNamespaces = (namespaces: string[] | 'any', ns: string) => namespaces === 'any' || namespaces.includes(ns);
  for (const l of objects.filter((x) => x.object.kind === 'PodMonitor')) {
    const spec = l.object.spec as { selector?: { matchLabels?: Labels }; podMetricsEndpoints?: { port?: string }[] };
    const selector = spec.selector?.matchLabels ?? {};
    const namespaces = selectedNamespaces(l);
    const selected = pods.filter((p) => inNamespaces(namespaces, p.namespace) && matches(p.labels, selector));
    if (selected.length === 0) {
      const nearby = pods.filter((p) => inNamespaces(namespaces, p.namespace)).map((p) => `${p.owner.object.kind} ${p.owner.object.metadata.name} ${showLabels(p.labels)}`);
      problems.push(`${where(l)} selects pods ${showLabels(selector)}, which no workload has (pods there: ${nearby.join('; ') || 'none'})`);
      continue;
    }
    for (const e of spec.podMetricsEndpoints ?? []) {
      if (e.port === undefined) continue;
      const ports = selected.flatMap((p) => (p.spec.containers ?? []).flatMap((c) => (c.ports ?? []).map((cp) => cp.name)));
      if (!ports.includes(e.port)) {
        problems.push(`${where(l)} scrapes port ${e.port}, which the selected pods (${selected.map((p) => where(p.owner)).join('; ')}) do not name (their ports: ${[...new Set(ports.filter(Boolean))].join(', ') || 'none'})`);
      }
    }
  }
  for (const l of objects.filter((x) => x.object.kind === 'ServiceMonitor')) {
    const spec = l.object.spec as { selector?: { matchLabels?: Labels }; endpoints?: { port?: string }[] };
    const selector = spec.selector?.matchLabels ?? {};
    const namespaces = selectedNamespaces(l);
    const selected = objects.filter((x) => x.object.kind === 'Service' && inNamespaces(namespaces, x.object.metadata.namespace ?? '') && matches(x.object.metadata.labels as Labels, selector));
    if (selected.length === 0) {
      problems.push(`${where(l)} selects Services ${showLabels(selector)}, which no Service has`);
      continue;
    }
    for (const e of spec.endpoints ?? []) {
      if (e.port !== undefined && !selected.some((svc) => servicePorts(svc).some((p) => p.name === e.port))) {
        problems.push(`${where(l)} scrapes port ${e.port}, which the selected Services (${selected.map(where).join('; ')}) do not name`);
      }
    }
  }

  // Secrets: every reference resolves to a Secret with that key.
  const createdByJob = (namespace: string, name: string) =>
    pods.some((p) => p.namespace === namespace && ['Job', 'CronJob'].includes(p.owner.object.kind) && JSON.stringify(p.spec.containers ?? []).includes(name));
  const checkSecret = (from: string, namespace: string, name: string, key?: string) => {
    const secret = named('Secret', namespace, name);
    if (!secret) {
      if (!createdByJob(namespace, name)) problems.push(`${from} -> Secret ${namespace}/${name}: no such Secret (Secrets there: ${listOf('Secret', namespace)})`);
      return;
    }
    const s = secret.object as Manifest & { data?: Labels; stringData?: Labels };
    const keys = [...Object.keys(s.data ?? {}), ...Object.keys(s.stringData ?? {})];
    if (key !== undefined && !keys.includes(key)) problems.push(`${from} -> Secret ${namespace}/${name} key ${key}: ${where(secret)} has no such key (its keys: ${keys.join(', ') || 'none'})`);
  };
  for (const p of pods) {
    const from = where(p.owner);
    for (const c of [...(p.spec.containers ?? []), ...(p.spec.initContainers ?? [])]) {
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        if (ref && !ref.optional) checkSecret(`${from} container ${c.name} env ${e.name}`, p.namespace, ref.name, ref.key);
      }
      for (const e of c.envFrom ?? []) {
        if (e.secretRef && !e.secretRef.optional) checkSecret(`${from} container ${c.name} envFrom`, p.namespace, e.secretRef.name);
      }
    }
    for (const v of p.spec.volumes ?? []) {
      if (!v.secret || v.secret.optional) continue;
      const items = v.secret.items ?? [];
      if (items.length === 0) checkSecret(`${from} volume ${v.name}`, p.namespace, v.secret.secretName);
      items.forEach((i) => checkSecret(`${from} volume ${v.name}`, p.namespace, v.secret!.secretName, i.key));
    }
  }
  for (const l of objects.filter((x) => x.object.kind === 'Middleware')) {
    const spec = l.object.spec as { basicAuth?: { secret?: string }; digestAuth?: { secret?: string } };
    for (const auth of [spec.basicAuth, spec.digestAuth]) {
      // Traefik reads the htpasswd lines from the key `users`.
      if (auth?.secret) checkSecret(where(l), l.object.metadata.namespace ?? '', auth.secret, 'users');
    }
  }

  // Output URLs: in-cluster ones reach a Service port, public ones a route.
  for (const u of urls) {
    const from = `${u.component} output ${u.name} (${u.url})`;
    const url = new URL(u.url);
    const m = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc(\.cluster\.local)?$/.exec(url.hostname);
    if (m) {
      const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
      checkServicePort(from, m[2], m[1], port);
    } else if (!objects.some((l) => l.object.kind === 'IngressRoute' && JSON.stringify(l.object.spec).includes(`Host(\`${url.hostname}\`)`))) {
      problems.push(`${from}: no IngressRoute answers host ${url.hostname}`);
    }
  }
  return problems;
}
