import type { AgentEvent } from '../agent/events.js';
import type { HarnessDocument } from '../harness/schema.js';
import type { TokenUsage } from '../model/types.js';
import { OrderedPool } from '../pool/ordered-pool.js';
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

const keyOf = (run: EvolutionRun, request: RolloutRequest) =>
  rolloutKey({ harnessHash: request.harnessHash, modelId: run.state.models.agent.key, suiteHash: run.state.config.suiteHash, taskId: request.taskId, attempt: request.attempt });

/** One execution of an attempt, with every agent event it produced. */
type Trial = { traceId: string; events: AgentEvent[] } & (
  | { kind: 'finished'; result: TaskRunResult }
  /** Cut short by a pause, the time budget, the token budget or the pool closing: not a result. */
  | { kind: 'aborted'; usage: TokenUsage; tokenBudget: boolean }
  | { kind: 'crashed'; message: string }
);

/**
 * What running a rollout produced, before anything is recorded. This part runs concurrently in the pool; nothing in
 * it changes the evolution's state, so what is recorded is decided later, in plan order (`commitRollout`).
 */
type Obtained =
  | { kind: 'cached'; record: RolloutRecord }
  /** Not started: a pause or a decision budget was already there when its turn came. */
  | { kind: 'not-run' }
  | { kind: 'missing'; reason: string }
  /** Every execution in order (retries after infrastructure errors); `interrupted`: a pause came during a retry wait. */
  | { kind: 'ran'; trials: Trial[]; interrupted?: boolean };

const infrastructureOf = (trial: Trial): 'model' | 'environment' | undefined =>
  trial.kind === 'crashed' ? 'environment' : trial.kind === 'finished' && trial.result.outcome === 'infra_error' ? (trial.result.infrastructure ?? 'environment') : undefined;

/** An endpoint that refuses the request for good (a wrong model name, a missing server flag) refuses it again. */
const isRefusal = (trial: Trial) => trial.kind === 'finished' && trial.result.modelError !== undefined && isModelRefusal(trial.result.modelError);

/**
 * Run one attempt, handing its agent events on as they happen. A token budget is enforced inside the attempt: the
 * model answer that crosses it aborts the attempt (the time budget and the user's pause abort it through `run.signal`,
 * the pool through `jobSignal`). Only tokens already recorded count here; `commitRollout` replays the exact check.
 */
async function execute(
  run: EvolutionRun,
  task: Task,
  harness: HarnessDocument,
  request: RolloutRequest,
  traceId: string,
  emit: (event: AgentEvent) => void,
  jobSignal: AbortSignal,
  pendingTokens: number,
): Promise<Trial> {
  const controller = new AbortController();
  const relayAbort = () => controller.abort();
  if (run.signal.aborted || jobSignal.aborted) controller.abort();
  run.signal.addEventListener('abort', relayAbort, { once: true });
  jobSignal.addEventListener('abort', relayAbort, { once: true });
  const maxTokens = request.finalTest ? undefined : run.state.config.budget.maxTokens;
  let liveTokens = 0;
  let tokenBudget = false;
  const events: AgentEvent[] = [];
  const onEvent = (event: AgentEvent) => {
    events.push(event);
    emit(event);
    if (event.type === 'model-response') {
      liveTokens += tokensOf(event.usage);
      if (maxTokens !== undefined && run.totalTokens() + pendingTokens + liveTokens >= maxTokens) {
        tokenBudget = true;
        controller.abort();
      }
    }
  };
  try {
    const settled = await Promise.resolve()
      .then(() => run.runAttempt({ task, attempt: request.attempt, harness, harnessHash: request.harnessHash, model: run.context.agentModel, signal: controller.signal, onEvent }))
      .then(
        (result) => ({ ok: true as const, result }),
        (error: unknown) => ({ ok: false as const, message: error instanceof Error ? error.message : String(error) }),
      );
    if (controller.signal.aborted) {
      const usage = settled.ok ? settled.result.usage : { inputTokens: 0, outputTokens: liveTokens };
      return { kind: 'aborted', traceId, events, usage, tokenBudget };
    }
    if (!settled.ok) return { kind: 'crashed', traceId, events, message: settled.message };
    return { kind: 'finished', traceId, events, result: settled.result };
  } finally {
    run.signal.removeEventListener('abort', relayAbort);
    jobSignal.removeEventListener('abort', relayAbort);
  }
}

/**
 * The concurrent half of a rollout: from the cache when this (harness, model, suite, task, attempt) ran before,
 * otherwise run now, retrying after an infrastructure error. Live events (`rollout-start`, the agent's events,
 * `rollout-infra-error`) go to `emit` as they happen; the evolution's state is not touched.
 */
async function obtainRollout(run: EvolutionRun, request: RolloutRequest, emit: (event: EvolutionEvent) => void, jobSignal: AbortSignal): Promise<Obtained> {
  const { state } = run;
  const { harnessHash, taskId, attempt, stage } = request;
  const key = keyOf(run, request);
  if (!run.used.has(key) && (run.interruption() ?? (request.finalTest ? undefined : run.decisionBudgetStop()))) return { kind: 'not-run' };
  const record = await run.context.store.getRollout(key);
  if (record && isResult(record)) return { kind: 'cached', record };
  const task = run.tasksById.get(taskId);
  if (!task) return { kind: 'missing', reason: `task "${taskId}" is not in the suite` };
  const delays = run.context.infraRetryDelaysMs ?? [2000];
  const trials: Trial[] = [];
  let pendingTokens = 0;
  for (let number = 0; ; number++) {
    const traceId = newTraceId();
    emit({ type: 'rollout-start', iteration: state.iteration, stage, key, taskId, attempt, harnessHash, traceId });
    const trial = await execute(run, task, state.versions[harnessHash].harness, request, traceId, (event) => emit({ type: 'rollout-event', key, traceId, event }), jobSignal, pendingTokens);
    trials.push(trial);
    if (trial.kind === 'aborted') return { kind: 'ran', trials };
    const infrastructure = infrastructureOf(trial);
    if (!infrastructure) return { kind: 'ran', trials };
    const reason = trial.kind === 'crashed' ? `the attempt crashed: ${trial.message}` : trial.kind === 'finished' ? trial.result.reason : '';
    if (trial.kind === 'finished') pendingTokens += tokensOf(trial.result.usage);
    const willRetry = !isRefusal(trial) && number < delays.length;
    emit({ type: 'rollout-infra-error', key, taskId, attempt, reason, infrastructure, willRetry });
    if (!willRetry) return { kind: 'ran', trials };
    await run.sleep(delays[number], jobSignal);
    if (run.interruption() || jobSignal.aborted) return { kind: 'ran', trials, interrupted: true };
  }
}

/**
 * Tokens of the model answers of `events` up to the one that crosses the token budget, given what is recorded now;
 * undefined when none does. The same sum whether the attempt was cut there or ran on (it ran ahead in the pool).
 */
function tokenBudgetCrossing(run: EvolutionRun, request: RolloutRequest, events: readonly AgentEvent[]): TokenUsage | undefined {
  const maxTokens = request.finalTest ? undefined : run.state.config.budget.maxTokens;
  if (maxTokens === undefined) return undefined;
  const usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
  for (const event of events) {
    if (event.type !== 'model-response') continue;
    usage.inputTokens += event.usage.inputTokens;
    usage.outputTokens += event.usage.outputTokens;
    if (run.totalTokens() + tokensOf(usage) >= maxTokens) return usage;
  }
  return undefined;
}

const userPause: EvolutionStop = { kind: 'pause', pause: { kind: 'user', reason: 'paused', resumeHint: 'resume to continue' } };

/**
 * The ordered half of a rollout: record what `obtainRollout` produced, in plan order, deciding exactly as a rollout
 * run alone right now would have — the decision budgets are checked against what is recorded before it, and a token
 * budget crossed inside an attempt cuts it at the same answer whether or not it ran on. Infrastructure errors are never
 * results: after its retries an unreachable model pauses the evolution and a failing sandbox leaves the task out.
 */
async function* commitRollout(run: EvolutionRun, request: RolloutRequest, obtained: Obtained): AsyncGenerator<EvolutionEvent, RolloutResult> {
  const { state } = run;
  const { harnessHash, taskId, attempt, stage } = request;
  const key = keyOf(run, request);
  const alreadyUsed = run.used.has(key);
  if (!alreadyUsed) {
    const budgetStop = request.finalTest ? undefined : run.decisionBudgetStop();
    if (budgetStop) return { kind: 'stop', stop: budgetStop };
  }
  if (obtained.kind === 'not-run') {
    const stop = run.interruption();
    if (stop) return { kind: 'stop', stop };
    // Nothing stops it now (it was skipped ahead of a stop that did not come): run it in turn.
    const events: EvolutionEvent[] = [];
    obtained = await obtainRollout(run, request, (event) => events.push(event), new AbortController().signal);
    yield* events;
    if (obtained.kind === 'not-run') return { kind: 'stop', stop: run.interruption() ?? run.decisionBudgetStop() ?? userPause };
  }
  if (obtained.kind === 'missing') {
    yield { type: 'rollout-unavailable', iteration: state.iteration, stage, key, taskId, attempt, reason: obtained.reason };
    return { kind: 'unavailable', reason: obtained.reason };
  }
  let record: RolloutRecord;
  const cached = obtained.kind === 'cached';
  if (obtained.kind === 'cached') record = obtained.record;
  else {
    let finished: (Trial & { kind: 'finished' }) | undefined;
    for (const [number, trial] of obtained.trials.entries()) {
      const crossing = tokenBudgetCrossing(run, request, trial.events);
      if (crossing) {
        // Cut short: not a result. Its tokens still count against the budget; it runs again on resume.
        run.addAbandonedUsage(crossing);
        return { kind: 'stop', stop: { kind: 'budget', reason: `token budget of ${state.config.budget.maxTokens} used` } };
      }
      if (trial.kind === 'aborted') {
        run.addAbandonedUsage(trial.usage);
        const stop: EvolutionStop | undefined = trial.tokenBudget ? { kind: 'budget', reason: `token budget of ${state.config.budget.maxTokens} used` } : run.interruption();
        return { kind: 'stop', stop: stop ?? userPause };
      }
      const infrastructure = infrastructureOf(trial);
      if (!infrastructure && trial.kind === 'finished') {
        finished = trial;
        break;
      }
      if (trial.kind === 'finished') run.addAbandonedUsage(trial.result.usage);
      if (number < obtained.trials.length - 1) continue;
      if (obtained.interrupted) return { kind: 'stop', stop: run.interruption() ?? userPause };
      const reason = trial.kind === 'crashed' ? `the attempt crashed: ${trial.message}` : trial.kind === 'finished' ? trial.result.reason : '';
      if (isRefusal(trial)) {
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
    if (!finished) throw new Error('a rollout ran without a result');
    const { result, events, traceId } = finished;
    record = {
      formatVersion: ROLLOUT_FORMAT_VERSION,
      harnessHash,
      modelId: state.models.agent.key,
      suiteHash: state.config.suiteHash,
      taskId,
      attempt,
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
  }
  if (!alreadyUsed) {
    state.usedRollouts.push(key);
    run.used.add(key);
    run.addAgentUsage(record.usage);
  }
  yield { type: 'rollout-end', iteration: state.iteration, stage, record, cached, replayed: alreadyUsed };
  return { kind: 'done', record };
}

/**
 * Rollouts of a fixed plan, run by the pool (`context.concurrency` at once) and recorded in plan order. `take` hands
 * back each one's result in order; `skip` answers a planned rollout the caller no longer needs (its task was left
 * out) without running it; `close` drops what ran ahead once the caller stops early, saying so with a
 * `rollout-discarded` event per attempt that had started.
 */
export class RolloutWindow {
  private readonly pool: OrderedPool<RolloutRequest, Obtained, EvolutionEvent>;
  private readonly started = new Map<string, { taskId: string; attempt: number }>();

  constructor(
    private readonly run: EvolutionRun,
    private readonly requests: readonly RolloutRequest[],
    /** Planned rollouts the caller will not need, asked just before each would start (e.g. a task left out). */
    private readonly unneeded: (request: RolloutRequest) => boolean = () => false,
  ) {
    this.pool = new OrderedPool<RolloutRequest, Obtained, EvolutionEvent>(
      requests,
      async (request, _index, { signal, emit }) => {
        if (this.unneeded(request)) return { kind: 'not-run' };
        return obtainRollout(run, request, (event) => {
          if (event.type === 'rollout-start') this.started.set(event.key, { taskId: event.taskId, attempt: event.attempt });
          emit(event);
        }, signal);
      },
      // No pool signal: a pause reaches running attempts through `run.signal`, and a rollout whose turn comes after it
      // is answered `not-run`, which its commit turns into the pause (a plan must never look finished because of it).
      { concurrency: run.concurrency },
    );
  }

  /** The next planned rollout, recorded; undefined when the plan is done. */
  async *take(): AsyncGenerator<EvolutionEvent, { request: RolloutRequest; result: RolloutResult } | undefined> {
    const next = yield* this.pool.take();
    if (!next) return undefined;
    this.started.delete(keyOf(this.run, next.job));
    const result = yield* commitRollout(this.run, next.job, next.result);
    return { request: next.job, result };
  }

  /** Take the next planned rollout without recording it (the caller no longer needs it); its events are still yielded. */
  async *skip(): AsyncGenerator<EvolutionEvent, RolloutRequest | undefined> {
    const next = yield* this.pool.take();
    if (!next) return undefined;
    const key = keyOf(this.run, next.job);
    if (this.started.delete(key)) yield { type: 'rollout-discarded', key, taskId: next.job.taskId, attempt: next.job.attempt, reason: 'its task was left out of this comparison' };
    return next.job;
  }

  /**
   * Stop the plan here: what runs ahead is aborted and dropped. Returns a `rollout-discarded` event per attempt that
   * had started, for the caller to yield. Safe to call again (then it returns nothing).
   */
  async close(reason: string): Promise<EvolutionEvent[]> {
    await this.pool.close();
    const discarded: EvolutionEvent[] = [...this.started].map(([key, { taskId, attempt }]) => ({ type: 'rollout-discarded', key, taskId, attempt, reason }));
    this.started.clear();
    return discarded;
  }
}

export type AttemptsResult = { kind: 'done'; passes: TaskPasses; excluded: Map<string, string>; records: RolloutRecord[] } | { kind: 'stop'; stop: EvolutionStop };

/**
 * Run a harness on tasks × attempts (attempt numbers `firstAttempt`…`firstAttempt + k − 1`), task by task, in the
 * pool. A task whose attempt is unavailable is left out: its remaining attempts are reported unavailable too, without
 * running (or, when they ran ahead in the pool, without being recorded).
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
  const plan: RolloutRequest[] = [];
  for (const taskId of taskIds) for (let attempt = first; attempt < first + run.attempts; attempt++) plan.push({ harnessHash, taskId, attempt, stage: options.stage, finalTest: options.finalTest });
  const plannedRollouts = new RolloutWindow(run, plan, (request) => excluded.has(request.taskId));
  try {
    for (const request of plan) {
      const skipped = excluded.get(request.taskId);
      if (skipped !== undefined) {
        yield* plannedRollouts.skip();
        yield { type: 'rollout-unavailable', iteration: run.state.iteration, stage: options.stage, key: keyOf(run, request), taskId: request.taskId, attempt: request.attempt, reason: `left out: ${skipped}` };
        continue;
      }
      const taken = yield* plannedRollouts.take();
      if (!taken) break;
      const { result } = taken;
      if (result.kind === 'stop') {
        yield* await plannedRollouts.close('the evolution stopped before it was recorded');
        return result;
      }
      if (result.kind === 'unavailable') {
        excluded.set(request.taskId, result.reason);
        delete passes[request.taskId];
        continue;
      }
      records.push(result.record);
      passes[request.taskId] = (passes[request.taskId] ?? 0) + (result.record.outcome === 'pass' ? 1 : 0);
    }
  } finally {
    // Also when the caller abandons this generator: nothing keeps running behind it.
    await plannedRollouts.close('not needed');
  }
  for (const taskId of excluded.keys()) delete passes[taskId];
  return { kind: 'done', passes, excluded, records };
}
