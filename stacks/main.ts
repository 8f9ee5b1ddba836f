// cdktf entry point: synthesizes the Terraform side of the default platform (dist/cdktf).
import { App } from 'cdk8s';
import { planPlatform, synthTerraform, SynthStats, withAtomicOutput } from '../lib';
import { defaultPlatform } from '../apps/platform';
import { runEntryPoint } from '../lib/synth/cli';

/** Synthesizes `dist/cdktf` (or `$CDKTF_OUTDIR`, which `cdktf synth` sets). */
export function synthTerraformStack(outdir = process.env.CDKTF_OUTDIR ?? 'dist/cdktf'): SynthStats {
  const plan = planPlatform(defaultPlatform(new App()));
  return withAtomicOutput([outdir], ([staging]) => synthTerraform(plan, staging));
}

if (require.main === module) runEntryPoint(() => synthTerraformStack());
