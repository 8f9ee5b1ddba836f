// The whole default dist/ tree, file by file. `npx jest -u` after an intended change; review the diff.
import { readTree, synthToTemp } from '../support/synth';

test('default platform dist/ tree', () => {
  expect(readTree(synthToTemp())).toMatchSnapshot();
});
