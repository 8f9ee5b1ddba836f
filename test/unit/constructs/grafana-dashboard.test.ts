// What a GrafanaDashboard emits: a ConfigMap Grafana's sidecar picks up, beside the component it shows.
import { Component, GrafanaDashboard } from '../../../lib';
import { synthComponent } from '../../../lib/testing';

test('GrafanaDashboard', () => {
  const output = synthComponent((platform) => {
    const app = new Component(platform, 'app', { namespace: 'app' });
    return new GrafanaDashboard(app, 'app-overview', {
      folder: 'Apps',
      dashboard: { uid: 'app-overview', title: 'App overview', panels: [{ type: 'timeseries', title: 'Requests', targets: [{ expr: 'sum(rate(http_requests_total[1m]))' }] }] },
    });
  });
  expect(output).toMatchSnapshot();
});

test('a large dashboard is shown as its length and digest', () => {
  const panels = Array.from({ length: 40 }, (_, i) => ({ type: 'stat', title: `Panel ${i}`, targets: [{ expr: `up{job="job-${i}"}` }] }));
  const output = synthComponent((platform) => {
    const app = new Component(platform, 'app', { namespace: 'app' });
    return new GrafanaDashboard(app, 'big', { dashboard: { uid: 'big', title: 'Big', panels } });
  });
  expect(output).toMatchSnapshot();
});
