// `npm run diff`: `ballast diff` of the default platform against dist/ (its inventory), per backend,
// destructive and refused items first. Writes nothing, not even the checkout's age key. Exit 0: no change,
// 1: changes, 2: something would be destroyed or pruned, or a guarded change is not acknowledged; 3: diff
// itself failed.
// First: the age worker thread starts loading while the rest loads.
import '../lib/secrets/age-warm-up';
import { parseSynthArgs, runCommand, runEntryPoint } from '../lib/internal';
import { defaultPlatform } from '../apps/platform';

runEntryPoint(() => {
  process.exitCode = runCommand('diff', parseSynthArgs(process.argv.slice(2)), (app) => defaultPlatform(app, { saveLocalKey: false }));
}, { action: 'diff', failureExitCode: 3 });
