import { Duration } from 'cdk8s';
// What a LoadTest emits: its namespace in the apps step, and a folder under loadtests/ applied by hand.
// The script is the user's file, not the construct's decision: `maxStringLength` shows it as its length and digest.
import * as path from 'path';
import { K6Operator, KubePrometheusStack, LoadTestProps, LoadTest, Platform, WebService } from '../../../lib';
import { synthComponent } from '../../../lib/testing';

const script = path.join(__dirname, '..', '..', '..', 'loadtests', 'articles-crawl.ts');

function loadTest(platform: Platform, props: Partial<LoadTestProps>): LoadTest {
  const prometheus = new KubePrometheusStack(platform, 'monitoring');
  const target = new WebService(platform, 'api', { image: 'ghcr.io/acme/api:1.4.2', metricsPath: false });
  return new LoadTest(platform, 'smoke', { script, target, prometheus, via: 'service', options: { vus: 10, duration: Duration.minutes(1) }, ...props });
}

test('LoadTest as a Job', () => {
  const output = synthComponent((platform) => loadTest(platform, { options: { vus: 1, iterations: 1, thresholds: { checks: ['rate==1'] } } }), { maxStringLength: 500 });
  expect(output).toMatchSnapshot();
});

test('LoadTest as a k6-operator TestRun', () => {
  const output = synthComponent((platform) => loadTest(platform, { runner: 'testrun', parallelism: 2, operator: new K6Operator(platform, 'k6-operator') }), { maxStringLength: 500 });
  expect(output).toMatchSnapshot();
});
