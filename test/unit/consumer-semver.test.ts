// The semver range of a Flux ImagePolicy, as image-reflector-controller reads it (Masterminds/semver v3
// NewConstraint). The rows are the forms its documentation and tests show, and what it refuses.
import { semverRangeProblem } from '../../lib/model/semver-range';

test.each([
  '^1.0.0',
  '~1.2',
  '~> 1.2.3',
  '1.x',
  '1.2.*',
  '*',
  'x',
  '>=1.0.0 <2.0.0',
  '>= 1.2, < 3.0.0 || >= 4.2.3',
  '1.2.3 - 2.0.0',
  '>=1.0.0-0',
  '>=1.0.0-rc.1 <1.0.0',
  'v1.2.3',
  '=1.2.3',
  '!=1.2.3',
  '=> 1.0',
  '=< 2',
  '1.2.3+build.5',
  '^0.1.0 || ^0.2.0',
])('%s is a range Flux accepts', (range) => {
  expect(semverRangeProblem(range)).toBeUndefined();
});

// Mutation: a semverRangeProblem that returns undefined for every string fails every row here.
test.each([
  ['', 'it is empty'],
  ['latest', '"latest" is not a list of constraints'],
  ['>=1.0.0 && <2.0.0', 'is not a list of constraints'],
  ['1.0.0 to 2.0.0', 'is not a list of constraints'],
  ['>>1.0', 'is not a list of constraints'],
  ['^1.0.0.0', 'is not a list of constraints'],
  ['1x.2.3', 'the version part "1x"'],
  ['1.2.3-01', 'the prerelease part "01", a number with a leading zero'],
  ['1.0 ||', 'is not a list of constraints'],
  ['~1.2 |', 'is not a list of constraints'],
])('%s is refused: %s', (range, problem) => {
  expect(semverRangeProblem(range)).toContain(problem);
});

test('a range that is not a string says what it is', () => {
  expect(semverRangeProblem(1)).toBe('it is a number, not a range');
  expect(semverRangeProblem(null)).toBe('it is a null, not a range');
});
