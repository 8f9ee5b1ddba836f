import { App } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Fleet } from '../fleet/fleet';
import { Command, SynthArgs } from './args';
import { CommandOutput, runCommand } from './commands';
import { LoadedProgram } from './load-app';
import { buildFailure, usersError } from './program-errors';
import { isThenable, platformReturned } from './program-result';

/**
 * Runs `synth`, `diff` or `validate` of `program` as the ballast CLI does, and returns the exit code.
 *
 * A platform function is called once, before the output folders are locked, and awaited when it returns
 * a Promise (an async program that reads something first): the synth plans and writes inside the lock,
 * synchronously, and building the constructs reads nothing of the output. The result is a number when
 * nothing had to be awaited, so a synchronous program runs synchronously, as it always did.
 *
 * What the user's code throws, while building or when ballast calls it while planning (a Component's own
 * method), is reported as the program's, at its file and line (see program-errors.ts).
 */
export function runProgram(command: Command, args: SynthArgs, program: LoadedProgram, output?: CommandOutput, cwd = process.cwd()): number | Promise<number> {
  const planning = (fn: () => number): number => {
    try {
      return fn();
    } catch (err) {
      throw usersError(err, { doing: 'planning the platform', cwd }) ?? err;
    }
  };
  if (Fleet.isFleet(program)) return planning(() => runCommand(command, args, program, output));
  const building = { doing: 'building the platform', cwd };
  const app = new App();
  let result: IConstruct | PromiseLike<IConstruct>;
  try {
    result = program(app);
  } catch (err) {
    throw buildFailure(err, building);
  }
  // The construct, built once: the synth's build function hands it over.
  const run = (root: IConstruct): number => planning(() => runCommand(command, args, () => root, output));
  if (!isThenable(result)) return run(platformReturned(result, app, 'program'));
  return Promise.resolve(result).then(
    (value) => run(platformReturned(value, app, 'program', true)),
    (err: unknown) => {
      throw buildFailure(err, building);
    },
  );
}
