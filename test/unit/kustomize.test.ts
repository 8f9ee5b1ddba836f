// `kubectl kustomize` (the kustomize Flux's kustomize-controller embeds) builds every folder of dist/flux.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { readTree, synthToTemp } from '../support/synth';
import { toolPath } from '../support/tools';

const kubectl = toolPath('kubectl');
const dist = path.join(synthToTemp(), 'flux');
const folders = Object.keys(readTree(dist))
  .filter((f) => path.basename(f) === 'kustomization.yaml')
  .map((f) => path.dirname(f))
  .sort();

const build = (dir: string) => execFileSync(kubectl, ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

test('every step folder and the cluster folder have a kustomization.yaml', () => {
  expect(folders).toEqual([
    'apps',
    'clusters/production',
    'infrastructure/configs',
    'infrastructure/controllers',
    'loadtests/constant',
    'loadtests/crawl',
    'loadtests/ramp',
  ]);
});

test.each(folders)('kubectl kustomize %s', (folder) => {
  const out = build(path.join(dist, folder));
  const listed = (parseAllDocuments(fs.readFileSync(path.join(dist, folder, 'kustomization.yaml'), 'utf8'))[0].toJSON() as { resources: string[] }).resources;
  const expected = listed.reduce((n, f) => n + parseAllDocuments(fs.readFileSync(path.join(dist, folder, f), 'utf8')).length, 0);
  expect(parseAllDocuments(out).filter((d) => d.toJSON()).length).toBe(expected);
});

test('kubectl kustomize fails on a folder that lists a missing file', () => {
  const dir = fs.mkdtempSync(path.join(dist, '..', 'broken-'));
  fs.writeFileSync(path.join(dir, 'kustomization.yaml'), 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - missing.yaml\n');
  expect(() => build(dir)).toThrow(/missing\.yaml/);
});
