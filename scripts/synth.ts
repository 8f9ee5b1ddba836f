// `npm run synth`: plans the default platform once and renders both backends from that one plan, into
// dist/flux and dist/cdktf, then prints what they wrote. Both trees are swapped in together, so dist/ never
// mixes two versions of the platform. (`cdk8s synth` and `cdktf synth` run apps/main.ts and
// stacks/main.ts instead, one backend each.)
import { App } from 'cdk8s';
import { formatNotes, formatStats, planPlatform, runEntryPoint, synthFlux, synthTerraform, withAtomicOutput } from '../lib';
import { defaultPlatform } from '../apps/platform';

runEntryPoint(() => {
  const start = process.hrtime.bigint();
  const [flux, terraform] = withAtomicOutput(['dist/flux', 'dist/cdktf'], ([fluxDir, tfDir]) => {
    const plan = planPlatform(defaultPlatform(new App()));
    return [synthFlux(plan, fluxDir, { unchangedFrom: 'dist/flux' }), synthTerraform(plan, tfDir)];
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  process.stderr.write(formatNotes(flux.notes));
  console.log(formatStats('flux', 'dist/flux', flux));
  console.log(formatStats('terraform', 'dist/cdktf', terraform));
  console.log(`synthesized in ${ms.toFixed(0)} ms (${(process.uptime() * 1000).toFixed(0)} ms with Node start-up and module loading)`);
});
