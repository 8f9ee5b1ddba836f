import { ApiObject, JsonPatch, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Component, ComponentOptions } from '../../core/component';
import { declareWrittenCrds } from '../../core/crd-providers';
import { NetworkPeer } from '../../core/network';
import { ContainerResources, renderResources, requestsOf } from '../../core/resource-checks';
import { OBJECT_STORE_CRD } from './barman-cloud-crd.generated';
import { barmanCloudRbac, SERVICE_ACCOUNT } from './barman-cloud-rbac';
import { BARMAN_CLOUD_PLUGIN } from './barman-cloud-version';

/** Properties of BarmanCloudPlugin. */
export interface BarmanCloudPluginProps extends ComponentOptions {
  /**
   * The CloudNativePG operator's namespace: the plugin must run there (the operator finds plugins by the
   * `cnpg.io/pluginName` label of Services in its own namespace).
   * @default 'cnpg-system' (CloudNativePg's default)
   */
  readonly namespace?: string;
  /** @default CPU request Cpu.millis(50), memory request Size.mebibytes(64) and limit Size.mebibytes(256) */
  readonly resources?: ContainerResources;
}

const RESOURCES: ContainerResources = { cpu: { request: Cpu.millis(50) }, memory: { request: Size.mebibytes(64), limit: Size.mebibytes(256) } };
const NAME = 'barman-cloud';
const LABELS = { app: NAME };
/** kustomize's scaffold labels, which upstream's service account and some RBAC objects carry. */
const SCAFFOLD_LABELS = { 'app.kubernetes.io/managed-by': 'kustomize', 'app.kubernetes.io/name': 'plugin-barman-cloud' };
const CERTIFICATE_LIFETIME = { duration: '2160h', renewBefore: '360h' }; // 90 days, renewed 15 days before (upstream's)

/**
 * CloudNativePG's Barman Cloud plugin (v0.15.0), which PostgresCluster's `backup` and `restoreFrom` use:
 * the ObjectStore CRD, the plugin's Deployment and Service in the operator's namespace, its RBAC, and
 * the cert-manager Issuer and Certificates of the mutual TLS between operator and plugin. The project
 * publishes a kustomization (its `kubernetes/` folder, the release manifest) and no chart in a repository
 * ballast pins, so the objects are written here, as that install has them with the released images; a
 * unit test compares them with `kubectl kustomize` of the pinned module. Needs cert-manager (CertManager).
 */
export class BarmanCloudPlugin extends Component {
  /** The Service the operator calls: `barman-cloud`. */
  public readonly serviceName = NAME;

  constructor(scope: Construct, id: string, props: BarmanCloudPluginProps = {}) {
    super(scope, id, { namespace: props.namespace ?? 'cnpg-system', deployWith: props.deployWith, secrets: props.secrets, allowReservedNamespace: props.allowReservedNamespace, networkPolicies: props.networkPolicies, podSecurity: props.podSecurity });
    declareWrittenCrds(this, [BARMAN_CLOUD_PLUGIN.group]);
    this.declarePodSecurity({ level: 'restricted', reason: 'the plugin runs non-root (uid 10001), read-only, without privilege escalation or capabilities, with seccomp RuntimeDefault' });
    const resources = props.resources ?? RESOURCES;
    this.claimCapacity({ pool: undefined, what: 'Barman Cloud plugin', replicas: () => 1, requests: requestsOf(resources) });
    // It only reaches the API server (its egress stays open, as for the operator's chart); the operator
    // calls it over gRPC with mutual TLS.
    const pods = this.network.addPods(NAME, LABELS);
    this.network.allowFrom(NetworkPeer.role('postgres-operator'), { to: pods, ports: [{ port: BARMAN_CLOUD_PLUGIN.port }], why: 'the CloudNativePG operator calls the plugin over gRPC (backups, WAL archiving, restores)' });

    const crd = new ApiObject(this, 'crd', OBJECT_STORE_CRD as never);
    crd.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    new ApiObject(this, 'service-account', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: SERVICE_ACCOUNT, labels: SCAFFOLD_LABELS } });
    for (const o of barmanCloudRbac(this.namespace)) {
      const object = new ApiObject(this, `${o.kind}-${o.name}`, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: o.kind, metadata: { name: o.name, ...(o.labelled ? { labels: SCAFFOLD_LABELS } : {}) }, ...o.body });
      if (o.kind.startsWith('Cluster')) object.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    }
    new ApiObject(this, 'service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: NAME,
        labels: { ...LABELS, 'cnpg.io/pluginName': BARMAN_CLOUD_PLUGIN.pluginName },
        // How the operator finds the plugin's port and the TLS Secrets of the connection.
        annotations: { 'cnpg.io/pluginClientSecret': 'barman-cloud-client-tls', 'cnpg.io/pluginServerSecret': 'barman-cloud-server-tls', 'cnpg.io/pluginPort': String(BARMAN_CLOUD_PLUGIN.port) },
      },
      spec: { ports: [{ port: BARMAN_CLOUD_PLUGIN.port, protocol: 'TCP', targetPort: BARMAN_CLOUD_PLUGIN.port }], selector: LABELS },
    });
    new ApiObject(this, 'deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: NAME, labels: LABELS },
      spec: {
        replicas: 1,
        selector: { matchLabels: LABELS },
        strategy: { type: 'Recreate' },
        template: {
          metadata: { labels: LABELS },
          spec: {
            containers: [
              {
                name: NAME,
                image: BARMAN_CLOUD_PLUGIN.image,
                args: ['operator', '--server-cert=/server/tls.crt', '--server-key=/server/tls.key', '--client-cert=/client/tls.crt', `--server-address=:${BARMAN_CLOUD_PLUGIN.port}`, '--leader-elect', '--log-level=debug'],
                // Upstream passes the sidecar image through a Secret (a kustomize secretGenerator); an image
                // name is no secret, and ballast writes no Secret whose value it knows.
                env: [{ name: 'SIDECAR_IMAGE', value: BARMAN_CLOUD_PLUGIN.sidecarImage }],
                ports: [{ containerPort: BARMAN_CLOUD_PLUGIN.port, protocol: 'TCP' }],
                readinessProbe: { initialDelaySeconds: 10, periodSeconds: 10, tcpSocket: { port: BARMAN_CLOUD_PLUGIN.port } },
                resources: renderResources(resources),
                securityContext: {
                  allowPrivilegeEscalation: false,
                  capabilities: { drop: ['ALL'] },
                  readOnlyRootFilesystem: true,
                  runAsGroup: 10001,
                  runAsUser: 10001,
                  seccompProfile: { type: 'RuntimeDefault' },
                },
                volumeMounts: [
                  { mountPath: '/server', name: 'server' },
                  { mountPath: '/client', name: 'client' },
                ],
              },
            ],
            securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
            serviceAccountName: SERVICE_ACCOUNT,
            volumes: [
              { name: 'server', secret: { secretName: 'barman-cloud-server-tls' } },
              { name: 'client', secret: { secretName: 'barman-cloud-client-tls' } },
            ],
          },
        },
      },
    });
    // The mutual TLS of operator and plugin: a self-signed Issuer of the namespace and two Certificates.
    const issuerRef = { group: 'cert-manager.io', kind: 'Issuer', name: 'selfsigned-issuer' };
    new ApiObject(this, 'issuer', { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: { name: 'selfsigned-issuer' }, spec: { selfSigned: {} } });
    new ApiObject(this, 'client-certificate', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'barman-cloud-client' },
      spec: { commonName: 'barman-cloud-client', ...CERTIFICATE_LIFETIME, isCA: false, issuerRef, secretName: 'barman-cloud-client-tls', usages: ['client auth'] },
    });
    new ApiObject(this, 'server-certificate', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'barman-cloud-server' },
      spec: { commonName: NAME, dnsNames: [NAME], ...CERTIFICATE_LIFETIME, isCA: false, issuerRef, secretName: 'barman-cloud-server-tls', usages: ['server auth'] },
    });
  }
}
