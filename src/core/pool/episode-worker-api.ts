import type { AgentEvent } from '../agent/events.js';
import type { HarnessDocument } from '../harness/schema.js';
import type { ActionProtocol, ChatModel, ModelRequest, ModelStreamPart } from '../model/types.js';
import { toModelError } from '../model/types.js';
import type { SandboxFactory } from '../sandbox/types.js';
import { runTask, type TaskRunResult } from '../tasks/run-task.js';
import type { Task } from '../tasks/types.js';

/**
 * What an episode worker offers the page, and the worker's side of it. One episode = one worker at a time: inside it
 * run `runTask` — the agent loop, tools, policies, hooks, the verifier — and the episode's sandbox (as a worker of its
 * own, so a runaway command still only restarts the sandbox). The model stays where it is: the page's HTTP providers
 * behind their shared per-endpoint limiter, WebLLM and wllama in their own workers. The worker gets a `RelayedModel`
 * whose `stream()` asks the page for each call through a `ModelRelay` (a callback per part, abort by call id), so
 * every episode's calls share one limit and one `Retry-After` pause per endpoint.
 *
 * Plain data and callbacks only, no transport: the page wraps it in comlink (`workers/episode-host.ts`,
 * `src/platform/worker-episode-runner.ts`); `asCallback` is how the transport marks a function the other side calls
 * back (comlink's `proxy`).
 */

/** What the worker needs to know about the page's model: its identity, exactly as traces and caches record it. */
export interface RelayedModelIdentity {
  id: string;
  provider: string;
  actionProtocol: ActionProtocol;
  sampling?: Readonly<Record<string, string | number | boolean | undefined>>;
}

export function identityOf(model: ChatModel): RelayedModelIdentity {
  return { id: model.id, provider: model.provider, actionProtocol: model.actionProtocol, ...(model.sampling ? { sampling: { ...model.sampling } } : {}) };
}

/** The page's side of the model: one call per `stream`, its parts handed to `onPart` in order before it resolves. */
export interface ModelRelay {
  stream(callId: number, request: ModelRequest, onPart: (part: ModelStreamPart) => unknown): Promise<void>;
  /** Cancels a call: it ends with an `aborted` error part, as a provider's stream does. */
  abort(callId: number): unknown;
}

/** One episode as the page hands it to a worker. */
export interface EpisodeRequest {
  task: Task;
  attempt: number;
  harness: HarnessDocument;
  harnessHash: string;
  model: RelayedModelIdentity;
}

export interface EpisodeWorkerApi {
  /** Answers as soon as the worker's code has loaded; the page's watchdog asks every few seconds while an episode runs. */
  ping(): 'ready' | Promise<'ready'>;
  /** Runs one episode; each agent event reaches `onEvent`, in order, before the episode goes on. */
  runEpisode(request: EpisodeRequest, relay: ModelRelay, onEvent: (event: AgentEvent) => unknown): Promise<TaskRunResult>;
  /** Stops the running episode as a Stop does (it ends "stopped by the user"). */
  abortEpisode(): void;
}

/** How the transport marks a function or object the other side calls back (comlink's `proxy`); identity in-process. */
export type MarkCallback = <T extends object>(value: T) => T;

/**
 * The page's model as the worker sees it: same id, provider, protocol and sampling (so traces, cache keys and
 * decisions are those of the page's model), each call relayed to the page. Never throws or hangs, as a provider: a
 * relay that breaks ends the stream with an error part.
 */
export class RelayedModel implements ChatModel {
  readonly id: string;
  readonly provider: string;
  readonly actionProtocol: ActionProtocol;
  readonly sampling?: Readonly<Record<string, string | number | boolean | undefined>>;
  private static nextCallId = 1;

  constructor(
    identity: RelayedModelIdentity,
    private readonly relay: ModelRelay,
    private readonly markCallback: MarkCallback,
  ) {
    this.id = identity.id;
    this.provider = identity.provider;
    this.actionProtocol = identity.actionProtocol;
    if (identity.sampling) this.sampling = identity.sampling;
  }

  async *stream(request: ModelRequest, signal?: AbortSignal): AsyncIterable<ModelStreamPart> {
    const callId = RelayedModel.nextCallId++;
    const parts: ModelStreamPart[] = [];
    let wake: (() => void) | undefined;
    let finished = false;
    let broken: unknown;
    const onPart = this.markCallback((part: ModelStreamPart) => {
      parts.push(part);
      wake?.();
    });
    void this.relay.stream(callId, request, onPart).then(
      () => {
        finished = true;
        wake?.();
      },
      (error: unknown) => {
        broken = error;
        finished = true;
        wake?.();
      },
    );
    const cancel = () => void Promise.resolve(this.relay.abort(callId)).catch(() => undefined);
    if (signal?.aborted) cancel();
    signal?.addEventListener('abort', cancel, { once: true });
    let ended = false;
    try {
      while (true) {
        const part = parts.shift();
        if (part) {
          if (part.type === 'error') ended = true;
          yield part;
          if (ended) return;
          continue;
        }
        if (finished) break;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
      if (broken !== undefined) yield { type: 'error', error: toModelError(broken, signal) };
    } finally {
      signal?.removeEventListener('abort', cancel);
      // The reader stopped early: the page's call must not go on holding its endpoint's slot.
      if (!finished) cancel();
    }
  }
}

export interface EpisodeWorkerApiOptions {
  /** The episode's sandbox: in the page, just-bash in a nested Web Worker. */
  createSandbox: SandboxFactory;
  markCallback: MarkCallback;
}

/** The worker's side: what `workers/episode-host.ts` exposes. */
export function createEpisodeWorkerApi(options: EpisodeWorkerApiOptions): EpisodeWorkerApi {
  let running: AbortController | undefined;
  return {
    ping: () => 'ready',
    async runEpisode(request, relay, onEvent) {
      // The page runs one episode per worker at a time; a second would share the abort and is refused.
      if (running) throw new Error('this episode worker is already running an episode');
      const controller = new AbortController();
      running = controller;
      try {
        return await runTask({
          task: request.task,
          harness: request.harness,
          harnessHash: request.harnessHash,
          model: new RelayedModel(request.model, relay, options.markCallback),
          createSandbox: options.createSandbox,
          signal: controller.signal,
          // Awaited: the page has every event before the result, and a page that stops the episode on an event
          // (a token budget) does so before the next step.
          onEvent: async (event) => void (await onEvent(event)),
        });
      } finally {
        running = undefined;
      }
    },
    abortEpisode() {
      running?.abort();
    },
  };
}
