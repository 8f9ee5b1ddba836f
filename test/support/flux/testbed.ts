import { DeploymentPlan, FLUX_SOURCE_NAME, Platform } from '../../../lib/internal';
import { goDuration } from '../../../lib/core/durations';
import { ApiServer } from '../e2e/api-server';
import { ServerSideApply } from '../e2e/server-side-apply';
import { applyAll, applyTerraformSide, fluxInstanceSync, installCrds, sopsAgeSecret, syncPath } from './bootstrap';
import { FluxControllers } from './controllers';
import { GitServer } from './git-server';
import { describeRef, FluxObject, FluxObjectRef, getFluxObject } from './kube';
import { BRANCH, PushedCommit, pushTree } from './push-tree';
import { describeStatus, requestReconcile, waitForReady } from './reconcile';
import { fluxControllerPath } from './tools';

const SOURCE: FluxObjectRef = { kind: 'GitRepository', name: FLUX_SOURCE_NAME };

/**
 * Everything the flux tier runs, for any synthesized platform: a loopback kube-apiserver (with every CRD),
 * a loopback Git server, and Flux's source- and kustomize-controller reconciling what is pushed there.
 *
 *   const bed = await FluxTestbed.start();              // in beforeAll; bed.stop() in afterAll
 *   const commit = await bed.push(fluxDir, 'first', platform.git.path);  // a synthesized dist/flux
 *   await bed.bootstrap(platform, plan, identity);      // what Terraform and the FluxInstance create
 *   await bed.waitForKustomizations(['apps'], commit);  // Ready at that revision
 */
export class FluxTestbed {
  public static async start(): Promise<FluxTestbed> {
    // Before anything starts: without its controllers the tier fails at once, saying how to build them.
    fluxControllerPath('source-controller');
    fluxControllerPath('kustomize-controller');
    const started: { stop(): Promise<void> }[] = [];
    try {
      const server = await ApiServer.start();
      started.push(server);
      const ssa = new ServerSideApply(server);
      await installCrds(ssa);
      const git = await GitServer.start();
      started.push(git);
      const controllers = await FluxControllers.start(server);
      return new FluxTestbed(server, ssa, git, controllers);
    } catch (err) {
      for (const s of started.reverse()) await s.stop();
      throw err;
    }
  }

  private constructor(
    public readonly server: ApiServer,
    public readonly ssa: ServerSideApply,
    public readonly git: GitServer,
    public readonly controllers: FluxControllers,
  ) {}

  /**
   * Commits `fluxDir` as the repository's new content, in the folder `gitPath` (the platform's
   * `git.path`, where its Kustomizations look), and pushes it; returns the commit and the revision Flux
   * reports for it.
   */
  public push(fluxDir: string, message: string, gitPath = ''): Promise<PushedCommit> {
    return pushTree(this.git, fluxDir, message, gitPath);
  }

  /**
   * What exists before Flux's first sync of `platform`: the Terraform side's objects (with `ageIdentity`
   * in flux-system/sops-age), then the FluxInstance's GitRepository and root Kustomization.
   */
  public async bootstrap(platform: Platform, plan: DeploymentPlan, ageIdentity: string): Promise<void> {
    await applyTerraformSide(this.ssa, plan, ageIdentity);
    const sync = fluxInstanceSync({ url: this.git.url, branch: BRANCH, path: syncPath(platform), interval: goDuration(platform.flux.interval) });
    await applyAll(this.ssa, sync, 'FluxInstance sync');
  }

  /**
   * What the FluxInstance creates, when Terraform itself ran for real (the lifecycle tests): the
   * namespace flux-system, the Secret sops-age with `ageIdentity`, and the sync (GitRepository and root
   * Kustomization). Only for a platform whose own Terraform side does not install Flux.
   */
  public async startSync(platform: Platform, ageIdentity: string): Promise<void> {
    // Terraform writes both when the platform has Secrets in Git (sops_age_key): never over its objects.
    if ((await this.server.request('GET', '/api/v1/namespaces/flux-system')).status === 404) {
      await applyAll(this.ssa, [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } }], 'flux-system namespace');
    }
    if ((await this.server.request('GET', '/api/v1/namespaces/flux-system/secrets/sops-age')).status === 404) await this.setAgeIdentity(ageIdentity);
    const sync = fluxInstanceSync({ url: this.git.url, branch: BRANCH, path: syncPath(platform), interval: goDuration(platform.flux.interval) });
    await applyAll(this.ssa, sync, 'FluxInstance sync');
  }

  /** Replaces the age identity in flux-system/sops-age (as a new `TF_VAR_sops_age_key` and apply would). */
  public async setAgeIdentity(ageIdentity: string): Promise<void> {
    await applyAll(this.ssa, [sopsAgeSecret(ageIdentity)], 'sops-age secret');
  }

  /** Makes source-controller fetch the branch now (as `flux reconcile source git flux-system` does). */
  public async reconcileSource(commit: PushedCommit, timeoutMs = 60_000): Promise<void> {
    const handled = await requestReconcile(this.server, SOURCE);
    await waitForReady(this.server, SOURCE, commit.revision, { handled, timeoutMs, diagnostics: () => this.diagnostics() });
  }

  /**
   * A later commit: pushes `fluxDir`, makes source-controller fetch it, and waits until each named
   * Kustomization is Ready at it (the order of `names`).
   */
  public async pushAndReconcile(fluxDir: string, message: string, names: readonly string[], gitPath = ''): Promise<PushedCommit> {
    const commit = await this.push(fluxDir, message, gitPath);
    await this.reconcileSource(commit);
    await this.waitForKustomizations(names, commit);
    return commit;
  }

  /** Waits until each named Kustomization (flux-system) is Ready at `commit`; returns them in that order. */
  public async waitForKustomizations(names: readonly string[], commit: PushedCommit, timeoutMs = 180_000): Promise<FluxObject[]> {
    const deadline = Date.now() + timeoutMs;
    const out: FluxObject[] = [];
    for (const name of names) {
      const left = Math.max(deadline - Date.now(), 1_000);
      out.push(await waitForReady(this.server, { kind: 'Kustomization', name }, commit.revision, { timeoutMs: left, diagnostics: () => this.diagnostics() }));
    }
    return out;
  }

  /**
   * Where everything stands: the source, every Kustomization, the Git server's failed requests and the
   * controllers' logs. Appended to every timeout message.
   */
  public async diagnostics(): Promise<string> {
    const lines: string[] = [];
    try {
      const source = await getFluxObject(this.server, SOURCE);
      lines.push(`${describeRef(SOURCE)}:\n${describeStatus(source)}`);
      const answer = await this.server.request('GET', '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations');
      const items = answer.status === 200 ? (JSON.parse(answer.body) as { items: FluxObject[] }).items : [];
      for (const k of items) lines.push(`Kustomization flux-system/${k.metadata.name}:\n${describeStatus(k)}`);
    } catch (err) {
      lines.push(`(could not read the Flux objects: ${(err as Error).message})`);
    }
    if (this.git.failures.length) lines.push(`Git server failures:\n${this.git.failures.join('\n')}`);
    lines.push(this.controllers.logs());
    return lines.join('\n');
  }

  /** Stops the controllers, then the Git server, then the API server; removes their folders. */
  public async stop(): Promise<void> {
    await this.controllers.stop();
    await this.git.stop();
    await this.server.stop();
  }
}
