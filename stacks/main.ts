// cdktf entry point: synthesizes the default platform. `cdktf synth` (and `cdktf deploy`) ask for the
// Terraform JSON (CDKTF_OUTDIR, dist/cdktf); the Flux repository is written beside it (dist/flux) in the
// same synth, so the two folders always come from one plan and one inventory.
// First: the age worker thread starts loading while the rest loads.
import '../lib/secrets/age-warm-up';
import { App } from 'cdk8s';
import { defaultPlatform } from '../apps/platform';
import { formatNotes, formatSynthReport, parseSynthArgs, runEntryPoint, synthPlatform } from '../lib/internal';

if (require.main === module) {
  runEntryPoint(() => {
    // The output folders' notes too (a wait for another synth): see the comment below.
    process.env.BALLAST_NOTES ??= 'stdout';
    // The folders cdktf asks for (CDKTF_OUTDIR), checked as the CLI checks --outdir.
    const { fluxDir, terraformDir } = parseSynthArgs([], process.env);
    const { plan, terraform } = synthPlatform(() => defaultPlatform(new App()), { fluxDir, terraformDir });
    // stdout: `cdktf synth` shows the app's stdout as it is and logs every stderr line as an [ERROR];
    // these are notes and a report, not errors. (A failed synth still reports on stderr.)
    process.stdout.write(formatNotes(terraform.notes) + formatSynthReport(plan));
  });
}
