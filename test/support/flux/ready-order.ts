import { ApiServer } from '../e2e/api-server';
import { collectionPath, Watch, watchCollection } from './kube';
import { isReadyAt } from './reconcile';

/**
 * Records the order in which Kustomizations first become Ready at one revision, from a watch: the API
 * server delivers a collection's events in the order it stored them, so the order is exact even when
 * two of them become Ready within the same second (their condition times have one-second precision).
 * Start it before the revision can be applied.
 */
export class ReadyOrder {
  private readonly seen: string[] = [];
  private readonly watch: Watch;
  /** An ERROR event of the watch (thrown from order(): an event handler has no caller to throw to). */
  private error?: string;

  public constructor(server: ApiServer, private readonly revision: string, namespace = 'flux-system') {
    this.watch = watchCollection(server, collectionPath('Kustomization', namespace), (event) => {
      if (event.type === 'ERROR') {
        this.error ??= `watching Kustomizations failed: ${JSON.stringify(event.object)}`;
        return;
      }
      const name = event.object.metadata.name;
      if (!this.seen.includes(name) && isReadyAt(event.object, this.revision)) this.seen.push(name);
    });
  }

  /** Resolves once changes are being recorded (throws if the API server refused the watch). */
  public started(): Promise<void> {
    return this.watch.established;
  }

  /** Names of the Kustomizations Ready at the revision so far, first first. Throws if the watch broke early. */
  public order(): string[] {
    const ended = this.error ?? this.watch.ended();
    if (ended && ended !== 'stopped') throw new Error(`the Ready order of ${this.revision} is incomplete: ${ended}`);
    return [...this.seen];
  }

  public stop(): void {
    this.watch.stop();
  }
}
