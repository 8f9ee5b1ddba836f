// `npm run synth`: both entry points in one process, into dist/flux and dist/cdktf, with a summary.
import { App } from 'cdk8s';
import { defaultPlatform } from '../apps/platform';
import { formatStats, planPlatform, synthFlux, synthTerraform, withAtomicOutput } from '../lib';
import { runEntryPoint } from '../lib/synth/cli';

runEntryPoint(() => {
  const start = process.hrtime.bigint();
  const platform = defaultPlatform(new App());
  const plan = planPlatform(platform);
  // Both trees are swapped in together, so dist/ never mixes two versions of the platform.
  const [flux, terraform] = withAtomicOutput(['dist/flux', 'dist/cdktf'], ([fluxDir, tfDir]) => [
    synthFlux(plan, fluxDir),
    synthTerraform(plan, tfDir),
  ]);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const total = process.uptime() * 1000;
  console.log(formatStats('flux', 'dist/flux', flux));
  console.log(formatStats('terraform', 'dist/cdktf', terraform));
  console.log(`synthesized in ${ms.toFixed(0)} ms (${total.toFixed(0)} ms with Node start-up and module loading)`);
});
