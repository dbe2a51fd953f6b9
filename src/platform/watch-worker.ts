import { isWorkerFailedMessage } from '../core/worker-failure';

/**
 * Listen for the ways a Web Worker can fail — it could not load its code, it threw, a message from it could not be
 * read — and resolve with the worker's own error text (never settles while the worker is fine). The text is also
 * written to the page console, where a developer looks first. Callers race their pending calls against it, so no
 * run waits for an answer that cannot come.
 *
 * Call it right after `new Worker(…)` and before anything else listens to the worker: the failure message is taken
 * out of the stream, so libraries that reject unknown messages (WebLLM's engine) never see it.
 */
export function watchWorker(worker: Worker, label: string): Promise<string> {
  return new Promise((resolve) => {
    const failed = (text: string) => {
      console.error(`The ${label} worker failed: ${text}`);
      resolve(text);
    };
    worker.addEventListener('message', (event) => {
      if (!isWorkerFailedMessage(event.data)) return;
      event.stopImmediatePropagation();
      failed(event.data.message);
    });
    worker.addEventListener('error', (event) => {
      // A module worker whose entry point itself cannot load gets a bare Event; its own modules report the rest.
      failed(event instanceof ErrorEvent && event.message ? event.message : 'its script could not be loaded (the browser gives no details; see the console)');
    });
    worker.addEventListener('messageerror', () => failed('a message from it could not be read'));
  });
}
