import { abortedError, timeoutError, transportError } from './errors.js';
import type { ModelError } from './types.js';

export { abortedError, badResponse, isRecord, transportError } from './errors.js';

/** Time limits of one model call. A stall is a transient `timeout` error value, never a hang. */
export interface CallTimeouts {
  /** Until the response starts: HTTP headers, or the first chunk of an in-page engine (which reads the prompt first). */
  connectMs: number;
  /** Longest silence between two pieces of an answer that has started. */
  idleMs: number;
  /** The whole call, however steadily the answer streams. */
  totalMs: number;
}

/**
 * Defaults for a model behind HTTP. Generous, because a local server on a CPU may read a long prompt for minutes
 * before its first byte; the answer-token cap bounds the generation itself.
 */
export const DEFAULT_CALL_TIMEOUTS: CallTimeouts = { connectMs: 180_000, idleMs: 120_000, totalMs: 900_000 };

/** Node and browsers fire a timer at once when its delay exceeds 2^31−1 ms (~24.8 days). */
export const MAX_TIMER_MS = 2_147_483_647;

export function clampTimerMs(ms: number): number {
  if (!Number.isFinite(ms)) return MAX_TIMER_MS;
  return Math.min(MAX_TIMER_MS, Math.max(0, Math.round(ms)));
}

/**
 * The clock of one call: a signal that aborts when the caller aborts or a limit passes, and the error value to
 * report then (`timeout` naming the limit, or `aborted`). Providers pass `signal` to fetch or to the engine, call
 * `started()` when the response begins and `activity()` on every chunk, and `dispose()` at the end.
 */
export class CallDeadline {
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private expiredWith?: ModelError;
  private idleTimer?: ReturnType<typeof setTimeout>;
  private readonly totalTimer: ReturnType<typeof setTimeout>;
  private readonly onCallerAbort = () => this.controller.abort();

  constructor(
    private readonly timeouts: CallTimeouts,
    private readonly callerSignal?: AbortSignal,
  ) {
    this.signal = this.controller.signal;
    if (callerSignal?.aborted) this.controller.abort();
    callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
    this.totalTimer = setTimeout(() => this.expire(`the call took longer than its limit of ${seconds(timeouts.totalMs)}`), clampTimerMs(timeouts.totalMs));
    this.armIdle(timeouts.connectMs, `no response within ${seconds(timeouts.connectMs)}`);
  }

  /** The response began: from now on only silence between chunks and the total limit count. */
  started(): void {
    this.activity();
  }

  /** A chunk arrived. */
  activity(): void {
    this.armIdle(this.timeouts.idleMs, `the server sent nothing for ${seconds(this.timeouts.idleMs)} (stalled)`);
  }

  /** The timeout that ended the call, if one did. */
  get expired(): ModelError | undefined {
    return this.expiredWith;
  }

  /** The error to report for a call whose signal aborted: the timeout if one fired, else the caller's abort. */
  stoppedError(): ModelError {
    return this.expiredWith ?? abortedError();
  }

  /** True when the call must stop (a limit passed or the caller aborted). */
  get stopped(): boolean {
    return this.signal.aborted;
  }

  /** A thrown transport error as a value: the timeout or abort that caused it, or a network failure. */
  failure(error: unknown, context: string): ModelError {
    if (this.signal.aborted) return this.stoppedError();
    return transportError(error, this.callerSignal, context);
  }

  dispose(): void {
    clearTimeout(this.totalTimer);
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
  }

  private armIdle(ms: number, message: string): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    if (this.signal.aborted) return;
    this.idleTimer = setTimeout(() => this.expire(message), clampTimerMs(ms));
  }

  private expire(message: string): void {
    if (this.signal.aborted) return;
    this.expiredWith = timeoutError(message);
    this.controller.abort();
  }
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

/**
 * POST a JSON body and return the response when it is OK; otherwise an error value: a transport failure, a timeout,
 * an abort, or the HTTP status classified by `classifyHttpError` with the body's text and `Retry-After`.
 */
export async function postModelRequest(options: {
  fetch: typeof fetch;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  deadline: CallDeadline;
  /** Names the endpoint in a transport error, e.g. the base URL. */
  endpoint: string;
  classifyHttpError(status: number, body: string, retryAfter: string | null): ModelError;
}): Promise<{ ok: true; response: Response } | { ok: false; error: ModelError }> {
  const { deadline } = options;
  let response: Response;
  try {
    response = await options.fetch(options.url, { method: 'POST', headers: options.headers, body: JSON.stringify(options.body), signal: deadline.signal });
  } catch (error) {
    return { ok: false, error: deadline.failure(error, `request to ${options.endpoint} failed`) };
  }
  deadline.started();
  if (response.ok) return { ok: true, response };
  let text = '';
  try {
    text = await response.text();
  } catch {
    // The status alone still classifies the failure.
  }
  if (deadline.stopped) return { ok: false, error: deadline.stoppedError() };
  return { ok: false, error: options.classifyHttpError(response.status, text, response.headers.get('retry-after')) };
}
