// cdk8s entry point: synthesizes the default platform into a Flux repository (dist/flux).
import { App } from 'cdk8s';
import { planPlatform, formatNotes, runEntryPoint, synthFlux, SynthStats, withAtomicOutput } from '../lib';
import { defaultPlatform } from './platform';

/** Writes the Flux repository of the default platform into `outdir` (an empty folder). */
export function synthFluxRepository(outdir: string): SynthStats {
  return synthFlux(planPlatform(defaultPlatform(new App())), outdir);
}

// `cdk8s synth` sets CDK8S_OUTDIR from cdk8s.yaml.
if (require.main === module) {
  runEntryPoint(() => {
    const stats = withAtomicOutput([process.env.CDK8S_OUTDIR ?? 'dist/flux'], ([dir]) => synthFluxRepository(dir));
    process.stderr.write(formatNotes(stats.notes));
  });
}
