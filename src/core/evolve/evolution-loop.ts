import { harnessHash } from '../harness/harness.js';
import type { HarnessDocument } from '../harness/schema.js';
import type { ChatModel } from '../model/types.js';
import { suiteHash } from '../tasks/suite-hash.js';
import type { Task } from '../tasks/types.js';
import { evolutionTaskCountProblem, parseEvolutionConfig } from './config.js';
import { type EvolutionEvent, isCheckpoint, type StageOutcome } from './events.js';
import { evolutionWarnings } from './evolution-warnings.js';
import { describeRule } from './gate.js';
import { describeModelIdentity, isSameModel, legacyModelIdentity, modelIdentity } from './model-identity.js';
import { advanceProgress, type EvolutionProgress, initialProgress } from './progress.js';
import { decisionBudgetUsedUp, describeDuration, type EvolutionContext, EvolutionRun } from './run.js';
import { splitTasks } from './splits.js';
import { evaluateStage } from './stages/evaluate.js';
import { finalTestStage } from './stages/final-test.js';
import { mergeStage } from './stages/merge.js';
import { mineStage } from './stages/mine.js';
import { proposeStage } from './stages/propose.js';
import { reviewStage } from './stages/review.js';
import { validateStage } from './stages/validate.js';
import { parseEvolutionState } from './state-schema.js';
import { EVOLUTION_FORMAT_VERSION, type EvolutionBudget, type EvolutionConfig, type EvolutionStage, type EvolutionState, type EvolutionStore } from './state.js';

export type { AttemptInput, AttemptRunner, EvolutionContext } from './run.js';
export type { EvolutionEvent } from './events.js';
export type { EvolutionProgress } from './progress.js';

type StageRunner = (run: EvolutionRun) => AsyncGenerator<EvolutionEvent, StageOutcome>;

/** One file per stage; each runs to its end (or a stop) and leaves `state.stage` at the next one. */
const STAGES: Record<Exclude<EvolutionStage, 'finished'>, StageRunner> = {
  evaluate: evaluateStage,
  mine: mineStage,
  propose: proposeStage,
  validate: validateStage,
  review: reviewStage,
  merge: mergeStage,
  final_test: finalTestStage,
};

export async function createEvolution(
  store: EvolutionStore,
  options: {
    id: string;
    config: EvolutionConfig;
    baseHarness: HarnessDocument;
    tasks: readonly Task[];
    /** Give the models: their identity (not their URL) then keys caches and resumes. Without, the config's model ids are used. */
    agentModel?: ChatModel;
    proposerModel?: ChatModel;
    now?: () => number;
  },
): Promise<EvolutionState> {
  // The suite's identity is always what the tasks hash to: a resume with edited tasks is then detected.
  const given = { ...options.config, suiteHash: await suiteHash(options.tasks) };
  // One schema for every way in: settings that could never run (attempts 0.5, α = 5) are refused now, in the words
  // the form and the CLI use, before anything is stored.
  const config = parseEvolutionConfig(given);
  if (!config.ok) throw new Error(`invalid evolution settings: ${config.problems.map((problem) => `config.${problem.path}: ${problem.message}`).join('; ')}`);
  const tooFew = evolutionTaskCountProblem(options.tasks.length);
  if (tooFew) throw new Error(tooFew);
  const hash = await harnessHash(options.baseHarness);
  const splits = splitTasks(options.tasks, config.value.splitRatios, config.value.seed);
  const agent = options.agentModel ? modelIdentity(options.agentModel) : legacyModelIdentity(options.config.agentModelId);
  const proposerModel = options.proposerModel ?? options.agentModel;
  const proposer = proposerModel ? modelIdentity(proposerModel) : legacyModelIdentity(options.config.proposerModelId);
  const state: EvolutionState = {
    formatVersion: EVOLUTION_FORMAT_VERSION,
    id: options.id,
    config: config.value,
    splits,
    status: 'running',
    iteration: 1,
    stage: 'evaluate',
    baseHash: hash,
    currentHash: hash,
    versions: { [hash]: { hash, harness: options.baseHarness, kind: 'base', iteration: 0, candidateIds: [], edits: [], weaknessIds: [], scores: {}, status: 'base' } },
    iterations: [],
    candidates: [],
    stageFailures: [],
    noAcceptStreak: 0,
    reviews: {},
    usedRollouts: [],
    agentUsage: { inputTokens: 0, outputTokens: 0 },
    proposerUsage: { inputTokens: 0, outputTokens: 0 },
    abandonedUsage: { inputTokens: 0, outputTokens: 0 },
    executedRollouts: 0,
    startedAt: (options.now ?? Date.now)(),
    elapsedMs: 0,
    models: { agent, proposer, proposerChanges: [] },
  };
  // The same schema every resume checks.
  const checked = parseEvolutionState(state);
  if (!checked.ok) throw new Error(checked.error.replace('not a valid evolution state (format version 2)', 'invalid evolution settings'));
  await store.saveState(state);
  return state;
}

/** Read what a store holds and validate it; a missing state is `undefined`, a bad one an error value with the reason. */
export async function readEvolutionState(store: EvolutionStore): Promise<{ ok: true; state: EvolutionState | undefined; migratedFrom?: number } | { ok: false; error: string }> {
  let raw: unknown;
  try {
    raw = await store.loadState();
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
  if (raw === undefined) return { ok: true, state: undefined };
  const parsed = parseEvolutionState(raw);
  return parsed.ok ? { ok: true, state: parsed.value, migratedFrom: parsed.migratedFrom } : parsed;
}

export type RefusalKind = 'missing' | 'invalid' | 'suite_changed' | 'model_changed' | 'proposer_changed';

/** Why an evolution cannot be resumed as asked; nothing stored was changed. */
export class EvolutionRefused extends Error {
  constructor(
    readonly kind: RefusalKind,
    message: string,
  ) {
    super(message);
    this.name = 'EvolutionRefused';
  }
}

type Opened = { ok: true; state: EvolutionState; notices: string[] } | { ok: false; kind: RefusalKind; message: string };

const budgetLabels: Array<[keyof EvolutionBudget, string, (value: number) => string]> = [
  ['maxIterations', 'iteration budget', (value) => `${value}`],
  ['maxRollouts', 'rollout budget', (value) => `${value}`],
  ['maxTokens', 'token budget', (value) => `${value}`],
  ['maxWallTimeMs', 'time budget', describeDuration],
  ['maxFinalTestRollouts', 'final-test budget', (value) => `${value}`],
];

/** Apply budget values given on resume; say what changed. */
function applyBudget(state: EvolutionState, budget: Partial<EvolutionBudget> | undefined): string[] {
  const notices: string[] = [];
  if (!budget) return notices;
  for (const [field, label, show] of budgetLabels) {
    const next = budget[field];
    if (next === undefined) continue;
    const current = state.config.budget[field];
    if (current === next) continue;
    (state.config.budget as unknown as Record<string, number>)[field] = next;
    notices.push(current === undefined ? `${label} set to ${show(next)}` : `${label} ${next > current ? 'raised' : 'lowered'} from ${show(current)} to ${show(next)}`);
  }
  return notices;
}

/** A finished evolution ended by a budget that has since been raised continues where decisions stopped. */
function reopenAfterBudget(state: EvolutionState): string | undefined {
  if (state.status !== 'done') return undefined;
  const iterationsRaised = /^reached \d+ iterations?$/.test(state.stopReason ?? '') && state.iteration <= state.config.budget.maxIterations;
  const decisionBudgetRaised = state.budgetStop !== undefined && decisionBudgetUsedUp(state) === undefined;
  if (!iterationsRaised && !decisionBudgetRaised) return undefined;
  const previous = state.stopReason;
  const current = state.iterations.find((item) => item.iteration === state.iteration);
  if (current?.mergeNote !== undefined) state.iteration += 1;
  state.status = 'running';
  state.stage = 'evaluate';
  state.stopReason = undefined;
  state.budgetStop = undefined;
  state.finalTest = undefined;
  return `it had stopped (${previous}); continuing with iteration ${state.iteration}`;
}

/** Load, validate, and check that the context matches what the evolution was started with. */
export async function openEvolution(context: EvolutionContext): Promise<Opened> {
  const read = await readEvolutionState(context.store);
  if (!read.ok) return { ok: false, kind: 'invalid', message: read.error };
  const state = read.state;
  if (!state) return { ok: false, kind: 'missing', message: 'no evolution to run: create one first' };
  const notices: string[] = [];
  if (read.migratedFrom !== undefined) notices.push(`upgraded the stored evolution from format version ${read.migratedFrom} to ${EVOLUTION_FORMAT_VERSION}`);

  const taskIds = [...state.splits.heldIn, ...state.splits.heldOut, ...state.splits.test];
  const given = new Map(context.tasks.map((task) => [task.id, task]));
  const missing = taskIds.filter((taskId) => !given.has(taskId));
  if (missing.length) {
    return { ok: false, kind: 'suite_changed', message: `the suite given lacks ${missing.length} of this evolution's tasks (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}); resume with the suite it was started with (${state.config.suiteId})` };
  }
  const hash = await suiteHash(taskIds.map((taskId) => given.get(taskId)!));
  if (hash !== state.config.suiteHash) {
    return { ok: false, kind: 'suite_changed', message: `the suite's tasks changed since this evolution started (same task ids, different content: suite hash ${state.config.suiteHash.slice(0, 12)} → ${hash.slice(0, 12)}); cached results would not match. Resume with the original suite, or start a new evolution` };
  }
  if (!isSameModel(state.models.agent, context.agentModel)) {
    return {
      ok: false,
      kind: 'model_changed',
      message: `this evolution's agent is ${describeModelIdentity(state.models.agent)}; resuming with ${describeModelIdentity(modelIdentity(context.agentModel))} would mix two models' results. Resume with the same provider, model, action protocol and sampling settings (the URL may differ)`,
    };
  }
  const proposer = context.proposerModel ?? context.agentModel;
  if (!isSameModel(state.models.proposer, proposer)) {
    const from = describeModelIdentity(state.models.proposer);
    const to = describeModelIdentity(modelIdentity(proposer));
    if (!context.acceptProposerChange) return { ok: false, kind: 'proposer_changed', message: `this evolution's proposer is ${from}; it would be resumed with ${to}. Resume with the same proposer, or accept the change explicitly` };
    state.models.proposerChanges.push({ iteration: state.iteration, from: state.models.proposer.key, to: modelIdentity(proposer).key });
    state.models.proposer = modelIdentity(proposer);
    notices.push(`the proposer changed from ${from} to ${to} at iteration ${state.iteration}; the report says so`);
  }
  notices.push(...applyBudget(state, context.budget));
  const reopened = reopenAfterBudget(state);
  if (reopened) notices.push(reopened);
  if (state.status === 'failed') {
    notices.push(`resuming after a failure (${state.stopReason ?? 'unknown cause'})`);
    state.stopReason = undefined;
    state.status = 'running';
  }
  return { ok: true, state, notices };
}

/** Relay a stage's events, keeping the elapsed time on the state current for every checkpoint. */
async function* relay(run: EvolutionRun, stage: AsyncGenerator<EvolutionEvent, StageOutcome>): AsyncGenerator<EvolutionEvent, StageOutcome> {
  while (true) {
    const next = await stage.next();
    run.state.elapsedMs = run.elapsed();
    if (next.done) return next.value;
    yield next.value;
  }
}

/** After a rollout or token budget stop: candidates not yet validated are skipped, accepted ones merged, then the final test. */
function routeAfterBudgetStop(run: EvolutionRun, reason: string) {
  const { state } = run;
  for (const candidate of run.iterationCandidates()) {
    if (candidate.status !== 'pending') continue;
    candidate.status = 'skipped';
    candidate.failure = `not validated: ${reason}`;
    state.versions[candidate.harnessHash].status = 'abandoned';
  }
  const accepted = run.iterationCandidates().some((candidate) => candidate.status === 'accepted');
  if (accepted && (state.stage === 'validate' || state.stage === 'review' || state.stage === 'merge')) state.stage = state.config.reviewBeforeMerge ? 'review' : 'merge';
  else {
    const iteration = state.iterations.find((item) => item.iteration === state.iteration);
    if (iteration && iteration.mergeNote === undefined) iteration.mergeNote = `stopped: ${reason}`;
    state.stage = 'final_test';
  }
}

/**
 * The evolution loop, in the agent loop's image: an async generator of typed events that runs stage after stage from
 * wherever the state is, and returns the state when the evolution is done, paused or waiting for review. It saves
 * nothing itself: `runEvolution` hands every event to the store and the other subscribers. Pauses, time and budget
 * stops are values stages return, not exceptions.
 */
export async function* evolutionSteps(state: EvolutionState, context: EvolutionContext, notices: readonly string[] = []): AsyncGenerator<EvolutionEvent, EvolutionState> {
  const run = new EvolutionRun(state, context);
  try {
    if (state.status === 'done') return state;
    const resumed = state.usedRollouts.length > 0 || state.iterations.length > 0 || state.status !== 'running';
    state.status = 'running';
    state.pause = undefined;
    yield { type: 'evolution-start', evolutionId: state.id, iteration: state.iteration, stage: state.stage, resumed };
    for (const message of notices) yield { type: 'notice', message };
    if (!resumed) {
      yield { type: 'notice', message: `gate: ${describeRule(state.config.acceptance)}; ${state.config.adaptiveValidation ? 'adaptive validation (stops once the decision cannot change)' : 'full validation'}` };
      // The same words the form and the CLI said before the run, kept with the evolution's events.
      const taskCount = state.splits.heldIn.length + state.splits.heldOut.length + state.splits.test.length;
      for (const warning of evolutionWarnings(state.config, taskCount)) if (warning.kind === 'never_accepts') yield { type: 'notice', message: warning.message };
    }
    while (state.stage !== 'finished') {
      const outcome = yield* relay(run, STAGES[state.stage](run));
      if (outcome.kind === 'continue') continue;
      if (outcome.kind === 'await-review') {
        state.status = 'awaiting_review';
        yield { type: 'evolution-awaiting-review', iteration: state.iteration, candidateIds: outcome.candidateIds };
        return state;
      }
      const { stop } = outcome;
      if (stop.kind === 'pause') {
        state.status = 'paused';
        state.pause = stop.pause;
        state.elapsedMs = run.elapsed();
        yield { type: 'evolution-paused', pause: stop.pause };
        return state;
      }
      state.budgetStop ??= { iteration: state.iteration, reason: stop.reason };
      state.stopReason ??= stop.reason;
      const iteration = state.iteration;
      routeAfterBudgetStop(run, stop.reason);
      yield { type: 'decisions-stopped', iteration, reason: stop.reason };
    }
    return state;
  } finally {
    run.dispose();
  }
}

/** The store as a subscriber: a rollout that ran is stored before the state that uses it, so a kill never loses one. */
export function persistTo(store: EvolutionStore): (event: EvolutionEvent, state: EvolutionState) => Promise<void> {
  return async (event, state) => {
    if (event.type === 'rollout-end' && !event.cached) await store.putRollout(event.record);
    if (isCheckpoint(event)) await store.saveState(state);
  };
}

/**
 * Run (or resume) an evolution until it is done, paused or waiting for review, handing every event to the store and
 * then to `context.onEvent`. A kill at any point resumes from the last saved event with the same decisions. A state that
 * does not validate, another suite, or another model is refused (`EvolutionRefused`) without touching what is stored.
 */
export async function runEvolution(context: EvolutionContext): Promise<EvolutionState> {
  const opened = await openEvolution(context);
  if (!opened.ok) throw new EvolutionRefused(opened.kind, opened.message);
  const { state } = opened;
  if (state.status === 'done') return state;
  if (state.status === 'awaiting_review' && state.candidates.some((candidate) => candidate.iteration === state.iteration && candidate.status === 'accepted' && !state.reviews[candidate.id])) return state;
  const persist = persistTo(context.store);
  const steps = evolutionSteps(state, context, opened.notices);
  let progress: EvolutionProgress | undefined;
  try {
    while (true) {
      const next = await steps.next();
      if (next.done) return next.value;
      await persist(next.value, state);
      await context.onEvent?.(next.value, state);
      if (context.onProgress && next.value.type !== 'rollout-event') {
        progress = advanceProgress(progress ?? initialProgress(state, context.concurrency), next.value, state);
        context.onProgress(progress);
      }
    }
  } catch (error) {
    await steps.return(state).catch(() => undefined);
    state.status = 'failed';
    state.stopReason = `crashed: ${(error as Error).message}`;
    await context.store.saveState(state).catch(() => undefined);
    throw error;
  }
}

/** End an evolution now, without more rollouts: what was decided stays, the test split is left unreported. */
export async function stopEvolution(store: EvolutionStore): Promise<EvolutionState | undefined> {
  const read = await readEvolutionState(store);
  if (!read.ok) throw new EvolutionRefused('invalid', read.error);
  const state = read.state;
  if (!state || state.status === 'done') return state;
  state.status = 'done';
  state.stage = 'finished';
  state.pause = undefined;
  state.stopReason = 'stopped by the user';
  await store.saveState(state);
  return state;
}

/** Record a person's accept/reject for a gate-approved candidate while the evolution waits for review. */
export async function reviewCandidate(store: EvolutionStore, candidateId: string, verdict: 'accept' | 'reject'): Promise<EvolutionState> {
  const read = await readEvolutionState(store);
  if (!read.ok) throw new EvolutionRefused('invalid', read.error);
  const state = read.state;
  if (!state) throw new EvolutionRefused('missing', 'no evolution');
  const candidate = state.candidates.find((item) => item.id === candidateId);
  if (!candidate || candidate.status !== 'accepted' || candidate.iteration !== state.iteration) throw new Error(`candidate ${candidateId} is not waiting for review`);
  state.reviews[candidateId] = verdict;
  await store.saveState(state);
  return state;
}
