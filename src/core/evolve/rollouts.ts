import type { AgentEvent } from '../agent/events.js';
import type { HarnessDocument } from '../harness/schema.js';
import { isModelRefusal, type TaskRunResult } from '../tasks/run-task.js';
import type { Task } from '../tasks/types.js';
import type { EvolutionEvent, EvolutionStop } from './events.js';
import type { TaskPasses } from './gate.js';
import { type EvolutionRun, tokensOf } from './run.js';
import { type EvolutionStage, ROLLOUT_FORMAT_VERSION, rolloutKey, type RolloutRecord } from './state.js';

export type RolloutResult =
  | { kind: 'done'; record: RolloutRecord }
  /** The sandbox or task environment failed even after retries: the task is left out of this comparison. */
  | { kind: 'unavailable'; reason: string }
  | { kind: 'stop'; stop: EvolutionStop };

export interface RolloutRequest {
  harnessHash: string;
  taskId: string;
  attempt: number;
  stage: EvolutionStage;
  /** The final test: decision budgets (rollouts, tokens) do not bound it; it has its own. */
  finalTest?: boolean;
}

/** Only task outcomes are results; a cached infrastructure error (written by format version 1) is not trusted. */
const isResult = (record: RolloutRecord) => record.outcome !== 'infra_error';

const newTraceId = () => `rollout-${Date.now().toString(36)}-${globalThis.crypto.randomUUID().slice(0, 8)}`;

type Executed = { kind: 'finished'; result: TaskRunResult; events: AgentEvent[] } | { kind: 'aborted'; usage: TaskRunResult['usage']; tokenBudget: boolean } | { kind: 'crashed'; message: string };

/**
 * Run one attempt, relaying its agent events as they happen. A token budget is enforced inside the attempt: the
 * model answer that crosses it aborts the attempt (the time budget and the user's pause abort it through `run.signal`).
 */
async function* execute(run: EvolutionRun, task: Task, harness: HarnessDocument, request: RolloutRequest, key: string, traceId: string): AsyncGenerator<EvolutionEvent, Executed> {
  const controller = new AbortController();
  const relayAbort = () => controller.abort();
  if (run.signal.aborted) controller.abort();
  run.signal.addEventListener('abort', relayAbort, { once: true });
  const maxTokens = request.finalTest ? undefined : run.state.config.budget.maxTokens;
  let liveTokens = 0;
  let tokenBudget = false;
  const events: AgentEvent[] = [];
  const queue: AgentEvent[] = [];
  let wake: (() => void) | undefined;
  let finished = false;
  const onEvent = (event: AgentEvent) => {
    events.push(event);
    queue.push(event);
    if (event.type === 'model-response') {
      liveTokens += tokensOf(event.usage);
      if (maxTokens !== undefined && run.totalTokens() + liveTokens >= maxTokens) {
        tokenBudget = true;
        controller.abort();
      }
    }
    wake?.();
  };
  const attempt = Promise.resolve()
    .then(() => run.runAttempt({ task, attempt: request.attempt, harness, harnessHash: request.harnessHash, model: run.context.agentModel, signal: controller.signal, onEvent }))
    .then(
      (result) => ({ ok: true as const, result }),
      (error: unknown) => ({ ok: false as const, message: error instanceof Error ? error.message : String(error) }),
    )
    .finally(() => {
      finished = true;
      wake?.();
    });
  try {
    while (true) {
      while (queue.length) yield { type: 'rollout-event', key, traceId, event: queue.shift()! };
      if (finished) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (queue.length || finished) resolve();
      });
      wake = undefined;
    }
    const settled = await attempt;
    while (queue.length) yield { type: 'rollout-event', key, traceId, event: queue.shift()! };
    if (controller.signal.aborted) {
      const usage = settled.ok ? settled.result.usage : { inputTokens: 0, outputTokens: liveTokens };
      return { kind: 'aborted', usage, tokenBudget };
    }
    if (!settled.ok) return { kind: 'crashed', message: settled.message };
    return { kind: 'finished', result: settled.result, events };
  } finally {
    run.signal.removeEventListener('abort', relayAbort);
  }
}

/**
 * One rollout: from the cache when this (harness, model, suite, task, attempt) ran before, otherwise run now.
 * Infrastructure errors are never results: the attempt is retried, then the evolution pauses (model unreachable) or the
 * task is left out of this comparison (sandbox). Pause, time and budget stops are returned, never thrown.
 */
export async function* rollout(run: EvolutionRun, request: RolloutRequest): AsyncGenerator<EvolutionEvent, RolloutResult> {
  const { state } = run;
  const { harnessHash, taskId, attempt, stage } = request;
  const keyParts = { harnessHash, modelId: state.models.agent.key, suiteHash: state.config.suiteHash, taskId, attempt };
  const key = rolloutKey(keyParts);
  const alreadyUsed = run.used.has(key);
  if (!alreadyUsed) {
    const stop = run.interruption() ?? (request.finalTest ? undefined : run.decisionBudgetStop());
    if (stop) return { kind: 'stop', stop };
  }
  let record = await run.context.store.getRollout(key);
  if (record && !isResult(record)) record = undefined;
  const cached = record !== undefined;
  if (!record) {
    const task = run.tasksById.get(taskId);
    if (!task) {
      const reason = `task "${taskId}" is not in the suite`;
      yield { type: 'rollout-unavailable', iteration: state.iteration, stage, key, taskId, attempt, reason };
      return { kind: 'unavailable', reason };
    }
    const delays = run.context.infraRetryDelaysMs ?? [2000];
    for (let trial = 0; ; trial++) {
      const traceId = newTraceId();
      yield { type: 'rollout-start', iteration: state.iteration, stage, key, taskId, attempt, harnessHash, traceId };
      const executed = yield* execute(run, task, state.versions[harnessHash].harness, request, key, traceId);
      if (executed.kind === 'aborted') {
        // Cut short: not a result. Its tokens still count against the budget; it runs again on resume.
        run.addAbandonedUsage(executed.usage);
        const stop: EvolutionStop | undefined = executed.tokenBudget ? { kind: 'budget', reason: `token budget of ${state.config.budget.maxTokens} used` } : run.interruption();
        return { kind: 'stop', stop: stop ?? { kind: 'pause', pause: { kind: 'user', reason: 'paused', resumeHint: 'resume to continue' } } };
      }
      const infrastructure = executed.kind === 'crashed' ? 'environment' : executed.result.outcome === 'infra_error' ? (executed.result.infrastructure ?? 'environment') : undefined;
      if (infrastructure) {
        const reason = executed.kind === 'crashed' ? `the attempt crashed: ${executed.message}` : executed.result.reason;
        if (executed.kind === 'finished') run.addAbandonedUsage(executed.result.usage);
        // An endpoint that refuses the request for good (a wrong model name, a missing server flag) refuses it again.
        const refusal = executed.kind === 'finished' && executed.result.modelError !== undefined && isModelRefusal(executed.result.modelError);
        const willRetry = !refusal && trial < delays.length;
        yield { type: 'rollout-infra-error', key, taskId, attempt, reason, infrastructure, willRetry };
        if (willRetry) {
          await run.sleep(delays[trial]);
          const stop = run.interruption();
          if (stop) return { kind: 'stop', stop };
          continue;
        }
        if (refusal) {
          return {
            kind: 'stop',
            stop: { kind: 'pause', pause: { kind: 'model_refused', reason, resumeHint: 'fix the agent model\'s settings (model name, base URL, API key, server flags), then resume: nothing is lost and no attempt is counted twice' } },
          };
        }
        if (infrastructure === 'model') {
          return {
            kind: 'stop',
            stop: { kind: 'pause', pause: { kind: 'model_unreachable', reason, resumeHint: 'check that the model server is up and reachable, then resume: nothing is lost and no attempt is counted twice' } },
          };
        }
        yield { type: 'rollout-unavailable', iteration: state.iteration, stage, key, taskId, attempt, reason };
        return { kind: 'unavailable', reason };
      }
      if (executed.kind !== 'finished') throw new Error('unreachable');
      const { result, events } = executed;
      record = {
        formatVersion: ROLLOUT_FORMAT_VERSION,
        ...keyParts,
        key,
        traceId,
        outcome: result.outcome,
        reason: result.reason,
        usage: result.usage,
        steps: result.steps,
        durationMs: result.durationMs,
        events,
        createdAt: run.now(),
      };
      state.executedRollouts += 1;
      run.executedThisSession += 1;
      break;
    }
  }
  if (!alreadyUsed) {
    state.usedRollouts.push(key);
    run.used.add(key);
    run.addAgentUsage(record.usage);
  }
  yield { type: 'rollout-end', iteration: state.iteration, stage, record, cached, replayed: alreadyUsed };
  return { kind: 'done', record };
}

export type AttemptsResult = { kind: 'done'; passes: TaskPasses; excluded: Map<string, string>; records: RolloutRecord[] } | { kind: 'stop'; stop: EvolutionStop };

/**
 * Run a harness on tasks × attempts (attempt numbers `firstAttempt`…`firstAttempt + k − 1`), task by task. A task whose
 * attempt is unavailable is left out: its remaining attempts are reported unavailable too, without running.
 */
export async function* runAttempts(
  run: EvolutionRun,
  harnessHash: string,
  taskIds: readonly string[],
  options: { stage: EvolutionStage; firstAttempt?: number; finalTest?: boolean; excluded?: Map<string, string> },
): AsyncGenerator<EvolutionEvent, AttemptsResult> {
  const first = options.firstAttempt ?? 1;
  const passes: TaskPasses = {};
  const excluded = options.excluded ?? new Map<string, string>();
  const records: RolloutRecord[] = [];
  for (const taskId of taskIds) {
    for (let attempt = first; attempt < first + run.attempts; attempt++) {
      const skipped = excluded.get(taskId);
      if (skipped !== undefined) {
        const key = rolloutKey({ harnessHash, modelId: run.state.models.agent.key, suiteHash: run.state.config.suiteHash, taskId, attempt });
        yield { type: 'rollout-unavailable', iteration: run.state.iteration, stage: options.stage, key, taskId, attempt, reason: `left out: ${skipped}` };
        continue;
      }
      const result = yield* rollout(run, { harnessHash, taskId, attempt, stage: options.stage, finalTest: options.finalTest });
      if (result.kind === 'stop') return result;
      if (result.kind === 'unavailable') {
        excluded.set(taskId, result.reason);
        delete passes[taskId];
        continue;
      }
      records.push(result.record);
      passes[taskId] = (passes[taskId] ?? 0) + (result.record.outcome === 'pass' ? 1 : 0);
    }
  }
  for (const taskId of excluded.keys()) delete passes[taskId];
  return { kind: 'done', passes, excluded, records };
}
