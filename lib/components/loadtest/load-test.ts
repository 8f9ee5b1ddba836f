import { ApiObject, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import type { ContainerResources } from 'cdk8s-plus-27';
import * as fs from 'fs';
import { Construct } from 'constructs';
import { Component, ComponentOptions } from '../../core/component';
import { fail, reportProblem } from '../../core/errors';
import { K6_BUILTIN_METRICS, K6_IMAGE, k6MetricsEnv } from '../../core/k6-metrics';
import { describeEnvVarName, isEnvVarName, isNonNegativeInteger, isPositiveInteger } from '../../core/grammar';
import { checkDuration, goDurationOfMillis } from '../../core/durations';
import { namespaceOf } from '../../core/in-component';
import { requireDnsLabel } from '../../core/names';
import { platformOf } from '../../core/platform-context';
import { renderResources, requestsOf, requireResources } from '../../core/resource-checks';
import { IPrometheus, IServiceTarget } from '../../core/interfaces';
import { compileK6Script, foreignImports } from './k6-script';
import { K6Operator } from './k6-operator';
import { NetworkPeer } from '../../core/network';

/** One stage of a ramping load: reach `target` VUs over `duration`. */
export interface LoadStage {
  readonly duration: Duration;
  readonly target: number;
}

/** How hard and how long: constant VUs for a duration, or ramping stages; and the pass criteria. */
export type LoadOptions = (
  | { readonly vus: number; readonly duration: Duration; readonly stages?: never; readonly iterations?: never }
  | { readonly stages: readonly LoadStage[]; readonly vus?: never; readonly duration?: never; readonly iterations?: never }
  | { readonly vus: number; readonly iterations: number; readonly duration?: never; readonly stages?: never }
) & {
  /** k6 thresholds by metric, e.g. `{ http_req_duration: ['p(95)<700'] }`; a failed one fails the run. @default none */
  readonly thresholds?: Record<string, readonly string[]>;
};

/** Properties of a LoadTest. */
export interface LoadTestProps extends ComponentOptions {
  /** The TypeScript k6 script (e.g. `loadtests/articles-crawl.ts`), type-checked against @types/k6. */
  readonly script: string;
  /**
   * The Service under load, in a component of this platform: a WebService, or a team's own cdk8s-plus
   * `Service` (its first port is the one tested).
   */
  readonly target: IServiceTarget;
  /** Its in-cluster Service URL, or its public URL (through Traefik, as users reach it). @default 'public' when routed */
  readonly via?: 'service' | 'public';
  /** Where the results go: k6 writes them to this stack's remoteWriteUrl. */
  readonly prometheus: IPrometheus;
  readonly options: LoadOptions;
  /** A Job (one pod), or a k6-operator TestRun split over `parallelism` pods. @default 'job' */
  readonly runner?: 'job' | 'testrun';
  /** Needed with `runner: 'testrun'`. @default none */
  readonly operator?: K6Operator;
  /** Pods of a TestRun. @default 1 */
  readonly parallelism?: number;
  /** Node pool of the k6 pods: load generators should not share nodes with what they measure. @default any node */
  readonly nodePool?: string;
  /** CPU and memory of a k6 pod, as cdk8s-plus takes them. @default requests Cpu.units(1) / Size.gibibytes(1), limit Size.gibibytes(2) of memory */
  readonly resources?: ContainerResources;
  /** Extra environment of the script. @default none */
  readonly env?: Record<string, string>;
}

/** A k6 metric name, with an optional submetric selector (`http_req_duration{status:200}`). */
const METRIC = /^[a-zA-Z_][a-zA-Z0-9_]{0,127}(\{[^{}]+\})?$/;
const THRESHOLD = /^(avg|min|max|med|count|rate|value|p\([0-9]+(\.[0-9]+)?\))\s*(<|<=|>|>=|==|===|!=)\s*-?[0-9]+(\.[0-9]+)?$/;

const DEFAULT_RESOURCES: ContainerResources = { cpu: { request: Cpu.units(1) }, memory: { request: Size.gibibytes(1), limit: Size.gibibytes(2) } };

/**
 * A k6 load test of a Service (a WebService's, or a team's own), written to `dist/flux/loadtests/<name>/`: outside every path Flux
 * reconciles, so it runs when someone applies it, not on every reconcile. The script is TypeScript,
 * compiled at synth into the ConfigMap; k6 writes its metrics to Prometheus by remote write, tagged
 * `testid=<name>`, in the platform's k6 mode (the one the dashboards read).
 */
export class LoadTest extends Component {
  /** The k6 `testid` tag: the name of the test. */
  public readonly testId: string;
  /** The object to delete before applying again (Jobs and TestRuns are not re-run by an unchanged apply). */
  public readonly runObject: { readonly kind: string; readonly name: string };

  constructor(scope: Construct, id: string, props: LoadTestProps) {
    super(scope, id, { namespace: props.namespace ?? 'loadtests', deployWith: props.deployWith, secrets: props.secrets, allowReservedNamespace: props.allowReservedNamespace, networkPolicies: props.networkPolicies, podSecurity: props.podSecurity, tier: 'loadtests' });
    if (this.deployWith !== 'flux') fail(this, 'a load test is applied by hand from the Flux repository, not by Terraform', 'Leave deployWith at "flux"');
    this.testId = requireDnsLabel(this, 'load test name', id);
    const targetNamespace = props.target.metadata?.namespace ?? namespaceOf(props.target);
    if (platformOf(props.target) !== this.platform || targetNamespace === undefined) {
      fail(this, `its target ${props.target.node.path} is not a Service in a component of this platform`, 'Target a WebService, or a Service created inside a Component of the same Platform');
    }
    const k6Options = checkOptions(this, props.options);
    const runner = props.runner ?? 'job';
    const parallelism = props.parallelism ?? 1;
    if (!Number.isInteger(parallelism) || parallelism < 1) reportProblem(this, `parallelism ${parallelism} is not 1 or more`, 'Run at least one pod');
    if (runner === 'job' && parallelism !== 1) reportProblem(this, 'parallelism needs the k6 operator', "Use runner: 'testrun' with an operator");
    if (runner === 'testrun' && !props.operator) reportProblem(this, "runner 'testrun' needs the k6 operator", 'Pass operator: the K6Operator component');

    if (typeof props.script !== 'string' || !fs.existsSync(props.script) || !fs.statSync(props.script).isFile()) {
      fail(this, `script ${String(props.script)} is not a file`, `Give the path of the TypeScript k6 script, relative to the folder synth runs in (${process.cwd()})`);
    }
    const script = compileK6Script(props.script);
    const foreign = foreignImports(script);
    if (foreign.length > 0) {
      fail(this, `script ${props.script} imports ${foreign.join(', ')}, which k6 cannot load`, 'Import only k6 modules (k6, k6/http...); put shared code in the script itself');
    }
    const via = props.via ?? (props.target.publicUrl ? 'public' : 'service');
    const targetUrl = via === 'public' ? props.target.publicUrl : serviceUrl(props.target, targetNamespace);
    if (!targetUrl) fail(this, `it tests ${props.target.node.path} through its public URL, but the service has no route`, "Give the service a route, or use via: 'service'");
    const scheduling = this.scheduling(props.nodePool);
    const container = requireResources(this, props.resources ?? DEFAULT_RESOURCES);
    const resources = renderResources(container);
    this.claimCapacity({ pool: props.nodePool, what: `load test ${this.testId}`, replicas: () => parallelism, requests: requestsOf(container) });

    const builtIn = ['K6_PROMETHEUS_RW_SERVER_URL', 'K6_OPTIONS', 'TARGET_URL', ...k6MetricsEnv(this.platform.k6Metrics).map((e) => e.name)];
    for (const name of Object.keys(props.env ?? {})) {
      if (builtIn.includes(name)) reportProblem(this, `env sets ${name}, which ballast sets itself`, name === 'K6_OPTIONS' ? 'Put the options in options (they become K6_OPTIONS)' : 'Remove it from env');
      if (!isEnvVarName(name)) reportProblem(this, `env has the variable name "${name}"`, describeEnvVarName);
      if (typeof props.env![name] !== 'string') reportProblem(this, `env ${name} is not a string`, 'Give plain strings: the script is not the place for secrets');
    }
    const configMap = `k6-${this.testId}`;
    new ApiObject(this, 'script', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: configMap }, data: { [script.fileName]: script.source } });
    const env = [
      { name: 'K6_PROMETHEUS_RW_SERVER_URL', value: props.prometheus.remoteWriteUrl },
      ...k6MetricsEnv(this.platform.k6Metrics),
      { name: 'K6_OPTIONS', value: JSON.stringify(k6Options) },
      // The script adds the API paths to the origin (scheme, host, port).
      { name: 'TARGET_URL', value: new URL(targetUrl).origin },
      ...Object.entries(props.env ?? {}).map(([name, value]) => ({ name, value })),
    ];
    const outputArgs = ['-o', 'experimental-prometheus-rw', '--tag', `testid=${this.testId}`];
    const name = `k6-${this.testId}`;
    this.declareNetwork(props, runner, name, via, targetNamespace);
    if (runner === 'job') {
      this.runObject = { kind: 'Job', name };
      new ApiObject(this, 'job', {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name },
        spec: {
          // A load test that fails must not run again by itself.
          backoffLimit: 0,
          ttlSecondsAfterFinished: 86400,
          template: {
            metadata: { labels: { 'app.kubernetes.io/name': 'k6', 'ballast.dev/load-test': this.testId } },
            spec: {
              restartPolicy: 'Never',
              automountServiceAccountToken: false,
              securityContext: K6_POD_SECURITY,
              ...(scheduling ?? {}),
              containers: [
                {
                  name: 'k6',
                  image: K6_IMAGE,
                  args: ['run', ...outputArgs, `/scripts/${script.fileName}`],
                  env,
                  resources,
                  volumeMounts: [{ name: 'scripts', mountPath: '/scripts', readOnly: true }],
                  securityContext: CONTAINER_SECURITY,
                },
              ],
              volumes: [{ name: 'scripts', configMap: { name: configMap } }],
            },
          },
        },
      });
    } else {
      this.runObject = { kind: 'TestRun', name };
      new ApiObject(this, 'testrun', {
        apiVersion: 'k6.io/v1alpha1',
        kind: 'TestRun',
        metadata: { name },
        spec: {
          parallelism,
          script: { configMap: { name: configMap, file: script.fileName } },
          arguments: outputArgs.join(' '),
          // The runner pods go once the run is over; the results are in Prometheus.
          cleanup: 'post',
          runner: { image: K6_IMAGE, env, resources, ...(scheduling ?? {}), securityContext: K6_POD_SECURITY, containerSecurityContext: CONTAINER_SECURITY },
          // The starter calls the runners' REST API with curl; the initializer takes the runner's contexts.
          starter: { securityContext: { ...K6_POD_SECURITY, runAsUser: NOBODY }, containerSecurityContext: CONTAINER_SECURITY },
        },
      });
    }
  }

  /**
   * The test's pods and where they go: the target (through the ingress controller for a public URL, whose
   * address the cluster may short-cut to Traefik's pods, or straight to the Service's pods) and Prometheus'
   * remote-write receiver; a TestRun's starter also calls its runners, as the operator does.
   */
  private declareNetwork(props: LoadTestProps, runner: string, name: string, via: string, targetNamespace: string): void {
    const isJob = runner === 'job';
    this.declarePodSecurity({ level: 'restricted', reason: "k6's pods run non-root, without privilege escalation or capabilities, with seccomp RuntimeDefault" });
    // The operator labels every pod of a TestRun (initializer, starter, runners) with k6_cr.
    const pods = this.network.addPods(name, isJob ? { 'ballast.dev/load-test': this.testId } : { k6_cr: name }, { egress: 'declared' });
    if (via === 'public') {
      this.network.allowTo(NetworkPeer.anywhere(), { ports: [{ port: 443 }], why: `sends requests to ${props.target.publicUrl}` });
      this.network.allowTo(NetworkPeer.role('ingress'), { ports: [{ port: 8000 }, { port: 8443 }], why: 'the load balancer address may be short-cut to the ingress pods' });
    } else {
      const backend = props.target.backend;
      const ports = backend ? [{ port: backend.port }] : props.target.ports.map((p) => ({ port: typeof p.targetPort === 'number' ? p.targetPort : p.port }));
      this.network.allowTo(backend?.pods ?? NetworkPeer.pods(targetNamespace), { ports, why: `sends requests to ${props.target.name}` });
    }
    const server = props.prometheus.server;
    const writePort = Number(new URL(props.prometheus.remoteWriteUrl).port || 80);
    this.network.allowTo(server?.pods ?? NetworkPeer.anywhere(), { ports: [{ port: server?.port ?? writePort }], why: "writes its results to Prometheus' remote-write receiver" });
    if (!isJob) {
      this.network.allowFrom(pods, { ports: [{ port: K6_API_PORT }], why: "the starter starts the runners through k6's REST API" });
      this.network.allowTo(pods, { ports: [{ port: K6_API_PORT }], why: "the starter starts the runners through k6's REST API" });
      this.network.allowFrom(NetworkPeer.role('k6-operator'), { ports: [{ port: K6_API_PORT }], why: "the operator follows the runners through k6's REST API" });
    }
  }
}

/**
 * The pod and container security of every k6 pod, at the restricted level: the grafana/k6 image's user is
 * 12345, given by number so that the kubelet can check it is not root; the starter runs curl as nobody.
 */
const K6_POD_SECURITY = { runAsNonRoot: true, runAsUser: 12345, seccompProfile: { type: 'RuntimeDefault' } };
const NOBODY = 65534;
const CONTAINER_SECURITY = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };

/** k6's REST API, on which a TestRun's runners wait for the starter. */
const K6_API_PORT = 6565;

/** `http://<name>.<namespace>.svc.cluster.local[:port]` of the Service's first port. */
function serviceUrl(target: IServiceTarget, namespace: string): string {
  const port = target.ports[0]?.port ?? 80;
  return `http://${target.name}.${namespace}.svc.cluster.local${port === 80 ? '' : `:${port}`}`;
}

/** A k6 duration from a Duration prop (`3m`, `1m30s`), or undefined after reporting why it cannot be one. */
function k6Duration(scope: Construct, what: string, value: unknown, example: string): string | undefined {
  const ms = checkDuration(scope, what, value, { min: 0.001, wholeSeconds: false }, example);
  return ms === undefined ? undefined : goDurationOfMillis(ms);
}

/** Checks the options and returns them as k6 reads them (K6_OPTIONS), durations as strings. */
function checkOptions(scope: Construct, options: LoadOptions): Record<string, unknown> {
  const o = options as { vus?: number; duration?: Duration; stages?: readonly LoadStage[]; iterations?: number; thresholds?: Record<string, readonly string[]> };
  if (typeof o !== 'object' || o === null) {
    reportProblem(scope, 'options is not an object', 'Give { vus, duration }, { vus, iterations } or { stages }');
    return {};
  }
  const out: Record<string, unknown> = { ...o };
  const known = ['vus', 'duration', 'stages', 'iterations', 'thresholds'];
  const unknown = Object.keys(o).filter((k) => !known.includes(k));
  if (unknown.length > 0) reportProblem(scope, `options has ${unknown.join(', ')}, which ballast does not pass to k6`, `Use ${known.join(', ')}`);
  if (o.stages !== undefined) {
    const mixed = (['vus', 'duration', 'iterations'] as const).filter((k) => o[k] !== undefined);
    if (mixed.length > 0) reportProblem(scope, `options has stages and ${mixed.join(' and ')}`, 'Use either stages (a ramping load) or vus with duration or iterations, not both');
    if (!Array.isArray(o.stages) || o.stages.length === 0) reportProblem(scope, 'options.stages is empty', 'Give at least one stage, e.g. { duration: Duration.minutes(1), target: 50 }');
    out.stages = (Array.isArray(o.stages) ? o.stages : []).map((st, i) => {
      if (!isNonNegativeInteger(st.target)) reportProblem(scope, `stage ${i} has target ${st.target}`, 'Use a whole number of VUs, 0 or more');
      return { duration: k6Duration(scope, `stage ${i} duration`, st.duration, 'Duration.minutes(2)'), target: st.target };
    });
  } else {
    if (!isPositiveInteger(o.vus as number)) reportProblem(scope, `options.vus ${o.vus} is not 1 or more`, 'Give the number of virtual users');
    if (o.duration !== undefined && o.iterations !== undefined) reportProblem(scope, 'options has both duration and iterations', 'Use one of them');
    if (o.duration === undefined && o.iterations === undefined) reportProblem(scope, 'options has neither duration nor iterations', 'Give a duration such as Duration.minutes(3), or a number of iterations');
    if (o.duration !== undefined) out.duration = k6Duration(scope, 'options.duration', o.duration, 'Duration.minutes(3)');
    if (o.iterations !== undefined && !isPositiveInteger(o.iterations)) reportProblem(scope, `options.iterations ${o.iterations} is not 1 or more`, 'Give the number of iterations, 1 or more');
  }
  for (const [metric, rules] of Object.entries(o.thresholds ?? {})) {
    // Custom metrics (a Trend or Counter the script defines) are valid threshold names too; only the
    // name's form can be checked here.
    if (!METRIC.test(metric)) {
      reportProblem(scope, `a threshold names the metric "${metric}", which is not a k6 metric name`, `Use a metric name of letters, digits and "_" (k6's own: ${K6_BUILTIN_METRICS.join(', ')}, or the script's), optionally with a {tag:value} selector`);
    }
    if (!Array.isArray(rules) || rules.length === 0) reportProblem(scope, `the threshold of ${metric} has no expression`, 'Give at least one, e.g. ["p(95)<700"]');
    for (const rule of Array.isArray(rules) ? rules : []) {
      if (typeof rule !== 'string' || !THRESHOLD.test(rule.trim())) reportProblem(scope, `threshold "${rule}" of ${metric} is not a k6 threshold expression`, 'Write it like "p(95)<700" or "rate<0.01"');
    }
  }
  return out;
}
