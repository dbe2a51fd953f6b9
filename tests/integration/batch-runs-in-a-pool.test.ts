import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { createDefaultHarness, harnessHash } from '../../src/core/harness/index.js';
import { ScriptedModel } from '../../src/core/model/scripted.js';
import type { ChatModel, ModelRequest, ModelStreamPart } from '../../src/core/model/types.js';
import { episodesOf, runEpisodes } from '../../src/core/pool/run-episodes.js';
import { JustBashSandbox } from '../../src/core/sandbox/just-bash-sandbox.js';
import type { Sandbox } from '../../src/core/sandbox/types.js';
import { StudioDatabase } from '../../src/store/db.js';
import { runBatch } from '../../src/store/run-batch.js';
import { uniform } from '../fixtures/simulated-world.js';
import { agentTurn, isHard, tasks } from '../fixtures/tiny-world.js';

/**
 * The page's batch runs and `runEpisodes` (the API the CLI and the bench use) run episodes in a pool: several at
 * once, each in its own sandbox, with the same outcomes as one at a time and results in the order given.
 */

/** The tiny world's scripted agent, answering after a delay drawn from the task (so episodes finish out of order). */
class SlowScriptedModel implements ChatModel {
  readonly id = 'scripted:agent';
  readonly provider = 'scripted';
  readonly actionProtocol = 'native_tools' as const;
  private readonly inner = new ScriptedModel((request) => agentTurn(request), 'scripted:agent');
  constructor(private readonly stall = false) {}
  async *stream(request: ModelRequest, signal?: AbortSignal): AsyncIterable<ModelStreamPart> {
    const taskId = /\[(task-\d\d)\]/.exec(request.messages[0].content)?.[1] ?? '';
    const wait = this.stall ? 60_000 : 5 + Math.floor(uniform(taskId) * 60);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, wait);
      signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
    yield* this.inner.stream(request, signal);
  }
}

function countingSandboxes() {
  const counter = { open: 0, most: 0, created: 0 };
  const createSandbox = async (): Promise<Sandbox> => {
    const sandbox = new JustBashSandbox();
    counter.open += 1;
    counter.created += 1;
    counter.most = Math.max(counter.most, counter.open);
    const dispose = sandbox.dispose.bind(sandbox);
    sandbox.dispose = async () => {
      counter.open -= 1;
      await dispose();
    };
    return sandbox;
  };
  return { counter, createSandbox };
}

describe('batch runs in a pool', () => {
  it('a batch at pool size 3 has the same outcome per task as at 1, every run recorded and finished', async () => {
    const harness = createDefaultHarness();
    const hash = await harnessHash(harness);
    const outcomes: Record<number, Array<[string, string | undefined]>> = {};
    for (const concurrency of [1, 3]) {
      const db = new StudioDatabase(`pool-batch-${concurrency}-${Date.now()}`);
      const { counter, createSandbox } = countingSandboxes();
      const { batch, progress } = await runBatch({ db, suiteId: 'tiny', tasks: tasks.slice(0, 8), harness, harnessHash: hash, model: new SlowScriptedModel(), createSandbox, concurrency });
      outcomes[concurrency] = progress.map((item) => [item.taskId, item.result?.outcome]);
      const runs = await db.runs.where('batchId').equals(batch.id).toArray();
      expect(runs).toHaveLength(8);
      expect(runs.every((run) => run.status === 'done')).toBe(true);
      expect(counter.most).toBe(concurrency);
      db.close();
    }
    expect(outcomes[3]).toEqual(outcomes[1]);
    expect(outcomes[1]).toEqual(tasks.slice(0, 8).map((task) => [task.id, isHard(task.id) ? 'fail' : 'pass']));
  }, 60_000);

  it('Stop ends every running episode at once, starts no queued one, and leaves no run "running"', async () => {
    const db = new StudioDatabase(`pool-stop-${Date.now()}`);
    const harness = createDefaultHarness();
    const { counter, createSandbox } = countingSandboxes();
    const controller = new AbortController();
    const running = runBatch({ db, suiteId: 'tiny', tasks: tasks.slice(0, 8), harness, harnessHash: await harnessHash(harness), model: new SlowScriptedModel(true), createSandbox, concurrency: 3, signal: controller.signal });
    while (counter.created < 3) await new Promise((resolve) => setTimeout(resolve, 10));
    const pressed = performance.now();
    controller.abort();
    const { batch, progress } = await running;
    expect(performance.now() - pressed).toBeLessThan(1000);
    expect(counter.created).toBe(3);
    expect(counter.open).toBe(0);
    expect(progress.filter((item) => item.status === 'done').map((item) => item.result?.reason)).toEqual(['stopped by the user', 'stopped by the user', 'stopped by the user']);
    expect(progress.filter((item) => item.status === 'queued')).toHaveLength(5);
    const runs = await db.runs.where('batchId').equals(batch.id).toArray();
    expect(runs).toHaveLength(3);
    expect(runs.every((run) => run.status === 'done')).toBe(true);
    db.close();
  }, 60_000);

  it('runEpisodes hands results back in the order given, whichever finishes first', async () => {
    const harness = createDefaultHarness();
    const finished: string[] = [];
    const results = await runEpisodes(episodesOf(tasks.slice(0, 6), 2), {
      harness,
      harnessHash: await harnessHash(harness),
      model: new SlowScriptedModel(),
      createSandbox: async () => new JustBashSandbox(),
      concurrency: 4,
      onEpisodeFinish: (episode) => void finished.push(`${episode.task.id}#${episode.attempt}`),
    });
    const order = results.map(({ episode }) => `${episode.task.id}#${episode.attempt}`);
    expect(order).toEqual(tasks.slice(0, 6).flatMap((task) => [`${task.id}#1`, `${task.id}#2`]));
    expect(finished).not.toEqual(order);
    expect([...finished].sort()).toEqual([...order].sort());
    expect(results.map(({ result }) => result.outcome)).toEqual(tasks.slice(0, 6).flatMap((task) => (isHard(task.id) ? ['fail', 'fail'] : ['pass', 'pass'])));
  }, 60_000);

  it('a slow episode at the head does not hold the other workers idle: the pool runs several episodes past it', async () => {
    const harness = createDefaultHarness();
    const started: string[] = [];
    let releaseHead: () => void = () => {};
    const headReleased = new Promise<void>((resolve) => (releaseHead = resolve));
    // The first task's agent answers only once six more episodes have started past it; with a window of one pool's
    // worth (2 running + 2 finished waiting) they never could, and this run would never end.
    const inner = new ScriptedModel((request) => agentTurn(request), 'scripted:agent');
    const model: ChatModel = {
      id: 'scripted:agent',
      provider: 'scripted',
      actionProtocol: 'native_tools',
      async *stream(request, signal) {
        if (request.messages[0].content.includes('[task-00]')) await headReleased;
        yield* inner.stream(request, signal);
      },
    };
    const episodes = episodesOf(tasks.slice(0, 10), 1);
    const run = runEpisodes(episodes, {
      harness,
      harnessHash: await harnessHash(harness),
      model,
      createSandbox: async () => new JustBashSandbox(),
      concurrency: 2,
      onEpisodeStart: (episode) => {
        started.push(episode.task.id);
        if (started.length === 7) releaseHead();
      },
    });
    const outcome = await Promise.race([run.then(() => 'finished'), new Promise((resolve) => setTimeout(() => resolve('stuck behind the slow episode'), 20_000))]);
    releaseHead();
    expect(outcome).toBe('finished');
    expect(started.slice(0, 7)).toEqual(tasks.slice(0, 7).map((task) => task.id));
    expect((await run).map(({ episode }) => episode.task.id)).toEqual(tasks.slice(0, 10).map((task) => task.id));
  }, 60_000);
});
