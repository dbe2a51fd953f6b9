/**
 * How a Web Worker the app ships tells the page that it could not load its code or hit an uncaught error, with the
 * error's own text. Browsers do not: Chromium fires a bare `error` Event without a message on a module worker whose
 * imports fail, and nothing at all reaches a caller still waiting for an answer. The worker side is
 * `workers/load-worker-host.ts`; the page side is `src/platform/watch-worker.ts`.
 */

export const WORKER_FAILED = 'worker-failed';

/** Posted by a worker (never by the page) when it cannot go on. */
export interface WorkerFailedMessage {
  type: typeof WORKER_FAILED;
  /** The error as the worker saw it, e.g. "SyntaxError: The requested module … does not provide an export named 'sprintf'". */
  message: string;
}

export function isWorkerFailedMessage(data: unknown): data is WorkerFailedMessage {
  return typeof data === 'object' && data !== null && (data as { type?: unknown }).type === WORKER_FAILED && typeof (data as { message?: unknown }).message === 'string';
}

/** "Name: message" for an Error, the value as text otherwise; never empty. */
export function describeWorkerError(error: unknown): string {
  if (error instanceof Error) return error.message ? `${error.name}: ${error.message}` : error.name;
  const text = String(error ?? '');
  return text || 'unknown error';
}

/**
 * Thrown to whoever waits on a worker that failed — e.g. a model runtime's worker (WebLLM, wllama) that could not
 * load or died. Providers report it as a model error of kind `engine_failed`, which ends a run as an
 * infrastructure error rather than a fault of the agent.
 */
export class WorkerFailedError extends Error {
  override readonly name = 'WorkerFailedError';
}

/** True for a WorkerFailedError, also one that crossed a module boundary (compared by name). */
export function isWorkerFailedError(error: unknown): error is WorkerFailedError {
  return error instanceof Error && error.name === 'WorkerFailedError';
}
