// ballast reads each chart's objects in cdk8s' synthesis order without cdk8s' per-chart graph when no
// construct of the chart depends on another one: both ways must give Chart.toJson()'s order.
import { ApiObject, App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { chartObjects } from '../../lib/core/chart-objects';

const names = (objects: { metadata: { name?: string } }[]) => objects.map((o) => o.metadata.name);
const config = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });

/** A chart with objects at several depths, a nested chart (whose objects are not its own) and a neighbour. */
function build(): { app: App; chart: Chart; objects: Record<string, ApiObject>; neighbour: ApiObject } {
  const app = new App();
  const chart = new Chart(app, 'chart');
  const group = new Construct(chart, 'group');
  const deep = new Construct(group, 'deep');
  const objects: Record<string, ApiObject> = {};
  for (const [scope, name] of [[chart, 'a'], [group, 'b'], [chart, 'c'], [group, 'd'], [deep, 'e']] as const) {
    objects[name] = new ApiObject(scope, name, config(name));
  }
  new ApiObject(new Chart(chart, 'nested'), 'n', config('n'));
  const neighbour = new ApiObject(new Chart(app, 'other'), 'x', config('x'));
  return { app, chart, objects, neighbour };
}

function expectCdk8sOrder(chart: Chart): void {
  expect(names(chartObjects(chart).map((o) => o.toJson()))).toEqual(names(chart.toJson()));
}

test('without dependencies: the pre-order walk (children in the order they were added), without the nested chart', () => {
  const { chart } = build();
  expect(names(chartObjects(chart).map((o) => o.toJson()))).toEqual(['e', 'b', 'd', 'a', 'c']);
  expectCdk8sOrder(chart);
});

test('with dependencies inside the chart: the topology of the dependency graph', () => {
  const { chart, objects } = build();
  objects.a.node.addDependency(objects.c);
  objects.b.node.addDependency(objects.e);
  const order = names(chartObjects(chart).map((o) => o.toJson()));
  expect(order.indexOf('c')).toBeLessThan(order.indexOf('a'));
  expect(order.indexOf('e')).toBeLessThan(order.indexOf('b'));
  expectCdk8sOrder(chart);
});

test('a dependency on a construct of another chart leaves the order as it is', () => {
  const { chart, objects, neighbour } = build();
  objects.a.node.addDependency(neighbour);
  expectCdk8sOrder(chart);
});
