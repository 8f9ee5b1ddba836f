import { App } from 'cdk8s';
import { IConstruct } from 'constructs';
import { componentsOf } from '../core/components-of';
import { Platform, PlatformConfig } from '../platform';
import { planPlatform } from '../synth/plan-platform';
import { fail } from '../core/errors';
import { fluxObjects, FluxObject } from './flux-objects';
import { ownershipOf } from './ownership';
import { terraformContribution } from './terraform-resources';
import { JsonObject } from './json';
import { defaultTestConfig } from './test-config';
import { standInIssuer } from './stand-in-issuer';

/** Options of `synthComponent`. */
export interface SynthComponentOptions {
  /**
   * Platform settings over `defaultTestConfig()` (a shallow merge: `git` replaces `git`). A component that
   * writes Secrets to Git (`secrets: 'sops'`) needs `sops: { ageRecipients: [...] }`; its generated values
   * are then read from the file `sops.secretsFile` or `BALLAST_SECRETS_FILE` names (never written).
   * @default defaultTestConfig()
   */
  readonly config?: Partial<PlatformConfig>;
  /**
   * The construct whose output is shown, by construct path below the platform (`traefik`,
   * `api/monitor`) or from the root (`ballast/api/monitor`). A component shows everything written for it;
   * a construct inside one (an IngressRoute, a ServiceMonitor) only its own objects.
   * @default the constructs `build` returns; every component of the platform when it returns none
   */
  readonly only?: string;
  /**
   * Strings longer than this are shown as their length and a SHA-256 prefix
   * (`<JSON, 48213 characters, sha256 1f0c9e2ab34d>`): dashboards and scripts embedded in ConfigMaps stay
   * out of the snapshot while any change to them still changes it.
   * @default 2000
   */
  readonly maxStringLength?: number;
  /**
   * Routes need a certificate issuer. When `build` chooses no platform issuer (`Platform.useIssuer`) and
   * builds a route, the test platform stands one in: an existing ClusterIssuer "letsencrypt", with
   * cert-manager's CRDs assumed installed, so the route's Certificate shows as on a real platform. `false`
   * leaves the platform without one, to test synth's refusal.
   * @default true
   */
  readonly standInIssuer?: boolean;
}

/** What the selected constructs emit on each backend, in a form meant for `toMatchSnapshot()`. */
export interface ComponentSynth {
  /**
   * Objects of the Flux repository by file (`infrastructure/controllers/traefik.yaml`, `apps/api.yaml`,
   * `loadtests/smoke/smoke.yaml`), in file order: the component's Namespace when Flux creates it, its
   * HelmRepository and HelmRelease, its objects, and each SOPS-encrypted Secret as its shape.
   */
  readonly flux: Readonly<Record<string, readonly FluxObject[]>>;
  /**
   * Resources of the Terraform stack by address: `helm_release` (values parsed), `kubernetes_manifest`,
   * `kubernetes_secret_v1` (keys only), `kubernetes_namespace_v1` (for every component in the namespace).
   */
  readonly terraform: Readonly<Record<string, JsonObject>>;
  /** The Terraform variables those resources read (`TF_VAR_<name>` at apply), sorted. */
  readonly terraformVariables: readonly string[];
}

/** What `build` may return: the constructs to show. */
export type SynthComponentBuild = (platform: Platform) => IConstruct | readonly IConstruct[] | void;

/**
 * Builds a test platform (`defaultTestConfig()` with `options.config`), lets `build` add components to it,
 * plans it as synth does and renders both backends with synth's own renderers, in memory and a temporary
 * folder: nothing is written to `dist/` or to a secrets file, and no network or reference data is needed
 * (chart values are checked against their schemas when reference data is there, as in a synth). The result
 * holds only what the selected constructs wrote, so a snapshot of it changes only when they do. It is
 * deterministic: no timestamps, no generated values, no ciphertexts.
 *
 * A platform that cannot be synthesized throws synth's ValidationError (`expect(() => ...).toThrow(...)`).
 */
export function synthComponent(build: SynthComponentBuild, options: SynthComponentOptions = {}): ComponentSynth {
  const platform = new Platform(new App(), 'ballast', { ...defaultTestConfig(), ...options.config });
  const returned = build(platform);
  if (options.standInIssuer ?? true) standInIssuer(platform);
  const roots = selection(platform, returned, options.only);
  const selected = (path: string) => roots.some((root) => path === root || path.startsWith(`${root}/`));
  const plan = planPlatform(platform);
  const ownership = ownershipOf(plan);
  const maxStringLength = options.maxStringLength ?? 2000;
  const terraform = terraformContribution(plan, ownership, selected, maxStringLength);
  return {
    flux: fluxObjects(plan, ownership, selected, maxStringLength),
    terraform: terraform.resources,
    terraformVariables: terraform.variables,
  };
}

/** The construct paths whose output is shown. */
function selection(platform: Platform, returned: IConstruct | readonly IConstruct[] | void, only: string | undefined): string[] {
  if (only !== undefined) {
    const wanted = only.startsWith(`${platform.node.path}/`) ? only : `${platform.node.path}/${only}`;
    const found = platform.node.findAll().find((c) => c.node.path === wanted);
    if (!found) {
      const components = componentsOf(platform).map((c) => c.node.path.slice(platform.node.path.length + 1));
      fail(platform, `only names "${only}", which is no construct of the platform`, `Name a construct path below the platform, such as ${components.map((c) => `"${c}"`).join(', ') || 'the id of a component'}`);
    }
    return [found.node.path];
  }
  const constructs = returned === undefined ? [] : Array.isArray(returned) ? (returned as readonly IConstruct[]) : [returned as IConstruct];
  return constructs.length > 0 ? constructs.map((c) => c.node.path) : componentsOf(platform).map((c) => c.node.path);
}
