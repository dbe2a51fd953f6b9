/// <reference lib="webworker" />
import { describeWorkerError, WORKER_FAILED, type WorkerFailedMessage } from '../src/core/worker-failure';

/**
 * Start a worker whose code lives in another module (its "host"), so that a host that cannot load — or a worker
 * that later throws — reaches the page as a message with the error's own text (see src/core/worker-failure.ts).
 * Keep this module and the entry points free of other imports: they are what must always load.
 *
 * Entry points await it at top level, so importing an entry point settles only once its host has loaded or its
 * failure has been posted (the dev-server worker probes rely on that). It never rejects: a rejected top-level await
 * would also fire a bare `error` Event at the page, racing the message that says why.
 *
 * Messages the page posts while the host is still loading are held and delivered, in order, once it has loaded
 * its listeners (comlink's `expose`, WebLLM's handler); a dedicated worker drops messages nobody listens to.
 */
export async function loadWorkerHost(load: () => Promise<unknown>): Promise<void> {
  const scope = self as unknown as DedicatedWorkerGlobalScope;
  const fail = (message: string) => scope.postMessage({ type: WORKER_FAILED, message } satisfies WorkerFailedMessage);
  scope.addEventListener('error', (event) => fail(event.error !== undefined && event.error !== null ? describeWorkerError(event.error) : event.message || 'uncaught error'));

  const held: MessageEvent[] = [];
  const hold = (event: MessageEvent) => {
    held.push(event);
    event.stopImmediatePropagation();
  };
  scope.addEventListener('message', hold);
  try {
    await load();
  } catch (error) {
    fail(describeWorkerError(error));
    return;
  }
  scope.removeEventListener('message', hold);
  for (const event of held) scope.dispatchEvent(new MessageEvent('message', { data: event.data, ports: [...event.ports] }));
}
