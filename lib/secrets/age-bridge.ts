// A synchronous call into the age worker thread (age-worker.ts). The synth is synchronous from end to end
// (cdk8s and cdktf synthesize synchronously, and the sops writer runs deep inside them), while age-encryption is
// async and ESM-only: so the caller posts a request, blocks on Atomics.wait until the worker flags its reply in
// shared memory, and takes the reply off the port with receiveMessageOnPort, without running the event loop.
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';
import { AGE_STATE, AgeOperations, AgeReply, AgeRequest, AgeWorkerData, ageWorkerMain } from './age-worker';

/** How long one call may take before the caller gives up, rather than hang the synth for ever. */
const CALL_TIMEOUT_MS = 60_000;
/** How long the worker stays up without a call (see ageWorkerMain). */
const IDLE_MS = 10_000;

interface RunningWorker {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly state: Int32Array;
}

/** At most one per loaded copy of this module, started on the first call. */
let current: RunningWorker | undefined;

function startWorker(): RunningWorker {
  const { port1, port2 } = new MessageChannel();
  const state = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  const workerData: AgeWorkerData = {
    agePath: require.resolve('age-encryption'),
    scureBasePath: require.resolve('@scure/base'),
    port: port2,
    state,
    idleMs: IDLE_MS,
  };
  // The worker runs the compiled source of ageWorkerMain rather than a file: under ts-jest the TypeScript is
  // compiled in memory and there is no .js file of it to point a Worker at, while this works there and from
  // the tsc build alike. A body that throws on start (code coverage counters it cannot reach, say) would leave
  // every caller waiting for its timeout, so the catch answers each request with the reason instead.
  const source = `try { (${ageWorkerMain.toString()})(); } catch (err) {
    const { port, state } = require('worker_threads').workerData;
    port.on('message', () => {
      port.postMessage({ ok: false, message: 'age: the age worker thread failed to start: ' + (err && err.message) });
      Atomics.store(state, 0, ${AGE_STATE.done});
      Atomics.notify(state, 0);
    });
  }`;
  const worker = new Worker(source, { eval: true, workerData, transferList: [port2] });
  const running: RunningWorker = { worker, port: port1, state };
  // Neither the thread nor our end of the channel keeps the process alive: a synth exits when it is done.
  worker.unref();
  port1.unref();
  // A thread that dies anyway must not take the process with it as an unhandled 'error' event; the call
  // waiting on it times out, and the next call starts another.
  worker.on('error', () => {
    if (current === running) current = undefined;
  });
  return running;
}

/**
 * Starts the worker thread now, without waiting for it: an entry point calls this first, so that the thread
 * loads age-encryption on the other core while the main thread loads the rest of ballast and builds the
 * platform, and the first age call finds it ready.
 */
export function warmUpAgeWorker(): void {
  current ??= startWorker();
}

/** Claims the running worker, or starts one when there is none or it stopped for idleness. */
function claimWorker(): RunningWorker {
  for (;;) {
    const running = current ?? (current = startWorker());
    if (Atomics.compareExchange(running.state, 0, AGE_STATE.idle, AGE_STATE.busy) === AGE_STATE.idle) return running;
    current = undefined;
  }
}

/**
 * Runs one age operation in the worker thread and waits for it synchronously. Throws an Error with the
 * worker's message when the operation failed there, and a timeout Error when the worker does not answer.
 */
export function callAge<K extends keyof AgeOperations>(op: K, ...args: AgeOperations[K]['args']): AgeOperations[K]['result'] {
  const running = claimWorker();
  running.port.postMessage({ op, args } as AgeRequest);
  if (Atomics.wait(running.state, 0, AGE_STATE.busy, CALL_TIMEOUT_MS) === 'timed-out') {
    // Its late reply would answer the next call: drop this worker and let the next call start another.
    current = undefined;
    void running.worker.terminate();
    throw new Error(`age: the age worker thread did not answer ${op} within ${CALL_TIMEOUT_MS / 1000} s`);
  }
  const received = receiveMessageOnPort(running.port);
  Atomics.store(running.state, 0, AGE_STATE.idle);
  if (!received) throw new Error(`age: the age worker thread flagged a reply to ${op} but sent none`);
  const reply = received.message as AgeReply;
  if (!reply.ok) throw new Error(reply.message);
  return reply.result as AgeOperations[K]['result'];
}
