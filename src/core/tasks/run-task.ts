import type { AgentEndReason, AgentEvent, RunEndEvent } from '../agent/events.js';
import { runAgentToEnd } from '../agent/loop.js';
import type { HarnessDocument } from '../harness/schema.js';
import type { ChatModel, ModelError, TokenUsage } from '../model/types.js';
import { unmetRequirements } from '../sandbox/capabilities.js';
import { isSandboxUnavailable, type Sandbox, type SandboxFactory } from '../sandbox/types.js';
import { sandboxOptionsFor } from './task-paths.js';
import { prepareTaskSandbox, runVerifier } from './task-sandbox.js';
import type { Task, TaskOutcome, VerifierResult } from './types.js';
import { validateTask } from './validate-task.js';

export interface TaskRunResult {
  outcome: TaskOutcome;
  /** One sentence a person can read: why this outcome. */
  reason: string;
  /**
   * For `infra_error`: whether the model could not be reached (`model`: network, 5xx, 429, timeouts after retries,
   * auth, an in-page model whose worker could not load or died) or the sandbox / task environment failed
   * (`environment`, including a sandbox worker that could not load, died or went silent). Neither says anything about
   * the agent.
   */
  infrastructure?: 'model' | 'environment';
  /** For `infra_error` of the model: the error the run ended on, with its kind and the server's message. */
  modelError?: ModelError;
  agentEndReason?: AgentEndReason;
  /** The sandbox itself failed (its worker could not load, died or went silent): its own error text. Nothing about the task was judged. */
  sandboxUnavailable?: string;
  /** Kept out of the trace on purpose: a proposer must never learn the verifier's output. */
  verifier?: VerifierResult;
  usage: TokenUsage;
  steps: number;
  durationMs: number;
  /** `episode-worker`: the agent loop and verifier ran in an episode Web Worker of the page; absent: in the caller's thread. */
  ranIn?: 'episode-worker';
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

/**
 * A model error that says nothing about the agent, so the run is not a task outcome (not a fail to count, cache or
 * learn from):
 * - transient ones (`retryable`: rate limits, network, timeouts, a 502/503), which the loop has already retried;
 * - a request the endpoint refuses whatever the agent wrote: `auth`, `model_not_found`, `invalid_request` and a
 *   permanent `server_error` (`tools param requires --jinja flag`) — a misconfigured endpoint, not a weakness to mine;
 * - `engine_failed`: the in-page model's worker could not load or died.
 * `context_overflow` is the agent's own doing (its conversation outgrew the context), `bad_response` an answer that is
 * not a completion, and `aborted` a Stop: those stay outcomes.
 */
export function isInfrastructureModelError(error: ModelError): boolean {
  switch (error.kind) {
    case 'rate_limit':
    case 'network':
    case 'timeout':
    case 'server_error':
    case 'auth':
    case 'model_not_found':
    case 'invalid_request':
    case 'engine_failed':
      return true;
    case 'aborted':
    case 'context_overflow':
    case 'bad_response':
      return false;
  }
}

/**
 * An infrastructure model error that sending the same request again cannot fix: the endpoint's settings are wrong (a
 * key, a model name, a server flag). Retrying the attempt only repeats the refusal, so the evolution pauses at once
 * with the server's message.
 */
export function isModelRefusal(error: ModelError): boolean {
  return isInfrastructureModelError(error) && !error.retryable && error.kind !== 'engine_failed';
}

/** The run ended because the model could not be reached (after the provider's retries), not because of the agent. */
const isModelAway = (runEnd: RunEndEvent) => runEnd.reason === 'model_error' && runEnd.modelError !== undefined && isInfrastructureModelError(runEnd.modelError);

/** Decide a task outcome from how the agent ended and what the verifier said. */
export function decideOutcome(runEnd: RunEndEvent, verifier: VerifierResult | undefined): { outcome: TaskOutcome; reason: string; infrastructure?: 'model' | 'environment'; modelError?: ModelError } {
  if (runEnd.reason === 'sandbox_error') return { outcome: 'infra_error', reason: runEnd.message, infrastructure: 'environment' };
  // The in-page model's worker could not load or died: the model is away, as with an unreachable server.
  if (runEnd.reason === 'model_unavailable') return { outcome: 'infra_error', reason: runEnd.message, infrastructure: 'model', ...(runEnd.modelError ? { modelError: runEnd.modelError } : {}) };
  // Checked before the verifier: a half-done run cut off by an unreachable model must not count even if it happens to pass.
  if (isModelAway(runEnd)) {
    const refused = isModelRefusal(runEnd.modelError!);
    return { outcome: 'infra_error', reason: `${refused ? 'the model endpoint refused the request' : 'the model could not be reached'}: ${runEnd.message}`, infrastructure: 'model', modelError: runEnd.modelError };
  }
  if (runEnd.reason === 'aborted') return { outcome: 'agent_error', reason: runEnd.message };
  if (!verifier) return { outcome: 'infra_error', reason: 'the verifier did not run', infrastructure: 'environment' };
  if (verifier.timedOut) return { outcome: 'infra_error', reason: 'the verifier timed out', infrastructure: 'environment' };
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
  const infraError = (reason: string): TaskRunResult => ({ outcome: 'infra_error', reason, infrastructure: 'environment', usage: zero, steps: 0, durationMs: now() - started });
  const sandboxFailed = (error: unknown, context: string): TaskRunResult =>
    ({ ...infraError(`${context}: ${(error as Error).message}`), ...(isSandboxUnavailable(error) ? { sandboxUnavailable: error.message } : {}) });
  // As an abort during the agent's turn ends (see decideOutcome).
  const stoppedBeforeStart = (): TaskRunResult => ({ outcome: 'agent_error', reason: 'stopped by the user', agentEndReason: 'aborted', usage: zero, steps: 0, durationMs: now() - started });

  const problems = validateTask(options.task);
  if (problems.length) return infraError(problems.join('; '));

  let sandbox: Sandbox;
  try {
    sandbox = await options.createSandbox(sandboxOptionsFor(options.task));
  } catch (error) {
    return sandboxFailed(error, 'could not start the sandbox');
  }
  try {
    const unmet = unmetRequirements(options.task.requires, sandbox);
    if (unmet) return infraError(unmet);
    try {
      // Stop must not wait for a sandbox that is slow to answer (a worker still loading, or silent).
      const prepared = await Promise.race([prepareTaskSandbox(options.task, sandbox).then(() => 'prepared' as const), whenAborted(options.signal)]);
      if (prepared === 'aborted') return stoppedBeforeStart();
    } catch (error) {
      return sandboxFailed(error, 'could not prepare the task');
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
    if (runEnd.reason !== 'aborted' && runEnd.reason !== 'sandbox_error' && runEnd.reason !== 'model_unavailable' && !isModelAway(runEnd)) {
      try {
        verifier = await runVerifier(options.task, sandbox);
      } catch (error) {
        return { ...sandboxFailed(error, 'the verifier could not run'), agentEndReason: runEnd.reason, usage: runEnd.usage, steps: runEnd.steps };
      }
    }
    const decision = decideOutcome(runEnd, verifier);
    return { ...decision, ...(runEnd.reason === 'sandbox_error' ? { sandboxUnavailable: runEnd.message } : {}), agentEndReason: runEnd.reason, verifier, usage: runEnd.usage, steps: runEnd.steps, durationMs: now() - started };
  } finally {
    await sandbox.dispose().catch(() => undefined);
  }
}

/** Resolves when `signal` aborts (at once if it has); never without one. */
function whenAborted(signal: AbortSignal | undefined): Promise<'aborted'> {
  if (!signal) return new Promise(() => {});
  if (signal.aborted) return Promise.resolve('aborted');
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve('aborted'), { once: true }));
}
