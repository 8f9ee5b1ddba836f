// `npm run bench`: how long synthesizing the default platform takes, end to end and by phase.
// A benchmark, not a test: it prints numbers for the README and never fails on them.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const root = path.resolve(__dirname, '..', '..');

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
const load = time(() => require('../lib'));
const lib = require('../lib') as typeof import('../lib');
const { App } = require('cdk8s') as typeof import('cdk8s');
const { defaultPlatform } = require('../apps/platform') as typeof import('../apps/platform');
const phases = { model: [] as number[], flux: [] as number[], terraform: [] as number[] };
for (let i = 0; i < RUNS; i++) {
  let platform!: import('../lib').Platform;
  let plan!: import('../lib').DeploymentPlan;
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
const scale = [10, 100, 1000].map((n) => {
  const platform = new lib.Platform(new App(), 'ballast', { domain: 'example.com', clusterName: 'bench', git: { url: 'https://git.example.com/p.git' } });
  const traefik = new lib.Traefik(platform, 'traefik', { metrics: true });
  new lib.KubePrometheusStack(platform, 'monitoring', { ingress: traefik });
  let planMs = 0;
  const ms = time(() => {
    for (let i = 0; i < n; i++) {
      const service = new lib.WebService(platform, `svc${i}`, { image: 'ghcr.io/acme/api:1.0.0', route: { host: `svc${i}.example.com` } });
      new lib.HorizontalAutoscaler(service, 'hpa', { target: service, maxReplicas: 4, cpuUtilization: 70 });
    }
    let plan!: import('../lib').DeploymentPlan;
    planMs = time(() => (plan = lib.planPlatform(platform)));
    lib.renderFluxRepository(plan);
  });
  return { n, ms, planMs };
});
fs.rmSync(work, { recursive: true, force: true });

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
