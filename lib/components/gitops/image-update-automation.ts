import { ApiObject, Duration } from 'cdk8s';
import { Component, SecretsBackend } from '../../core/component';
import { ConfigProblem, constructPath, fail, reportProblem } from '../../core/errors';
import { describeDuration, durationProblem, goDuration } from '../../core/durations';
import { describeGitBranch, gitRefProblem } from '../../core/grammar';
import { requireDnsLabel } from '../../core/names';
import { SecretValue } from '../../core/secret';
import { FLUX_NAMESPACE, FLUX_SOURCE_NAME } from '../../model/flux-layout';
import type { GitAuth } from '../../platform';
import type { Flux } from './flux';
import { onImagePolicyNamespace } from './image-policies';

/** The GitRepository the automation pushes through when it has write credentials of its own. */
export const IMAGE_UPDATE_SOURCE_NAME = 'flux-system-push';
/** The Secret (in flux-system) with those credentials. */
export const IMAGE_UPDATE_AUTH_SECRET = 'flux-git-push-auth';

/**
 * The commit message when none is given: which namespace, then one line per changed image. Go template
 * data of image-automation-controller v1: `.AutomationObject` (namespace and name), `.Changed.Changes`
 * (old value, new value, setter), `.Changed.FileChanges`, `.Changed.Objects`, `.Values`.
 */
export const DEFAULT_IMAGE_UPDATE_MESSAGE = [
  'Update images in {{ .AutomationObject.Namespace }}',
  '',
  '{{ range .Changed.Changes -}}',
  '- {{ .OldValue }} -> {{ .NewValue }}',
  '{{ end -}}',
].join('\n');

/** Fields of the message template that image-automation-controller v1 removed: a template using them fails every run. */
const REMOVED_TEMPLATE_FIELDS: readonly (readonly [string, string])[] = [
  ['.Updated', '.Changed'],
  ['.Changed.ImageResult', '.Changed.Changes or .Changed.Objects'],
];

/** Who the automation's commits are by. */
export interface GitCommitAuthor {
  /** e.g. `Flux`. */
  readonly name: string;
  /** e.g. `flux@example.com` (a no-reply address of the Git host works). */
  readonly email: string;
}

/** Properties of an ImageUpdateAutomation. */
export interface ImageUpdateAutomationProps {
  /** The author of the commits. */
  readonly author: GitCommitAuthor;
  /**
   * Go template of the commit message (image-automation-controller v1 data: `.AutomationObject`,
   * `.Changed.Changes`, `.Changed.FileChanges`, `.Changed.Objects`).
   * @default DEFAULT_IMAGE_UPDATE_MESSAGE: the namespace, then one `- old -> new` line per image
   */
  readonly messageTemplate?: string;
  /**
   * Branch the commits are pushed to. Another branch than the platform's is created from it on the first
   * push, for a pull request; Flux deploys the new tags only once it is merged.
   * @default the platform's git.branch (Flux deploys a new tag at its next sync)
   */
  readonly pushBranch?: string;
  /**
   * HTTPS credentials that may push (a user and a token with write access). They go into the Secret
   * `flux-system/flux-git-push-auth`, which a second GitRepository `flux-system-push` (same URL) uses, so
   * that the sync source keeps its own, possibly read-only, credentials.
   * @default none: the automation pushes through the sync source `flux-system` with `git.auth`, which must then be allowed to push
   */
  readonly writeCredentials?: GitAuth;
  /** How often the automation looks for new tags to commit (whole milliseconds, more than zero). @default Duration.minutes(10) */
  readonly interval?: Duration;
  /**
   * How the write credentials reach the cluster: Terraform (from a `SecretValue.fromVariable`) or a
   * SOPS-encrypted Secret in Git (`fromEnv`, `fromFile`).
   * @default 'terraform'
   */
  readonly secrets?: SecretsBackend;
}

/** One automation per Git repository (every Flux bootstrap syncs one): two would race to push the same change. */
const automationOf = new WeakMap<Flux, ImageUpdateAutomation>();

/**
 * Flux image automation, completed: commits the tag an ImagePolicy selects to the image line that
 * carries its setter marker (WebService `imageAutomation`), and pushes to the platform's Git repository.
 *
 * An ImageUpdateAutomation applies the ImagePolicies of its own namespace only, so this writes one
 * `image.toolkit.fluxcd.io/v1` ImageUpdateAutomation into every namespace that holds policies of this
 * Flux bootstrap, each referring to one GitRepository in flux-system (the sync source, or
 * `flux-system-push` with `writeCredentials`) and updating the files under `git.path`. It is applied by
 * the `apps` Kustomization, with the services and their namespaces.
 */
export class ImageUpdateAutomation extends Component {
  /** The GitRepository (in flux-system) the automation clones and pushes through. */
  public readonly sourceName: string;
  /** The namespaces it has an ImageUpdateAutomation in (those with ImagePolicies), in the order they appeared. */
  private readonly policyNamespaces: string[] = [];
  private readonly spec: Record<string, unknown>;

  constructor(flux: Flux, id: string, props: ImageUpdateAutomationProps) {
    super(flux, id, { namespace: FLUX_NAMESPACE, deployWith: 'flux', secrets: props.secrets, allowReservedNamespace: true, tier: 'apps' });
    requireDnsLabel(this, 'ImageUpdateAutomation name', id);
    const other = automationOf.get(flux);
    if (other) {
      reportProblem(this, `${constructPath(flux)} already has the ImageUpdateAutomation ${constructPath(other)}, for the same Git repository`, 'Keep one ImageUpdateAutomation per Git repository: two would push the same change twice');
    } else {
      automationOf.set(flux, this);
    }
    // Every problem of the props is reported, and the plan lists them together with the platform's
    // others; building goes on (nothing is rendered while a problem stands).
    const problems = this.propsProblems(props, flux);
    for (const p of problems) reportProblem(this, p.problem, p.fix);

    const git = this.platform.git;
    this.sourceName = props.writeCredentials ? IMAGE_UPDATE_SOURCE_NAME : FLUX_SOURCE_NAME;
    // Credentials with a problem are not declared: a password that is not a SecretValue must not reach a Secret.
    if (props.writeCredentials && !problems.some((p) => p.problem.startsWith('writeCredentials'))) this.addPushSource(props.writeCredentials);
    this.spec = {
      interval: goDuration(props.interval ?? Duration.minutes(10)),
      sourceRef: { kind: 'GitRepository', name: this.sourceName, namespace: FLUX_NAMESPACE },
      git: {
        checkout: { ref: { branch: git.branch } },
        commit: { author: { name: props.author?.name, email: props.author?.email }, messageTemplate: props.messageTemplate ?? DEFAULT_IMAGE_UPDATE_MESSAGE },
        push: { branch: props.pushBranch ?? git.branch },
      },
      // The setter markers are in the files of the Flux tree, which lives under git.path; in a fleet, in
      // this cluster's own tree (files with markers are never shared), so that each cluster's automation
      // commits only its own tags.
      update: { path: `./${[git.path, ...(this.platform.inFleet ? ['clusters', this.platform.clusterName] : [])].filter((p) => p).join('/')}`, strategy: 'Setters' },
    };
    flux.enableImageAutomation();
    onImagePolicyNamespace(flux, (namespace) => this.automate(namespace));
    // Checked once the platform is complete: services may be added after the automation. (Thrown, not
    // returned: cdk8s would report a returned message as a plain error, without ballast's format.)
    this.node.addValidation({
      validate: () => {
        if (this.policyNamespaces.length === 0) {
          fail(this, `no ImagePolicy of ${constructPath(flux)} exists, so the automation would never commit anything`, 'Give a WebService imageAutomation: { flux, semverRange }, or remove the ImageUpdateAutomation');
        }
        return [];
      },
    });
  }

  /** The namespaces the automation has an ImageUpdateAutomation in. */
  public get namespaces(): readonly string[] {
    return [...this.policyNamespaces];
  }

  /** The ImageUpdateAutomation of one namespace with ImagePolicies. */
  private automate(namespace: string): void {
    this.policyNamespaces.push(namespace);
    new ApiObject(this, `automation-${namespace}`, {
      apiVersion: 'image.toolkit.fluxcd.io/v1',
      kind: 'ImageUpdateAutomation',
      metadata: { name: this.node.id, namespace },
      spec: structuredClone(this.spec),
    });
  }

  /** The Secret with the write credentials and the GitRepository that uses them, beside the sync source. */
  private addPushSource(credentials: GitAuth): void {
    const git = this.platform.git;
    this.addBootstrapSecret(IMAGE_UPDATE_AUTH_SECRET, { password: credentials.password }, { plainData: { username: credentials.username } });
    new ApiObject(this, 'push-source', {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: IMAGE_UPDATE_SOURCE_NAME },
      spec: {
        interval: goDuration(this.platform.flux.interval),
        url: git.url,
        ref: { branch: git.branch },
        secretRef: { name: IMAGE_UPDATE_AUTH_SECRET },
      },
    });
  }

  /** Every problem of the props at once (they come from JavaScript callers too, so types are checked). */
  private propsProblems(props: ImageUpdateAutomationProps, flux: Flux): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const add = (problem: string, fix: string) => problems.push({ path: constructPath(this), problem, fix });
    const git = this.platform.git;
    // A multi-tenant Flux refuses references across namespaces, and every automation refers to flux-system.
    const cluster = (flux.instance.helmChart?.values.instance as { cluster?: { multitenant?: unknown } } | undefined)?.cluster;
    if (cluster?.multitenant === true) {
      add(`the FluxInstance of ${constructPath(flux)} is multi-tenant, which blocks the automations in the service namespaces from the GitRepository in flux-system`, 'Leave instance.cluster.multitenant off in the Flux extraValues');
    }
    const author = (props.author ?? {}) as { name?: unknown; email?: unknown };
    if (typeof author.name !== 'string' || author.name.trim() === '' || /[<>\u0000-\u001f\u007f]/.test(author.name)) {
      add(`author.name ${JSON.stringify(author.name) ?? 'undefined'} is not a Git author name`, 'Give a name without "<", ">" or control characters, e.g. "Flux"');
    }
    if (typeof author.email !== 'string' || !/^[^\s<>@]+@[^\s<>@]+$/.test(author.email)) {
      add(`author.email ${JSON.stringify(author.email) ?? 'undefined'} is not an e-mail address`, 'Give the address the commits are by, e.g. "flux@example.com"');
    }
    if (props.messageTemplate !== undefined) {
      if (typeof props.messageTemplate !== 'string' || props.messageTemplate.trim() === '') {
        add('messageTemplate is empty', 'Give a Go template of the commit message, or leave it out for the default');
      } else {
        for (const [field, instead] of REMOVED_TEMPLATE_FIELDS) {
          if (new RegExp(`${field.replace(/\./g, '\\.')}(?![A-Za-z0-9_])`).test(props.messageTemplate)) {
            add(`messageTemplate uses ${field}, which image-automation-controller v1 removed, so every commit would fail`, `Use ${instead} instead`);
          }
        }
      }
    }
    if (props.pushBranch !== undefined) {
      const problem = typeof props.pushBranch === 'string' ? gitRefProblem(props.pushBranch) : `it is a ${typeof props.pushBranch}`;
      if (problem) add(`pushBranch is not a branch name: ${problem}`, describeGitBranch);
    }
    const interval = props.interval === undefined ? undefined : durationProblem(props.interval);
    if (interval) add(`interval ${interval}`, describeDuration);
    const credentials = props.writeCredentials as { username?: unknown; password?: unknown } | undefined;
    if (credentials !== undefined) {
      if (!SecretValue.isSecretValue(credentials.password)) {
        add(
          `writeCredentials.password is a ${credentials.password === null ? 'null' : typeof credentials.password}, not a SecretValue, and would be written to the output as it is`,
          'Pass SecretValue.fromVariable("git_push_token", "...") (or fromEnv, fromFile)',
        );
      }
      if (typeof credentials.username !== 'string' || credentials.username === '' || /[\s:]/.test(credentials.username)) {
        add('writeCredentials.username is not a user name', 'Give the user name of the token (for GitHub any non-empty name, e.g. "git")');
      }
      if (!git.url.startsWith('https://')) {
        add(`writeCredentials are HTTPS credentials, but git.url "${git.url}" is not an https:// URL`, 'Use the https:// clone URL of the repository');
      }
    } else if (!git.auth) {
      add(
        'the automation has no writeCredentials and the platform has no git.auth, so Flux could clone the repository but never push to it',
        'Give writeCredentials: { username, password: SecretValue.fromVariable("git_push_token", "...") } with a token that may push',
      );
    }
    return problems;
  }
}
