// One run of the bench's scale series, in a process of its own so that its wall time includes Node
// start-up and module loading and its peak RSS is its own: `node scale-run.js <services> <outdir>`.
// Synthesizes both backends into <outdir>/flux and <outdir>/cdktf as `npm run synth` does (staging
// folders swapped in, unchanged Flux files linked from a previous output there) and prints its measures
// as JSON.
const started = process.hrtime.bigint();
import * as path from 'path';
import { planPlatform, readInventory, synthFlux, synthTerraform, withAtomicOutput } from '../../lib/internal';
import { scalePlatform } from './scale-platform';

const ms = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e6;
const services = Number(process.argv[2]);
const outdir = process.argv[3];
const loadMs = ms(started);

let t = process.hrtime.bigint();
const platform = scalePlatform(services);
const modelMs = ms(t);
t = process.hrtime.bigint();
const fluxOut = path.join(outdir, 'flux');
// As a synth does: the plan is guarded against the previous output's inventory.
const plan = planPlatform(platform, { previous: readInventory(fluxOut), previousOutput: fluxOut });
const planMs = ms(t);
let fluxMs = 0;
let terraformMs = 0;
withAtomicOutput([fluxOut, path.join(outdir, 'cdktf')], ([fluxDir, tfDir]) => {
  t = process.hrtime.bigint();
  synthFlux(plan, fluxDir, { unchangedFrom: fluxOut });
  fluxMs = ms(t);
  t = process.hrtime.bigint();
  synthTerraform(plan, tfDir, { finalOutdir: path.join(outdir, 'cdktf') });
  terraformMs = ms(t);
});

const usage = process.resourceUsage();
process.stdout.write(
  `${JSON.stringify({
    services,
    loadMs,
    modelMs,
    planMs,
    fluxMs,
    terraformMs,
    cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
    rssMb: usage.maxRSS / 1024,
  })}\n`,
);
