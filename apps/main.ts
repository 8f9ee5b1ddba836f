// cdk8s entry point: synthesizes the default platform into a Flux repository (dist/flux).
import { App } from 'cdk8s';
import { planPlatform, synthFlux, SynthStats, withAtomicOutput } from '../lib';
import { runEntryPoint } from '../lib/synth/cli';
import { defaultPlatform } from './platform';

/** Synthesizes `dist/flux` (or `$CDK8S_OUTDIR`, which `cdk8s synth` sets). */
export function synthFluxRepository(outdir = process.env.CDK8S_OUTDIR ?? 'dist/flux'): SynthStats {
  const platform = defaultPlatform(new App());
  const plan = planPlatform(platform);
  return withAtomicOutput([outdir], ([staging]) => synthFlux(plan, staging));
}

if (require.main === module) runEntryPoint(() => synthFluxRepository());
