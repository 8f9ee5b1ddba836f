// cdk8s entry point: synthesizes the default platform. `cdk8s synth` asks for the Flux repository
// (CDK8S_OUTDIR, dist/flux); the Terraform side is written beside it (dist/cdktf) in the same synth, so
// the two folders always come from one plan and one inventory.
// First: the age worker thread starts loading while the rest loads.
import '../lib/secrets/age-warm-up';
import { App } from 'cdk8s';
import { formatNotes, formatSynthReport, parseSynthArgs, runEntryPoint, synthPlatform } from '../lib/internal';
import { defaultPlatform } from './platform';

if (require.main === module) {
  runEntryPoint(() => {
    // The folders cdk8s asks for (CDK8S_OUTDIR), checked as the CLI checks --outdir.
    const { fluxDir, terraformDir } = parseSynthArgs([], process.env);
    const { plan, flux } = synthPlatform(() => defaultPlatform(new App()), { fluxDir, terraformDir });
    // stderr: `cdk8s synth` discards the app's stdout and passes its stderr through to the terminal.
    process.stderr.write(formatNotes(flux.notes) + formatSynthReport(plan));
  });
}
