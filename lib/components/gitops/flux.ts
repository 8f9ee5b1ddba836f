import { Construct } from 'constructs';
import { ReleasePolicy } from '../../core/release-policy';
import { SecretValue } from '../../core/secret';
import { catalog } from '../../catalog';
import { Component } from '../../core/component';
import { goDuration } from '../../core/durations';
import { fail } from '../../core/errors';
import { HelmValues } from '../../core/helm-chart';
import { FLUX_NAMESPACE, FLUX_SOURCE_NAME } from '../../model/flux-layout';
import { recordImagePolicyNamespace } from './image-policies';

/** Flux controllers to run besides the four defaults. */
export type FluxExtraController = 'image-reflector-controller' | 'image-automation-controller' | 'source-watcher';

/**
 * The Flux the platform runs: the 2.9 line (source-controller 1.9, kustomize-controller 1.9, helm-controller
 * 1.6, the versions of the reference CRDs), from the distribution artifact of the pinned Flux Operator.
 * The artifact is immutable, so the newest 2.9 patch it holds is the same on every apply; upgrading Flux is
 * a change of these two lines (and of the flux-operator chart in the catalog).
 */
export const FLUX_VERSION = '2.9.x';
export const FLUX_DISTRIBUTION_ARTIFACT = 'oci://ghcr.io/controlplaneio-fluxcd/flux-operator-manifests:v0.49.0';

/** Properties of the Flux bootstrap. */
export interface FluxProps {
  /** Flux distribution version (exact, or a patch range like `2.9.x`). @default FLUX_VERSION */
  readonly distributionVersion?: string;
  /** The distribution manifests artifact, pinned by tag. @default FLUX_DISTRIBUTION_ARTIFACT */
  readonly distributionArtifact?: string;
  /** @default none */
  readonly extraControllers?: FluxExtraController[];
  /** Chart values deep-merged over the FluxInstance values. @default none */
  readonly extraValues?: HelmValues;
  /** Secret FluxInstance chart values by dotted value path, passed by reference. @default none */
  readonly sensitiveValues?: Record<string, SecretValue>;
  /** How the flux-operator and flux-instance releases are installed, upgraded and kept, over the platform's. @default the platform's */
  readonly releasePolicy?: ReleasePolicy;
}

/**
 * Flux itself, installed by Terraform: the Flux Operator chart, then a FluxInstance (through the
 * `flux-instance` chart) that syncs `clusters/<cluster>` from the platform's Git repository. Both are
 * Helm releases, so the Terraform plan holds no FluxInstance object whose CRD it installs itself.
 */
export class Flux extends Construct {
  public readonly operator: Component;
  public readonly instance: Component;

  constructor(scope: Construct, id: string, props: FluxProps = {}) {
    super(scope, id);
    this.operator = new FluxOperator(this, 'operator', props);
    this.instance = new FluxInstance(this, 'instance', props);
    this.instance.deployAfter(this.operator);
  }

  /**
   * Runs the image-reflector and image-automation controllers (for ImageRepository, ImagePolicy and
   * ImageUpdateAutomation). `policyNamespace` is a namespace that holds ImagePolicies: an
   * ImageUpdateAutomation of this Flux then gets an object there (it applies the policies of its own
   * namespace only).
   */
  public enableImageAutomation(policyNamespace?: string): void {
    (this.instance as FluxInstance).addControllers(['image-reflector-controller', 'image-automation-controller']);
    if (policyNamespace !== undefined) recordImagePolicyNamespace(this, policyNamespace);
  }
}

class FluxOperator extends Component {
  constructor(scope: Construct, id: string, props: FluxProps) {
    super(scope, id, { namespace: FLUX_NAMESPACE, deployWith: 'terraform', allowReservedNamespace: true });
    this.addChart(catalog.fluxOperator, {}, { releaseName: 'flux-operator', releasePolicy: props.releasePolicy });
  }
}

class FluxInstance extends Component {
  /** The controller list inside the chart values (read at synth, so later additions land). */
  private readonly components: string[];

  constructor(scope: Construct, id: string, props: FluxProps) {
    super(scope, id, { namespace: FLUX_NAMESPACE, deployWith: 'terraform', allowReservedNamespace: true });
    const version = props.distributionVersion ?? FLUX_VERSION;
    if (!/^[0-9]+\.[0-9]+\.([0-9]+|x)$/.test(version)) {
      fail(this, `distributionVersion "${version}" is not a pinned Flux version`, 'Use an exact version or a patch range such as "2.9.x": a wider range lets a re-apply install another Flux');
    }
    const artifact = props.distributionArtifact ?? FLUX_DISTRIBUTION_ARTIFACT;
    if (!/^oci:\/\/[^\s:]+:[A-Za-z0-9_.-]+$/.test(artifact) || artifact.endsWith(':latest')) {
      fail(this, `distributionArtifact "${artifact}" is not pinned to a tag`, 'Name a released tag of the manifests artifact, e.g. ":v0.49.0"');
    }
    const git = this.platform.git;
    const pullSecret = git.auth
      ? this.addBootstrapSecret('flux-git-auth', { password: git.auth.password }, { plainData: { username: git.auth.username } }).name
      : undefined;
    const syncPath = [git.path, 'clusters', this.platform.clusterName].filter((p) => p).join('/');
    this.addChart(
      catalog.fluxInstance,
      {
        instance: {
          distribution: { version, registry: 'ghcr.io/fluxcd', artifact },
          components: [
            'source-controller',
            'kustomize-controller',
            'helm-controller',
            'notification-controller',
            ...new Set(props.extraControllers ?? []),
          ],
          cluster: { type: 'kubernetes', networkPolicy: true, domain: 'cluster.local' },
          sync: {
            kind: 'GitRepository',
            name: FLUX_SOURCE_NAME,
            url: git.url,
            ref: `refs/heads/${git.branch}`,
            path: syncPath,
            interval: goDuration(this.platform.flux.interval),
            ...(pullSecret ? { pullSecret } : {}),
          },
        },
      },
      { releaseName: 'flux', extraValues: props.extraValues, userSensitiveValues: props.sensitiveValues, releasePolicy: props.releasePolicy },
    );
    this.components = (this.helmChart!.values.instance as { components: string[] }).components;
  }

  public addControllers(controllers: FluxExtraController[]): void {
    for (const c of controllers) if (!this.components.includes(c)) this.components.push(c);
  }
}
