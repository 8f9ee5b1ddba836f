// What the k6 operator emits: its chart, which installs the k6.io CRDs.
import { K6Operator } from '../../../lib';
import { synthComponent } from '../../../lib/testing';

test('K6Operator', () => {
  expect(synthComponent((platform) => new K6Operator(platform, 'k6-operator'))).toMatchSnapshot();
});
