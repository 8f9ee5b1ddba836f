// What the two kinds of Middleware emit (Traefik installs their CRD).
import { Component, Middleware, Traefik } from '../../../lib';
import { synthComponent } from '../../../lib/testing';

test('Middleware: IP allow-list and basic auth', () => {
  const output = synthComponent((platform) => {
    new Traefik(platform, 'traefik');
    const app = new Component(platform, 'app', { namespace: 'app' });
    return [
      Middleware.ipAllowList(app, 'office', { name: 'office', sourceRange: ['203.0.113.0/24', '2001:db8::/32'], ipStrategyDepth: 1 }),
      Middleware.basicAuth(app, 'login', { name: 'login', secretName: 'app-users', realm: 'app' }),
    ];
  });
  expect(output).toMatchSnapshot();
});
