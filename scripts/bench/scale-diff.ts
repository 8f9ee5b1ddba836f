// `diff` of the bench's scale platform against an output it synthesized before, in a process of its own
// (wall time includes Node start-up and module loading, as for a synth): `node scale-diff.js <services>
// <outdir>`. Plans, compares with <outdir>/flux's inventory and files and formats the diff; writes nothing.
import * as path from 'path';
import { formatDiff, planAgainstOutput, readInventory } from '../../lib/internal';
import { fieldDiffs } from '../../lib/synth/field-diff';
import { scalePlatform } from './scale-platform';

const services = Number(process.argv[2]);
const fluxDir = path.join(process.argv[3], 'flux');
// An optional image tag for every service: a diff in which every Deployment changed, field by field.
const imageTag = process.argv[4];
const plan = planAgainstOutput(() => scalePlatform(services, undefined, { name: 'bench', ...(imageTag ? { imageTag } : {}) }), { fluxDir });
// As `ballast diff` does: the changed objects field by field against the previous files.
const fields = fieldDiffs(plan, fluxDir, path.join(process.argv[3], 'cdktf', 'stacks', 'ballast', 'cdk.tf.json'));
const { exitCode } = formatDiff(plan, readInventory(fluxDir) !== undefined, fields);
process.stdout.write(`${JSON.stringify({ services, exitCode, changes: plan.day2.changes.length, fields: [...fields.values()].reduce((n, d) => n + d.fields.length, 0) })}\n`);
