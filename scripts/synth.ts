// `npm run synth`: runs both entry points in one process, into dist/flux and dist/cdktf, and prints what
// they wrote. Both trees are swapped in together, so dist/ never mixes two versions of the platform.
import { synthFluxRepository } from '../apps/main';
import { formatNotes, formatStats, runEntryPoint, withAtomicOutput } from '../lib';
import { synthTerraformStack } from '../stacks/main';

runEntryPoint(() => {
  const start = process.hrtime.bigint();
  const [flux, terraform] = withAtomicOutput(['dist/flux', 'dist/cdktf'], ([fluxDir, tfDir]) => [
    synthFluxRepository(fluxDir),
    synthTerraformStack(tfDir),
  ]);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  // Both backends plan the same platform: its notes are printed once.
  process.stderr.write(formatNotes(flux.notes));
  console.log(formatStats('flux', 'dist/flux', flux));
  console.log(formatStats('terraform', 'dist/cdktf', terraform));
  console.log(`synthesized in ${ms.toFixed(0)} ms (${(process.uptime() * 1000).toFixed(0)} ms with Node start-up and module loading)`);
});
