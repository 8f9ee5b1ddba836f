// One run of the bench's scale series, in a process of its own so that its wall time includes Node
// start-up and module loading and its peak RSS is its own: `node scale-run.js <services> <outdir>`.
// Synthesizes both backends into <outdir>/flux and <outdir>/cdktf and prints its measures as JSON.
const started = process.hrtime.bigint();
import * as fs from 'fs';
import * as path from 'path';
import { planPlatform, synthFlux, synthTerraform } from '../../lib';
import { scalePlatform } from './scale-platform';

const ms = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e6;
const services = Number(process.argv[2]);
const outdir = process.argv[3];
const loadMs = ms(started);

let t = process.hrtime.bigint();
const platform = scalePlatform(services);
const modelMs = ms(t);
t = process.hrtime.bigint();
const plan = planPlatform(platform);
const planMs = ms(t);
t = process.hrtime.bigint();
for (const dir of ['flux', 'cdktf']) fs.mkdirSync(path.join(outdir, dir), { recursive: true });
synthFlux(plan, path.join(outdir, 'flux'));
const fluxMs = ms(t);
t = process.hrtime.bigint();
synthTerraform(plan, path.join(outdir, 'cdktf'));
const terraformMs = ms(t);

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
