/**
 * wllama runs llama.cpp in a worker it creates itself and hands that worker's `error` events only to its logger
 * (`this.worker.onerror = this.logger.error` in @wllama/wllama 3.8); its pending calls then wait for ever. This
 * logger tells such an event apart from ordinary log lines, so the load or the generation waiting on the worker can
 * end with the worker's error text (`failed` resolves with it; it never settles while the worker is fine).
 * `tests/unit/wllama-worker-watch.test.ts` checks that the installed wllama still wires its worker that way.
 */
export function watchWllamaWorker<Logger extends { error: (...args: unknown[]) => void }>(base: Logger): { logger: Logger; failed: Promise<string> } {
  let report: (text: string) => void = () => {};
  const failed = new Promise<string>((resolve) => {
    report = resolve;
  });
  const logger = {
    ...base,
    error: (...args: unknown[]) => {
      const [first] = args;
      if (typeof Event !== 'undefined' && first instanceof Event && first.type === 'error') {
        const message = typeof ErrorEvent !== 'undefined' && first instanceof ErrorEvent ? first.message : '';
        report(message || 'its script could not be loaded (the browser gives no details; see the console)');
      }
      base.error(...args);
    },
  };
  return { logger, failed };
}
