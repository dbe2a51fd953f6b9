import { expose, proxy, wrap } from 'comlink';
import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../src/core/agent/events.js';
import { createEvolution, runEvolution } from '../../src/core/evolve/evolution-loop.js';
import { DEFAULT_EVOLUTION_CONFIG, type EvolutionState, MemoryEvolutionStore } from '../../src/core/evolve/state.js';
import { createDefaultHarness, harnessHash } from '../../src/core/harness/index.js';
import { CallLimiter, LimitedModel } from '../../src/core/model/call-limits.js';
import { ScriptedModel } from '../../src/core/model/scripted.js';
import type { ChatModel, ModelRequest, ModelStreamPart } from '../../src/core/model/types.js';
import { modelIdentity } from '../../src/core/evolve/model-identity.js';
import { createEpisodeWorkerApi, type EpisodeWorkerApi, identityOf, RelayedModel } from '../../src/core/pool/episode-worker-api.js';
import { createWorkerEpisodeRunner, type EpisodeWorkerHandle, type RemoteEpisodeWorkerApi, type WorkerEpisodeRunnerOptions } from '../../src/core/pool/episode-worker-host.js';
import { episodesOf, runEpisodes } from '../../src/core/pool/run-episodes.js';
import { JustBashSandbox } from '../../src/core/sandbox/just-bash-sandbox.js';
import type { TaskRunResult } from '../../src/core/tasks/run-task.js';
import { agentTurn, isHard, proposerTurn, tasks } from '../fixtures/tiny-world.js';

/**
 * Episodes in workers, as the page runs them (src/core/pool/episode-worker-*.ts): the episode API is served over real
 * comlink message ports (structured clone, proxied callbacks, as between the page and a Web Worker), with just-bash
 * sandboxes; the watchdog is tested against workers that hang, go silent, die or never start.
 */

/** An "episode worker" behind comlink on a MessageChannel: what crosses is cloned and callbacks are proxied, as in the page. */
function channelWorker(): EpisodeWorkerHandle & { terminated: boolean } {
  const channel = new MessageChannel();
  expose(createEpisodeWorkerApi({ createSandbox: async () => new JustBashSandbox(), markCallback: proxy }), channel.port1);
  const handle = {
    api: wrap<EpisodeWorkerApi>(channel.port2) as unknown as RemoteEpisodeWorkerApi,
    terminated: false,
    terminate() {
      handle.terminated = true;
      channel.port1.close();
      channel.port2.close();
    },
  };
  return handle;
}

function workerRunner(options: Partial<WorkerEpisodeRunnerOptions> = {}) {
  const spawned: Array<ReturnType<typeof channelWorker>> = [];
  const runner = createWorkerEpisodeRunner({
    spawn: () => {
      const handle = channelWorker();
      spawned.push(handle);
      return handle;
    },
    markCallback: proxy,
    ...options,
  });
  return { runner, spawned };
}

/** The scripted model numbers its tool calls by the order of all calls it got, which differs when episodes overlap. */
const withoutCallNumbers = <T>(value: T): T => JSON.parse(JSON.stringify(value).replace(/call_\d+_(\d+)/g, 'call_$1'));

/** What an episode's trace says, without its clock. */
const withoutTime = (events: AgentEvent[]) => withoutCallNumbers(events.map(({ timestamp: _timestamp, ...rest }) => ({ ...rest, ...('durationMs' in rest ? { durationMs: 0 } : {}) })));

/** A model that answers after a delay that depends on the task, counting the calls in flight at once. */
class DelayedModel implements ChatModel {
  readonly id = 'scripted:agent';
  readonly provider = 'scripted';
  readonly actionProtocol = 'native_tools' as const;
  readonly sampling = { temperature: 0 };
  readonly inner = new ScriptedModel((request) => agentTurn(request), 'scripted:agent');
  inFlight = 0;
  most = 0;
  aborted = 0;
  constructor(private readonly stall = false) {}
  async *stream(request: ModelRequest, signal?: AbortSignal): AsyncIterable<ModelStreamPart> {
    this.inFlight += 1;
    this.most = Math.max(this.most, this.inFlight);
    try {
      const taskNumber = Number(/\[task-(\d\d)\]/.exec(request.messages[0].content)?.[1] ?? 0);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.stall ? 60_000 : 5 + ((taskNumber * 37) % 40));
        signal?.addEventListener('abort', () => (clearTimeout(timer), (this.aborted += 1), resolve()), { once: true });
      });
      yield* this.inner.stream(request, signal);
    } finally {
      this.inFlight -= 1;
    }
  }
}

describe('episodes in workers', () => {
  it('decide exactly as in this thread: same outcomes, same traces, same model requests, at pool size 2', async () => {
    const harness = createDefaultHarness();
    const hash = await harnessHash(harness);
    const plan = episodesOf(tasks.slice(0, 6), 2);
    const inThread = new DelayedModel();
    const eventsInThread = new Map<number, AgentEvent[]>();
    const here = await runEpisodes(plan, {
      harness,
      harnessHash: hash,
      model: inThread,
      createSandbox: async () => new JustBashSandbox(),
      concurrency: 1,
      onEpisodeEvent: (_episode, index, event) => void (eventsInThread.get(index) ?? eventsInThread.set(index, []).get(index)!).push(event),
    });

    const inWorkers = new DelayedModel();
    const eventsInWorkers = new Map<number, AgentEvent[]>();
    const { runner, spawned } = workerRunner();
    const there = await runEpisodes(plan, {
      harness,
      harnessHash: hash,
      model: inWorkers,
      runEpisode: runner.run,
      concurrency: 2,
      onEpisodeEvent: (_episode, index, event) => void (eventsInWorkers.get(index) ?? eventsInWorkers.set(index, []).get(index)!).push(event),
    });
    runner.dispose();

    expect(there.map(({ result }) => result.outcome)).toEqual(here.map(({ result }) => result.outcome));
    expect(there.map(({ result }) => result.outcome)).toEqual(tasks.slice(0, 6).flatMap((task) => (isHard(task.id) ? ['fail', 'fail'] : ['pass', 'pass'])));
    expect(there.every(({ result }) => result.ranIn === 'episode-worker')).toBe(true);
    expect(here.every(({ result }) => result.ranIn === undefined)).toBe(true);
    for (let index = 0; index < plan.length; index += 1) expect(withoutTime(eventsInWorkers.get(index)!)).toEqual(withoutTime(eventsInThread.get(index)!));
    // The trace header names the page's model, as in this thread.
    expect(eventsInWorkers.get(0)![0]).toMatchObject({ type: 'run-start', modelId: 'scripted:agent' });
    // The page's model was asked the same things (in another order: two at once).
    const asked = (model: DelayedModel) => model.inner.calls.map((request) => JSON.stringify(withoutCallNumbers(request))).sort();
    expect(asked(inWorkers)).toEqual(asked(inThread));
    expect(inWorkers.most).toBe(2);
    // Two slots, two workers: each took its next episode after a clean end, none was replaced.
    expect(spawned).toHaveLength(2);
    expect(spawned.every((handle) => handle.terminated)).toBe(true);
  }, 60_000);

  it('run many episodes through one runner without piling up listeners (no MaxListenersExceededWarning)', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => void warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    const harness = createDefaultHarness();
    const { runner } = workerRunner({ heartbeatMs: 1 });
    try {
      const results = await runEpisodes(episodesOf(tasks.slice(0, 12), 2), { harness, harnessHash: await harnessHash(harness), model: new DelayedModel(), runEpisode: runner.run, concurrency: 1 });
      expect(results).toHaveLength(24);
      // Node reports a leak on the next tick.
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      runner.dispose();
    }
  }, 60_000);

  it("carry the page model's identity (provider, model, protocol, sampling), so rollout cache keys do not change", () => {
    const model = new LimitedModel(new DelayedModel(), new CallLimiter(2));
    const relayed = new RelayedModel(structuredClone(identityOf(model)), { stream: async () => {}, abort: () => {} }, (value) => value);
    expect(modelIdentity(relayed)).toEqual(modelIdentity(model));
    expect(modelIdentity(relayed).sampling).toEqual({ temperature: 0 });
  });

  it("share the page's per-endpoint limit: three episodes at once, one model call at a time", async () => {
    const harness = createDefaultHarness();
    const model = new DelayedModel();
    const limited = new LimitedModel(model, new CallLimiter(1));
    const { runner } = workerRunner();
    const results = await runEpisodes(episodesOf(tasks.slice(0, 3)), { harness, harnessHash: await harnessHash(harness), model: limited, runEpisode: runner.run, concurrency: 3 });
    runner.dispose();
    expect(results.map(({ result }) => result.outcome)).toEqual(['fail', 'pass', 'fail']);
    expect(model.most).toBe(1);
  }, 30_000);

  it('an evolution with its attempts in workers at pool size 2 decides as one in this thread at pool size 1', async () => {
    const config = { ...DEFAULT_EVOLUTION_CONFIG, suiteId: 'tiny', suiteHash: 'suite-hash', agentModelId: 'scripted:agent', proposerModelId: 'scripted:proposer', budget: { maxIterations: 1 } };
    const evolve = async (concurrency: number, inWorkers: boolean): Promise<EvolutionState> => {
      const store = new MemoryEvolutionStore();
      const agent = new ScriptedModel((request) => agentTurn(request), 'scripted:agent');
      const proposer = new ScriptedModel((request) => proposerTurn(request), 'scripted:proposer');
      await createEvolution(store, { id: 'evo', config, baseHarness: createDefaultHarness(), tasks, agentModel: agent, proposerModel: proposer });
      const { runner } = workerRunner();
      try {
        return await runEvolution({ store, tasks, agentModel: agent, proposerModel: proposer, concurrency, ...(inWorkers ? { runAttempt: runner.run } : { createSandbox: async () => new JustBashSandbox() }) });
      } finally {
        runner.dispose();
      }
    };
    const decisions = (state: EvolutionState) => ({
      status: state.status,
      currentHash: state.currentHash,
      candidates: state.candidates.map((candidate) => [candidate.id, candidate.status, candidate.decision?.reason, candidate.decision?.flips]),
      usedRollouts: state.usedRollouts,
      agentUsage: state.agentUsage,
    });
    const here = await evolve(1, false);
    const there = await evolve(2, true);
    expect(here.candidates.length).toBeGreaterThan(0);
    expect(decisions(there)).toEqual(decisions(here));
  }, 120_000);

  it('Stop ends a running episode within the grace, as "stopped by the user", with its model call cancelled and its trace ended', async () => {
    const harness = createDefaultHarness();
    const model = new DelayedModel(true);
    const { runner, spawned } = workerRunner();
    const controller = new AbortController();
    const events: AgentEvent[] = [];
    const running = runner.run({ task: tasks[1], attempt: 1, harness, harnessHash: await harnessHash(harness), model, signal: controller.signal, onEvent: (event) => void events.push(event) });
    while (model.inFlight === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const pressed = performance.now();
    controller.abort();
    const result = await running;
    expect(performance.now() - pressed).toBeLessThan(1000);
    expect(result).toMatchObject({ outcome: 'agent_error', reason: 'stopped by the user', agentEndReason: 'aborted', ranIn: 'episode-worker' });
    expect(model.aborted).toBe(1);
    expect(events.at(-1)).toMatchObject({ type: 'run-end', reason: 'aborted' });
    // It ended the episode itself within the grace: it is fine, and takes the next episode (an evolution's pool stops
    // attempts that ran ahead of a settled decision; a new worker for each would cost its start every time).
    expect(spawned[0].terminated).toBe(false);
    const next = await runner.run({ task: tasks[1], attempt: 2, harness, harnessHash: await harnessHash(harness), model: new DelayedModel(), signal: new AbortController().signal, onEvent: () => {} });
    expect(next.outcome).toMatch(/pass|fail/);
    expect(spawned).toHaveLength(1);
    runner.dispose();
    expect(spawned[0].terminated).toBe(true);
  }, 30_000);
});

/** A worker that never answers `runEpisode` (its own thread spins), but may or may not answer pings. */
function hangingWorker(options: { pings: 'answer' | 'first-only' | 'never'; failWith?: string }): EpisodeWorkerHandle & { terminated: boolean } {
  let pings = 0;
  let fail: (text: string) => void = () => {};
  const handle = {
    terminated: false,
    failed: new Promise<string>((resolve) => (fail = resolve)),
    api: {
      ping: () => {
        pings += 1;
        return options.pings === 'answer' || (options.pings === 'first-only' && pings === 1) ? Promise.resolve('ready' as const) : new Promise<'ready'>(() => {});
      },
      runEpisode: async (_request, _relay, onEvent) => {
        await onEvent({ type: 'run-start', seq: 0, timestamp: Date.now(), traceFormat: 1, taskId: 'task-01', harnessHash: 'h', modelId: 'm', systemPrompt: '', instruction: '' });
        if (options.failWith) setTimeout(() => fail(options.failWith!), 20);
        return new Promise<TaskRunResult>(() => {});
      },
      abortEpisode: async () => undefined,
    } satisfies RemoteEpisodeWorkerApi,
    terminate() {
      handle.terminated = true;
    },
  };
  return handle;
}

describe('the episode watchdog', () => {
  const input = async (events: AgentEvent[]) => {
    const harness = createDefaultHarness();
    return { task: tasks[1], attempt: 1, harness, harnessHash: await harnessHash(harness), model: new DelayedModel(), signal: new AbortController().signal, onEvent: (event: AgentEvent) => void events.push(event) };
  };

  it('terminates a worker that runs past the episode limit, replaces it, and ends the episode timeout with the reason', async () => {
    const workers: Array<ReturnType<typeof hangingWorker>> = [];
    const runner = createWorkerEpisodeRunner({ spawn: () => (workers.push(hangingWorker({ pings: 'answer' })), workers.at(-1)!), markCallback: (value) => value, timeLimitMs: () => 150, heartbeatMs: 20 });
    const events: AgentEvent[] = [];
    const result = await runner.run(await input(events));
    expect(result.outcome).toBe('timeout');
    expect(result.reason).toMatch(/ran past its time limit of 0 s .*its worker was stopped and replaced/);
    expect(workers[0].terminated).toBe(true);
    expect(events.map((event) => event.type)).toEqual(['run-start', 'run-end']);
    expect(events[1]).toMatchObject({ seq: 1, reason: 'timeout' });
    // The next episode gets a fresh worker.
    await runner.run(await input([]));
    expect(runner.workersStarted).toBe(2);
    runner.dispose();
  });

  it('ends an episode timeout when its worker stops answering pings', async () => {
    const worker = hangingWorker({ pings: 'first-only' });
    const runner = createWorkerEpisodeRunner({ spawn: () => worker, markCallback: (value) => value, heartbeatMs: 10, answerDeadlineMs: 100 });
    const result = await runner.run(await input([]));
    expect(result).toMatchObject({ outcome: 'timeout', agentEndReason: 'timeout' });
    expect(result.reason).toContain('stopped answering');
    expect(worker.terminated).toBe(true);
  });

  it('ends an episode infra_error (environment) when its worker never starts', async () => {
    const worker = hangingWorker({ pings: 'never' });
    const runner = createWorkerEpisodeRunner({ spawn: () => worker, markCallback: (value) => value, startupDeadlineMs: 100 });
    const result = await runner.run(await input([]));
    expect(result).toMatchObject({ outcome: 'infra_error', infrastructure: 'environment' });
    expect(result.reason).toContain('did not start within');
  });

  it('ends an episode infra_error (environment) with the error text when its worker dies', async () => {
    const worker = hangingWorker({ pings: 'answer', failWith: 'RangeError: Maximum call stack size exceeded' });
    const runner = createWorkerEpisodeRunner({ spawn: () => worker, markCallback: (value) => value });
    const events: AgentEvent[] = [];
    const result = await runner.run(await input(events));
    expect(result).toMatchObject({ outcome: 'infra_error', infrastructure: 'environment', reason: 'the episode worker failed: RangeError: Maximum call stack size exceeded' });
    expect(events.at(-1)).toMatchObject({ type: 'run-end', reason: 'sandbox_error' });
    expect(worker.terminated).toBe(true);
    runner.dispose();
  });

  it('disposing the runner (the page leaving a batch) ends the episodes still running and terminates their workers', async () => {
    const worker = hangingWorker({ pings: 'answer' });
    const runner = createWorkerEpisodeRunner({ spawn: () => worker, markCallback: (value) => value, stopGraceMs: 20 });
    const running = runner.run(await input([]));
    await new Promise((resolve) => setTimeout(resolve, 30));
    runner.dispose();
    expect(await running).toMatchObject({ outcome: 'agent_error', reason: 'stopped by the user' });
    expect(worker.terminated).toBe(true);
  });

  it('keeps idle workers for the next run up to what is asked, and terminates the rest', async () => {
    const workers: Array<ReturnType<typeof hangingWorker>> = [];
    const runner = createWorkerEpisodeRunner({ spawn: () => (workers.push(hangingWorker({ pings: 'answer' })), workers.at(-1)!), markCallback: (value) => value });
    runner.prestart(3);
    runner.prestart(2);
    expect(runner.workersStarted).toBe(3);
    runner.releaseIdle(1);
    expect(workers.map((worker) => worker.terminated)).toEqual([false, true, true]);
    runner.prestart(1);
    expect(runner.workersStarted).toBe(3);
    runner.dispose();
    expect(workers[0].terminated).toBe(true);
  });

  it('Stop ends an episode whose worker spins, once the grace is over', async () => {
    const worker = hangingWorker({ pings: 'never' });
    const runner = createWorkerEpisodeRunner({ spawn: () => worker, markCallback: (value) => value, stopGraceMs: 50 });
    const controller = new AbortController();
    const events: AgentEvent[] = [];
    const running = runner.run({ ...(await input(events)), signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 30));
    const pressed = performance.now();
    controller.abort();
    const result = await running;
    expect(performance.now() - pressed).toBeLessThan(500);
    expect(result).toMatchObject({ outcome: 'agent_error', reason: 'stopped by the user' });
    expect(events.at(-1)).toMatchObject({ type: 'run-end', reason: 'aborted' });
    expect(worker.terminated).toBe(true);
  });
});
