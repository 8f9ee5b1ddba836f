// What an IngressRoute emits, in the namespace of the component it belongs to (Traefik installs its CRD).
import { Component, IngressRoute, Traefik } from '../../../lib';
import { synthComponent } from '../../../lib/testing';

test('IngressRoute', () => {
  const output = synthComponent((platform) => {
    const traefik = new Traefik(platform, 'traefik');
    const app = new Component(platform, 'app', { namespace: 'app', tier: 'apps' });
    return new IngressRoute(app, 'route', {
      host: 'app.example.com',
      pathPrefix: '/docs',
      backend: { name: 'docs', port: 'http' },
      middlewares: traefik.adminMiddlewares,
    });
  });
  expect(output).toMatchSnapshot();
});
