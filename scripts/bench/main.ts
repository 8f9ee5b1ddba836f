// `npm run bench`: how long synthesizing the default platform takes, end to end and by phase.
// A benchmark, not a test: it prints numbers for the README and never fails on them.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const root = path.resolve(__dirname, '..', '..', '..');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

// 1. The whole `node dist-js/scripts/synth.js` process (module loading included), as `npm run synth`
//    runs it after compiling.
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ballast-bench-'));
const processRuns = Array.from({ length: RUNS }, () =>
  time(() => execFileSync(process.execPath, [path.join(root, 'dist-js', 'scripts', 'synth.js')], { cwd: work, stdio: 'ignore' })),
);

// 2. Phases inside one process: loading the library, building the model, each backend.
const load = time(() => require('../../lib'));
const lib = require('../../lib') as typeof import('../../lib');
const { App } = require('cdk8s') as typeof import('cdk8s');
const { defaultPlatform } = require('../../apps/platform') as typeof import('../../apps/platform');
const phases = { model: [] as number[], flux: [] as number[], terraform: [] as number[] };
for (let i = 0; i < RUNS; i++) {
  let platform!: import('../../lib').Platform;
  let plan!: import('../../lib').DeploymentPlan;
  phases.model.push(time(() => {
    platform = defaultPlatform(new App());
    plan = lib.planPlatform(platform);
  }));
  const out = fs.mkdtempSync(path.join(work, 'run-'));
  fs.mkdirSync(path.join(out, 'flux'));
  fs.mkdirSync(path.join(out, 'cdktf'));
  phases.flux.push(time(() => lib.synthFlux(plan, path.join(out, 'flux'))));
  phases.terraform.push(time(() => lib.synthTerraform(plan, path.join(out, 'cdktf'))));
}

// 3. Scale: N WebServices, each with an HPA, a ServiceMonitor and an IngressRoute (beside Traefik and
//    kube-prometheus-stack): model, plan and Flux render, in this process.
function scalePlatform(n: number): import('../../lib').Platform {
  const platform = new lib.Platform(new App(), 'ballast', { domain: 'example.com', clusterName: 'bench', git: { url: 'https://git.example.com/p.git' } });
  const traefik = new lib.Traefik(platform, 'traefik', { metrics: true });
  new lib.KubePrometheusStack(platform, 'monitoring', { ingress: traefik });
  for (let i = 0; i < n; i++) {
    const service = new lib.WebService(platform, `svc${i}`, { image: 'ghcr.io/acme/api:1.0.0', route: { host: `svc${i}.example.com` } });
    new lib.HorizontalAutoscaler(service, 'hpa', { target: service, maxReplicas: 4, cpuUtilization: 70 });
  }
  return platform;
}
const scale = [10, 100, 1000].map((n) => {
  let planMs = 0;
  const ms = time(() => {
    const platform = scalePlatform(n);
    let plan!: import('../../lib').DeploymentPlan;
    planMs = time(() => (plan = lib.planPlatform(platform)));
    lib.renderFluxRepository(plan);
  });
  return { n, ms, planMs };
});

// 4. The same objects written by a plain cdk8s program: one Chart per component holding its objects as
//    ApiObjects, `App.synth()` to YAML files (the raw cost of cdk8s + YAML, without ballast's plan).
function rawCdk8s(plan: import('../../lib').DeploymentPlan): number {
  const out = fs.mkdtempSync(path.join(work, 'raw-'));
  const { Chart, ApiObject } = require('cdk8s') as typeof import('cdk8s');
  return time(() => {
    const app = new App({ outdir: out });
    for (const p of plan.flux) {
      const chart = new Chart(app, `${p.component.node.id}-${p.step}`, { disableResourceNameHashes: true });
      p.manifests.forEach((m, i) => new ApiObject(chart, `o${i}`, m as never));
    }
    app.synth();
  });
}
const defaultPlanned = lib.planPlatform(defaultPlatform(new App()));
const rawDefault = median(Array.from({ length: RUNS }, () => rawCdk8s(defaultPlanned)));

// 5. The stock route of a new cdk8s/cdktf user: their CLIs, as `cdk8s synth` and `cdktf synth` run the
//    project (each compiles, starts Node and synthesizes its side).
const cli = (args: string[]) =>
  time(() => execFileSync(process.execPath, args, { cwd: root, stdio: 'ignore', env: { ...process.env, CHECKPOINT_DISABLE: '1', CDK8S_OUTDIR: path.join(work, 'cli-flux'), CDKTF_OUTDIR: path.join(work, 'cli-tf') } }));
const stockRuns = Array.from({ length: Math.min(RUNS, 3) }, () =>
  cli([path.join(root, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s'), 'synth']) +
  cli([path.join(root, 'node_modules', 'cdktf-cli', 'bundle', 'bin', 'cdktf'), 'synth', '--output', path.join(work, 'cli-tf')]),
);

const scaleRaw = [10, 100, 1000].map((n) => rawCdk8s(lib.planPlatform(scalePlatform(n))));
fs.rmSync(work, { recursive: true, force: true });

const bench = {
  machine: { cpus: os.cpus().length, node: process.version },
  default: {
    ballastMs: Math.round(median(processRuns)),
    ballastMinMs: Math.round(Math.min(...processRuns)),
    ballastMaxMs: Math.round(Math.max(...processRuns)),
    stockCliMs: Math.round(median(stockRuns)),
    rawCdk8sMs: Math.round(rawDefault),
  },
  scale: scale.map((x, i) => ({ services: x.n, ms: Math.round(x.ms), planMs: Math.round(x.planMs), rawCdk8sMs: Math.round(scaleRaw[i]), rssMb: Math.round(process.memoryUsage().rss / 1e6) })),
};
fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
fs.writeFileSync(path.join(root, 'dist', 'bench.json'), `${JSON.stringify(bench, null, 2)}\n`);

console.log(`ballast synth benchmark (${RUNS} runs, median; ${os.cpus().length} CPUs, Node ${process.version})`);
console.log(`| what | ms |`);
console.log(`|---|---|`);
console.log(`| whole synth process (node dist-js/scripts/synth.js) | ${median(processRuns).toFixed(0)} |`);
console.log(`| load the library (first require) | ${load.toFixed(0)} |`);
console.log(`| build model + plan | ${median(phases.model).toFixed(1)} |`);
console.log(`| render + write dist/flux | ${median(phases.flux).toFixed(1)} |`);
console.log(`| render + write dist/cdktf | ${median(phases.terraform).toFixed(1)} |`);
for (const { n, ms, planMs } of scale) {
  console.log(`| ${n} WebServices (HPA, ServiceMonitor, IngressRoute each): model + plan + Flux render (plan alone) | ${ms.toFixed(0)} (${planMs.toFixed(0)}) |`);
}
console.log(`| stock route: cdk8s synth + cdktf synth CLIs | ${bench.default.stockCliMs} |`);
console.log(`| plain cdk8s App.synth() of the default platform's Flux objects (in process) | ${bench.default.rawCdk8sMs} |`);
scale.forEach((x, i) => console.log(`| plain cdk8s App.synth() of ${x.n} WebServices' objects (in process) | ${Math.round(scaleRaw[i])} |`));
console.log('written: dist/bench.json');
