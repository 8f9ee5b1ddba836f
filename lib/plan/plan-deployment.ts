import { notesOf } from '../core/notes';
import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Component } from '../core/component';
import { prepareApp } from '../core/prepare-app';
import { componentsAmong } from '../core/components-of';
import { ConfigProblem, constructPath, inConstruct, problemsOf, reportedProblems, ValidationError } from '../core/errors';
import { isPlatform, PlatformContext } from '../core/platform-context';
import { SecretUnavailable, SecretValue } from '../core/secret';
import { FLUX_STEPS } from '../model/flux-layout';
import { isBuiltInGroup, Manifest } from '../model/manifest';
import { checkCapacity } from './capacity';
import { checkConsumerValues } from './consumer-grammar';
import { checkDependencyCycles } from './dependency-cycles';
import { helmRepositoryWriters, withNamespaces } from './flux-source-writers';
import { checkFileNames, checkObjectIdentities, checkSecretIdentities, checkSecretReferences } from './identity-checks';
import { checkImageMarkers } from './image-markers';
import { placeComponent, placeManual } from './place-objects';
import type { FluxPlacement, PlacementInputs, PlacementPlan } from './placement';
import { checkReleasePatches } from './release-patches';
import { checkChartValuesOf, checkReleases, crdOwners, planNamespaces, terraformReleases } from './releases';
import { planNetworkPolicies } from './network-policies';
import { checkRouteConflicts } from './route-conflicts';
import { checkRouteTls } from './route-tls';
import { placeSecrets } from './secret-placement';

/** Without a secret store, a generated secret cannot be read: the plan reports the Secret that needs one. */
const NO_GENERATED_SECRETS = (name: string): string => {
  throw new SecretUnavailable(`the generated secret ${name} has no store to be read from`, 'Plan the platform through planPlatform or synthPlatform, which open the secrets file');
};

/** A platform whose props passed their checks and whose cdk8s app is prepared: its objects may be read. */
export interface PreparedPlatform {
  readonly platform: IConstruct & PlatformContext;
  /** Its components, in construct-path order. */
  readonly components: readonly Component[];
  /** Every construct under it. */
  readonly constructs: readonly IConstruct[];
}

/**
 * The first step of a plan: every mistake in the components' props, all at once (a ValidationError),
 * before any object is read from constructs built with them; then cdk8s' app-wide preparation.
 */
export function preparePlatform(root: IConstruct): PreparedPlatform {
  if (!isPlatform(root)) {
    throw new ValidationError([{ path: constructPath(root), problem: 'this construct is not a Platform', fix: 'Pass the Platform itself' }]);
  }
  const constructs = root.node.findAll();
  const fromProps = reportedProblems(constructs);
  if (fromProps.length > 0) throw new ValidationError(fromProps);
  const components = componentsAmong(constructs);
  prepareApp(components);
  return { platform: root, components, constructs };
}

/**
 * Places a prepared platform: which backend deploys each object, in which Flux step, with which secrets
 * and variables, after every check that needs no earlier synth. Throws a ValidationError listing every
 * problem when the platform cannot be deployed as described. Pure: it reads only the platform and
 * `inputs`, never a file or the environment.
 */
export function planDeployment(prepared: PreparedPlatform, inputs: PlacementInputs): PlacementPlan {
  const { platform: root, components, constructs } = prepared;
  const problems: ConfigProblem[] = [];
  for (const chart of constructs.filter((c) => Chart.isChart(c) && !Component.isComponent(c))) {
    problems.push({
      path: constructPath(chart),
      problem: 'it is a cdk8s Chart but not a ballast Component, so no backend would deploy its objects',
      fix: 'Extend Component instead of Chart (it is a Chart with a namespace and a backend)',
    });
  }
  const crdOwner = crdOwners(components, problems);
  checkReleases(components, problems);
  checkDependencyCycles(components, problems);
  const notes = checkChartValuesOf(components, inputs.reference, problems);
  checkReleasePatches(components, inputs.reference, problems);

  // Each component's objects are resolved once per plan: the placement and the checks read the same JSON.
  const own = new Map<Component, Manifest[]>();
  const ownManifests = (c: Component): Manifest[] => own.get(c) ?? own.set(c, c.manifests() as Manifest[]).get(c)!;
  // Every component's objects, with the escape hatches' patches applied: the patches that fail, all at once.
  const renderProblems = components.flatMap((c) => inConstruct(c, 'placing its objects', () => problemsOf(() => ownManifests(c))));
  if (renderProblems.length > 0) throw new ValidationError(renderProblems);
  // Its NetworkPolicies, from the connections every component declared, go with its own objects.
  const network = planNetworkPolicies(components, root.networkPoliciesDisabled, (c) => c.helmChart !== undefined || ownManifests(c).some(holdsPods));
  const resolved = new Map<Component, Manifest[]>();
  const manifestsOf = (c: Component): Manifest[] => resolved.get(c) ?? resolved.set(c, [...ownManifests(c), ...(network.policies.get(c) ?? [])]).get(c)!;
  const placedSecrets = placeSecrets(components, root.sops.ageRecipients, constructPath(root), problems, inputs.generated ?? NO_GENERATED_SECRETS);
  const secrets = placedSecrets.terraform;
  const namespaces = planNamespaces(components, secrets, network.namespaces);
  const flux: FluxPlacement[] = [];
  const tfManifests: { component: Component; manifest: Manifest }[] = [];
  const manual: { component: Component; manifests: Manifest[] }[] = [];
  for (const c of components) {
    if (c.tier === 'loadtests') {
      manual.push({ component: c, manifests: inConstruct(c, 'placing its objects', () => placeManual(c, manifestsOf(c), crdOwner, problems)) });
      // The namespace must exist before anyone applies the test: the apps step creates it.
      flux.push({ component: c, step: 'apps', manifests: [], encryptedSecrets: [] });
      continue;
    }
    const placed = inConstruct(c, 'placing its objects', () => placeComponent(c, manifestsOf(c), crdOwner, problems));
    flux.push(...placed.flux);
    tfManifests.push(...placed.terraform.map((manifest) => ({ component: c, manifest })));
  }
  // Encrypted Secrets go with the component's objects, in the step its Flux placement applies first.
  const firstPlacement = new Map<Component, FluxPlacement>();
  for (const p of flux) if (!firstPlacement.has(p.component)) firstPlacement.set(p.component, p);
  for (const { component, secret } of placedSecrets.sops) {
    const own = firstPlacement.get(component);
    if (own) own.encryptedSecrets.push(secret);
    else {
      const placement: FluxPlacement = { component, step: component.tier === 'apps' ? 'apps' : 'controllers', manifests: [], encryptedSecrets: [secret] };
      flux.push(placement);
      firstPlacement.set(component, placement);
    }
  }
  const withComponent = (placements: readonly { component: Component; manifests: readonly Manifest[] }[]) =>
    placements.flatMap((p) => p.manifests.map((manifest) => ({ component: p.component, manifest })));
  checkImageMarkers(components, flux.flatMap((p) => p.manifests), problems);
  checkFileNames(components, problems);
  checkObjectIdentities(
    [...withComponent(flux), ...tfManifests, ...withComponent(manual)],
    components.flatMap((component) => component.bootstrapSecrets.map((secret) => ({ component, secret }))),
    problems,
  );
  checkSecretIdentities(components, secrets, problems);
  const createdSecrets = new Set([...components.flatMap((c) => c.bootstrapSecrets), ...secrets].map((s) => `${s.namespace}/${s.name}`));
  checkSecretReferences(components, createdSecrets, root.assumed.secrets, problems);
  const withRepositories = helmRepositoryWriters(flux, problems);
  checkCapacity(root, components, problems, notes);
  checkRouteConflicts([...withComponent(flux), ...tfManifests], problems);
  checkRouteTls(root, components, problems, manifestsOf);
  checkConsumerValues(components, flux, tfManifests, manual, problems);
  if (problems.length > 0) throw new ValidationError(problems);

  const variables = sensitiveVariables(components, secrets);
  const rotate = inputs.rotate ?? new Set<string>();
  // A rotated Terraform variable gets a new write-only revision; the others keep theirs.
  const revisions = new Map(variables.map((v) => [v.variable, (inputs.previousRevisions?.[v.variable] ?? 1) + (rotate.has(v.variable) ? 1 : 0)]));
  return {
    platform: root,
    components,
    namespaces,
    connections: network.connections,
    flux: withNamespaces(withRepositories, namespaces),
    manual,
    terraform: {
      releases: terraformReleases(components),
      manifests: tfManifests,
      secrets,
      variables,
      revisions,
      protectedSecrets: new Set(components.filter((c) => c.stateful).flatMap((c) => c.bootstrapSecrets.map((b) => `${b.namespace}/${b.name}`))),
    },
    sops: {
      recipients: root.sops.ageRecipients,
      steps: FLUX_STEPS.filter((step) => flux.some((p) => p.step === step && p.encryptedSecrets.length > 0)),
    },
    notes: [...notes, ...notesOf(constructs), ...network.undeclared.map((u) => `namespace ${u.namespace} gets no NetworkPolicies: ${u.reason}. Declare its pods and connections (component.network.addPods, allowFrom, allowTo), or opt out with networkPolicies: { disabled: '<reason>' }`)],
  };
}

/** The sensitive Terraform variables the platform reads, each once, sorted by name. */
function sensitiveVariables(components: readonly Component[], secrets: PlacementPlan['terraform']['secrets']): SecretValue[] {
  const variables = new Map<string, SecretValue>();
  const addVariable = (v: SecretValue) => variables.set(v.variable, v);
  for (const s of secrets) Object.values(s.data).forEach((v) => v instanceof SecretValue && v.source.kind === 'variable' && addVariable(v));
  for (const c of components) (c.helmChart?.sensitiveValues ?? []).forEach((s) => s.value.source.kind === 'variable' && addVariable(s.value));
  return [...variables.values()].sort((a, b) => (a.variable < b.variable ? -1 : 1));
}

/** Kinds whose objects run pods. */
const POD_KINDS = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob']);

function holdsPods(m: Manifest): boolean {
  return POD_KINDS.has(m.kind) && isBuiltInGroup(m.apiVersion);
}
