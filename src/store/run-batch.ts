import type { AgentEvent } from '../core/agent/events.js';
import type { HarnessDocument } from '../core/harness/schema.js';
import { chooseActionProtocol } from '../core/model/probe-tool-calling.js';
import type { ChatModel } from '../core/model/types.js';
import type { SandboxFactory } from '../core/sandbox/types.js';
import type { EpisodeRunner } from '../core/pool/episode-runner.js';
import { type Episode, runEpisodes } from '../core/pool/run-episodes.js';
import type { TaskRunResult } from '../core/tasks/run-task.js';
import { suiteHash } from '../core/tasks/suite-hash.js';
import type { Task } from '../core/tasks/types.js';
import type { BatchRecord, StudioDatabase } from './db.js';
import { createBatch, finishBatch, finishRun, startRun, TraceRecorder } from './studio-store.js';

/** Live state of one task in a batch, for progress bars. */
export interface TaskProgress {
  taskId: string;
  runId?: string;
  status: 'queued' | 'running' | 'done';
  /** 0..1; steps used of the step limit while running, 1 when done. */
  fraction: number;
  step: number;
  lastEvent?: AgentEvent['type'];
  result?: TaskRunResult;
}

export interface RunBatchOptions {
  db: StudioDatabase;
  suiteId: string;
  /** Shown with the batch (and in its bundle); defaults to the suite id. */
  suiteName?: string;
  tasks: Task[];
  harness: HarnessDocument;
  harnessHash: string;
  model: ChatModel;
  /** Each episode's sandbox when episodes run on this thread (`runEpisode` not given). */
  createSandbox?: SandboxFactory;
  /** Runs each episode; the page passes its episode workers (`src/platform/worker-episode-runner.ts`). */
  runEpisode?: EpisodeRunner;
  signal?: AbortSignal;
  /** Tasks run at once, each in its own sandbox (default 1). Outcomes do not depend on it. */
  concurrency?: number;
  onProgress?: (progress: TaskProgress[]) => void;
  onBatch?: (batch: BatchRecord) => void;
  /** Told when the run changes how it talks to the model, e.g. native tool calls turned out unavailable. */
  onNotice?: (message: string) => void;
}

/**
 * Run tasks with one harness and one model, `concurrency` at once (each in its own sandbox; an in-page model still
 * answers one call at a time, its profile's limit), persisting each run and its trace as it goes.
 */
export async function runBatch(options: RunBatchOptions): Promise<{ batch: BatchRecord; progress: TaskProgress[] }> {
  const { db, tasks, harness } = options;
  const progress: TaskProgress[] = tasks.map((task) => ({ taskId: task.id, status: 'queued', fraction: 0, step: 0 }));
  const publish = () => options.onProgress?.(progress.map((item) => ({ ...item })));
  // A native-tools endpoint that returns no tool calls would fail every task with format errors: probe it once.
  const { model, notice } = await chooseActionProtocol(options.model, options.signal);
  if (notice) options.onNotice?.(notice);
  // The hash of exactly these tasks: a bundle of the batch carries them, and an import checks them against it.
  const suite = { id: options.suiteId, name: options.suiteName ?? options.suiteId, hash: await suiteHash(tasks) };
  const batch = await createBatch(db, { harnessHash: options.harnessHash, modelId: model.id, taskIds: tasks.map((task) => task.id), suite, ...(notice ? { notice } : {}) });
  options.onBatch?.(batch);
  publish();
  try {
    // Attempt numbers first, in task order, so they do not depend on which episode starts first.
    const episodes: Array<Episode & { previous: number }> = [];
    for (const task of tasks) {
      const previous = await db.runs.where('[harnessHash+modelId+taskId+attempt]').between([options.harnessHash, model.id, task.id, 0], [options.harnessHash, model.id, task.id, Infinity]).count();
      const earlier = episodes.filter((episode) => episode.task.id === task.id).length;
      episodes.push({ task, attempt: previous + earlier + 1, previous });
    }
    const recorders = new Map<number, { runId: string; recorder: TraceRecorder }>();
    await runEpisodes(episodes, {
      harness,
      harnessHash: options.harnessHash,
      model,
      createSandbox: options.createSandbox,
      runEpisode: options.runEpisode,
      concurrency: options.concurrency ?? 1,
      signal: options.signal,
      onEpisodeStart: async ({ task, attempt }, index) => {
        const run = await startRun(db, { batchId: batch.id, harnessHash: options.harnessHash, modelId: model.id, taskId: task.id, suiteId: options.suiteId, attempt });
        recorders.set(index, { runId: run.id, recorder: new TraceRecorder(db, run.id) });
        Object.assign(progress[index], { status: 'running', runId: run.id });
        publish();
      },
      onEpisodeEvent: (_episode, index, event) => {
        const item = progress[index];
        recorders.get(index)?.recorder.record(event);
        if ('step' in event) item.step = event.step;
        item.lastEvent = event.type;
        item.fraction = Math.min(0.99, item.step / harness.policies.maxSteps);
        publish();
      },
      // Each run is finished when it ends (a stopped one too), whatever the order.
      onEpisodeFinish: async (_episode, index, result) => {
        const running = recorders.get(index);
        if (!running) return;
        await running.recorder.flush();
        await finishRun(db, running.runId, result);
        Object.assign(progress[index], { status: 'done', fraction: 1, result });
        publish();
      },
    });
  } finally {
    await finishBatch(db, batch.id);
  }
  return { batch, progress };
}
