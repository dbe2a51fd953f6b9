import type { AgentEvent } from '../core/agent/events.js';
import type { HarnessDocument } from '../core/harness/schema.js';
import { chooseActionProtocol } from '../core/model/probe-tool-calling.js';
import type { ChatModel } from '../core/model/types.js';
import type { SandboxFactory } from '../core/sandbox/types.js';
import { runTask, type TaskRunResult } from '../core/tasks/run-task.js';
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
  createSandbox: SandboxFactory;
  signal?: AbortSignal;
  onProgress?: (progress: TaskProgress[]) => void;
  onBatch?: (batch: BatchRecord) => void;
  /** Told when the run changes how it talks to the model, e.g. native tool calls turned out unavailable. */
  onNotice?: (message: string) => void;
}

/**
 * Run tasks one after another with one harness and one model, persisting each run and its trace as it goes.
 * Sequential on purpose: one local model and one sandbox worker at a time keep a laptop responsive.
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
    for (const [index, task] of tasks.entries()) {
      if (options.signal?.aborted) break;
      const item = progress[index];
      const previous = await db.runs.where('[harnessHash+modelId+taskId+attempt]').between([options.harnessHash, model.id, task.id, 0], [options.harnessHash, model.id, task.id, Infinity]).count();
      const run = await startRun(db, { batchId: batch.id, harnessHash: options.harnessHash, modelId: model.id, taskId: task.id, suiteId: options.suiteId, attempt: previous + 1 });
      Object.assign(item, { status: 'running', runId: run.id });
      publish();
      const recorder = new TraceRecorder(db, run.id);
      const result = await runTask({
        task,
        harness,
        harnessHash: options.harnessHash,
        model,
        createSandbox: options.createSandbox,
        signal: options.signal,
        onEvent: (event) => {
          recorder.record(event);
          if ('step' in event) item.step = event.step;
          item.lastEvent = event.type;
          item.fraction = Math.min(0.99, item.step / harness.policies.maxSteps);
          publish();
        },
      });
      await recorder.flush();
      await finishRun(db, run.id, result);
      Object.assign(item, { status: 'done', fraction: 1, result });
      publish();
    }
  } finally {
    await finishBatch(db, batch.id);
  }
  return { batch, progress };
}
