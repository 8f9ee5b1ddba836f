// `npm run synth`: `ballast synth` of the default platform (apps/platform.ts), into dist/flux and
// dist/cdktf, swapped in together. Guarded changes need `-- --acknowledge <id>`; `-- --rotate <name>` gives a
// secret a new value. (`cdk8s synth` and `cdktf synth` run apps/main.ts and stacks/main.ts, which write the
// same pair.)
// First: the age worker thread starts loading while the rest loads.
import '../lib/secrets/age-warm-up';
import { parseSynthArgs, runCommand, runEntryPoint } from '../lib/internal';
import { defaultPlatform } from '../apps/platform';

runEntryPoint(() => {
  process.exitCode = runCommand('synth', parseSynthArgs(process.argv.slice(2)), (app) => defaultPlatform(app));
});
