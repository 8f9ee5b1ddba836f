// One run of the bench's fleet series, in a process of its own: `node fleet-run.js <clusters> <services>
// <same|own-domain> <outdir>`. Synthesizes a fleet of <clusters> clusters of the scale platform with
// <services> WebServices each, as `ballast synth` does, and prints its time and output sizes as JSON.
// `same`: the clusters differ in name and domain only (two clusters of a fleet may not answer one host,
// so every route and Certificate differs). `own-domain`: each also runs more replicas of two services.
const started = process.hrtime.bigint();
import * as fs from 'fs';
import * as path from 'path';
import { Fleet, synthFleet } from '../../lib/internal';
import { ScaleCluster, scalePlatform } from './scale-platform';

const [clusters, services] = [Number(process.argv[2]), Number(process.argv[3])];
const variant = process.argv[4] as 'same' | 'own-domain';
const outdir = process.argv[5];

const settings: Record<string, Omit<ScaleCluster, 'name'>> = {};
for (let c = 0; c < clusters; c++) {
  settings[`cluster${c}`] = variant === 'same' ? { domain: `c${c}.example.com` } : { domain: `c${c}.example.com`, replicas: { [c % services]: 2, [(c + 1) % services]: 3 } };
}
const fleet = new Fleet({ clusters: settings, platform: (app, cluster) => scalePlatform(services, app, { name: cluster.name, ...cluster.settings }) });
const synthStart = process.hrtime.bigint();
const { layout } = synthFleet(fleet, { fluxDir: path.join(outdir, 'flux'), terraformDir: path.join(outdir, 'cdktf') });
const synthMs = Number(process.hrtime.bigint() - synthStart) / 1e6;

/** Bytes of the files under `dir` whose relative path `keep` accepts. */
function bytes(dir: string, keep: (rel: string) => boolean, rel = ''): number {
  let n = 0;
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const p = path.posix.join(rel, e.name);
    if (e.isDirectory()) n += bytes(dir, keep, p);
    else if (keep(p)) n += fs.statSync(path.join(dir, p)).size;
  }
  return n;
}
const flux = path.join(outdir, 'flux');
process.stdout.write(
  `${JSON.stringify({
    clusters,
    services,
    synthMs,
    totalMs: Number(process.hrtime.bigint() - started) / 1e6,
    // The Flux repository without the bookkeeping (inventories, the output record): what a reviewer reads.
    manifestsKb: bytes(flux, (p) => !p.includes('.ballast/')) / 1024,
    baseKb: bytes(flux, (p) => p.startsWith('base/') && !p.includes('.ballast/')) / 1024,
    inventoriesKb: bytes(flux, (p) => p.endsWith('.ballast/inventory.json')) / 1024,
    terraformKb: bytes(path.join(outdir, 'cdktf'), () => true) / 1024,
    patches: layout.patches,
    baseFiles: layout.baseFiles,
  })}\n`,
);
