// cdktf entry point: synthesizes the Terraform side of the default platform (dist/cdktf).
import { App } from 'cdk8s';
import { defaultPlatform } from '../apps/platform';
import { planPlatform, formatNotes, runEntryPoint, SynthStats, synthTerraform, withAtomicOutput } from '../lib';

/** Writes the Terraform JSON of the default platform into `outdir` (an empty folder). */
export function synthTerraformStack(outdir: string): SynthStats {
  return synthTerraform(planPlatform(defaultPlatform(new App())), outdir);
}

// `cdktf synth` sets CDKTF_OUTDIR from cdktf.json.
if (require.main === module) {
  runEntryPoint(() => {
    const stats = withAtomicOutput([process.env.CDKTF_OUTDIR ?? 'dist/cdktf'], ([dir]) => synthTerraformStack(dir));
    process.stderr.write(formatNotes(stats.notes));
  });
}
