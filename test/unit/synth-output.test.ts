// A failed synth leaves the previous output as it was and says why, without a stack trace.
import * as fs from 'fs';
import * as path from 'path';
import { ValidationError, withAtomicOutput } from '../../lib';
import { runEntryPoint } from '../../lib/synth/cli';
import { tempDir } from '../support/synth';

function tempOutdir(): string {
  const dir = path.join(tempDir(), 'dist');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'old.yaml'), 'old: true\n');
  return dir;
}

test('a successful build replaces the output folder as a whole', () => {
  const dir = tempOutdir();
  withAtomicOutput([dir], ([staging]) => fs.writeFileSync(path.join(staging, 'new.yaml'), 'new: true\n'));
  expect(fs.readdirSync(dir)).toEqual(['new.yaml']);
  expect(fs.readdirSync(path.dirname(dir))).toEqual(['dist']);
});

test('a failing build leaves the previous output untouched and no staging folder behind', () => {
  const dir = tempOutdir();
  expect(() =>
    withAtomicOutput([dir], ([staging]) => {
      fs.writeFileSync(path.join(staging, 'half.yaml'), 'half: true\n');
      throw new Error('boom');
    }),
  ).toThrow('boom');
  expect(fs.readdirSync(dir)).toEqual(['old.yaml']);
  expect(fs.readdirSync(path.dirname(dir))).toEqual(['dist']);
});

test('an entry point prints validation problems without a stack and exits non-zero', () => {
  const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const before = process.exitCode;
  runEntryPoint(() => {
    throw new ValidationError([{ path: 'ballast/traefik', problem: 'something is wrong', fix: 'Fix it' }]);
  });
  expect(process.exitCode).toBe(1);
  expect(write).toHaveBeenCalledWith('ballast: synth failed, nothing was written:\nballast/traefik: something is wrong. Fix it.\n');
  process.exitCode = before;
  write.mockRestore();
});
