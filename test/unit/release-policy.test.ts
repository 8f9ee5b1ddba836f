// The release policy: one typed setting of how each Helm release is installed, upgraded and kept,
// rendered by both backends from the same resolved values (HelmRelease fields, helm_release attributes),
// set per platform and per component, with the user's patches last.
import * as path from 'path';
import { ApiObject, Duration } from 'cdk8s';
import { parse } from 'yaml';
import { Construct } from 'constructs';
import {
  Backend,
  CatalogChart,
  catalog,
  checkChartValues,
  Component,
  HelmComponent,
  JsonPatch,
  locateReferenceData,
  Manifest,
  Platform,
  PlatformConfig,
  ReleasePolicy,
  synthPlatform,
  Traefik,
} from '../../lib/internal';
import { goDuration, wholeSeconds } from '../../lib/core/durations';
import { DEFAULT_RELEASE_POLICY, resolveReleasePolicy } from '../../lib/core/release-policy';
import { CrdSchemas } from '../support/crd-schemas';
import { workspace } from '../support/day2';
import { testPlatform } from '../support/platforms';
import { problemOf } from '../support/problems';
import { needsReferenceData } from '../support/reference-gate';
import { fluxObjects, synthToTemp, TEST_AGE, terraformJson } from '../support/synth';

const podinfo: CatalogChart = { chart: 'podinfo', version: '6.7.1', repository: { name: 'podinfo', url: 'https://stefanprodan.github.io/podinfo', type: 'default' } };
const podinfoOci: CatalogChart = { chart: 'podinfo', version: '6.7.1', repository: { name: 'stefanprodan', url: 'oci://ghcr.io/stefanprodan/charts', type: 'oci' } };
/** A chart of one's own that names CRD groups but not where it keeps them. */
const widgets: CatalogChart = { ...podinfo, chart: 'widgets', crdGroups: ['widgets.example.com'] };

interface Rendered {
  readonly flux: Manifest[];
  readonly files: { file: string; object: Manifest }[];
  readonly tf: Record<string, any>;
}

/** Synthesizes a test platform (`config` over the test config) with what `build` adds; both backends. */
function render(build: (platform: Platform) => void, config: Partial<PlatformConfig> = {}): Rendered {
  const platform = testPlatform(config);
  build(platform);
  const dir = synthToTemp(platform);
  const files = fluxObjects(path.join(dir, 'flux'));
  return { flux: files.map((f) => f.object), files, tf: terraformJson(path.join(dir, 'cdktf')) };
}
const helmRelease = (r: Rendered, name: string) => r.flux.find((o) => o.kind === 'HelmRelease' && o.metadata.name === name) as Manifest & { spec: Record<string, any> };
const tfRelease = (r: Rendered, name: string) => Object.values((r.tf.resource?.helm_release ?? {}) as Record<string, any>).find((x) => x.name === name);

/** One chart component, deployed by `deployWith`, with a release policy of its own. */
function chartOn(deployWith: Backend, chart: CatalogChart, releasePolicy?: ReleasePolicy, id = 'app') {
  return (platform: Platform) => void new HelmComponent(platform, id, { chart, namespace: id, deployWith, releasePolicy });
}

/** Seconds of a Flux duration of hours, minutes and seconds (what the tests use). */
function seconds(duration: string): number {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1 };
  return [...duration.matchAll(/([0-9.]+)(h|m|s)/g)].reduce((sum, [, n, u]) => sum + Number(n) * units[u], 0);
}

describe('defaults', () => {
  test('Flux: timeout, interval, remediation with retries, drift detection, CRDs of crds/ created and replaced', () => {
    const hr = helmRelease(render(chartOn('flux', catalog.traefik)), 'traefik');
    expect(hr.spec).toMatchObject({ interval: '30m', timeout: '10m', releaseName: 'traefik' });
    expect(hr.spec.install).toEqual({ crds: 'CreateReplace', remediation: { retries: 3, remediateLastFailure: true } });
    expect(hr.spec.upgrade).toEqual({ crds: 'CreateReplace', cleanupOnFail: true, remediation: { retries: 3, strategy: 'rollback', remediateLastFailure: true } });
    expect(hr.spec.driftDetection).toEqual({ mode: 'enabled' });
    expect(hr.spec.rollback).toBeUndefined();
  });

  test('Terraform: the same timeout in seconds, wait (for Jobs too), atomic, CRDs installed', () => {
    const tf = tfRelease(render(chartOn('terraform', catalog.traefik)), 'traefik');
    expect(tf).toMatchObject({ timeout: 600, wait: true, wait_for_jobs: true, atomic: true, cleanup_on_fail: true, skip_crds: false });
  });

  test('the defaults are one exported object', () => {
    expect(DEFAULT_RELEASE_POLICY).toEqual({ interval: Duration.minutes(30), timeout: Duration.minutes(10), wait: true, remediation: { retries: 3, upgradeStrategy: 'rollback' }, driftDetection: 'enabled', crds: 'CreateReplace' });
  });
});

describe('both backends render each field alike', () => {
  const cases: [string, ReleasePolicy, { timeout: number; wait: boolean; atomic: boolean; skipCrds: boolean }][] = [
    ['the defaults', {}, { timeout: 600, wait: true, atomic: true, skipCrds: false }],
    ['a timeout of 90s', { timeout: Duration.seconds(90) }, { timeout: 90, wait: true, atomic: true, skipCrds: false }],
    ['a timeout of 1h30m without wait', { timeout: Duration.minutes(90), wait: false }, { timeout: 5400, wait: false, atomic: false, skipCrds: false }],
    ['no remediation', { remediation: false }, { timeout: 600, wait: true, atomic: false, skipCrds: false }],
    ['remediation without retries, uninstalling', { remediation: { retries: 0, upgradeStrategy: 'uninstall' } }, { timeout: 600, wait: true, atomic: true, skipCrds: false }],
    ['CRDs skipped', { crds: 'Skip' }, { timeout: 600, wait: true, atomic: true, skipCrds: true }],
    ['CRDs created only', { crds: 'Create' }, { timeout: 600, wait: true, atomic: true, skipCrds: false }],
  ];
  test.each(cases)('%s', (_, policy, terraform) => {
    const hr = helmRelease(render(chartOn('flux', catalog.traefik, policy)), 'traefik');
    const tf = tfRelease(render(chartOn('terraform', catalog.traefik, policy)), 'traefik');
    expect({ timeout: tf.timeout, wait: tf.wait, atomic: tf.atomic, skipCrds: tf.skip_crds }).toEqual(terraform);
    // What the HelmRelease says, read the way the helm_release's attributes are.
    const spec = hr.spec;
    const waits = spec.install.disableWait !== true;
    expect(seconds(spec.timeout)).toBe(tf.timeout);
    expect(waits).toBe(tf.wait);
    expect(tf.wait_for_jobs).toBe(waits);
    expect([spec.install.disableWait, spec.upgrade.disableWait, spec.rollback?.disableWait]).toEqual(waits ? [undefined, undefined, undefined] : [true, true, true]);
    expect(spec.install.remediation.remediateLastFailure && waits).toBe(tf.atomic);
    expect(spec.install.crds === 'Skip').toBe(tf.skip_crds);
    expect(spec.install.crds).toBe(policy.crds ?? 'CreateReplace');
    expect(spec.upgrade.crds).toBe(policy.crds ?? 'CreateReplace');
  });

  test('remediation: retries and strategy on Flux, left as it is when false', () => {
    const some = helmRelease(render(chartOn('flux', podinfo, { remediation: { retries: 0, upgradeStrategy: 'uninstall' } })), 'podinfo').spec;
    expect(some.install.remediation).toEqual({ retries: 0, remediateLastFailure: true });
    expect(some.upgrade.remediation).toEqual({ retries: 0, strategy: 'uninstall', remediateLastFailure: true });
    const none = helmRelease(render(chartOn('flux', podinfo, { remediation: false })), 'podinfo').spec;
    expect(none.install.remediation).toEqual({ retries: 0, remediateLastFailure: false });
    expect(none.upgrade.remediation).toEqual({ retries: 0, remediateLastFailure: false });
  });

  test('drift detection: its mode and ignore rules on Flux; Terraform has no such setting', () => {
    const rule = { paths: ['/spec/replicas'], target: { kind: 'Deployment', name: 'podinfo' } };
    const r = render(chartOn('flux', podinfo, { driftDetection: 'warn', driftIgnore: [rule] }));
    expect(helmRelease(r, 'podinfo').spec.driftDetection).toEqual({ mode: 'warn', ignore: [rule] });
    const tf = tfRelease(render(chartOn('terraform', podinfo, { driftDetection: 'disabled' })), 'podinfo');
    expect(Object.keys(tf).filter((k) => /drift/.test(k))).toEqual([]);
  });

  test('interval is Flux only', () => {
    expect(helmRelease(render(chartOn('flux', podinfo, { interval: Duration.minutes(5) })), 'podinfo').spec.interval).toBe('5m');
    expect(tfRelease(render(chartOn('terraform', podinfo, { interval: Duration.minutes(5) })), 'podinfo')).not.toHaveProperty('interval');
  });
});

describe('CRDs: set where the chart keeps them in crds/', () => {
  test.each([
    ['traefik (crds/)', catalog.traefik, 'traefik', 'CreateReplace'],
    ['kube-prometheus-stack (its crds subchart\'s crds/)', catalog.kubePrometheusStack, 'kube-prometheus-stack', 'CreateReplace'],
    ["a chart of one's own with CRD groups and no crdsIn", widgets, 'widgets', 'CreateReplace'],
    ['keda (templates)', catalog.keda, 'keda', undefined],
    ['cloudnative-pg (templates)', catalog.cloudnativePg, 'cloudnative-pg', undefined],
    ['k6-operator (templates)', catalog.k6Operator, 'k6-operator', undefined],
    ['podinfo (no CRDs)', podinfo, 'podinfo', undefined],
  ])('%s', (_, chart, release, crds) => {
    const spec = helmRelease(render(chartOn('flux', chart)), release).spec;
    expect(spec.install.crds).toBe(crds);
    expect(spec.upgrade.crds).toBe(crds);
  });

  test('the catalog says where each chart keeps its CRDs', () => {
    const where = Object.fromEntries(Object.entries(catalog).map(([k, c]) => [k, (c as CatalogChart).crdsIn]));
    expect(where).toMatchObject({
      traefik: 'crds-dir',
      kubePrometheusStack: 'crds-dir',
      fluxOperator: 'templates',
      fluxInstance: 'runtime',
      cloudnativePg: 'templates',
      keda: 'templates',
      k6Operator: 'templates',
    });
    // Flux's CRD policy is for crds/ only: a release of a chart with CRD templates or none gets none.
    expect(resolveReleasePolicy(catalog.fluxInstance).crds).toBeUndefined();
  });

  test("a platform's CRD policy applies to the charts it fits; a component's on another chart is refused", () => {
    const r = render((p) => {
      chartOn('flux', catalog.traefik)(p);
      chartOn('flux', catalog.keda, undefined, 'keda')(p);
    }, { releasePolicy: { crds: 'Skip' } });
    expect(helmRelease(r, 'traefik').spec.install.crds).toBe('Skip');
    expect(helmRelease(r, 'keda').spec.install.crds).toBeUndefined();
    expect(problemOf(() => chartOn('flux', catalog.keda, { crds: 'CreateReplace' })(testPlatform()))).toBe(
      "ballast/app: releasePolicy.crds is set, but chart keda has no CRDs in a crds/ folder (crdsIn: 'templates'), so it would do nothing. Remove releasePolicy.crds, or set crdsIn: 'crds-dir' on a chart of your own that keeps its CRDs there.",
    );
  });

  test("a chart's drift ignore rules come first: kube-prometheus-stack's PrometheusRule annotation", () => {
    const own = { paths: ['/spec/replicas'], target: { kind: 'Deployment' } };
    const r = render(chartOn('flux', catalog.kubePrometheusStack, { driftIgnore: [own] }));
    expect(helmRelease(r, 'kube-prometheus-stack').spec.driftDetection).toEqual({
      mode: 'enabled',
      ignore: [{ paths: ['/metadata/annotations/prometheus-operator-validated'], target: { kind: 'PrometheusRule' } }, own],
    });
  });
});

describe('per platform and per component', () => {
  test('the component over the platform over the defaults, field by field', () => {
    const platformPolicy: ReleasePolicy = { timeout: Duration.minutes(20), interval: Duration.hours(1), remediation: { retries: 5 }, driftDetection: 'warn', driftIgnore: [{ paths: ['/a'] }] };
    const r = render(
      (p) => {
        chartOn('flux', podinfo, undefined, 'plain')(p);
        chartOn('flux', podinfo, { timeout: Duration.minutes(5), remediation: { upgradeStrategy: 'uninstall' }, driftIgnore: [{ paths: ['/b'] }] }, 'tuned')(p);
        chartOn('terraform', podinfo, { wait: false }, 'bootstrap')(p);
      },
      { releasePolicy: platformPolicy },
    );
    const plain = helmRelease(r, 'podinfo');
    const byNamespace = (ns: string) => r.flux.find((o) => o.kind === 'HelmRelease' && o.metadata.namespace === ns) as Manifest & { spec: Record<string, any> };
    expect(byNamespace('plain').spec).toMatchObject({ timeout: '20m', interval: '1h', driftDetection: { mode: 'warn', ignore: [{ paths: ['/a'] }] } });
    expect(byNamespace('plain').spec.upgrade.remediation).toEqual({ retries: 5, strategy: 'rollback', remediateLastFailure: true });
    expect(plain.metadata.namespace).toBe('plain');
    const tuned = byNamespace('tuned').spec;
    expect(tuned).toMatchObject({ timeout: '5m', interval: '1h', driftDetection: { mode: 'warn', ignore: [{ paths: ['/a'] }, { paths: ['/b'] }] } });
    expect(tuned.upgrade.remediation).toEqual({ retries: 5, strategy: 'uninstall', remediateLastFailure: true });
    expect(tfRelease(r, 'podinfo')).toMatchObject({ timeout: 1200, wait: false, wait_for_jobs: false, atomic: false });
  });

  test('remediation turned off by the platform and back on by a component starts from the defaults', () => {
    expect(resolveReleasePolicy(podinfo, { remediation: false }).remediation).toBe(false);
    expect(resolveReleasePolicy(podinfo, { remediation: false }, { remediation: { upgradeStrategy: 'uninstall' } }).remediation).toEqual({ retries: 3, upgradeStrategy: 'uninstall' });
    expect(resolveReleasePolicy(podinfo, { remediation: { retries: 1 } }, {}).remediation).toEqual({ retries: 1, upgradeStrategy: 'rollback' });
  });

  test('every chart component takes a release policy', () => {
    const platform = testPlatform();
    const t = new Traefik(platform, 'traefik', { releasePolicy: { timeout: Duration.minutes(15) } });
    expect(goDuration(t.helmChart!.policy!.timeout)).toBe('15m');
    expect(wholeSeconds(t.helmChart!.policy!.timeout)).toBe(900);
  });
});

describe('refused', () => {
  test.each([
    // What a Duration lets through, and a string from a JavaScript caller.
    [{ timeout: '5m' }, 'releasePolicy.timeout is the string "5m", not a Duration. Use a cdk8s Duration of whole seconds, e.g. Duration.minutes(10) or Duration.seconds(90).'],
    // Mutation: durationProblem without the `step: 's'` check lets this through (Terraform would wait 1 s, Flux 1.5 s).
    [{ timeout: Duration.millis(1500) }, 'releasePolicy.timeout is 1500 ms, not a whole number of seconds. Use a cdk8s Duration of whole seconds, e.g. Duration.minutes(10) or Duration.seconds(90).'],
    [{ interval: Duration.seconds(0) }, 'releasePolicy.interval is zero. Use a cdk8s Duration of whole milliseconds, e.g. Duration.minutes(30).'],
    [{ interval: Duration.minutes(Number.NaN) }, 'releasePolicy.interval is NaN ms, not a finite length of time. Use a cdk8s Duration of whole milliseconds, e.g. Duration.minutes(30).'],
    [{ wait: 'no' }, 'releasePolicy.wait is the string "no". Use true or false.'],
    [{ remediation: { retries: -1 } }, 'releasePolicy.remediation.retries is number -1. Use a whole number of 0 or more (0: undo a failed release once, without retrying it).'],
    [{ remediation: { retries: 3, upgradeStrategy: 'retry' } }, 'releasePolicy.remediation.upgradeStrategy "retry" is not a remediation strategy. Use one of "rollback", "uninstall".'],
    [{ remediation: true }, 'releasePolicy.remediation is boolean true. Use false, or an object with retries and upgradeStrategy.'],
    [{ driftDetection: 'on' }, 'releasePolicy.driftDetection "on" is not a drift detection mode. Use one of "enabled", "warn", "disabled".'],
    [{ crds: 'Replace' }, 'releasePolicy.crds "Replace" is not a CRD policy. Use one of "CreateReplace", "Create", "Skip".'],
    [{ retries: 3 }, 'releasePolicy.retries is not a setting. Use interval, timeout, wait, remediation, driftDetection, driftIgnore, crds.'],
    [{ driftIgnore: [{ paths: ['spec/replicas'] }] }, 'releasePolicy.driftIgnore[0].paths is not a list of JSON Pointers. Give one or more paths such as "/spec/replicas" (RFC 6901: each starts with "/").'],
    [{ driftIgnore: [{ paths: ['/x'], target: { kinds: 'Deployment' } }] }, 'releasePolicy.driftIgnore[0].target.kinds is not a setting. Use group, version, kind, name, namespace, labelSelector, annotationSelector.'],
  ])('%j, per component and per platform', (policy, message) => {
    expect(problemOf(() => chartOn('flux', podinfo, policy as ReleasePolicy)(testPlatform()))).toBe(`ballast/app: ${message}`);
    expect(problemOf(() => testPlatform({ releasePolicy: policy as ReleasePolicy }))).toBe(`ballast: ${message}`);
  });

  test("a chart of one's own with a wrong crdsIn", () => {
    const chart = { ...podinfo, crdsIn: 'folder' } as unknown as CatalogChart;
    expect(problemOf(() => chartOn('flux', chart)(testPlatform()))).toBe('ballast/app: chart podinfo has crdsIn "folder". Use one of "crds-dir", "templates", "runtime".');
  });
});

describe('OCI charts', () => {
  test('an OCIRepository per release (tag pinned, Helm chart layer) and a HelmRelease with chartRef', () => {
    const r = render((p) => {
      new HelmComponent(p, 'podinfo', { chart: podinfoOci, namespace: 'web' });
      new HelmComponent(p, 'podinfo-canary', { chart: podinfoOci, namespace: 'web', releaseName: 'podinfo-canary' });
    });
    const sources = r.files.filter((f) => f.object.kind === 'OCIRepository' || f.object.kind === 'HelmRepository');
    expect(sources.map((f) => `${f.file} ${f.object.kind} ${f.object.metadata.namespace}/${f.object.metadata.name}`)).toEqual([
      'infrastructure/controllers/podinfo-canary.yaml OCIRepository web/podinfo-canary',
      'infrastructure/controllers/podinfo.yaml OCIRepository web/podinfo',
    ]);
    expect(sources[1].object).toEqual({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'OCIRepository',
      metadata: { name: 'podinfo', namespace: 'web' },
      spec: {
        interval: '12h',
        url: 'oci://ghcr.io/stefanprodan/charts/podinfo',
        ref: { tag: '6.7.1' },
        layerSelector: { mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', operation: 'copy' },
      },
    });
    const spec = helmRelease(r, 'podinfo').spec;
    expect(spec.chartRef).toEqual({ kind: 'OCIRepository', name: 'podinfo' });
    expect(spec.chart).toBeUndefined();
    // The release policy is the same whatever the source.
    expect(spec).toMatchObject({ timeout: '10m', driftDetection: { mode: 'enabled' } });
  });

  test('HTTP repositories keep one HelmRepository per repository and namespace, beside an OCI chart', () => {
    const r = render((p) => {
      new HelmComponent(p, 'a', { chart: podinfo, namespace: 'web' });
      new HelmComponent(p, 'b', { chart: podinfo, namespace: 'web', releaseName: 'podinfo-b' });
      new HelmComponent(p, 'c', { chart: podinfoOci, namespace: 'web', releaseName: 'podinfo-c' });
    });
    expect(r.flux.filter((o) => o.kind === 'HelmRepository').map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['web/podinfo']);
    expect(r.flux.filter((o) => o.kind === 'OCIRepository').map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['web/podinfo-c']);
    expect(helmRelease(r, 'podinfo-b').spec.chart.spec.sourceRef).toEqual({ kind: 'HelmRepository', name: 'podinfo' });
  });

  test('Terraform installs an OCI chart from its registry, as before', () => {
    const tf = tfRelease(render(chartOn('terraform', podinfoOci)), 'podinfo');
    expect(tf).toMatchObject({ repository: 'oci://ghcr.io/stefanprodan/charts', chart: 'podinfo', version: '6.7.1' });
  });

  test('an object of a component that is also a chart source ballast writes is refused', () => {
    class Sources extends Component {
      constructor(scope: Construct, id: string) {
        super(scope, id, { namespace: 'web' });
        new ApiObject(this, 'dup', { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository', metadata: { name: 'podinfo' }, spec: { interval: '1h', url: 'oci://example.com/x' } });
      }
    }
    const message = problemOf(() =>
      render((p) => {
        p.assumeInstalled({ crdGroups: ['source.toolkit.fluxcd.io'] });
        new HelmComponent(p, 'podinfo', { chart: podinfoOci, namespace: 'web' });
        new Sources(p, 'sources');
      }),
    );
    expect(message).toBe(
      'ballast/sources: it creates OCIRepository "podinfo" in namespace "web", which ballast writes as the chart source of ballast/podinfo. Give the object another name, or the release another releaseName.',
    );
  });

  const crds = needsReferenceData('HelmRelease and OCIRepository against the Flux CRDs');
  crds.test('the HelmRelease of each policy and the OCIRepository pass the Flux CRD schemas', () => {
    const schemas = new CrdSchemas();
    const r = render((p) => {
      new HelmComponent(p, 'oci', { chart: podinfoOci, namespace: 'oci', releasePolicy: { wait: false, remediation: false, driftDetection: 'warn', driftIgnore: [{ paths: ['/spec/replicas'], target: { group: 'apps', kind: 'Deployment' } }] } });
      new HelmComponent(p, 'traefik', { chart: catalog.traefik, namespace: 'traefik', releasePolicy: { crds: 'Skip', remediation: { retries: 0, upgradeStrategy: 'uninstall' } } });
      new HelmComponent(p, 'monitoring', { chart: catalog.kubePrometheusStack, namespace: 'monitoring' });
    });
    const checked = r.flux.filter((o) => ['HelmRelease', 'OCIRepository', 'HelmRepository'].includes(o.kind));
    expect(checked.map((o) => o.kind).sort()).toEqual(['HelmRelease', 'HelmRelease', 'HelmRelease', 'HelmRepository', 'HelmRepository', 'OCIRepository']);
    for (const o of checked) expect([o.kind, o.metadata.name, schemas.errors(o)]).toEqual([o.kind, o.metadata.name, []]);
  });
});

describe('patchHelmRelease after the policy', () => {
  test('a patch replaces a policy field; the rest of the policy stays', () => {
    const r = render((p) => {
      const c = new HelmComponent(p, 'app', { chart: podinfo, namespace: 'app', releasePolicy: { timeout: Duration.minutes(20) } });
      c.patchHelmRelease(JsonPatch.replace('/spec/timeout', '30m'), JsonPatch.add('/spec/driftDetection/mode', 'disabled'), JsonPatch.add('/spec/install/remediation/retries', 7));
    });
    const spec = helmRelease(r, 'podinfo').spec;
    expect(spec.timeout).toBe('30m');
    expect(spec.driftDetection).toEqual({ mode: 'disabled' });
    expect(spec.install.remediation).toEqual({ retries: 7, remediateLastFailure: true });
    expect(spec.upgrade.remediation.retries).toBe(3);
  });
});

describe('Traefik: Service type, node ports, host ports', () => {
  const values = (props: ConstructorParameters<typeof Traefik>[2]) => new Traefik(testPlatform(), 'traefik', props).helmChart!.values as Record<string, any>;

  test('LoadBalancer by default, said explicitly', () => {
    const v = values({});
    expect(v.service).toEqual({ spec: { type: 'LoadBalancer' } });
    // Nothing of the Service's ports: the chart's own, and ballast's redirect of web.
    expect(Object.keys(v.ports)).toEqual(['web']);
    expect(Object.keys(v.ports.web)).toEqual(['http']);
    expect(v.updateStrategy).toBeUndefined();
  });

  test('NodePort with chosen node ports, merged with the redirect of web', () => {
    const v = values({ serviceType: 'NodePort', nodePorts: { web: 30080, websecure: 30443 } });
    expect(v.service).toEqual({ spec: { type: 'NodePort' } });
    expect(v.ports.web.nodePort).toBe(30080);
    expect(v.ports.web.http.redirections.entryPoint.to).toBe('websecure');
    expect(v.ports.websecure).toEqual({ nodePort: 30443 });
  });

  test('ClusterIP with host ports: one proxy per node, and an update stops one before starting its replacement', () => {
    const v = values({ serviceType: 'ClusterIP', hostPorts: { web: 80, websecure: 443 } });
    expect(v.service).toEqual({ spec: { type: 'ClusterIP' } });
    expect([v.ports.web.hostPort, v.ports.websecure.hostPort]).toEqual([80, 443]);
    expect(v.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
  });

  test.each([
    [{ serviceType: 'External' }, 'ballast/traefik: serviceType "External" is not a Service type Traefik\'s chart takes. Use one of "LoadBalancer", "NodePort", "ClusterIP".'],
    [{ serviceType: 'ClusterIP', nodePorts: { web: 30080 } }, 'ballast/traefik: nodePorts are set, but a ClusterIP Service has no node ports. Use serviceType "NodePort" (or "LoadBalancer", whose Service has node ports too), or remove nodePorts.'],
    [{ hostPorts: { web: 0, http: 80 } }, 'ballast/traefik: hostPorts.web is 0, not a port. Use a whole number from 1 to 65535.\nballast/traefik: hostPorts.http is not an entry point of Traefik. Use web or websecure.'],
  ])('%j is refused', (props, message) => {
    expect(problemOf(() => values(props as ConstructorParameters<typeof Traefik>[2]))).toBe(message);
  });

  const schema = needsReferenceData("Traefik's Service settings against the chart's values.schema.json");
  schema.test.each([{ serviceType: 'NodePort', nodePorts: { web: 30080, websecure: 30443 } }, { serviceType: 'ClusterIP', hostPorts: { web: 80, websecure: 443 } }, {}])(
    '%j passes traefik 41.3.0\'s values.schema.json',
    (props) => {
      const t = new Traefik(testPlatform(), 'traefik', props as ConstructorParameters<typeof Traefik>[2]);
      expect(checkChartValues(t.helmChart!, locateReferenceData())).toEqual({ status: 'valid' });
    },
  );
});

test('the default platform does not block its Terraform apply on a load balancer; the other releases wait', () => {
  const tf = terraformJson(path.join(synthToTemp(), 'cdktf'));
  const releases = Object.values(tf.resource.helm_release as Record<string, any>);
  const traefik = releases.find((r) => r.name === 'traefik');
  expect(parse(traefik.values[0]).service).toEqual({ spec: { type: 'LoadBalancer' } });
  expect(traefik).toMatchObject({ wait: false, wait_for_jobs: false, atomic: false, timeout: 600 });
  for (const other of releases.filter((r) => r.name !== 'traefik')) expect([other.name, other.wait, other.atomic]).toEqual([other.name, true, true]);
});

describe('day 2', () => {
  /** A stateful release (the guard protects its removal, rename and owner), its source and policy as given. */
  const build = (ws: ReturnType<typeof workspace>, chart: CatalogChart, releasePolicy?: ReleasePolicy) => () => {
    const platform = testPlatform({ sops: { ageRecipients: [TEST_AGE.recipient], secretsFile: ws.secrets } });
    new HelmComponent(platform, 'store', { chart, namespace: 'store', stateful: true, releasePolicy });
    return platform;
  };
  const synth = (ws: ReturnType<typeof workspace>, chart: CatalogChart, policy?: ReleasePolicy) => synthPlatform(build(ws, chart, policy), { fluxDir: ws.flux, terraformDir: ws.terraform });

  test('a move from a HelmRepository to an OCIRepository is a change of the release, not refused', () => {
    const ws = workspace();
    synth(ws, podinfo);
    const { plan } = synth(ws, podinfoOci);
    expect(plan.day2.changes.map((c) => [c.kind, c.id, c.guarded])).toEqual([['changed', 'release/store/podinfo', false]]);
    const objects = fluxObjects(ws.flux).filter((o) => o.file === 'infrastructure/controllers/store.yaml').map((o) => o.object.kind);
    expect(objects).toEqual(['Namespace', 'OCIRepository', 'HelmRelease']);
  });

  test('a change of the release policy changes the release in the inventory, so diff shows it', () => {
    const ws = workspace();
    synth(ws, podinfo);
    expect(synth(ws, podinfo).plan.day2.changes).toEqual([]);
    const { plan } = synth(ws, podinfo, { timeout: Duration.minutes(20) });
    expect(plan.day2.changes.map((c) => [c.kind, c.id, c.guarded])).toEqual([['changed', 'release/store/podinfo', false]]);
    // The same length of time in other units renders the same, so it is no change. Mutation: digesting the
    // policy with its Duration objects (not as rendered) reports this as a change.
    expect(synth(ws, podinfo, { timeout: Duration.seconds(1200) }).plan.day2.changes).toEqual([]);
  });
});
