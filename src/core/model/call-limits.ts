import type { ActionProtocol, ChatModel, ModelRequest, ModelStreamPart } from './types.js';
import { abortedError } from './errors.js';

/** Parallel requests an API profile sends when it does not say (the profile form's "parallel requests", `--parallel-requests`). */
export const DEFAULT_PARALLEL_REQUESTS = 4;
/** The most a profile may ask for. */
export const MAX_PARALLEL_REQUESTS = 64;

/**
 * What one endpoint allows: at most `maxConcurrent` calls at once, and none at all until a `Retry-After` it sent has
 * passed — a 429 that says "wait 2 s" makes every call to that endpoint wait, not only the one that got it (the others
 * would get 429s too, and each would count against the caller's retries).
 */
export class CallLimiter {
  private active = 0;
  private pausedUntil = 0;
  private readonly waiters = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private limit: number,
    private readonly now: () => number = Date.now,
  ) {}

  get maxConcurrent(): number {
    return this.limit;
  }

  set maxConcurrent(limit: number) {
    this.limit = Math.max(1, Math.floor(limit));
    this.wakeAll();
  }

  /** Calls in flight now. */
  get inFlight(): number {
    return this.active;
  }

  /** Until when every call waits (ms since epoch; in the past when none does). */
  get waitUntil(): number {
    return this.pausedUntil;
  }

  /** Every call waits `ms` from now (a longer pause already in force stays). */
  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + Math.max(0, ms));
    this.wakeAll();
  }

  /**
   * Wait for a free slot, after any `Retry-After` pause, and take it; false (nothing taken) when `signal` aborts
   * first. Every `true` must be followed by one `release()`.
   */
  async acquire(signal?: AbortSignal): Promise<boolean> {
    while (true) {
      if (signal?.aborted) return false;
      const pause = this.pausedUntil - this.now();
      if (pause <= 0 && this.active < this.limit) {
        this.active += 1;
        return true;
      }
      const woken = await this.waitForChange(pause > 0 ? pause : undefined, signal);
      if (!woken) return false;
    }
  }

  release(): void {
    this.active = Math.max(0, this.active - 1);
    this.wakeAll();
  }

  private wakeAll() {
    clearTimeout(this.timer);
    this.timer = undefined;
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }

  /** Resolves true on a release, a new limit or when the pause ends; false when `signal` aborts. */
  private waitForChange(pauseMs: number | undefined, signal?: AbortSignal): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const onAbort = () => {
        this.waiters.delete(wake);
        resolve(false);
      };
      const wake = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve(true);
      };
      this.waiters.add(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (pauseMs !== undefined && this.timer === undefined) this.timer = setTimeout(() => this.wakeAll(), Math.min(pauseMs, 2 ** 31 - 1));
    });
  }
}

/** Limiters by endpoint, shared by every model that calls it in this process or page (an agent and its proposer). */
const limiters = new Map<string, CallLimiter>();

/**
 * The limiter of an endpoint (e.g. its base URL), created with `maxConcurrent` the first time; a later profile of the
 * same endpoint sets the limit it asks for. Tests pass their own `registry`.
 */
export function endpointLimiter(endpoint: string, maxConcurrent: number, registry: Map<string, CallLimiter> = limiters): CallLimiter {
  let limiter = registry.get(endpoint);
  if (!limiter) {
    limiter = new CallLimiter(maxConcurrent);
    registry.set(endpoint, limiter);
  } else limiter.maxConcurrent = maxConcurrent;
  return limiter;
}

/**
 * A model whose calls go through a `CallLimiter`: each waits for a slot (and for a `Retry-After` pause to pass) before
 * it starts, and a rate-limit error that says how long to wait pauses the whole endpoint. The model is otherwise the
 * one it wraps: the same id, provider, protocol and sampling settings, so caches and resumes see no difference.
 */
export class LimitedModel implements ChatModel {
  readonly id: string;
  readonly provider: string;
  readonly actionProtocol: ActionProtocol;
  readonly sampling?: ChatModel['sampling'];
  /** The model's name, as `modelIdentity` reads it from the wrapped provider. */
  readonly model?: string;
  readonly modelName?: string;

  constructor(
    readonly inner: ChatModel,
    readonly limiter: CallLimiter,
  ) {
    this.id = inner.id;
    this.provider = inner.provider;
    this.actionProtocol = inner.actionProtocol;
    if (inner.sampling) this.sampling = inner.sampling;
    const named = inner as unknown as { model?: unknown; modelName?: unknown };
    if (typeof named.model === 'string') this.model = named.model;
    if (typeof named.modelName === 'string') this.modelName = named.modelName;
    if (inner.withActionProtocol) this.withActionProtocol = (protocol) => new LimitedModel(inner.withActionProtocol!(protocol), limiter);
  }

  withActionProtocol?: (protocol: ActionProtocol) => ChatModel;

  async *stream(request: ModelRequest, signal?: AbortSignal): AsyncIterable<ModelStreamPart> {
    if (!(await this.limiter.acquire(signal))) {
      yield { type: 'error', error: abortedError() };
      return;
    }
    try {
      for await (const part of this.inner.stream(request, signal)) {
        if (part.type === 'error' && part.error.kind === 'rate_limit' && part.error.retryAfterMs !== undefined) this.limiter.pauseFor(part.error.retryAfterMs);
        yield part;
      }
    } finally {
      this.limiter.release();
    }
  }
}

/** `model` limited to `maxConcurrent` calls at once on `endpoint`, sharing the endpoint's `Retry-After` pauses. */
export function limitModelCalls(model: ChatModel, endpoint: string, maxConcurrent: number, registry?: Map<string, CallLimiter>): LimitedModel {
  return new LimitedModel(model, endpointLimiter(endpoint, maxConcurrent, registry));
}
