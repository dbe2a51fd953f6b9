import { threadId } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { createThreadEpisodeRunner } from '../../src/cli/thread-episode-runner.js';
import { createDefaultHarness, harnessHash } from '../../src/core/harness/index.js';
import { ScriptedModel } from '../../src/core/model/scripted.js';
import type { ModelRequest } from '../../src/core/model/types.js';
import { episodesOf, runEpisodes } from '../../src/core/pool/run-episodes.js';
import { agentTurn, isHard, tasks } from '../fixtures/tiny-world.js';

/**
 * The CLI runs each episode in a worker_thread of its own (`thread-episode-runner.ts`), with the same episode API as
 * the page's episode workers; the model stays on the main thread, which answers every call the threads relay.
 */
describe('the CLI runs episodes in worker threads', () => {
  it('two at once in two threads, with the outcomes of this thread, every model call answered on the main thread', async () => {
    const harness = createDefaultHarness();
    const answeredOn = new Set<number>();
    const model = new ScriptedModel((request: ModelRequest) => {
      answeredOn.add(threadId);
      return agentTurn(request);
    }, 'scripted:agent');
    const runner = createThreadEpisodeRunner();
    runner.prestart(2);
    try {
      const results = await runEpisodes(episodesOf(tasks.slice(0, 4)), { harness, harnessHash: await harnessHash(harness), model, runEpisode: runner.run, concurrency: 2 });
      expect(results.map(({ result }) => result.outcome)).toEqual(tasks.slice(0, 4).map((task) => (isHard(task.id) ? 'fail' : 'pass')));
      expect(results.every(({ result }) => result.ranIn === 'episode-worker')).toBe(true);
      // Two threads, each taking its next episode after a clean end.
      expect(runner.workersStarted).toBe(2);
      // Two calls per episode (a shell command, then finish), every one answered here.
      expect(model.calls).toHaveLength(8);
      expect([...answeredOn]).toEqual([threadId]);
    } finally {
      runner.dispose();
    }
  }, 60_000);
});
