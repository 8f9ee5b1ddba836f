// What the Flux bootstrap emits: two Terraform releases (operator, then the instance that syncs this repository).
import { Flux } from '../../../lib';
import { synthComponent } from '../../../lib/testing';

test('Flux', () => {
  expect(synthComponent((platform) => new Flux(platform, 'flux'))).toMatchSnapshot();
});
