// `npm run synth`: plans the default platform once and renders both backends from that one plan, into
// dist/flux and dist/cdktf, swapped in together, then prints what they wrote. Guarded changes need
// `-- --acknowledge <id>`; `-- --rotate <name>` gives a secret a new value. (`cdk8s synth` and `cdktf synth`
// run apps/main.ts and stacks/main.ts, which write the same pair.)
// First: the age worker thread starts loading while the rest loads.
import '../lib/secrets/age-warm-up';
import { App } from 'cdk8s';
import { formatNotes, formatStats, formatSynthReport, runEntryPoint, synthPlatform } from '../lib/internal';
import { defaultPlatform } from '../apps/platform';
import { parseSynthArgs } from './synth-args';

runEntryPoint(() => {
  const start = process.hrtime.bigint();
  const args = parseSynthArgs(process.argv.slice(2));
  const { plan, flux, terraform } = synthPlatform(() => defaultPlatform(new App()), args);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  process.stderr.write(formatNotes(flux.notes) + formatSynthReport(plan));
  console.log(formatStats('flux', 'dist/flux', flux));
  console.log(formatStats('terraform', 'dist/cdktf', terraform));
  console.log(`synthesized in ${ms.toFixed(0)} ms (${(process.uptime() * 1000).toFixed(0)} ms with Node start-up and module loading)`);
});
