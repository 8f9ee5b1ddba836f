import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { ApiServer } from '../e2e/api-server';
import { freePorts } from '../e2e/processes';
import { ManagedProcess } from './child-process';
import { fluxControllerPath } from './tools';

const READY_TIMEOUT_MS = 60_000;

/**
 * Flux's source-controller and kustomize-controller v1.9.6, out of cluster, against the tier's API server
 * (KUBECONFIG; the controllers have no --kubeconfig flag), in namespace flux-system
 * (RUNTIME_NAMESPACE). Every listener is bound to 127.0.0.1 on a free port: their defaults listen on all
 * interfaces. Artifacts live in a temporary folder, served by source-controller on loopback, where
 * kustomize-controller fetches them. helm-controller is not among them: it cannot be built here, so
 * HelmReleases are applied but never reconciled. Always call stop().
 */
export class FluxControllers {
  public static async start(server: ApiServer): Promise<FluxControllers> {
    // Resolved before anything starts, so a missing controller fails with the reason and leaves nothing behind.
    const binaries = { source: fluxControllerPath('source-controller'), kustomize: fluxControllerPath('kustomize-controller') };
    const controllers = new FluxControllers(fs.mkdtempSync(path.join(os.tmpdir(), 'ballast-flux-')));
    try {
      await controllers.boot(server, binaries);
    } catch (err) {
      await controllers.stop();
      throw err;
    }
    return controllers;
  }

  private readonly processes: ManagedProcess[] = [];
  private readonly onExit = () => fs.rmSync(this.dir, { recursive: true, force: true });

  private constructor(private readonly dir: string) {
    process.on('exit', this.onExit);
  }

  /** The tail of each controller's log (JSON lines), for failure messages. */
  public logs(): string {
    return this.processes.map((p) => p.log()).join('\n');
  }

  /** Stops both controllers and removes the artifact storage. Safe to call twice. */
  public async stop(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.stop()));
    fs.rmSync(this.dir, { recursive: true, force: true });
    process.removeListener('exit', this.onExit);
  }

  private async boot(server: ApiServer, binaries: { source: string; kustomize: string }): Promise<void> {
    const env = { ...process.env, KUBECONFIG: server.kubeconfig, RUNTIME_NAMESPACE: 'flux-system' };
    const storage = path.join(this.dir, 'storage');
    fs.mkdirSync(storage);
    // Distinct ports, taken together (separate lookups can return the same port twice).
    const ports = await freePorts(5);
    const loopback = async () => `127.0.0.1:${ports.shift()!}`;

    const storageAddr = await loopback();
    const sourceHealth = await loopback();
    this.processes.push(
      new ManagedProcess('source-controller', binaries.source, [
        `--storage-path=${storage}`,
        `--storage-addr=${storageAddr}`,
        // The host:port written into artifact URLs, where kustomize-controller downloads them.
        `--storage-adv-addr=${storageAddr}`,
        `--metrics-addr=${await loopback()}`,
        `--health-addr=${sourceHealth}`,
      ], env),
    );

    const kustomizeHealth = await loopback();
    this.processes.push(
      new ManagedProcess('kustomize-controller', binaries.kustomize, [
        `--metrics-addr=${await loopback()}`,
        `--health-addr=${kustomizeHealth}`,
        // A Kustomization waiting for its dependencies looks again after this (30 s by default): the
        // order is what the tier checks, not the default pace.
        '--requeue-dependency=2s',
        // The synthesized repository must be complete in itself: a remote base would be fetched from the
        // internet at every reconcile.
        '--no-remote-bases=true',
      ], env),
    );

    await Promise.all([this.waitHealthy(this.processes[0], sourceHealth), this.waitHealthy(this.processes[1], kustomizeHealth)]);
  }

  /** Waits for the controller's /readyz on its health address; fails early if it ends. */
  private async waitHealthy(controller: ManagedProcess, address: string): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let last = 'no answer yet';
    while (Date.now() < deadline) {
      if (controller.ended) throw new Error(`${controller.name} ended before it was ready:\n${controller.log()}`);
      const status = await new Promise<number | string>((resolve) => {
        const req = http.get(`http://${address}/readyz`, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', (err) => resolve(err.message));
        req.setTimeout(2_000, () => req.destroy(new Error('no answer in 2 s')));
      });
      if (status === 200) return;
      last = String(status);
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`${controller.name} not ready after ${READY_TIMEOUT_MS / 1000} s (last /readyz on ${address}: ${last}):\n${controller.log()}`);
  }
}
