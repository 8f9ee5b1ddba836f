// `npm run diff`: what synthesizing the default platform now would change against dist/ (its inventory),
// per backend, destructive and refused items first. Writes nothing. Exit 0: no change, 1: changes,
// 2: something would be destroyed or pruned, or a guarded change is not acknowledged; 3: diff itself failed.
// First: the age worker thread starts loading while the rest loads.
import '../lib/secrets/age-warm-up';
import { App } from 'cdk8s';
import { formatDiff, planAgainstOutput, readInventory, runEntryPoint } from '../lib/internal';
import { defaultPlatform } from '../apps/platform';
import { parseSynthArgs } from './synth-args';

runEntryPoint(() => {
  const args = parseSynthArgs(process.argv.slice(2));
  const plan = planAgainstOutput(() => defaultPlatform(new App(), { saveLocalKey: false }), args);
  const { text, exitCode } = formatDiff(plan, readInventory('dist/flux') !== undefined);
  process.stdout.write(text);
  process.exitCode = exitCode;
}, { action: 'diff', failureExitCode: 3 });
