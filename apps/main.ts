// cdk8s entry point: synthesizes the default platform into a Flux repository (dist/flux).
import { App } from 'cdk8s';
import { planPlatform, formatNotes, runEntryPoint, synthFlux, SynthStats, withAtomicOutput } from '../lib';
import { defaultPlatform } from './platform';

/** Writes the Flux repository of the default platform into `outdir` (an empty folder), reusing unchanged files of `unchangedFrom`. */
export function synthFluxRepository(outdir: string, unchangedFrom?: string): SynthStats {
  return synthFlux(planPlatform(defaultPlatform(new App())), outdir, { unchangedFrom });
}

// `cdk8s synth` sets CDK8S_OUTDIR from cdk8s.yaml.
if (require.main === module) {
  runEntryPoint(() => {
    const outdir = process.env.CDK8S_OUTDIR ?? 'dist/flux';
    const stats = withAtomicOutput([outdir], ([dir]) => synthFluxRepository(dir, outdir));
    process.stderr.write(formatNotes(stats.notes));
  });
}
