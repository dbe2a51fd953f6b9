import type { AgentEvent } from '../agent/events.js';
import type { HarnessDocument } from '../harness/schema.js';
import type { ChatModel } from '../model/types.js';
import type { SandboxFactory } from '../sandbox/types.js';
import type { TaskRunResult } from '../tasks/run-task.js';
import type { Task } from '../tasks/types.js';
import { type EpisodeRunner, runEpisodeInThisThread } from './episode-runner.js';
import { OrderedPool } from './ordered-pool.js';

/** One episode to run: a task and which attempt at it this is (1…). */
export interface Episode {
  task: Task;
  attempt: number;
}

export interface RunEpisodesOptions {
  harness: HarnessDocument;
  harnessHash: string;
  model: ChatModel;
  /** Where each episode's sandbox comes from, when episodes run in this thread (`runEpisode` not given). */
  createSandbox?: SandboxFactory;
  /**
   * Runs one episode; defaults to `runTask` in this thread with `createSandbox`. The page passes its episode workers
   * (`src/platform/worker-episode-runner.ts`). Plan order, results and what is recorded do not depend on it.
   */
  runEpisode?: EpisodeRunner;
  /** Most episodes at once (default 1). Results come back in the order the episodes were given, whatever it is. */
  concurrency?: number;
  /** Stops every running episode; episodes not started then never start. */
  signal?: AbortSignal;
  /** Before an episode starts (in the pool, so possibly out of order): e.g. create its run record. */
  onEpisodeStart?: (episode: Episode, index: number) => void | Promise<void>;
  /** Each agent event of an episode as it happens (episodes interleave). */
  onEpisodeEvent?: (episode: Episode, index: number, event: AgentEvent) => void | Promise<void>;
  /** An episode's result as soon as it ends, in the pool (any order): e.g. finish its run record. */
  onEpisodeFinish?: (episode: Episode, index: number, result: TaskRunResult) => void | Promise<void>;
  /** An episode's result, in the order the episodes were given: record it here. */
  onEpisodeEnd?: (episode: Episode, index: number, result: TaskRunResult) => void | Promise<void>;
}

export interface EpisodeResult {
  episode: Episode;
  result: TaskRunResult;
}

/** Every task × attempts 1…k, task by task: the plan `self-harness run` and the Run panel use. */
export function episodesOf(tasks: readonly Task[], attempts = 1): Episode[] {
  return tasks.flatMap((task) => Array.from({ length: attempts }, (_, index) => ({ task, attempt: index + 1 })));
}

/**
 * Run episodes (agent, then verifier, each in its own fresh sandbox) with at most `concurrency` at once, and hand their
 * results back in the order given — so what is recorded is the same at any pool size. When `signal` aborts, running
 * episodes are stopped and their results dropped; the results returned are those that finished before it.
 *
 * ```ts
 * import { episodesOf, runEpisodes } from './src/core/pool/run-episodes.js';
 * const results = await runEpisodes(episodesOf(tasks, 2), { harness, harnessHash, model, createSandbox, concurrency: 4 });
 * ```
 */
export async function runEpisodes(episodes: readonly Episode[], options: RunEpisodesOptions): Promise<EpisodeResult[]> {
  const runEpisode = options.runEpisode ?? (options.createSandbox ? runEpisodeInThisThread(options.createSandbox) : undefined);
  if (!runEpisode) throw new Error('runEpisodes needs a sandbox factory (createSandbox) or an episode runner (runEpisode)');
  const pool = new OrderedPool<Episode, TaskRunResult, never>(
    episodes,
    async (episode, index, { signal }) => {
      await options.onEpisodeStart?.(episode, index);
      const result = await runEpisode({
        task: episode.task,
        attempt: episode.attempt,
        harness: options.harness,
        harnessHash: options.harnessHash,
        model: options.model,
        signal,
        onEvent: (event) => options.onEpisodeEvent?.(episode, index, event),
      });
      await options.onEpisodeFinish?.(episode, index, result);
      return result;
    },
    {
      concurrency: options.concurrency ?? 1,
      signal: options.signal,
      // Episodes run ahead of a slow one: with a window of one pool's worth, a 2 s episode at the head kept the other
      // workers idle for most of its time (bench B4; replaying the suite's measured times at 2 workers, 1.76× of a
      // possible 2×, 1.99× with this window). Bounded, because a Stop drops finished episodes not yet handed back in
      // order. A pool of one still never runs ahead of its caller.
      lookahead: (options.concurrency ?? 1) > 1 ? 4 * (options.concurrency ?? 1) : 0,
    },
  );
  const results: EpisodeResult[] = [];
  try {
    while (!options.signal?.aborted) {
      const next = await drain(pool.take());
      if (!next || options.signal?.aborted) break;
      await options.onEpisodeEnd?.(next.job, next.index, next.result);
      results.push({ episode: next.job, result: next.result });
    }
  } finally {
    await pool.close();
  }
  return results;
}

/** Run a generator that yields nothing to its end. */
async function drain<Result>(generator: AsyncGenerator<never, Result>): Promise<Result> {
  while (true) {
    const step = await generator.next();
    if (step.done) return step.value;
  }
}
