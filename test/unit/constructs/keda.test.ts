// What KEDA emits: its chart, which installs the keda.sh CRDs.
import { Keda } from '../../../lib';
import { synthComponent } from '../../../lib/testing';

test('Keda', () => {
  expect(synthComponent((platform) => new Keda(platform, 'keda'))).toMatchSnapshot();
});
