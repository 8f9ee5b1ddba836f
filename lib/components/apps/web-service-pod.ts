import { ApiObject, Duration, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import type { ContainerResources } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import type { Scheduling } from '../../core/node-pool';
import { patchAfterRender } from '../../core/render-objects';
import type { ContainerEnv } from '../database/database-connection';

/** What the Deployment of a WebService is made of, checked by the WebService. */
export interface WebServicePodSpec {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly image: string;
  readonly containerPort: number;
  readonly replicas: number;
  readonly resources: ContainerResources;
  readonly env: readonly ContainerEnv[];
  readonly readinessPath: string;
  readonly livenessPath: string;
  /** Seconds of the preStop pause. */
  readonly drainSeconds: number;
  /** Seconds a slow starter gets (a startup probe), or none. */
  readonly startupSeconds?: number;
  readonly readOnlyRootFilesystem: boolean;
  readonly imagePullSecret?: string;
  readonly scheduling?: Scheduling;
}

const POD = '/spec/template/spec';
const CONTAINER = `${POD}/containers/0`;
const PROBE_PERIOD = 5;

/**
 * The cdk8s-plus Deployment of a WebService. cdk8s-plus writes the container, its resources, env,
 * ports, probes, security contexts, the /tmp volume and the rolling update; what it has no prop for is
 * patched into the rendered object (see patchRendered), so that the Deployment stays one cdk8s-plus workload that
 * autoscalers and users can hold: the probes and the Service reach the port by its name `http` (cdk8s-plus
 * writes numbers), the preStop `sleep` action, the RuntimeDefault seccomp profile, dropping ALL
 * capabilities, the revision history
 * and the node pool's selector and tolerations.
 */
export function webServiceDeployment(scope: Construct, spec: WebServicePodSpec): kplus.Deployment {
  const deployment = new kplus.Deployment(scope, 'deployment', {
    metadata: { name: spec.name, labels: spec.labels },
    // The selector is the service's labels, as it always was: a selector cannot change on a running
    // Deployment, and cdk8s-plus's own (a hash of the construct path) would move with the code.
    select: false,
    podMetadata: { labels: spec.labels },
    replicas: spec.replicas,
    // Never below the desired count during a rollout: a new pod is ready before an old one goes.
    strategy: kplus.DeploymentStrategy.rollingUpdate({ maxSurge: kplus.PercentOrAbsolute.percent(25), maxUnavailable: kplus.PercentOrAbsolute.absolute(0) }),
    automountServiceAccountToken: false,
    terminationGracePeriod: Duration.seconds(spec.drainSeconds + 30),
    securityContext: { ensureNonRoot: true },
    dockerRegistryAuth: spec.imagePullSecret ? kplus.Secret.fromSecretName(scope, 'image-pull-secret', spec.imagePullSecret) : undefined,
  });
  deployment.select(kplus.LabelSelector.of({ labels: spec.labels }));
  const probe = (path: string, failureThreshold: number) =>
    kplus.Probe.fromHttpGet(path, { port: spec.containerPort, periodSeconds: Duration.seconds(PROBE_PERIOD), timeoutSeconds: Duration.seconds(2), failureThreshold });
  const container = deployment.addContainer({
    name: spec.name,
    image: spec.image,
    // A pinned tag or digest never changes: pulling it again on every start only adds a registry outage
    // to the ways a pod cannot start (cdk8s-plus's default is Always).
    imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
    ports: [{ number: spec.containerPort, name: 'http', protocol: kplus.Protocol.TCP }],
    resources: spec.resources,
    readiness: probe(spec.readinessPath, 3),
    liveness: probe(spec.livenessPath, 6),
    startup: spec.startupSeconds ? probe(spec.readinessPath, Math.ceil(spec.startupSeconds / PROBE_PERIOD)) : undefined,
    securityContext: {
      ensureNonRoot: true,
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: spec.readOnlyRootFilesystem,
    },
  });
  addEnv(deployment, container, spec.env);
  if (spec.readOnlyRootFilesystem) container.mount('/tmp', kplus.Volume.fromEmptyDir(deployment, 'tmp', 'tmp'));

  const patches = [
    JsonPatch.add('/spec/revisionHistoryLimit', 5),
    // cdk8s-plus labels every pod with its construct address; the pods keep the service's labels only,
    // so that moving the code does not roll them.
    JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'),
    // cdk8s-plus writes fsGroupChangePolicy: Always, which means nothing without an fsGroup.
    JsonPatch.remove(`${POD}/securityContext/fsGroupChangePolicy`),
    JsonPatch.add(`${POD}/securityContext/seccompProfile`, { type: 'RuntimeDefault' }),
    // cdk8s-plus's Capability enum has no ALL, which the restricted Pod Security Standard asks to drop.
    JsonPatch.add(`${CONTAINER}/securityContext/capabilities`, { drop: ['ALL'] }),
    ...['readinessProbe', 'livenessProbe', ...(spec.startupSeconds ? ['startupProbe'] : [])].map((p) => JsonPatch.add(`${CONTAINER}/${p}/httpGet/port`, 'http')),
    // Keep serving while the endpoint removal reaches every proxy, then take SIGTERM.
    JsonPatch.add(`${CONTAINER}/lifecycle`, { preStop: { sleep: { seconds: spec.drainSeconds } } }),
    ...(spec.scheduling ? [JsonPatch.add(`${POD}/nodeSelector`, spec.scheduling.nodeSelector), JsonPatch.add(`${POD}/tolerations`, spec.scheduling.tolerations)] : []),
  ];
  patchRendered(deployment, patches);
  return deployment;
}

/** The container's variables, in order (a later value may expand an earlier one, `$(DATABASE_PASSWORD)`). */
function addEnv(scope: Construct, container: kplus.Container, env: readonly ContainerEnv[]): void {
  const secrets = new Map<string, kplus.ISecret>();
  for (const e of env) {
    if ('value' in e) {
      container.env.addVariable(e.name, kplus.EnvValue.fromValue(e.value));
      continue;
    }
    const { name, key } = e.valueFrom.secretKeyRef;
    let secret = secrets.get(name);
    if (!secret) {
      secret = kplus.Secret.fromSecretName(scope, `env-secret-${secrets.size}`, name);
      secrets.set(name, secret);
    }
    container.env.addVariable(e.name, kplus.EnvValue.fromSecretValue({ secret, key }));
  }
}

/** The Service of a WebService: ClusterIP, the pods' labels, port `http` to the container's port by name. */
export function webServiceService(scope: Construct, name: string, labels: Record<string, string>, port: number, containerPort: number): kplus.Service {
  const service = new kplus.Service(scope, 'service', {
    metadata: { name, labels },
    type: kplus.ServiceType.CLUSTER_IP,
    ports: [{ name: 'http', port, targetPort: containerPort, protocol: kplus.Protocol.TCP }],
  });
  for (const [key, value] of Object.entries(labels)) service.selectLabel(key, value);
  // By name: a renumbered container port cannot leave the Service pointing at the old one. cdk8s-plus
  // writes an empty externalIPs list, which means the same as none.
  patchRendered(service, [JsonPatch.replace('/spec/ports/0/targetPort', 'http'), JsonPatch.remove('/spec/externalIPs')]);
  return service;
}

/** Patches the rendered object of the cdk8s-plus resource `resource` (see lib/core/render-patches.ts for why after rendering). */
function patchRendered(resource: Construct, patches: readonly JsonPatch[]): void {
  patchAfterRender(ApiObject.of(resource), patches);
}
