// Same input, same bytes: two synths of fresh platforms give identical trees.
import { readTree, synthToTemp } from '../support/synth';

test('two synths of the default platform are byte-identical', () => {
  const first = readTree(synthToTemp());
  const second = readTree(synthToTemp());
  expect(Object.keys(first).length).toBeGreaterThan(5);
  expect(second).toEqual(first);
});

test('no output file names a temporary or absolute path', () => {
  const all = Object.values(readTree(synthToTemp())).join('\n');
  expect(all).not.toMatch(/\/tmp\/|ballast-dist-|staging-/);
});
