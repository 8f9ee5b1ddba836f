import { Manifest } from '../../../lib/internal';
import { describeObject } from '../e2e/server-side-apply';
import { Located } from './cross-references';
import { podName, PodTemplate } from './pod-security';

// The pods that operators create at run time from the custom resources of the platform, as far as Pod
// Security Admission judges them: the pod and container security contexts, host namespaces, volume types,
// capabilities. Each is built the way the operator's own code builds it, at the version the platform
// pins (the source file is named beside each), from the custom resource as synthesized or rendered.

type Obj = Record<string, any>;

/** The container security context every prometheus-operator container gets (v0.93.1). */
const PROMETHEUS_OPERATOR_CONTAINER = { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };

/**
 * Containers as the operator lists them, then those of the custom resource merged in by name (a strategic
 * merge on `name`: a field set in the resource wins, a new name is appended), as
 * prometheus-operator's `k8s.MergePatchContainers` does.
 */
function mergeContainers(own: Obj[], extra: Obj[] | undefined): Obj[] {
  const out = own.map((c) => ({ ...c }));
  for (const e of extra ?? []) {
    const i = out.findIndex((c) => c.name === e.name);
    if (i >= 0) out[i] = { ...out[i], ...e, securityContext: e.securityContext ? { ...out[i].securityContext, ...e.securityContext } : out[i].securityContext };
    else out.push(e);
  }
  return out;
}

/**
 * The pod of a `Prometheus` or `Alertmanager` (monitoring.coreos.com/v1), as prometheus-operator v0.93.1
 * makes its StatefulSet (pkg/prometheus/server/statefulset.go `makeStatefulSetSpec`,
 * pkg/alertmanager/statefulset.go, pkg/operator/config_reloader.go): the resource's `securityContext`,
 * `hostNetwork` and `hostUsers` for the pod; the main container, `config-reloader` and the
 * `init-config-reloader` init container with a read-only root, no privilege escalation and every
 * capability dropped; secret, projected, emptyDir and PVC volumes, plus the resource's own volumes.
 */
function prometheusOperatorPod(l: Located): PodTemplate {
  const o = l.object as Manifest & { spec: Obj };
  const spec = o.spec;
  const main = o.kind === 'Prometheus' ? 'prometheus' : 'alertmanager';
  const image = spec.image ?? `quay.io/prometheus/${main}:${spec.version ?? 'latest'}`;
  const reloader = 'quay.io/prometheus-operator/prometheus-config-reloader:v0.93.1';
  const storage = spec.storage?.volumeClaimTemplate
    ? { name: `${main}-db`, persistentVolumeClaim: { claimName: `${main}-db` } }
    : { name: `${main}-db`, emptyDir: {} };
  const podSpec: Obj = {
    containers: mergeContainers(
      [
        // Ports as the operator names them: `web` on 9090 (9093 for Alertmanager), `reloader-web` on 8080.
        { name: main, image, securityContext: PROMETHEUS_OPERATOR_CONTAINER, ports: [{ name: 'web', containerPort: main === 'prometheus' ? 9090 : 9093, protocol: 'TCP' }] },
        { name: 'config-reloader', image: reloader, securityContext: PROMETHEUS_OPERATOR_CONTAINER, ports: [{ name: 'reloader-web', containerPort: 8080, protocol: 'TCP' }] },
      ],
      spec.containers,
    ),
    initContainers: mergeContainers([{ name: `init-config-reloader`, image: reloader, securityContext: PROMETHEUS_OPERATOR_CONTAINER }], spec.initContainers),
    volumes: [
      { name: 'config', secret: { secretName: `${main}-${o.metadata.name}` } },
      { name: 'tls-assets', projected: { sources: [] } },
      { name: 'config-out', emptyDir: { medium: 'Memory' } },
      { name: 'web-config', secret: { secretName: `${main}-${o.metadata.name}-web-config` } },
      storage,
      ...(spec.volumes ?? []),
    ],
    ...(spec.securityContext ? { securityContext: spec.securityContext } : {}),
    ...(spec.hostNetwork !== undefined ? { hostNetwork: spec.hostNetwork } : {}),
    ...(spec.hostUsers !== undefined ? { hostUsers: spec.hostUsers } : {}),
    ...(spec.priorityClassName ? { priorityClassName: spec.priorityClassName } : {}),
  };
  // The operator's own pod labels (the resource's podMetadata labels are added to them): its name, and
  // `prometheus: <name>` (`alertmanager: <name>`) that its Services select.
  const own = { 'app.kubernetes.io/name': main, 'app.kubernetes.io/instance': o.metadata.name, 'app.kubernetes.io/managed-by': 'prometheus-operator', [main]: o.metadata.name };
  return operatorPod(l, `prometheus-operator (StatefulSet ${main}-${o.metadata.name})`, `${main}-${o.metadata.name}-0`, { ...spec.podMetadata, labels: { ...own, ...(spec.podMetadata?.labels ?? {}) } }, podSpec);
}

/**
 * The instance pod of a CloudNativePG `Cluster` (postgresql.cnpg.io/v1), as operator 1.30.0 makes it
 * (pkg/specs/pods.go `createClusterPodSpec`, `GetPodSecurityContext`; pkg/specs/containers.go
 * `GetSecurityContext`): the pod runs as the postgres UID/GID (`spec.postgresUID`/`postgresGID`, 26) with
 * runAsNonRoot and the cluster's seccomp profile (`spec.seccompProfile`, RuntimeDefault); the `postgres`
 * container and the `bootstrap-controller` init container drop every capability, are not privileged,
 * run as non-root with a read-only root and no privilege escalation. `spec.podSecurityContext` and
 * `spec.securityContext` replace those defaults field by field. The initdb and join Jobs (pkg/specs/jobs.go)
 * use the same two contexts, so one pod stands for them.
 */
function cnpgInstancePod(l: Located): PodTemplate {
  const spec = (l.object as Manifest & { spec: Obj }).spec;
  const seccompProfile = spec.seccompProfile ?? { type: 'RuntimeDefault' };
  const uid = spec.postgresUID ?? 26;
  const gid = spec.postgresGID ?? 26;
  const podDefault = { seccompProfile, runAsUser: uid, runAsGroup: gid, runAsNonRoot: true, fsGroup: gid };
  const podContext = spec.podSecurityContext
    ? { ...spec.podSecurityContext, runAsUser: spec.podSecurityContext.runAsUser ?? uid, runAsGroup: spec.podSecurityContext.runAsGroup ?? gid, seccompProfile: spec.podSecurityContext.seccompProfile ?? seccompProfile }
    : podDefault;
  const containerDefault: Obj = { seccompProfile, capabilities: { drop: ['ALL'] }, privileged: false, runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false };
  // A field the resource leaves unset takes the operator's default.
  const containerContext = spec.securityContext
    ? { ...spec.securityContext, ...Object.fromEntries(Object.entries(containerDefault).filter(([k]) => spec.securityContext[k] == null)) }
    : containerDefault;
  const image = spec.imageName ?? 'ghcr.io/cloudnative-pg/postgresql:18';
  const name = l.object.metadata.name;
  const podSpec: Obj = {
    initContainers: [{ name: 'bootstrap-controller', image: 'ghcr.io/cloudnative-pg/cloudnative-pg:1.30.0', securityContext: containerContext }],
    // The instance's ports: PostgreSQL, the instance manager's status API, the exporter.
    containers: [{ name: 'postgres', image, securityContext: containerContext, ports: [{ name: 'postgresql', containerPort: 5432 }, { name: 'status', containerPort: 8000 }, { name: 'metrics', containerPort: 9187 }] }],
    securityContext: podContext,
    volumes: [
      { name: 'pgdata', persistentVolumeClaim: { claimName: `${name}-1` } },
      { name: 'scratch-data', emptyDir: {} },
      { name: 'shm', emptyDir: { medium: 'Memory' } },
      ...(spec.walStorage ? [{ name: 'pg-wal', persistentVolumeClaim: { claimName: `${name}-1-wal` } }] : []),
      ...(spec.projectedVolumeTemplate ? [{ name: 'projected', projected: spec.projectedVolumeTemplate }] : []),
    ],
    ...(spec.affinity?.nodeSelector ? { nodeSelector: spec.affinity.nodeSelector } : {}),
  };
  return operatorPod(l, 'CloudNativePG (instance pod)', `${name}-1`, { labels: { 'cnpg.io/cluster': name, 'cnpg.io/instanceName': `${name}-1`, 'cnpg.io/podRole': 'instance', 'cnpg.io/instanceRole': 'primary' } }, podSpec);
}

/**
 * The pods of a k6 `TestRun` (k6.io/v1alpha1), as k6-operator 1.6.0 makes them (pkg/resources/jobs/
 * initializer.go, runner.go, starter.go): the initializer with `spec.initializer`, or a copy of
 * `spec.runner` when it is unset; each runner with `spec.runner`; the starter with `spec.starter`. Each
 * takes that part's `securityContext` (pod) and `containerSecurityContext` (its one container) as they
 * are; the script's ConfigMap is the volume.
 */
function k6TestRunPods(l: Located): PodTemplate[] {
  const spec = (l.object as Manifest & { spec: Obj }).spec;
  const name = l.object.metadata.name;
  const runner: Obj = spec.runner ?? {};
  const initializer: Obj = spec.initializer ?? runner;
  const starter: Obj = spec.starter ?? {};
  const volumes = spec.script?.configMap ? [{ name: 'k6-test-volume', configMap: { name: spec.script.configMap.name } }] : [];
  const pod = (part: Obj, role: string, image: string, withVolumes: boolean): PodTemplate =>
    operatorPod(l, `k6-operator (${role} Job)`, `${name}-${role}`, { labels: { app: 'k6', k6_cr: name, ...(part.metadata?.labels ?? {}) }, annotations: part.metadata?.annotations }, {
      restartPolicy: 'Never',
      securityContext: part.securityContext ?? {},
      // A runner serves k6's REST API on 6565, which the starter calls to start the test.
      containers: [{ name: 'k6', image: part.image || image, securityContext: part.containerSecurityContext ?? {}, ...(/^\d+$/.test(role) ? { ports: [{ containerPort: 6565 }] } : {}), ...(withVolumes ? { volumeMounts: volumes.map((v) => ({ name: v.name, mountPath: '/test' })) } : {}) }],
      ...(withVolumes ? { volumes: [...volumes, ...(part.volumes ?? [])] } : {}),
      ...(part.nodeSelector ? { nodeSelector: part.nodeSelector } : {}),
      ...(part.priorityClassName ? { priorityClassName: part.priorityClassName } : {}),
    });
  return [
    pod(initializer, 'initializer', 'grafana/k6:latest', true),
    ...Array.from({ length: Math.max(1, Number(spec.parallelism ?? 1)) }, (_, i) => pod(runner, String(i + 1), 'grafana/k6:latest', true)),
    pod(starter, 'starter', 'ghcr.io/grafana/k6-operator:latest-starter', false),
  ];
}

function operatorPod(l: Located, maker: string, name: string, metadata: { labels?: Obj; annotations?: Obj } | undefined, spec: Obj): PodTemplate {
  const namespace = l.object.metadata.namespace!;
  const meta: Manifest['metadata'] = { name: podName(name), namespace };
  if (metadata?.labels) meta.labels = metadata.labels;
  if (metadata?.annotations && Object.keys(metadata.annotations).length > 0) meta.annotations = metadata.annotations;
  return {
    source: `${maker}, from ${l.source}`,
    owner: describeObject(l.object),
    namespace,
    pod: { apiVersion: 'v1', kind: 'Pod', metadata: meta, spec } as Manifest,
  };
}

/** Every pod the operators of the platform would create from `objects`' custom resources. */
export function operatorPodsOf(objects: readonly Located[]): PodTemplate[] {
  return objects.flatMap((l): PodTemplate[] => {
    const { apiVersion, kind } = l.object;
    if (!l.object.metadata.namespace) return [];
    if (apiVersion === 'monitoring.coreos.com/v1' && (kind === 'Prometheus' || kind === 'Alertmanager')) return [prometheusOperatorPod(l)];
    if (apiVersion.startsWith('postgresql.cnpg.io/') && kind === 'Cluster') return [cnpgInstancePod(l)];
    if (apiVersion.startsWith('k6.io/') && kind === 'TestRun') return k6TestRunPods(l);
    return [];
  });
}
