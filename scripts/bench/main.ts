// `npm run bench`: how long synthesizing takes, as whole processes (Node start-up and module loading
// included), against the routes a cdk8s/cdktf user would otherwise take. A benchmark, not a test: it
// prints a table for docs/performance.md and writes dist/bench.json, and never fails on the numbers.
//
// Every measure runs in processes of its own, once to warm the file cache and then BENCH_RUNS times
// (median, min and max). Before each run the disk is synced, and output folders are kept until the
// end: flushing or deleting thousands of files while a measured run creates its own slows it down.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import type { PlainProgramInput } from './plain-program';
import { freshFolder, js, measure, medianOfOutputs, root, round, RUNS } from './harness';

const SCALE = (process.env.BENCH_SCALE ?? '10,100,1000,3000').split(',').map(Number);

/** The objects ballast wrote into `dist` (Flux files; the Terraform stack unless `fluxOnly`), for the plain program. */
function objectsWritten(dist: string, fluxOnly: boolean): string {
  const flux: { file: string; objects: Record<string, unknown>[] }[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const file = path.join(dir, e.name);
      if (e.isDirectory()) walk(file);
      else if (e.name.endsWith('.yaml')) {
        const objects = parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJSON() as Record<string, unknown>);
        flux.push({ file: path.relative(dist, file), objects: objects.filter((o) => o !== null) });
      }
    }
  };
  walk(path.join(dist, 'flux'));
  const stack = path.join(dist, 'cdktf', 'stacks', 'ballast', 'cdk.tf.json');
  const input: PlainProgramInput = { flux, ...(fluxOnly ? {} : { terraform: JSON.parse(fs.readFileSync(stack, 'utf8')) }) };
  const file = path.join(freshFolder(), 'objects.json');
  fs.writeFileSync(file, JSON.stringify(input));
  return file;
}

// 1. The default platform: `npm run synth` after compiling, i.e. `node dist-js/scripts/synth.js`.
const synthCwd = freshFolder();
const ballast = measure(() => [js('synth.js')], { cwd: synthCwd });
const defaultDist = path.join(synthCwd, 'dist');

// 2. The same objects written by a plain cdk8s + cdktf program, and by plain cdk8s alone.
const defaultObjects = objectsWritten(defaultDist, false);
const plain = measure((dir) => [js('bench/plain-program.js'), defaultObjects, dir]);
const rawCdk8s = measure((dir) => [js('bench/plain-program.js'), defaultObjects, dir, '--cdk8s-only']);

// 3. The stock route of a new cdk8s/cdktf user: the CLIs, as `cdk8s synth` and `cdktf synth` run the
//    project's entry points (each compiles TypeScript, starts Node and synthesizes its side).
const cliEnv = { CHECKPOINT_DISABLE: '1' };
const cdk8sCli = measure((dir) => [path.join(root, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s'), 'synth', '--output', path.join(dir, 'flux')], { cwd: root, probe: false, env: cliEnv, runs: Math.min(RUNS, 3) });
const cdktfCli = measure((dir) => [path.join(root, 'node_modules', 'cdktf-cli', 'bundle', 'bin', 'cdktf'), 'synth', '--output', path.join(dir, 'cdktf')], { cwd: root, probe: false, env: cliEnv, runs: Math.min(RUNS, 3) });

// 4. The scale series: N WebServices with an HPA, a ServiceMonitor and an IngressRoute each, beside
//    Traefik and kube-prometheus-stack; both backends written, as a synth does.
const scale = SCALE.map((services) => {
  let lastOut = '';
  const run = measure((dir) => {
    lastOut = dir;
    return [js('bench/scale-run.js'), String(services), dir];
  });
  const phases = medianOfOutputs(run);
  // A re-synth of the same platform over its previous output (the warm-up run writes it): what a user
  // pays on every change, with every Flux file unchanged and so linked rather than written.
  const resynthDir = freshFolder();
  const resynth = measure(() => [js('bench/scale-run.js'), String(services), resynthDir]);
  // `diff` against that output: plan and compare, nothing written.
  const diff = measure(() => [js('bench/scale-diff.js'), String(services), resynthDir]);
  // `diff` when every service's image changed: each Deployment compared field by field with its file.
  const diffChanged = measure(() => [js('bench/scale-diff.js'), String(services), resynthDir, '2.0.0']);
  const objects = objectsWritten(lastOut, true);
  // Plain cdk8s is quadratic in the number of charts: past 1000 services one run is enough.
  const raw = measure((dir) => [js('bench/plain-program.js'), objects, dir, '--cdk8s-only'], { runs: services > 1000 ? 1 : RUNS });
  return { services, run, phases, resynth, diff, diffChanged, raw, rawPhases: medianOfOutputs(raw) };
});

const marginal = (i: number) => (scale[i].run.ms - scale[i - 1].run.ms) / (scale[i].services - scale[i - 1].services);
const bench = {
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryGb: round(os.totalmem() / 2 ** 30), node: process.version, runs: RUNS },
  default: {
    ballastMs: round(ballast.ms),
    ballastMinMs: round(ballast.minMs),
    ballastMaxMs: round(ballast.maxMs),
    ballastCpuMs: round(ballast.cpuMs ?? NaN),
    ballastRssMb: round(ballast.rssMb ?? NaN),
    stockCliMs: round(cdk8sCli.ms + cdktfCli.ms),
    stockCdk8sCliMs: round(cdk8sCli.ms),
    stockCdktfCliMs: round(cdktfCli.ms),
    plainProgramMs: round(plain.ms),
    rawCdk8sMs: round(rawCdk8s.ms),
    speedupOverStockCli: Number(((cdk8sCli.ms + cdktfCli.ms) / ballast.ms).toFixed(1)),
    ratioToPlainProgram: Number((ballast.ms / plain.ms).toFixed(2)),
  },
  scale: scale.map(({ services, run, phases, resynth, diff, diffChanged, raw, rawPhases }, i) => ({
    services,
    ms: round(run.ms),
    minMs: round(run.minMs),
    maxMs: round(run.maxMs),
    cpuMs: round(run.cpuMs ?? NaN),
    rssMb: round(run.rssMb ?? NaN),
    phasesMs: Object.fromEntries(['loadMs', 'modelMs', 'planMs', 'fluxMs', 'terraformMs'].map((k) => [k.replace(/Ms$/, ''), round(phases[k])])),
    resynthMs: round(resynth.ms),
    diffMs: round(diff.ms),
    diffToResynth: Number((diff.ms / resynth.ms).toFixed(2)),
    diffAllChangedMs: round(diffChanged.ms),
    diffAllChangedToSynth: Number((diffChanged.ms / run.ms).toFixed(2)),
    rawCdk8sMs: round(raw.ms),
    speedupOverRawCdk8s: Number((raw.ms / run.ms).toFixed(1)),
    // Without Node's start-up and module loading, which both programs pay: ballast's model, plan and both
    // backends against plain cdk8s building its charts and running App.synth().
    synthOnlyMs: round(phases.modelMs + phases.planMs + phases.fluxMs + phases.terraformMs),
    rawCdk8sSynthOnlyMs: round(rawPhases.synthMs),
    synthOnlySpeedupOverRawCdk8s: Number((rawPhases.synthMs / (phases.modelMs + phases.planMs + phases.fluxMs + phases.terraformMs)).toFixed(1)),
    ...(i > 0 ? { marginalMsPerService: Number(marginal(i).toFixed(3)) } : {}),
  })),
};
fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
fs.writeFileSync(path.join(root, 'dist', 'bench.json'), `${JSON.stringify(bench, null, 2)}\n`);

const d = bench.default;
console.log(`ballast synth benchmark: ${bench.machine.cpus} x ${bench.machine.cpuModel}, ${bench.machine.memoryGb} GiB, Node ${process.version}; whole processes, median of ${RUNS} after a warm-up`);
console.log('');
console.log('| default platform | wall ms (min-max) | vs ballast |');
console.log('|---|---|---|');
console.log(`| ballast: \`node dist-js/scripts/synth.js\` (both backends; CPU ${d.ballastCpuMs} ms, peak RSS ${d.ballastRssMb} MB) | ${d.ballastMs} (${d.ballastMinMs}-${d.ballastMaxMs}) | 1x |`);
console.log(`| stock route: \`cdk8s synth\` + \`cdktf synth\` CLIs | ${d.stockCliMs} (${d.stockCdk8sCliMs} + ${d.stockCdktfCliMs}) | ${d.speedupOverStockCli}x slower |`);
console.log(`| plain cdk8s + cdktf program writing the same objects | ${d.plainProgramMs} | ballast takes ${d.ratioToPlainProgram}x |`);
console.log(`| plain cdk8s \`App.synth()\` of the same Flux objects | ${d.rawCdk8sMs} | |`);
console.log('');
console.log('| WebServices | ballast wall ms (min-max) | CPU ms | peak RSS MB | load / model / plan / flux / terraform ms | marginal ms per service | re-synth, unchanged ms | diff ms (vs re-synth) | diff, every service changed ms (vs synth) | plain cdk8s wall ms | ballast faster | synth only: ballast / plain cdk8s ms | faster |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const s of bench.scale) {
  const p = s.phasesMs;
  console.log(`| ${s.services} | ${s.ms} (${s.minMs}-${s.maxMs}) | ${s.cpuMs} | ${s.rssMb} | ${p.load} / ${p.model} / ${p.plan} / ${p.flux} / ${p.terraform} | ${'marginalMsPerService' in s ? s.marginalMsPerService : ''} | ${s.resynthMs} | ${s.diffMs} (${s.diffToResynth}x) | ${s.diffAllChangedMs} (${s.diffAllChangedToSynth}x) | ${s.rawCdk8sMs} | ${s.speedupOverRawCdk8s}x | ${s.synthOnlyMs} / ${s.rawCdk8sSynthOnlyMs} | ${s.synthOnlySpeedupOverRawCdk8s}x |`);
}
console.log('');
console.log('written: dist/bench.json');
