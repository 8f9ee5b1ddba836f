import { Component } from '../core/component';
import { ConfigProblem, constructPath } from '../core/errors';
import { nestedSecretIn, plainSecretsInObject } from '../core/secret-inputs';
import { FLUX_STEPS, FluxStep } from '../model/flux-layout';
import { apiGroup, isBuiltInGroup, Manifest } from '../model/manifest';
import type { FluxPlacement } from './placement';
import { DASHBOARD_LABEL } from '../components/monitoring/grafana-dashboard';

/** A dashboard ConfigMap (Grafana's sidecar label). */
const isDashboard = (m: Manifest): boolean =>
  m.kind === 'ConfigMap' && m.apiVersion === 'v1' && (m.metadata.labels as Record<string, unknown> | undefined)?.[DASHBOARD_LABEL.name] !== undefined;

/**
 * Where each object of a component goes. Built-in kinds go with the component's backend; custom
 * resources always go to Flux, one step after the chart that installs their CRD (a Terraform plan
 * against an empty cluster cannot hold objects of a kind its own apply installs).
 */
export function placeComponent(
  c: Component,
  objects: readonly Manifest[],
  crdOwner: ReadonlyMap<string, Component>,
  problems: ConfigProblem[],
): { flux: FluxPlacement[]; terraform: Manifest[] } {
  const assumedGroups = c.platform.assumed.crdGroups;
  const ownStep: FluxStep = c.tier === 'apps' ? 'apps' : 'controllers';
  const crStep: FluxStep = c.tier === 'apps' ? 'apps' : 'configs';
  const byStep = new Map<FluxStep, Manifest[]>();
  const put = (step: FluxStep, m: Manifest) => {
    const list = byStep.get(step);
    if (list) list.push(m);
    else byStep.set(step, [m]);
  };
  const terraform: Manifest[] = [];
  const accessories: Manifest[] = [];
  const problem = (text: string, fix: string) => problems.push({ path: constructPath(c), problem: text, fix });

  for (const m of objects) {
    const where = `${m.kind} "${m.metadata.name}" (${m.apiVersion})`;
    const nested = nestedSecretIn(m);
    if (nested) {
      problem(`${where} holds ${nested}, whose values would be written to the output`, 'Declare the Secret with addBootstrapSecret and SecretValue inputs instead');
      continue;
    }
    if (plainSecretProblem(c, where, m, problems)) continue;
    if (isBuiltInGroup(m.apiVersion)) {
      if (m.kind === 'Namespace') {
        problem(`it creates Namespace "${m.metadata.name}" itself`, 'Remove it: ballast creates the namespace of every component');
      } else if (m.kind === 'Secret' || m.kind === 'SecretList') {
        problem(`it creates ${where}, whose values would be written to the output`, 'Declare it with addBootstrapSecret and SecretValue inputs instead');
      } else if (c.deployWith === 'terraform') {
        terraform.push(m);
      } else if ((m.kind === 'NetworkPolicy' && m.apiVersion === 'networking.k8s.io/v1') || isDashboard(m)) {
        accessories.push(m);
      } else {
        put(ownStep, m);
      }
      continue;
    }
    const group = apiGroup(m.apiVersion);
    const source = crdOwner.get(group);
    if (!source && assumedGroups.has(group)) {
      // The cluster has these CRDs already (Platform.assumeInstalled): the object goes with the component.
      put(ownStep, m);
      continue;
    }
    if (!source) {
      problem(`no component installs the CRD of ${where}`, `Add the component whose chart installs the ${group} CRDs, or declare them with platform.assumeInstalled({ crdGroups: ['${group}'] }) when the cluster has them`);
      continue;
    }
    const sourceStep = source.deployWith === 'terraform' ? undefined : source.tier === 'apps' ? 'apps' : 'controllers';
    if (sourceStep !== undefined && FLUX_STEPS.indexOf(sourceStep) >= FLUX_STEPS.indexOf(crStep)) {
      problem(
        `${where} would be applied in the same Flux step as the chart that installs its CRD (${constructPath(source)})`,
        'Make the component that installs the CRD an infrastructure component',
      );
      continue;
    }
    put(crStep, m);
  }

  // A Flux-deployed chart has a placement (its HelmRelease) even when the component has no objects there.
  if (c.helmChart && c.deployWith === 'flux' && !byStep.has(ownStep)) byStep.set(ownStep, []);
  // The NetworkPolicies of a component's pods go in the step that creates the pods: one whose pods come from
  // a custom resource alone (a PostgreSQL Cluster) gets them with that resource, so that adding policies
  // moves none of its other files. Its dashboard goes with them, for the same reason: adding a dashboard
  // must not move the component's encrypted Secrets to another step (they go with its first placement).
  if (accessories.length > 0) {
    const step = !byStep.has(ownStep) && byStep.has(crStep) ? crStep : ownStep;
    for (const m of accessories) put(step, m);
  }
  const flux = FLUX_STEPS.filter((step) => byStep.has(step)).map((step) => ({
    component: c,
    step,
    chart: step === ownStep && c.deployWith === 'flux' ? c.helmChart : undefined,
    manifests: byStep.get(step)!,
    encryptedSecrets: [],
  }));
  return { flux, terraform };
}

/**
 * Reports a secret written as plain text into an object (a ConfigMap value, an env literal, a field named
 * like a password), whether the component or a patch put it there; true when there was one.
 */
function plainSecretProblem(c: Component, where: string, m: Manifest, problems: ConfigProblem[]): boolean {
  // A Secret object is refused whole, with its own message.
  if (m.kind === 'Secret' || m.kind === 'SecretList') return false;
  const found = plainSecretsInObject(m);
  if (found.length === 0) return false;
  problems.push({
    path: constructPath(c),
    problem: `${where} holds a secret as plain text at ${found.join(', ')}, which would be written to the output`,
    fix: 'Put the value in a Secret (addBootstrapSecret with a SecretValue, or an env SecretValue of a WebService) and reference it (valueFrom.secretKeyRef, a Secret name)',
  });
  return true;
}

/** The objects of a component applied by hand (a load test): built-in kinds, and custom resources of a known CRD. */
export function placeManual(c: Component, objects: readonly Manifest[], crdOwner: ReadonlyMap<string, Component>, problems: ConfigProblem[]): Manifest[] {
  const out: Manifest[] = [];
  for (const m of objects) {
    if (plainSecretProblem(c, `${m.kind} "${m.metadata.name}" (${m.apiVersion})`, m, problems)) continue;
    if (m.kind === 'Secret' || m.kind === 'SecretList' || m.kind === 'Namespace' || nestedSecretIn(m)) {
      problems.push({ path: constructPath(c), problem: `it creates ${m.kind} "${m.metadata.name}" in a folder applied by hand`, fix: 'Leave namespaces and secrets to ballast' });
    } else if (!isBuiltInGroup(m.apiVersion) && !crdOwner.has(apiGroup(m.apiVersion)) && !c.platform.assumed.crdGroups.has(apiGroup(m.apiVersion))) {
      problems.push({ path: constructPath(c), problem: `no component installs the CRD of ${m.kind} "${m.metadata.name}" (${m.apiVersion})`, fix: `Add the component whose chart installs the ${apiGroup(m.apiVersion)} CRDs, or declare them with platform.assumeInstalled({ crdGroups: ['${apiGroup(m.apiVersion)}'] }) when the cluster has them` });
    } else {
      out.push(m);
    }
  }
  return out;
}
