import type { AgentEndReason, AgentEvent, RunEndEvent } from '../agent/events.js';
import { runAgentToEnd } from '../agent/loop.js';
import type { HarnessDocument } from '../harness/schema.js';
import type { ChatModel, TokenUsage } from '../model/types.js';
import { unmetRequirements } from '../sandbox/capabilities.js';
import type { Sandbox, SandboxFactory } from '../sandbox/types.js';
import { sandboxOptionsFor } from './task-paths.js';
import { prepareTaskSandbox, runVerifier } from './task-sandbox.js';
import type { Task, TaskOutcome, VerifierResult } from './types.js';
import { validateTask } from './validate-task.js';

export interface TaskRunResult {
  outcome: TaskOutcome;
  /** One sentence a person can read: why this outcome. */
  reason: string;
  agentEndReason?: AgentEndReason;
  /** Kept out of the trace on purpose: a proposer must never learn the verifier's output. */
  verifier?: VerifierResult;
  usage: TokenUsage;
  steps: number;
  durationMs: number;
}

export interface RunTaskOptions {
  task: Task;
  harness: HarnessDocument;
  harnessHash: string;
  model: ChatModel;
  createSandbox: SandboxFactory;
  signal?: AbortSignal;
  onEvent?: (event: AgentEvent) => void | Promise<void>;
  onTextDelta?: (delta: string) => void;
  now?: () => number;
}

const AGENT_ERROR_REASONS: AgentEndReason[] = ['model_error', 'format_errors', 'limit'];

/** Decide a task outcome from how the agent ended and what the verifier said. */
export function decideOutcome(runEnd: RunEndEvent, verifier: VerifierResult | undefined): { outcome: TaskOutcome; reason: string } {
  if (runEnd.reason === 'sandbox_error') return { outcome: 'infra_error', reason: runEnd.message };
  if (runEnd.reason === 'aborted') return { outcome: 'agent_error', reason: runEnd.message };
  if (!verifier) return { outcome: 'infra_error', reason: 'the verifier did not run' };
  if (verifier.timedOut) return { outcome: 'infra_error', reason: 'the verifier timed out' };
  if (verifier.exitCode === 0) return { outcome: 'pass', reason: `verifier passed (agent ended: ${runEnd.reason})` };
  if (runEnd.reason === 'timeout') return { outcome: 'timeout', reason: runEnd.message };
  if (AGENT_ERROR_REASONS.includes(runEnd.reason)) return { outcome: 'agent_error', reason: runEnd.message };
  return { outcome: 'fail', reason: `verifier failed with exit code ${verifier.exitCode} (agent ended: ${runEnd.reason})` };
}

/**
 * One attempt at one task: fresh sandbox, initial files, the agent loop, then — only then — the verifier; all in the
 * task's own working directory with its environment.
 * Never throws for what the task, model or sandbox does; every failure becomes an outcome with a reason.
 */
export async function runTask(options: RunTaskOptions): Promise<TaskRunResult> {
  const now = options.now ?? Date.now;
  const started = now();
  const zero: TokenUsage = { inputTokens: 0, outputTokens: 0 };
  const infraError = (reason: string): TaskRunResult => ({ outcome: 'infra_error', reason, usage: zero, steps: 0, durationMs: now() - started });

  const problems = validateTask(options.task);
  if (problems.length) return infraError(problems.join('; '));

  let sandbox: Sandbox;
  try {
    sandbox = await options.createSandbox(sandboxOptionsFor(options.task));
  } catch (error) {
    return infraError(`could not start the sandbox: ${(error as Error).message}`);
  }
  try {
    const unmet = unmetRequirements(options.task.requires, sandbox);
    if (unmet) return infraError(unmet);
    try {
      await prepareTaskSandbox(options.task, sandbox);
    } catch (error) {
      return infraError(`could not prepare the task: ${(error as Error).message}`);
    }
    const runEnd = await runAgentToEnd(
      {
        harness: options.harness,
        harnessHash: options.harnessHash,
        model: options.model,
        sandbox,
        task: options.task,
        signal: options.signal,
        onTextDelta: options.onTextDelta,
        now,
      },
      (event) => options.onEvent?.(event),
    );
    let verifier: VerifierResult | undefined;
    if (runEnd.reason !== 'aborted' && runEnd.reason !== 'sandbox_error') {
      try {
        verifier = await runVerifier(options.task, sandbox);
      } catch (error) {
        return { ...infraError(`the verifier could not run: ${(error as Error).message}`), agentEndReason: runEnd.reason, usage: runEnd.usage, steps: runEnd.steps };
      }
    }
    const decision = decideOutcome(runEnd, verifier);
    return { ...decision, agentEndReason: runEnd.reason, verifier, usage: runEnd.usage, steps: runEnd.steps, durationMs: now() - started };
  } finally {
    await sandbox.dispose().catch(() => undefined);
  }
}
