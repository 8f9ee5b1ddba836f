// What Traefik emits: its chart, the admin Middlewares and the protected dashboard route.
import { Traefik } from '../../../lib';
import { synthComponent } from '../../../lib/testing';

test('Traefik on Flux', () => {
  expect(synthComponent((platform) => new Traefik(platform, 'traefik'))).toMatchSnapshot();
});

test('Traefik with Terraform: a helm_release, its custom resources still in Flux', () => {
  expect(synthComponent((platform) => new Traefik(platform, 'traefik', { deployWith: 'terraform', replicas: 1 }))).toMatchSnapshot();
});
