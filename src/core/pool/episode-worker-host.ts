import type { AgentEndReason, AgentEvent } from '../agent/events.js';
import { setClampedTimeout } from '../limits.js';
import type { ModelRequest, ModelStreamPart, TokenUsage } from '../model/types.js';
import type { TaskRunResult } from '../tasks/run-task.js';
import { SETUP_TIMEOUT_MS } from '../tasks/task-sandbox.js';
import type { Task } from '../tasks/types.js';
import type { EpisodeInput, EpisodeRunner } from './episode-runner.js';
import { type EpisodeRequest, type EpisodeWorkerApi, identityOf, type MarkCallback, type ModelRelay } from './episode-worker-api.js';

/**
 * The page's side of the episode workers: an `EpisodeRunner` that runs each episode in a worker (one episode per
 * worker at a time; a worker that ended its episode cleanly takes the next), relays the worker's model calls to the
 * page's model, hands its events on, and keeps a watchdog on it. Pure: the worker itself comes from `spawn`
 * (`src/platform/worker-episode-runner.ts` makes comlink Web Workers), so tests hand it workers that hang or die.
 *
 * How an episode ends here:
 * - its worker answers: that result (the same `runTask` decides it as in the caller's thread);
 * - Stop (the signal): the worker is told to stop and gets `stopGraceMs` to end as a Stop does today (its own
 *   `run-end`), then it is terminated whatever it does — a spinning worker cannot delay a Stop;
 * - the watchdog: past the task's agent limit + setup limit + verifier limit + `watchdogGraceMs`, or silent for
 *   `answerDeadlineMs` to a ping, the worker is terminated (a fresh one takes the next episode) and the episode ends
 *   `timeout` with the reason;
 * - the worker could not load its code, died, never answered its first ping within `startupDeadlineMs`, or rejected
 *   the call: `infra_error` of the environment, as a dead sandbox worker.
 * When the host ends an episode itself, it appends the `run-end` the worker could not send, so the trace is whole.
 */

/** The worker's API as seen across the transport: every call answers later. */
export type RemoteEpisodeWorkerApi = { [Name in keyof EpisodeWorkerApi]: (...args: Parameters<EpisodeWorkerApi[Name]>) => Promise<Awaited<ReturnType<EpisodeWorkerApi[Name]>>> };

/** A running episode worker: how to talk to it, how to kill it, and how it says it has failed. */
export interface EpisodeWorkerHandle {
  api: RemoteEpisodeWorkerApi;
  terminate(): void;
  /** Resolves with the worker's own error text when it could not load its code or died; never while it is fine. */
  failed?: Promise<string>;
}

export interface WorkerEpisodeRunnerOptions {
  spawn: () => EpisodeWorkerHandle;
  /** How the transport marks a callback (comlink's `proxy`). */
  markCallback: MarkCallback;
  /** Beyond the task's own limits (agent + setup + verifier) before the watchdog stops an episode. Default 30 s. */
  watchdogGraceMs?: number;
  /** The watchdog's limit for a task; default `episodeTimeLimitMs` with `watchdogGraceMs`. */
  timeLimitMs?: (task: Task) => number;
  /** How often a running worker is pinged. Default 2 s. */
  heartbeatMs?: number;
  /** How long a started worker may leave a ping unanswered. Default 15 s. */
  answerDeadlineMs?: number;
  /** How long a fresh worker may take to load its code and answer its first ping. Default 60 s. */
  startupDeadlineMs?: number;
  /** How long a stopped episode may take to end by itself before its worker is terminated. Default 300 ms. */
  stopGraceMs?: number;
  now?: () => number;
}

export interface WorkerEpisodeRunner {
  run: EpisodeRunner;
  /** Starts workers ahead, up to `count` waiting, so the first episodes do not wait for a worker to load its code. */
  prestart(count: number): void;
  /** Terminates idle workers beyond `keep` (the ones running an episode are left alone). */
  releaseIdle(keep: number): void;
  /** Terminates every worker it started; call when the batch or evolution session ends. */
  dispose(): void;
  /** Workers started so far (replacements included). */
  readonly workersStarted: number;
}

export const EPISODE_WATCHDOG_GRACE_MS = 30_000;

/** The longest an episode may take before the watchdog stops it: the task's agent, setup and verifier limits plus a grace. */
export function episodeTimeLimitMs(task: Pick<Task, 'agentTimeoutSec' | 'verifierTimeoutSec'>, graceMs = EPISODE_WATCHDOG_GRACE_MS): number {
  return (task.agentTimeoutSec + task.verifierTimeoutSec) * 1000 + SETUP_TIMEOUT_MS + graceMs;
}

type Ending =
  | { kind: 'result'; result: TaskRunResult }
  | { kind: 'rejected'; message: string }
  | { kind: 'failed'; text: string }
  | { kind: 'limit'; limitMs: number }
  | { kind: 'silent'; deadlineMs: number; started: boolean }
  | { kind: 'stopped' };

const never = <T>() => new Promise<T>(() => {});
const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

/** What the host knows of an episode from its events, to end it itself when the worker cannot. */
class EpisodeTally {
  events = 0;
  nextSeq = 0;
  steps = 0;
  toolCalls = 0;
  formatErrors = 0;
  sawRunEnd = false;
  readonly usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };

  add(event: AgentEvent) {
    this.events += 1;
    this.nextSeq = Math.max(this.nextSeq, event.seq + 1);
    if ('step' in event) this.steps = Math.max(this.steps, event.step);
    if (event.type === 'tool-call') this.toolCalls += 1;
    if (event.type === 'format-error') this.formatErrors += 1;
    if (event.type === 'run-end') this.sawRunEnd = true;
    const usage = event.type === 'model-response' ? event.usage : event.type === 'model-error' ? event.usage : undefined;
    if (usage) {
      this.usage.inputTokens += usage.inputTokens;
      this.usage.outputTokens += usage.outputTokens;
    }
  }
}

export function createWorkerEpisodeRunner(options: WorkerEpisodeRunnerOptions): WorkerEpisodeRunner {
  const now = options.now ?? Date.now;
  const heartbeatMs = options.heartbeatMs ?? 2000;
  const answerDeadlineMs = options.answerDeadlineMs ?? 15_000;
  const startupDeadlineMs = options.startupDeadlineMs ?? 60_000;
  const stopGraceMs = options.stopGraceMs ?? 300;
  const graceMs = options.watchdogGraceMs ?? EPISODE_WATCHDOG_GRACE_MS;
  const idle: EpisodeWorkerHandle[] = [];
  const live = new Set<EpisodeWorkerHandle>();
  const answered = new WeakSet<EpisodeWorkerHandle>();
  /** Disposing the runner stops the episodes still running, as a Stop does. */
  const disposed = new AbortController();
  let workersStarted = 0;

  const spawn = () => {
    const handle = options.spawn();
    workersStarted += 1;
    live.add(handle);
    // A waiting worker that dies is not handed the next episode.
    void handle.failed?.then(() => {
      const index = idle.indexOf(handle);
      if (index >= 0) idle.splice(index, 1);
      live.delete(handle);
    });
    return handle;
  };
  const retire = (handle: EpisodeWorkerHandle) => {
    live.delete(handle);
    try {
      handle.terminate();
    } catch {
      // Already gone.
    }
  };

  /** A timer promise that `over` cancels (so no timer outlives its episode). */
  const after = <T>(ms: number, value: T, over: AbortSignal): Promise<T> =>
    new Promise((resolve) => {
      if (over.aborted) return;
      const cancel = () => clearTimeout(timer);
      const timer = setClampedTimeout(() => {
        over.removeEventListener('abort', cancel);
        resolve(value);
      }, ms);
      over.addEventListener('abort', cancel, { once: true });
    });

  /** Whether `call` settles within `ms`; its timer and listener go as soon as it does (a ping every 2 s adds none). */
  const answeredWithin = (call: Promise<unknown>, ms: number, over: AbortSignal): Promise<boolean> =>
    new Promise((resolve) => {
      const settle = (answered: boolean) => {
        clearTimeout(timer);
        over.removeEventListener('abort', onOver);
        resolve(answered);
      };
      const onOver = () => settle(true);
      const timer = setClampedTimeout(() => settle(false), ms);
      over.addEventListener('abort', onOver, { once: true });
      call.then(
        () => settle(true),
        () => settle(true),
      );
    });

  /** Pings the worker until the episode is over; settles only if it stays silent past its deadline. */
  async function heartbeat(handle: EpisodeWorkerHandle, over: AbortSignal): Promise<Ending> {
    while (!over.aborted) {
      const started = answered.has(handle);
      const deadlineMs = started ? answerDeadlineMs : startupDeadlineMs;
      const pong = await answeredWithin(handle.api.ping(), deadlineMs, over);
      if (over.aborted) break;
      if (!pong) return { kind: 'silent', deadlineMs, started };
      answered.add(handle);
      await after(heartbeatMs, undefined, over);
    }
    return never();
  }

  async function run(input: EpisodeInput): Promise<TaskRunResult> {
    const started = now();
    const tally = new EpisodeTally();
    const finish = (result: Omit<TaskRunResult, 'ranIn'>): TaskRunResult => ({ ...result, ranIn: 'episode-worker' });
    if (input.signal.aborted || disposed.signal.aborted) return finish({ outcome: 'agent_error', reason: 'stopped by the user', agentEndReason: 'aborted', usage: { ...tally.usage }, steps: 0, durationMs: 0 });

    const handle = idle.pop() ?? spawn();
    const overController = new AbortController();
    const over = overController.signal;
    const calls = new Map<number, AbortController>();
    // One listener for the whole episode, however many parts are relayed.
    const episodeOver = whenAborted(over);

    const relay: ModelRelay = options.markCallback({
      async stream(callId: number, request: ModelRequest, onPart: (part: ModelStreamPart) => unknown) {
        const controller = new AbortController();
        calls.set(callId, controller);
        if (over.aborted) controller.abort();
        try {
          for await (const part of input.model.stream(request, controller.signal)) {
            // A worker that was terminated never answers: stop relaying to it once the episode is over.
            const delivered = await Promise.race([Promise.resolve(onPart(part)).then(() => true), episodeOver]);
            if (!delivered || over.aborted) return;
          }
        } finally {
          calls.delete(callId);
        }
      },
      abort(callId: number) {
        calls.get(callId)?.abort();
      },
    });
    const onEvent = options.markCallback(async (event: AgentEvent) => {
      if (over.aborted) return;
      tally.add(event);
      await input.onEvent(event);
    });

    const request: EpisodeRequest = { task: input.task, attempt: input.attempt, harness: input.harness, harnessHash: input.harnessHash, model: identityOf(input.model) };
    const answer: Promise<Ending> = handle.api.runEpisode(request, relay, onEvent).then(
      (result): Ending => ({ kind: 'result', result }),
      (error: unknown): Ending => ({ kind: 'rejected', message: error instanceof Error ? error.message : String(error) }),
    );
    const failed: Promise<Ending> = handle.failed ? handle.failed.then((text): Ending => ({ kind: 'failed', text })) : never();
    const limitMs = options.timeLimitMs ? options.timeLimitMs(input.task) : episodeTimeLimitMs(input.task, graceMs);
    const stopped = Promise.race([whenAborted(input.signal, over), whenAborted(disposed.signal, over)]).then((): Ending => ({ kind: 'stopped' }));

    let ending: Ending;
    try {
      ending = await Promise.race([answer, failed, stopped, after<Ending>(limitMs, { kind: 'limit', limitMs }, over), heartbeat(handle, over)]);
      if (ending.kind === 'stopped') {
        // As a Stop does today: the worker ends the episode itself if it can, within the grace; never later.
        handle.api.abortEpisode().catch(() => undefined);
        const late = await Promise.race([answer, failed, after(stopGraceMs, undefined, over)]);
        if (late?.kind === 'result') ending = late;
      }
    } finally {
      overController.abort();
      for (const call of calls.values()) call.abort();
    }

    // A worker that answered — also one that ended a stopped episode itself within the grace — is fine for the next
    // episode; killing it would make the evolution pay a worker start for every attempt its pool ran ahead of a
    // settled decision. (The abort was sent before any next episode, and messages arrive in order.)
    const clean = ending.kind === 'result' && !disposed.signal.aborted;
    if (clean) idle.push(handle);
    else retire(handle);
    if (ending.kind === 'result') return finish(ending.result);

    const ended = endedByHost(ending);
    // The worker could not send its run-end: the trace still ends with one, saying why.
    if (tally.events > 0 && !tally.sawRunEnd) {
      const runEnd = { type: 'run-end', seq: tally.nextSeq, timestamp: now(), reason: ended.agentEndReason, message: ended.reason, steps: tally.steps, toolCalls: tally.toolCalls, formatErrors: tally.formatErrors, usage: { ...tally.usage }, durationMs: now() - started } as AgentEvent;
      await input.onEvent(runEnd);
    }
    return finish({ ...ended, usage: { ...tally.usage }, steps: tally.steps, durationMs: now() - started });
  }

  function endedByHost(ending: Exclude<Ending, { kind: 'result' }>): Pick<TaskRunResult, 'outcome' | 'reason' | 'infrastructure' | 'sandboxUnavailable'> & { agentEndReason: AgentEndReason } {
    switch (ending.kind) {
      case 'stopped':
        return { outcome: 'agent_error', reason: 'stopped by the user', agentEndReason: 'aborted' };
      case 'limit':
        return { outcome: 'timeout', reason: `the episode ran past its time limit of ${seconds(ending.limitMs)} (the task's agent, setup and verifier limits and a grace); its worker was stopped and replaced`, agentEndReason: 'timeout' };
      case 'silent':
        return ending.started
          ? { outcome: 'timeout', reason: `the episode worker stopped answering for ${seconds(ending.deadlineMs)}; it was stopped and replaced`, agentEndReason: 'timeout' }
          : environment(`the episode worker did not start within ${seconds(ending.deadlineMs)}`);
      case 'failed':
        return environment(`the episode worker failed: ${ending.text}`);
      case 'rejected':
        return environment(`the episode worker could not run the episode: ${ending.message}`);
    }
  }

  return {
    run,
    prestart(count) {
      while (idle.length < count) idle.push(spawn());
    },
    releaseIdle(keep) {
      for (const handle of idle.splice(Math.max(0, keep))) retire(handle);
    },
    dispose() {
      disposed.abort();
      idle.length = 0;
      for (const handle of [...live]) retire(handle);
    },
    get workersStarted() {
      return workersStarted;
    },
  };
}

/** Not the agent's doing: the episode's environment (its worker) failed. Like a dead sandbox worker. */
function environment(reason: string) {
  return { outcome: 'infra_error' as const, reason, infrastructure: 'environment' as const, sandboxUnavailable: reason, agentEndReason: 'sandbox_error' as const };
}

/**
 * Resolves when `signal` aborts (at once if it has). With `until`, it stops listening once `until` aborts: a signal
 * that outlives many episodes (the runner's own) must not collect a listener per episode.
 */
function whenAborted(signal: AbortSignal, until?: AbortSignal): Promise<false> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const forget = () => signal.removeEventListener('abort', done);
    const done = () => {
      until?.removeEventListener('abort', forget);
      resolve(false);
    };
    signal.addEventListener('abort', done, { once: true });
    until?.addEventListener('abort', forget, { once: true });
  });
}
