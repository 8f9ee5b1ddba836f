// Planning and rendering do work in proportion to the platform, not to its square: counted, not timed.
// cdk8s' own Chart.toJson() walks the whole app for every chart, so reading each component's objects
// that way visits N x N constructs; ballast prepares the app once and walks each chart once.
import { ApiObject, App } from 'cdk8s';
import { Node } from 'constructs';
import { planPlatform, renderFluxRepository } from '../../lib/internal';
import { scalePlatform } from '../../scripts/bench/scale-platform';

interface Work {
  /** Constructs returned by every `findAll()` walk, summed. */
  readonly visited: number;
  readonly toJsonCalls: number;
  readonly appPreparations: number;
}

function workOf(services: number): Work {
  const platform = scalePlatform(services);
  const findAll = jest.spyOn(Node.prototype, 'findAll');
  const toJson = jest.spyOn(ApiObject.prototype, 'toJson');
  const prepare = jest.spyOn(App as unknown as { _synthChart(): unknown }, '_synthChart');
  try {
    renderFluxRepository(planPlatform(platform));
    return {
      visited: findAll.mock.results.reduce((n, r) => n + (r.value as unknown[]).length, 0),
      toJsonCalls: toJson.mock.calls.length,
      appPreparations: prepare.mock.calls.length,
    };
  } finally {
    jest.restoreAllMocks();
  }
}

test('four times the services, at most four times the work', () => {
  const small = workOf(25);
  const large = workOf(100);
  expect([small.appPreparations, large.appPreparations]).toEqual([1, 1]);
  // Traefik and kube-prometheus-stack are a fixed part, so the ratios stay under 4.
  expect(large.visited / small.visited).toBeLessThanOrEqual(4);
  expect(large.toJsonCalls / small.toJsonCalls).toBeLessThanOrEqual(4);
  expect(large.toJsonCalls).toBeGreaterThan(3 * small.toJsonCalls);
});
