// `npm run bench:fleet`: a fleet of the scale platform (50 WebServices each, beside Traefik,
// kube-prometheus-stack and cert-manager) at 1 to 20 clusters, as whole processes: how long `synth` of
// the whole fleet takes, and how the output grows, when the clusters differ in name only and when each
// has its own domain and replica counts. A benchmark, not a test: it prints a table for docs/performance.md and
// writes dist/bench-fleet.json.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { js, measure, medianOfOutputs, root, round, RUNS } from './harness';

const CLUSTERS = (process.env.BENCH_FLEET ?? '1,5,10,20').split(',').map(Number);
const SERVICES = Number(process.env.BENCH_FLEET_SERVICES ?? 50);

const rows = (['same', 'own-domain'] as const).flatMap((variant) =>
  CLUSTERS.map((clusters) => {
    const run = measure((dir) => [js('bench/fleet-run.js'), String(clusters), String(SERVICES), variant, dir]);
    const m = medianOfOutputs(run);
    return {
      variant,
      clusters,
      services: SERVICES,
      ms: round(run.ms),
      minMs: round(run.minMs),
      maxMs: round(run.maxMs),
      rssMb: round(run.rssMb ?? NaN),
      synthMs: m.synthMs,
      manifestsKb: m.manifestsKb,
      baseKb: m.baseKb,
      patches: m.patches,
      inventoriesKb: m.inventoriesKb,
      terraformKb: m.terraformKb,
    };
  }),
);
const bench = { machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', node: process.version, runs: RUNS }, rows };
fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
fs.writeFileSync(path.join(root, 'dist', 'bench-fleet.json'), `${JSON.stringify(bench, null, 2)}\n`);

const kb = (x: number) => `${Math.round(x)}`;
console.log(`ballast fleet benchmark: ${bench.machine.cpus} x ${bench.machine.cpuModel}, Node ${process.version}; whole processes, median of ${RUNS} after a warm-up`);
console.log('');
console.log('| clusters x services | clusters differ in | wall ms (min-max) | synth ms | peak RSS MB | Flux manifests KB (base KB) | patches | inventories KB | Terraform KB |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.clusters} x ${r.services} | ${r.variant === 'same' ? 'name, domain' : 'name, domain, 2 replica counts'} | ${r.ms} (${r.minMs}-${r.maxMs}) | ${round(r.synthMs)} | ${r.rssMb} | ${kb(r.manifestsKb)} (${kb(r.baseKb)}) | ${r.patches} | ${kb(r.inventoriesKb)} | ${kb(r.terraformKb)} |`);
}
console.log('');
console.log('written: dist/bench-fleet.json');
