import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { HelmValues, Manifest, mergeValues } from '../../../lib/internal';
import { chartValues, hasSharedFile, sharedFile } from '../shared-data';
import { podName, PodTemplate } from './pod-security';
import { releaseLabel, SynthesizedRelease } from './synthesized-releases';

/**
 * The dependencies an unpacked chart lacks under its charts/ folder (helm template refuses such a chart:
 * "found in Chart.yaml, but missing in charts/"); an archive as helm pull writes it is complete.
 */
export function missingDependencies(where: string): string[] {
  if (!fs.statSync(where).isDirectory()) return [];
  const meta = parse(fs.readFileSync(path.join(where, 'Chart.yaml'), 'utf8')) as { dependencies?: { name: string }[] };
  const sub = path.join(where, 'charts');
  const present = fs.existsSync(sub) ? fs.readdirSync(sub) : [];
  return (meta.dependencies ?? []).map((d) => d.name).filter((name) => !present.some((p) => p === name || (p.startsWith(`${name}-`) && p.endsWith('.tgz'))));
}

/**
 * A copy of an unpacked chart in a new temporary folder, with a chart without templates for each
 * dependency it lacks (its Chart.yaml, and its values.yaml from the reference data when that has it: the
 * parent's templates read some subchart values), so that `helm template` renders everything else of it.
 * The caller removes the folder.
 */
export function withEmptyDependencies(where: string, missing: readonly string[]): string {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'ballast-chart-'));
  fs.cpSync(where, copy, { recursive: true });
  // The cache is read-only: the copy keeps the modes, and must be writable to add the stand-ins.
  fs.chmodSync(copy, 0o755);
  fs.chmodSync(path.join(copy, 'charts'), 0o755);
  const meta = parse(fs.readFileSync(path.join(where, 'Chart.yaml'), 'utf8')) as { dependencies?: { name: string; version: string }[] };
  for (const name of missing) {
    const dep = meta.dependencies!.find((d) => d.name === name)!;
    const dir = path.join(copy, 'charts', name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'Chart.yaml'), stringify({ apiVersion: 'v2', name, version: dep.version.replace(/\*/g, '0'), description: 'stand-in without templates' }));
    if (hasSharedFile(`charts/${name}/values.yaml`)) fs.writeFileSync(path.join(dir, 'values.yaml'), sharedFile(`charts/${name}/values.yaml`));
  }
  return copy;
}

type Obj = Record<string, any>;

/**
 * The values a subchart of `release` gets: its own defaults (the reference data's values.yaml of the
 * pinned subchart), the parent chart's values under its name, then the release's.
 */
function subchartValues(release: SynthesizedRelease, parentDefaults: HelmValues, name: string): Obj {
  const own = chartValues(name) as HelmValues;
  return mergeValues(mergeValues(own, (parentDefaults[name] as HelmValues) ?? {}), (release.values[name] as HelmValues) ?? {}) as Obj;
}

function pod(release: SynthesizedRelease, chart: string, kind: string, name: string, namespace: string, spec: Obj): PodTemplate {
  return {
    source: `${releaseLabel(release)}: ${chart} subchart STAND-IN (not in the chart cache; built from its values.yaml in the reference data)`,
    owner: `${kind} ${namespace}/${name}`,
    namespace,
    pod: { apiVersion: 'v1', kind: 'Pod', metadata: { name: podName(`${kind}-${name}-standin`), namespace }, spec } as Manifest,
  };
}

const boolOf = (v: unknown) => (typeof v === 'boolean' ? v : undefined);

/**
 * Stand-ins for the pods of kube-prometheus-stack's subcharts that the chart cache lacks, with the fields
 * Pod Security Admission judges laid out as each subchart's pod template lays them (node-exporter's
 * daemonset.yaml, kube-state-metrics' deployment.yaml, grafana's _pod.tpl): host namespaces, host paths,
 * pod and container security contexts, init containers and sidecars that the values switch on. A real
 * rendering replaces them as soon as the cache holds the subcharts (`missing` is then empty).
 */
export function subchartStandIns(release: SynthesizedRelease, parentDir: string, missing: readonly string[]): PodTemplate[] {
  if (release.chart.chart !== 'kube-prometheus-stack') return [];
  const parentDefaults = parse(fs.readFileSync(path.join(parentDir, 'values.yaml'), 'utf8')) as HelmValues;
  const parent = mergeValues(parentDefaults, release.values) as Obj;
  const out: PodTemplate[] = [];
  const ns = (v: Obj) => (v.namespaceOverride as string) || release.namespace;

  if (missing.includes('prometheus-node-exporter') && parent.nodeExporter?.enabled !== false) {
    const v = subchartValues(release, parentDefaults, 'prometheus-node-exporter');
    const containers: Obj[] = [
      {
        name: 'node-exporter',
        image: 'quay.io/prometheus/node-exporter',
        ...(Object.keys(v.containerSecurityContext ?? {}).length ? { securityContext: v.containerSecurityContext } : {}),
        ports: v.kubeRBACProxy?.enabled ? [] : [{ name: v.service?.portName ?? 'metrics', containerPort: v.service?.port ?? 9100, protocol: 'TCP' }],
        volumeMounts: [
          { name: 'proc', mountPath: '/host/proc', readOnly: true },
          { name: 'sys', mountPath: '/host/sys', readOnly: true },
          ...(v.hostRootFsMount?.enabled ? [{ name: 'root', mountPath: '/host/root', readOnly: true }] : []),
        ],
      },
    ];
    if (v.kubeRBACProxy?.enabled) {
      containers.push({
        name: 'kube-rbac-proxy',
        image: 'quay.io/brancz/kube-rbac-proxy',
        ports: [{ name: 'http-metrics', containerPort: v.service.port, ...(v.kubeRBACProxy.enableHostPort ? { hostPort: v.service.port } : {}) }],
        ...(v.kubeRBACProxy.containerSecurityContext ? { securityContext: v.kubeRBACProxy.containerSecurityContext } : {}),
      });
    }
    out.push(
      pod(release, 'prometheus-node-exporter', 'DaemonSet', `${release.releaseName}-prometheus-node-exporter`, ns(v), {
        ...(v.securityContext ? { securityContext: v.securityContext } : {}),
        containers,
        hostNetwork: Boolean(v.hostNetwork),
        hostPID: Boolean(v.hostPID),
        hostIPC: Boolean(v.hostIPC),
        ...(boolOf(v.hostUsers) !== undefined ? { hostUsers: v.hostUsers } : {}),
        volumes: [
          { name: 'proc', hostPath: { path: '/proc' } },
          { name: 'sys', hostPath: { path: '/sys' } },
          ...(v.hostRootFsMount?.enabled ? [{ name: 'root', hostPath: { path: '/' } }] : []),
          ...((v.extraHostVolumeMounts as Obj[] | undefined) ?? []).map((m) => ({ name: m.name, hostPath: { path: m.hostPath } })),
        ],
      }),
    );
  }

  if (missing.includes('kube-state-metrics') && parent.kubeStateMetrics?.enabled !== false) {
    const v = subchartValues(release, parentDefaults, 'kube-state-metrics');
    const { enabled, ...podContext } = (v.securityContext ?? {}) as Obj;
    out.push(
      pod(release, 'kube-state-metrics', 'Deployment', `${release.releaseName}-kube-state-metrics`, ns(v), {
        ...(enabled ? { securityContext: podContext } : {}),
        hostNetwork: Boolean(v.hostNetwork),
        ...(boolOf(v.hostUsers) !== undefined ? { hostUsers: v.hostUsers } : {}),
        containers: [
          { name: 'kube-state-metrics', image: 'registry.k8s.io/kube-state-metrics/kube-state-metrics', ...(v.containerSecurityContext ? { securityContext: v.containerSecurityContext } : {}) },
          ...(v.kubeRBACProxy?.enabled ? [{ name: 'kube-rbac-proxy-http', image: 'quay.io/brancz/kube-rbac-proxy', securityContext: v.kubeRBACProxy.containerSecurityContext }] : []),
        ],
      }),
    );
  }

  if (missing.includes('grafana') && parent.grafana?.enabled !== false) {
    const v = subchartValues(release, parentDefaults, 'grafana');
    const sidecar = (which: string): Obj[] =>
      v.sidecar?.[which]?.enabled ? [{ name: `grafana-sc-${which}`, image: 'quay.io/kiwigrid/k8s-sidecar', ...(v.sidecar.securityContext ? { securityContext: v.sidecar.securityContext } : {}) }] : [];
    const initContainers: Obj[] = [
      ...(v.persistence?.enabled && v.initChownData?.enabled ? [{ name: 'init-chown-data', image: 'docker.io/library/busybox', securityContext: v.initChownData.securityContext }] : []),
      ...(v.dashboards && Object.keys(v.dashboards).length > 0
        ? [{ name: 'download-dashboards', image: 'docker.io/curlimages/curl', ...(v.downloadDashboards?.securityContext ? { securityContext: v.downloadDashboards.securityContext } : {}) }]
        : []),
    ];
    out.push(
      pod(release, 'grafana', 'Deployment', `${release.releaseName}-grafana`, ns(v), {
        ...(v.securityContext ? { securityContext: v.securityContext } : {}),
        ...(boolOf(v.hostUsers) !== undefined ? { hostUsers: v.hostUsers } : {}),
        ...(initContainers.length > 0 ? { initContainers } : {}),
        containers: [
          ...sidecar('dashboards'),
          ...sidecar('datasources'),
          { name: 'grafana', image: 'docker.io/grafana/grafana', ...(v.containerSecurityContext ? { securityContext: v.containerSecurityContext } : {}) },
        ],
        volumes: [
          { name: 'config', configMap: { name: `${release.releaseName}-grafana` } },
          { name: 'storage', emptyDir: {} },
        ],
      }),
    );
  }
  return out;
}
