/**
 * The one place that runs many jobs (episodes) with at most N at once. Jobs start in the order given and their
 * results are taken in that same order, whatever order they finish in: what a caller records and decides from them
 * is then the same at any pool size. While a caller waits for the next result in order, the live events of every
 * running job are handed to it (`take` is a generator), so a progress view still sees all of them as they happen.
 *
 * At concurrency 1 a job starts only when the caller asks for its result (after it has recorded the one before), so
 * a pool of one behaves exactly like a plain loop. Above 1 the pool runs ahead; a caller that stops early (a decision
 * settled, a budget ran out) closes the pool, which aborts the jobs still running and drops their results.
 */

export interface PoolJobContext<Event> {
  /** Aborted when the pool is closed (or the pool's own signal aborts) before the result was taken. */
  signal: AbortSignal;
  /** A live event of this job; the caller sees it during its next `take`. */
  emit: (event: Event) => void;
}

export type PoolWork<Job, Result, Event> = (job: Job, index: number, context: PoolJobContext<Event>) => Promise<Result>;

export interface OrderedPoolOptions {
  /** Most jobs running at once (a whole number ≥ 1). */
  concurrency: number;
  /** Aborts every running job. */
  signal?: AbortSignal;
  /**
   * How many finished results may wait, beyond the running ones, for an earlier job to be taken. Defaults to the
   * concurrency (0 at concurrency 1, so a pool of one never runs ahead of its caller).
   */
  lookahead?: number;
}

type Settled<Result> = { ok: true; value: Result } | { ok: false; error: unknown };

interface Slot<Result> {
  controller: AbortController;
  settled?: Settled<Result>;
  done: Promise<void>;
}

/** A pool size from a wish and a cap: a whole number between 1 and `cap`. */
export function clampConcurrency(wanted: number | undefined, cap: number): number {
  if (wanted === undefined || !Number.isFinite(wanted)) return 1;
  return Math.max(1, Math.min(Math.floor(cap), Math.floor(wanted)));
}

export class OrderedPool<Job, Result, Event = never> {
  private readonly slots: Array<Slot<Result> | undefined> = [];
  private readonly events: Event[] = [];
  private launched = 0;
  private taken = 0;
  private running = 0;
  private closed = false;
  private wake: (() => void) | undefined;
  private readonly concurrency: number;
  private readonly lookahead: number;
  private readonly onPoolAbort = () => {
    for (const slot of this.slots) slot?.controller.abort();
  };

  constructor(
    private readonly jobs: readonly Job[],
    private readonly work: PoolWork<Job, Result, Event>,
    private readonly options: OrderedPoolOptions,
  ) {
    this.concurrency = clampConcurrency(options.concurrency, Number.MAX_SAFE_INTEGER);
    this.lookahead = options.lookahead ?? (this.concurrency === 1 ? 0 : this.concurrency);
    options.signal?.addEventListener('abort', this.onPoolAbort, { once: true });
  }

  /** Jobs not yet taken. */
  get remaining(): number {
    return this.jobs.length - this.taken;
  }

  private notify() {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private fill() {
    // Once stopped, nothing new starts: only the jobs already running end (aborted).
    while (!this.closed && !this.options.signal?.aborted && this.launched < this.jobs.length && this.running < this.concurrency && this.launched - this.taken < this.concurrency + this.lookahead) this.launch(this.launched++);
  }

  private launch(index: number) {
    const controller = new AbortController();
    if (this.options.signal?.aborted) controller.abort();
    this.running += 1;
    const slot: Slot<Result> = { controller, done: Promise.resolve() };
    const emit = (event: Event) => {
      if (slot.settled || this.closed) return;
      this.events.push(event);
      this.notify();
    };
    slot.done = Promise.resolve()
      .then(() => this.work(this.jobs[index], index, { signal: controller.signal, emit }))
      .then(
        (value) => (slot.settled = { ok: true, value }),
        (error: unknown) => (slot.settled = { ok: false, error }),
      )
      .then(() => {
        this.running -= 1;
        this.fill();
        this.notify();
      });
    this.slots[index] = slot;
  }

  /**
   * The next job's result, in job order (undefined when every job was taken). Until it is ready, the live events of
   * all running jobs are yielded as they come. A job that threw throws here.
   */
  async *take(): AsyncGenerator<Event, { job: Job; index: number; result: Result } | undefined> {
    if (this.closed || this.taken >= this.jobs.length) return undefined;
    const index = this.taken;
    this.fill();
    const slot = this.slots[index];
    // Stopped before this job could start.
    if (!slot) return undefined;
    while (true) {
      while (this.events.length) yield this.events.shift()!;
      if (slot.settled) break;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        if (this.events.length || slot.settled) this.notify();
      });
    }
    this.taken += 1;
    this.slots[index] = undefined;
    const settled = slot.settled;
    if (!settled.ok) throw settled.error;
    return { job: this.jobs[index], index, result: settled.value };
  }

  /**
   * Stop: jobs running or finished but not taken are aborted and their results dropped; resolves when every one has
   * ended. Returns the indices of the jobs dropped after they had started.
   */
  async close(): Promise<number[]> {
    this.closed = true;
    this.options.signal?.removeEventListener('abort', this.onPoolAbort);
    const dropped: number[] = [];
    const waits: Promise<void>[] = [];
    for (let index = this.taken; index < this.launched; index++) {
      const slot = this.slots[index];
      if (!slot) continue;
      dropped.push(index);
      slot.controller.abort();
      waits.push(slot.done);
      this.slots[index] = undefined;
    }
    this.events.length = 0;
    await Promise.all(waits);
    this.events.length = 0;
    return dropped;
  }
}
