import { isWorkerFailedMessage, WorkerFailedError } from '../core/worker-failure';

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
    let reported = false;
    // The first report wins: a worker that throws also fires an `error` event after its own, better message.
    const failed = (text: string) => {
      if (reported) return;
      reported = true;
      console.error(`The ${label} worker failed: ${text}`);
      resolve(text);
    };
    worker.addEventListener('message', (event) => {
      if (!isWorkerFailedMessage(event.data)) return;
      event.stopImmediatePropagation();
      failed(event.data.message);
    });
    worker.addEventListener('error', (event) => {
      // Handled here: without this, the error would also count as uncaught in whoever started the worker — for a
      // sandbox worker started by an episode worker, a crash of that episode worker.
      event.preventDefault();
      // A module worker whose entry point itself cannot load gets a bare Event; its own modules report the rest.
      failed(event instanceof ErrorEvent && event.message ? event.message : 'its script could not be loaded (the browser gives no details; see the console)');
    });
    worker.addEventListener('messageerror', () => failed('a message from it could not be read'));
  });
}

/**
 * A promise that rejects with a WorkerFailedError ("the <label> worker failed: <its error text>") once `failed`
 * resolves, for racing a call that waits on the worker. Never settles while the worker is fine.
 */
export function rejectWhenFailed(failed: Promise<string>, label: string): Promise<never> {
  const rejected = failed.then((text): never => {
    throw new WorkerFailedError(`the ${label} worker failed: ${text}`);
  });
  // Nobody may be racing it when the worker fails; that must not count as an unhandled rejection.
  rejected.catch(() => undefined);
  return rejected;
}

/** The chunks of `chunks`, unless the worker producing them fails first. */
export async function* untilFailed<T>(chunks: AsyncIterable<T>, failure: Promise<never>): AsyncGenerator<T> {
  const iterator = chunks[Symbol.asyncIterator]();
  let finished = false;
  try {
    while (true) {
      const next = await Promise.race([iterator.next(), failure]);
      if (next.done) {
        finished = true;
        return;
      }
      yield next.value;
    }
  } finally {
    // Stopped early (the reader broke off or the worker failed): let the source clean up.
    if (!finished) iterator.return?.().catch(() => undefined);
  }
}
