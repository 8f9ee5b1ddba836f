// What the CloudNativePG operator emits: its chart, in its own namespace.
import { CloudNativePg } from '../../../lib';
import { synthComponent } from '../../../lib/testing';

test('CloudNativePg', () => {
  expect(synthComponent((platform) => new CloudNativePg(platform, 'cnpg'))).toMatchSnapshot();
});
