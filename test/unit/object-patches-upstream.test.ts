import { JsonPatch } from 'cdk8s';
import { jsonOfPatch, operationOf } from '../../lib/core/object-patches';

// ballast reads a cdk8s JsonPatch's operation through cdk8s' internal `_toJson()` (the class has no public
// reader), in one place: jsonOfPatch. These tests hold that place to what cdk8s gives today, so an
// upgrade of cdk8s that renames or reshapes it fails here, not inside a user's synth.
// Mutation: jsonOfPatch returning undefined (as it would if cdk8s renamed the method) fails every case.

test.each([
  ['add', JsonPatch.add('/spec/replicas', 3), { op: 'add', path: '/spec/replicas', value: 3 }],
  ['replace', JsonPatch.replace('/a', 'b'), { op: 'replace', path: '/a', value: 'b' }],
  ['remove', JsonPatch.remove('/a'), { op: 'remove', path: '/a' }],
  ['copy', JsonPatch.copy('/a', '/b'), { op: 'copy', from: '/a', path: '/b' }],
  ['move', JsonPatch.move('/a', '/b'), { op: 'move', from: '/a', path: '/b' }],
  ['test', JsonPatch.test('/a', 1), { op: 'test', path: '/a', value: 1 }],
])('a cdk8s %s patch reads as its RFC 6902 operation', (_name, patch, expected) => {
  expect(jsonOfPatch(patch)).toEqual(expected);
  expect(operationOf(patch)).toEqual(expected);
});

test('something that is not a cdk8s JsonPatch has no operation', () => {
  expect(jsonOfPatch({ op: 'add', path: '/a', value: 1 })).toBeUndefined();
  expect(operationOf({ op: 'add', path: '/a', value: 1 })).toBe('a plain object is not a JsonPatch');
});
