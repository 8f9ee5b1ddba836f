// PromQL parsed with the Prometheus project's own grammar (@prometheus-io/lezer-promql): the first error
// with its position in the query as written, and Grafana's template variables given place-holders that
// are valid where they stand.
import { execFileSync } from 'child_process';
import { dashboardQueries } from '../../lib/model/dashboard-queries';
import { dashboardQuerySyntaxError, describePromqlError, promqlSyntaxError } from '../../lib/core/promql';
import { loadTestOverview } from '../../lib/components/monitoring/dashboards/load-test-overview';

test.each([
  'up == 0',
  'sum(rate(http_requests_total{service="api"}[1m]))',
  'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))',
  'sum(rate(x[5m])) by (job) > 10',
  'up offset 5m',
  'x[1h:5m]',
  'a and on(b) c',
  'foo[5m] @ end()',
  'count_over_time({__name__=~"k6_.+"}[1m])',
  '42',
])('%s parses', (query) => {
  expect(promqlSyntaxError(query)).toBeUndefined();
});

// Mutation: returning undefined from promqlSyntaxError (no parse) fails every row here.
test.each([
  ['sum(rate(x[5m]) by (job)', 17, 'by'],
  ['up = 0', 4, '='],
  ['foo bar', 5, 'bar'],
  ['sum(rate(x[5m] by (job)', 16, 'by'],
] as const)('%s does not parse at %d (%s)', (query, position, token) => {
  expect(promqlSyntaxError(query)).toEqual({ position, token });
});

test('a call of a function PromQL does not have is named as such', () => {
  const error = promqlSyntaxError('sum(nonexistent_function(x))')!;
  expect(describePromqlError(error)).toBe('at character 25 ("(": nonexistent_function is not a PromQL function)');
});

test('a query that ends too early is reported at its end; an empty one at its start', () => {
  expect(promqlSyntaxError('rate(x[5m]')).toEqual({ position: 11 });
  expect(describePromqlError(promqlSyntaxError('x +')!)).toBe('at character 4, where it ends before the expression is complete');
  expect(promqlSyntaxError('')).toEqual({ position: 1 });
  expect(promqlSyntaxError('   ')).toEqual({ position: 1 });
});

// Mutation: leaving the variables in place (placeholder = the variable itself) fails this test, the
// load-test dashboard below and the valid dashboard case of the hostile table.
test("Grafana's template variables get place-holders valid where they stand; positions stay those of the query as written", () => {
  for (const q of [
    'sum(rate(x{job="$job"}[$__rate_interval]))',
    'sum by ($label) (rate(x[${interval}]))',
    'rate(x[5m:$__interval]) offset $offset',
    'topk($limit, sum(rate(${metric}_total[$__range])))',
    'rate(x[[[interval]]])',
    'x / $__interval_ms',
  ]) {
    expect([q, dashboardQuerySyntaxError(q)]).toEqual([q, undefined]);
  }
  // Without the place-holders the same query does not parse: the substitution is what makes it pass.
  expect(promqlSyntaxError('rate(x[$__rate_interval])')).toBeDefined();
  // The error after a variable is placed in the query as written (the variable is longer than its place-holder).
  expect(dashboardQuerySyntaxError('rate(x{a="$a"}[$__rate_interval]) by (job)')).toEqual({ position: 35, token: 'by' });
});

test("the queries of ballast's load-test dashboard are found and every one parses", () => {
  const queries = dashboardQueries(loadTestOverview({ datasourceUid: 'prometheus', k6Metrics: 'trend-stats' }));
  expect(queries.length).toBeGreaterThanOrEqual(10);
  expect(queries.filter((q) => dashboardQuerySyntaxError(q.expr))).toEqual([]);
});

test('only queries of a Prometheus datasource (or the default one) are read: Loki targets and variables are not PromQL', () => {
  const dashboard = {
    panels: [
      { title: 'P', datasource: { type: 'prometheus', uid: 'x' }, targets: [{ refId: 'A', expr: 'up' }] },
      { title: 'L', datasource: { type: 'loki', uid: 'y' }, targets: [{ refId: 'A', expr: '{app="x"} |= "error"' }] },
      { title: 'Row', type: 'row', panels: [{ title: 'Inner', targets: [{ refId: 'B', expr: 'rate(x[5m])' }] }] },
    ],
    templating: { list: [{ name: 'job', query: 'label_values(up, job)' }] },
  };
  expect(dashboardQueries(dashboard)).toEqual([
    { where: 'panel "P" target A', expr: 'up' },
    { where: 'panel "Inner" target B', expr: 'rate(x[5m])' },
  ]);
});

test('loading the parser costs little (measured in a fresh process), and is deferred to the first query', () => {
  const script = "const t = process.hrtime.bigint(); require('@prometheus-io/lezer-promql'); console.log(Number(process.hrtime.bigint() - t) / 1e6)";
  const ms = Number(execFileSync(process.execPath, ['-e', script], { cwd: process.cwd(), encoding: 'utf8' }));
  // About 20 ms on the CI machine; the bound only catches a parser that grew by an order of magnitude.
  expect(ms).toBeLessThan(500);
  const source = require('fs').readFileSync(require.resolve('../../lib/core/promql'), 'utf8') as string;
  expect(source).not.toMatch(/^import .*lezer-promql/m);
});
