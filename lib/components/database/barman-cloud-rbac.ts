// The Barman Cloud plugin's service account and RBAC, as its v0.15.0 install has them
// (config/rbac/*.yaml of github.com/cloudnative-pg/plugin-barman-cloud, through kubernetes/kustomization.yaml).
// test/unit/barman-cloud-plugin.test.ts compares them with `kubectl kustomize` of the module's install.

/** The plugin's service account (the Deployment's `serviceAccountName`). */
export const SERVICE_ACCOUNT = 'plugin-barman-cloud';

type Rule = { readonly apiGroups?: readonly string[]; readonly resources?: readonly string[]; readonly nonResourceURLs?: readonly string[]; readonly verbs: readonly string[] };
type RbacObject = { readonly kind: string; readonly name: string; readonly labelled: boolean; readonly body: Record<string, unknown> };

const ALL = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
const READ = ['get', 'list', 'watch'];
const OBJECTSTORES = ['barmancloud.cnpg.io'];
const rules = (...r: Rule[]) => ({ rules: r });
const binding = (kind: 'Role' | 'ClusterRole', name: string, namespace: string) => ({
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind, name },
  subjects: [{ kind: 'ServiceAccount', name: SERVICE_ACCOUNT, namespace }],
});

/**
 * The RBAC objects in `namespace` (the operator's). `labelled`: upstream gives the object kustomize's
 * scaffold labels (app.kubernetes.io/name, managed-by); kept so that the objects are upstream's.
 */
export function barmanCloudRbac(namespace: string): readonly RbacObject[] {
  return [
    {
      kind: 'Role',
      name: 'barman-plugin-leader-election-role',
      labelled: true,
      body: rules(
        { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
        { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
      ),
    },
    {
      kind: 'ClusterRole',
      name: 'barman-plugin-metrics-auth-role',
      labelled: false,
      body: rules({ apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] }, { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] }),
    },
    { kind: 'ClusterRole', name: 'barman-plugin-metrics-reader', labelled: false, body: rules({ nonResourceURLs: ['/metrics'], verbs: ['get'] }) },
    {
      kind: 'ClusterRole',
      name: 'barman-plugin-objectstore-editor-role',
      labelled: true,
      body: rules({ apiGroups: OBJECTSTORES, resources: ['objectstores'], verbs: ALL }, { apiGroups: OBJECTSTORES, resources: ['objectstores/status'], verbs: ['get'] }),
    },
    {
      kind: 'ClusterRole',
      name: 'barman-plugin-objectstore-viewer-role',
      labelled: true,
      body: rules({ apiGroups: OBJECTSTORES, resources: ['objectstores'], verbs: READ }, { apiGroups: OBJECTSTORES, resources: ['objectstores/status'], verbs: ['get'] }),
    },
    {
      kind: 'ClusterRole',
      name: 'plugin-barman-cloud',
      labelled: false,
      body: rules(
        // Secrets: the plugin reads the store's credentials and copies them for the instances' sidecars.
        { apiGroups: [''], resources: ['secrets'], verbs: ['create', 'delete', 'get', 'list', 'watch'] },
        { apiGroups: OBJECTSTORES, resources: ['objectstores'], verbs: ALL },
        { apiGroups: OBJECTSTORES, resources: ['objectstores/finalizers'], verbs: ['update'] },
        { apiGroups: OBJECTSTORES, resources: ['objectstores/status'], verbs: ['get', 'patch', 'update'] },
        { apiGroups: ['postgresql.cnpg.io'], resources: ['backups'], verbs: READ },
        { apiGroups: ['postgresql.cnpg.io'], resources: ['clusters/finalizers'], verbs: ['update'] },
        // Roles: the plugin gives each Cluster's instances a Role to read their ObjectStore and Secrets.
        { apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings', 'roles'], verbs: ['create', 'get', 'list', 'patch', 'update', 'watch'] },
      ),
    },
    { kind: 'RoleBinding', name: 'barman-plugin-leader-election-rolebinding', labelled: true, body: binding('Role', 'barman-plugin-leader-election-role', namespace) },
    { kind: 'ClusterRoleBinding', name: 'barman-plugin-metrics-auth-rolebinding', labelled: false, body: binding('ClusterRole', 'barman-plugin-metrics-auth-role', namespace) },
    { kind: 'ClusterRoleBinding', name: 'plugin-barman-cloud-binding', labelled: true, body: binding('ClusterRole', 'plugin-barman-cloud', namespace) },
  ];
}
