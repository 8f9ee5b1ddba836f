import { execSync } from 'child_process';
import { ApiServer } from '../../support/e2e/api-server';
import { ServerSideApply } from '../../support/e2e/server-side-apply';
import { allCrds } from '../../support/shared-data';
test('x', async () => {
  const s = await ApiServer.start();
  try {
    const ssa = new ServerSideApply(s);
    const crd = allCrds().find((c) => c.crd.metadata.name.startsWith('kustomizations'))!.crd;
    await ssa.apply(crd as any); await ssa.waitEstablished([crd.metadata.name]);
    await ssa.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fs' } });
    const k = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'a', namespace: 'fs' }, spec: { interval: '10m', path: './x', prune: true, sourceRef: { kind: 'GitRepository', name: 'x' } } };
    const etcd = execSync("ps -eo args | grep -o 'listen-client-urls=[^ ]*' | head -1").toString().trim().split('=')[1];
    const get = (key: string) => execSync(`curl -s -X POST ${etcd}/v3/kv/range -d '{"key":"${Buffer.from(key).toString('base64')}"}'`).toString();
    const show = (key: string) => { const r = JSON.parse(get(key)); return Buffer.from(r.kvs[0].value, 'base64').toString().replace(/[^\x20-\x7e]/g, '.'); };
    await ssa.apply(k as any); console.log('after create', show('/registry/kustomize.toolkit.fluxcd.io/kustomizations/fs/a'));
    await ssa.apply(k as any); console.log('after 2nd', show('/registry/kustomize.toolkit.fluxcd.io/kustomizations/fs/a'));
    console.log('ns after create', show('/registry/namespaces/fs'));
  } finally { await s.stop(); }
});
