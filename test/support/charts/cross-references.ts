import { parse } from 'yaml';
import { CatalogChart, DASHBOARD_LABEL, Manifest } from '../../../lib/internal';
import { panelsOf } from '../promql';

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

/** The URLs every component of a platform registered (`Component.outputUrls`), with their component. */
export function outputUrlsOf(components: readonly { node: { path: string }; outputUrls: readonly { name: string; url: string }[] }[]): LocatedUrl[] {
  return components.flatMap((c) => c.outputUrls.map((u) => ({ component: c.node.path, name: u.name, url: u.url })));
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
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } } }[];
  ports?: ContainerPort[];
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
 * - output URLs, and URLs a pod gets as an env value (JDBC, libpq, http): an in-cluster one reaches a
 *   Service port, a public one a route's host;
 * - Grafana: every dashboard ConfigMap is loaded by a dashboard sidecar (its LABEL, LABEL_VALUE and
 *   NAMESPACE), every datasource uid its panels query is provisioned by a datasource ConfigMap, and that
 *   datasource's URL reaches a Service port.
 */
export function crossReferences(rendered: readonly Located[], urls: readonly LocatedUrl[] = [], runtime: readonly Located[] = []): string[] {
  const problems: string[] = [];
  // What controllers create at run time (declared per chart in the catalog, with the reason) counts as there.
  const objects = [...rendered, ...runtime];
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

  // Services: their selector picks pods, and a named targetPort is a port of those pods.
  for (const svc of objects.filter((x) => x.object.kind === 'Service')) {
    const spec = svc.object.spec as { selector?: Labels; ports?: ServicePort[]; type?: string };
    if (!spec.selector || Object.keys(spec.selector).length === 0) continue;
    const ns = svc.object.metadata.namespace ?? '';
    const selected = pods.filter((p) => p.namespace === ns && matches(p.labels, spec.selector!));
    if (selected.length === 0) {
      // A chart's Service of pods an operator creates (Prometheus, Alertmanager...) has no template here.
      if (svc.source.startsWith('dist/')) problems.push(`${where(svc)} selects pods ${showLabels(spec.selector)}, which no workload has`);
      continue;
    }
    for (const port of spec.ports ?? []) {
      if (typeof port.targetPort !== 'string') continue;
      const names = selected.flatMap((p) => (p.spec.containers ?? []).flatMap((c) => (c.ports ?? []).map((cp) => cp.name)));
      if (!names.includes(port.targetPort)) {
        problems.push(`${where(svc)} port ${port.name ?? port.port} -> targetPort ${port.targetPort}: the selected pods (${selected.map((p) => where(p.owner)).join('; ')}) name no such port`);
      }
    }
  }

  // Autoscalers: their target workload exists.
  for (const l of objects.filter((x) => ['HorizontalPodAutoscaler', 'ScaledObject'].includes(x.object.kind))) {
    const ref = (l.object.spec as { scaleTargetRef?: { kind?: string; name: string } }).scaleTargetRef;
    if (ref && !named(ref.kind ?? 'Deployment', l.object.metadata.namespace ?? '', ref.name)) {
      problems.push(`${where(l)} -> ${ref.kind ?? 'Deployment'} ${l.object.metadata.namespace}/${ref.name}: no such workload`);
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
  const checkUrl = (from: string, raw: string, namespace?: string) => {
    const url = new URL(raw);
    const defaultPort: Record<string, number> = { 'https:': 443, 'postgresql:': 5432, 'postgres:': 5432 };
    const port = url.port ? Number(url.port) : (defaultPort[url.protocol] ?? 80);
    // <service>.<namespace>[.svc[.cluster.local]], or a bare <service> seen from `namespace`.
    const m = /^([a-z0-9-]+)(?:\.([a-z0-9-]+)(?:\.svc(?:\.cluster\.local)?)?)?$/.exec(url.hostname);
    if (m && (m[2] || namespace)) checkServicePort(from, m[2] ?? namespace!, m[1], port);
    else if (!objects.some((l) => l.object.kind === 'IngressRoute' && JSON.stringify(l.object.spec).includes(`Host(\`${url.hostname}\`)`))) {
      problems.push(`${from}: no IngressRoute answers host ${url.hostname}`);
    }
  };
  for (const u of urls) checkUrl(`${u.component} output ${u.name} (${u.url})`, u.url.replace(/^jdbc:/, ''));
  // Connection strings a pod receives as a plain env value (a chart's JDBC URL, an API's base URL).
  for (const p of pods) {
    for (const c of [...(p.spec.containers ?? []), ...(p.spec.initContainers ?? [])]) {
      for (const e of c.env ?? []) {
        const m = /^(?:jdbc:)?((?:postgresql|postgres|https?):\/\/[^\s;]+)$/.exec(e.value ?? '');
        // localhost is the pod itself (a sidecar reaching Grafana in the same pod): nothing to resolve.
        if (m && IN_POD_HOSTS.includes(new URL(m[1].replace(/\$\([A-Za-z_][A-Za-z0-9_]*\)/g, 'x')).hostname)) continue;
        if (m) checkUrl(`${where(p.owner)} container ${c.name} env ${e.name} (${e.value})`, m[1].replace(/\$\([A-Za-z_][A-Za-z0-9_]*\)/g, 'x'), p.namespace);
      }
    }
  }

  // Grafana: each dashboard ConfigMap is loaded by a dashboard sidecar, and each datasource uid its
  // panels query is provisioned, at a URL that reaches a Service port.
  const sidecars = pods.flatMap((p) =>
    [...(p.spec.containers ?? []), ...(p.spec.initContainers ?? [])]
      .filter((c) => (c.env ?? []).some((e) => e.name === 'LABEL'))
      .map((c) => {
        const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value ?? '']));
        return { where: `${where(p.owner)} container ${c.name}`, namespace: p.namespace, env };
      }),
  );
  const loads = (s: (typeof sidecars)[number], cm: Located) => {
    const labels = (cm.object.metadata.labels ?? {}) as Labels;
    const ns = cm.object.metadata.namespace ?? '';
    const searched = !s.env.NAMESPACE ? [s.namespace] : s.env.NAMESPACE === 'ALL' ? 'any' : s.env.NAMESPACE.split(',').map((n) => n.trim());
    return labels[s.env.LABEL] !== undefined && (!s.env.LABEL_VALUE || labels[s.env.LABEL] === s.env.LABEL_VALUE) && inNamespaces(searched, ns) && (s.env.RESOURCE ?? 'both') !== 'secret';
  };
  const dashboards = objects.filter((l) => l.object.kind === 'ConfigMap' && (l.object.metadata.labels as Labels | undefined)?.[DASHBOARD_LABEL.name] !== undefined);
  const provisioned = new Map<string, { url: string; source: Located }>();
  for (const l of objects.filter((x) => x.object.kind === 'ConfigMap' && (x.object.metadata.labels as Labels | undefined)?.grafana_datasource !== undefined)) {
    for (const text of Object.values((l.object as { data?: Labels }).data ?? {})) {
      const doc = parse(text) as { datasources?: { uid?: string; url?: string }[] } | null;
      for (const d of doc?.datasources ?? []) if (d.uid && d.url) provisioned.set(d.uid, { url: d.url, source: l });
    }
  }
  for (const [uid, d] of provisioned) checkUrl(`${where(d.source)} datasource ${uid} (${d.url})`, d.url, d.source.object.metadata.namespace);
  for (const cm of dashboards) {
    if (!sidecars.some((s) => loads(s, cm))) {
      const seen = sidecars.map((s) => `${s.where} LABEL=${s.env.LABEL} LABEL_VALUE=${s.env.LABEL_VALUE ?? ''} NAMESPACE=${s.env.NAMESPACE ?? '(own)'}`);
      problems.push(`${where(cm)} is loaded by no dashboard sidecar (sidecars: ${seen.join('; ') || 'none'})`);
    }
    for (const [key, text] of Object.entries((cm.object as { data?: Labels }).data ?? {})) {
      const json = JSON.parse(text) as { panels?: unknown[] };
      const uids = new Set(panelsOf(json as never).flatMap((p) => [p.datasource?.uid, ...(p.targets ?? []).map((t) => t.datasource?.uid)]).filter((u): u is string => !!u));
      for (const uid of uids) {
        if (isGrafanaBuiltInOrVariable(uid)) continue;
        if (!provisioned.has(uid)) problems.push(`${where(cm)} ${key} -> datasource ${uid}: no chart provisions a datasource with that uid (provisioned: ${[...provisioned.keys()].join(', ') || 'none'})`);
      }
    }
  }
  return problems;
}

/** Hosts that are the pod itself. */
const IN_POD_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/**
 * A datasource uid that no chart provisions by design: a dashboard template variable (`$datasource`,
 * `${datasource}`, `[[datasource]]`, chosen by the user in Grafana), or one of Grafana's built-in
 * datasources (`-- Mixed --`, `-- Grafana --`, `-- Dashboard --`, whose uids are `-- Mixed --`, `grafana`
 * and `-- Dashboard --`).
 */
export function isGrafanaBuiltInOrVariable(uid: string): boolean {
  return /^\$\{?[A-Za-z0-9_]+(:[a-z]+)?\}?$/.test(uid) || /^\[\[[A-Za-z0-9_]+\]\]$/.test(uid) || ['-- Mixed --', '-- Grafana --', '-- Dashboard --', 'grafana'].includes(uid);
}

/** The objects the charts of `releases` declare that their controllers create at run time, as Located objects. */
export function runtimeObjectsOf(releases: readonly { readonly chart: CatalogChart; readonly releaseName: string; readonly namespace: string }[]): Located[] {
  return releases.flatMap((r) =>
    (r.chart.runtimeObjects ?? []).map((o) => ({
      source: `${r.chart.chart} at run time (${o.reason})`,
      object: {
        apiVersion: 'v1',
        kind: o.kind,
        metadata: { name: o.name.replace('{release}', r.releaseName), namespace: o.namespace ?? r.namespace, ...(o.labels ? { labels: { ...o.labels } } : {}) },
        ...(o.kind === 'Service' ? { spec: { ports: (o.ports ?? []).map((p) => ({ ...p })) } } : {}),
      } as Manifest,
    })),
  );
}
