import type { AgentEvent } from '../agent/events.js';
import type { HarnessDocument } from '../harness/schema.js';
import type { ChatModel } from '../model/types.js';
import type { SandboxFactory } from '../sandbox/types.js';
import { runTask, type TaskRunResult } from '../tasks/run-task.js';
import type { Task } from '../tasks/types.js';

/** One episode as a pool asks for it: which task and attempt, with what harness and model. */
export interface EpisodeInput {
  task: Task;
  /** Which attempt (1…) at this task with this harness. */
  attempt: number;
  harness: HarnessDocument;
  harnessHash: string;
  model: ChatModel;
  /** Stops the episode: it ends as "stopped by the user", as a Stop does. */
  signal: AbortSignal;
  /** Every agent event in order; the episode waits for what it returns before it goes on. */
  onEvent: (event: AgentEvent) => void | Promise<void>;
}

/**
 * Runs one episode (sandbox, agent loop, verifier) and says how it ended; never throws for what the task, model or
 * sandbox does. Where it runs is the runner's business: this thread (`runEpisodeInThisThread`, the CLI and tests) or
 * a Web Worker per episode (the page, `src/platform/worker-episode-runner.ts`). Decisions never depend on which.
 */
export type EpisodeRunner = (input: EpisodeInput) => Promise<TaskRunResult>;

/** The episode runner of the CLI, the bench and the tests: `runTask` right here, in a fresh sandbox from `createSandbox`. */
export function runEpisodeInThisThread(createSandbox: SandboxFactory): EpisodeRunner {
  return (input) => runTask({ task: input.task, harness: input.harness, harnessHash: input.harnessHash, model: input.model, createSandbox, signal: input.signal, onEvent: input.onEvent });
}
