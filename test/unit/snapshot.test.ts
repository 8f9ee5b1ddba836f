// The whole default dist/ tree, file by file. `npx jest -u` after an intended change; review the diff.
// SOPS-encrypted Secrets differ with every key and data key: their ciphertexts are masked, their
// readable parts (metadata, keys, the sops block's shape and recipients count) stay in the snapshot.
// An upstream CRD's body is not ballast's output to review, and the snapshot keeps no copy of it: its spec
// is replaced by its digest (a changed CRD still changes the snapshot).
import * as crypto from 'crypto';
import { parseAllDocuments } from 'yaml';
import { toYaml } from '../../lib/internal';
import { readTree, synthToTemp } from '../support/synth';

function withoutCrdBodies(content: string): string {
  if (!content.includes('kind: CustomResourceDefinition')) return content;
  return parseAllDocuments(content)
    .map((doc) => {
      const o = doc.toJSON() as Record<string, any> | null;
      if (o?.kind !== 'CustomResourceDefinition') return toYaml(o);
      return toYaml({ ...o, spec: `<upstream CRD spec, sha256 ${crypto.createHash('sha256').update(JSON.stringify(o.spec)).digest('hex')}>` });
    })
    .join('---\n');
}

function masked(content: string): string {
  if (!content.includes('\nsops:')) return withoutCrdBodies(content);
  return parseAllDocuments(content)
    .map((doc) => {
      const o = doc.toJSON() as Record<string, any> | null;
      if (!o?.sops) return toYaml(o);
      const mask = (v: unknown): unknown =>
        typeof v === 'string' && v.startsWith('ENC[') ? v.replace(/data:[^,]*,iv:[^,]*,tag:[^,]*/, 'data:<masked>') : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mask(x)])) : v;
      const sops = { ...o.sops, age: o.sops.age.map(() => ({ recipient: '<test key>', enc: '<age>' })), lastmodified: '<time>', mac: '<mac>' };
      return toYaml({ ...(mask(o) as object), sops });
    })
    .join('---\n');
}

test('default platform dist/ tree', () => {
  const tree = readTree(synthToTemp());
  expect(Object.fromEntries(Object.entries(tree).map(([file, content]) => [file, masked(content)]))).toMatchSnapshot();
});
