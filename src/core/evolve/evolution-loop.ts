import type { AgentEvent } from '../agent/events.js';
import { harnessHash } from '../harness/harness.js';
import type { HarnessDocument } from '../harness/schema.js';
import type { ChatModel, TokenUsage } from '../model/types.js';
import type { SandboxFactory } from '../sandbox/types.js';
import { runTask } from '../tasks/run-task.js';
import type { Task } from '../tasks/types.js';
import { digestTrace, type TraceDigest } from './digest.js';
import { applyEdits, editsAreDisjoint } from './edits.js';
import { decide, type GateDecision, type TaskPasses } from './gate.js';
import { mineWeaknesses } from './mining.js';
import { proposeCandidates } from './proposal.js';
import { type SplitName, splitTasks } from './splits.js';
import {
  type CandidateRecord,
  EVOLUTION_FORMAT_VERSION,
  type EvolutionConfig,
  type EvolutionStage,
  type EvolutionState,
  type EvolutionStore,
  type IterationRecord,
  rolloutKey,
  type RolloutRecord,
  type SplitScore,
  type VersionNode,
} from './state.js';

export interface EvolutionProgress {
  status: EvolutionState['status'];
  iteration: number;
  stage: EvolutionStage;
  rolloutsDone: number;
  rolloutsPlanned: number;
  tokens: number;
  elapsedMs: number;
  /** Rough estimate from the average rollout time so far; undefined until one rollout ran. */
  remainingMs?: number;
  message: string;
}

export interface EvolutionContext {
  store: EvolutionStore;
  tasks: readonly Task[];
  agentModel: ChatModel;
  /** Defaults to the agent model: the paper's loop uses the same model for both. */
  proposerModel?: ChatModel;
  createSandbox: SandboxFactory;
  signal?: AbortSignal;
  onProgress?: (progress: EvolutionProgress) => void;
  /** Fired when a rollout starts, with its events as they stream (for a live view). */
  onRolloutEvent?: (taskId: string, event: AgentEvent) => void;
  now?: () => number;
}

/** Thrown inside the loop to unwind to the top when the user pauses; the state on disk is already consistent. */
class Paused extends Error {}

export async function createEvolution(
  store: EvolutionStore,
  options: { id: string; config: EvolutionConfig; baseHarness: HarnessDocument; tasks: readonly Task[]; now?: () => number },
): Promise<EvolutionState> {
  const hash = await harnessHash(options.baseHarness);
  const splits = splitTasks(options.tasks, options.config.splitRatios, options.config.seed);
  const state: EvolutionState = {
    formatVersion: EVOLUTION_FORMAT_VERSION,
    id: options.id,
    config: options.config,
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
    executedRollouts: 0,
    startedAt: (options.now ?? Date.now)(),
    elapsedMs: 0,
  };
  await store.saveState(state);
  return state;
}

const addUsage = (total: TokenUsage, more: TokenUsage) => {
  total.inputTokens += more.inputTokens;
  total.outputTokens += more.outputTokens;
};
const tokensOf = (usage: TokenUsage) => usage.inputTokens + usage.outputTokens;

/**
 * Run (or resume) an evolution until a budget, convergence, a pause or a review point. The state is saved after
 * every rollout and stage, and every rollout is cached, so a killed process resumes from the last finished rollout
 * and makes the same decisions as an uninterrupted run.
 */
export async function runEvolution(context: EvolutionContext): Promise<EvolutionState> {
  const loaded = await context.store.loadState();
  if (!loaded) throw new Error('no evolution to run: create one first');
  const state: EvolutionState = loaded;
  const now = context.now ?? Date.now;
  const proposer = context.proposerModel ?? context.agentModel;
  const tasksById = new Map(context.tasks.map((task) => [task.id, task]));
  const splitOf: Record<string, SplitName> = {};
  for (const split of ['heldIn', 'heldOut', 'test'] as SplitName[]) for (const taskId of state.splits[split]) splitOf[taskId] = split;
  const sessionStarted = now();
  const elapsedBefore = state.elapsedMs;
  let sessionExecuted = 0;
  let plannedInStage = 0;
  let doneInStage = 0;

  if (state.status === 'done' || state.status === 'failed') return state;
  if (state.status === 'awaiting_review') {
    const pending = state.candidates.filter((candidate) => candidate.iteration === state.iteration && candidate.status === 'accepted' && !state.reviews[candidate.id]);
    if (pending.length) return state;
  }
  state.status = 'running';

  const elapsed = () => elapsedBefore + (now() - sessionStarted);
  const totalTokens = () => tokensOf(state.agentUsage) + tokensOf(state.proposerUsage);
  const progress = (message: string) => {
    const perRollout = sessionExecuted ? (now() - sessionStarted) / sessionExecuted : undefined;
    context.onProgress?.({
      status: state.status,
      iteration: state.iteration,
      stage: state.stage,
      rolloutsDone: doneInStage,
      rolloutsPlanned: plannedInStage,
      tokens: totalTokens(),
      elapsedMs: elapsed(),
      remainingMs: perRollout === undefined ? undefined : perRollout * Math.max(0, plannedInStage - doneInStage),
      message,
    });
  };
  const save = async () => {
    state.elapsedMs = elapsed();
    await context.store.saveState(state);
  };
  /** True while the final test split runs: it is reported, never used for a decision, so no budget stops it. */
  let reporting = false;
  const budgetExceeded = (): string | undefined => {
    if (reporting) return undefined;
    const { budget } = state.config;
    if (budget.maxRollouts !== undefined && state.usedRollouts.length >= budget.maxRollouts) return `rollout budget of ${budget.maxRollouts} used`;
    if (budget.maxTokens !== undefined && totalTokens() >= budget.maxTokens) return `token budget of ${budget.maxTokens} used`;
    if (budget.maxWallTimeMs !== undefined && elapsed() >= budget.maxWallTimeMs) return `time budget of ${Math.round(budget.maxWallTimeMs / 1000)}s used`;
    return undefined;
  };
  class BudgetStop extends Error {}
  const checkInterrupts = () => {
    if (context.signal?.aborted) throw new Paused('paused');
    const exceeded = budgetExceeded();
    if (exceeded) throw new BudgetStop(exceeded);
  };

  /** One rollout, from the cache when it exists. */
  const rollout = async (hash: string, harness: HarnessDocument, taskId: string, attempt: number): Promise<RolloutRecord> => {
    const keyParts = { harnessHash: hash, modelId: context.agentModel.id, suiteHash: state.config.suiteHash, taskId, attempt };
    const key = rolloutKey(keyParts);
    const alreadyUsed = state.usedRollouts.includes(key);
    if (!alreadyUsed) checkInterrupts();
    let record = await context.store.getRollout(key);
    if (!record) {
      const task = tasksById.get(taskId);
      if (!task) throw new Error(`task "${taskId}" is not in the suite`);
      const events: AgentEvent[] = [];
      const result = await runTask({
        task,
        harness,
        harnessHash: hash,
        model: context.agentModel,
        createSandbox: context.createSandbox,
        signal: context.signal,
        onEvent: (event) => {
          events.push(event);
          context.onRolloutEvent?.(taskId, event);
        },
      });
      // A rollout cut short by a pause is not a result; it is run again on resume.
      if (result.agentEndReason === 'aborted' || context.signal?.aborted) throw new Paused('paused');
      record = { ...keyParts, key, outcome: result.outcome, reason: result.reason, usage: result.usage, steps: result.steps, durationMs: result.durationMs, events, createdAt: now() };
      await context.store.putRollout(record);
      state.executedRollouts += 1;
      sessionExecuted += 1;
    }
    if (!alreadyUsed) {
      state.usedRollouts.push(key);
      addUsage(state.agentUsage, record.usage);
      await save();
    }
    doneInStage += 1;
    progress(`${taskId} attempt ${attempt}: ${record.outcome}`);
    return record;
  };

  const evaluate = async (hash: string, taskIds: readonly string[]): Promise<{ passes: TaskPasses; records: RolloutRecord[] }> => {
    const harness = state.versions[hash].harness;
    const passes: TaskPasses = {};
    const records: RolloutRecord[] = [];
    for (const taskId of taskIds) {
      passes[taskId] = 0;
      for (let attempt = 1; attempt <= state.config.attempts; attempt++) {
        const record = await rollout(hash, harness, taskId, attempt);
        records.push(record);
        if (record.outcome === 'pass') passes[taskId] += 1;
      }
    }
    return { passes, records };
  };

  const score = (passes: TaskPasses, taskIds: readonly string[]): SplitScore => ({
    passed: taskIds.reduce((sum, taskId) => sum + (passes[taskId] ?? 0), 0),
    total: taskIds.length * state.config.attempts,
  });

  const iterationRecord = (): IterationRecord => {
    let record = state.iterations.find((item) => item.iteration === state.iteration);
    if (!record) {
      record = { iteration: state.iteration, baseHash: state.currentHash, rejectedProposals: [], candidateIds: [] };
      state.iterations.push(record);
    }
    return record;
  };

  const setStage = async (stage: EvolutionStage, planned = 0) => {
    state.stage = stage;
    plannedInStage = planned;
    doneInStage = 0;
    await save();
    progress(`iteration ${state.iteration}: ${stage}`);
  };

  const finish = async (reason: string) => {
    state.stopReason ??= reason;
    await setStage('final_test', state.splits.test.length * state.config.attempts * (state.currentHash === state.baseHash ? 1 : 2));
    reporting = true;
    for (const hash of [...new Set([state.baseHash, state.currentHash])]) {
      const { passes } = await evaluate(hash, state.splits.test);
      state.versions[hash].scores.test = score(passes, state.splits.test);
    }
    reporting = false;
    state.status = 'done';
    await setStage('finished');
    progress(`done: ${state.stopReason}`);
  };

  const heldInAndOut = () => [...state.splits.heldIn, ...state.splits.heldOut];

  try {
    while (state.stage !== 'finished') {
      const iteration = iterationRecord();
      switch (state.stage) {
        case 'evaluate': {
          if (state.iteration > state.config.budget.maxIterations) return await done(`reached ${state.config.budget.maxIterations} iterations`);
          if (state.noAcceptStreak >= state.config.convergenceIterations) return await done(`converged: no accepted edit in ${state.noAcceptStreak} iterations`);
          const exceeded = budgetExceeded();
          if (exceeded) return await done(exceeded);
          plannedInStage = heldInAndOut().length * state.config.attempts;
          const { passes } = await evaluate(state.currentHash, heldInAndOut());
          const version = state.versions[state.currentHash];
          version.scores.heldIn = score(passes, state.splits.heldIn);
          version.scores.heldOut = score(passes, state.splits.heldOut);
          await setStage('mine');
          break;
        }
        case 'mine': {
          const digests = await heldInFailures(state.currentHash);
          if (!digests.length) return await done('converged: every held-in attempt passes');
          checkInterrupts();
          const mined = await mineWeaknesses(proposer, digests, { signal: context.signal, maxAnswerTokens: state.config.miningMaxAnswerTokens });
          addUsage(state.proposerUsage, mined.usage);
          if (context.signal?.aborted) throw new Paused('paused');
          if (!mined.ok) {
            state.stageFailures.push({ iteration: state.iteration, stage: 'mine', error: mined.error });
            await nextIteration(false, `weakness mining failed: ${mined.error}`);
            break;
          }
          iteration.weaknesses = mined.weaknesses;
          await setStage('propose');
          break;
        }
        case 'propose': {
          const weaknesses = (iteration.weaknesses ?? []).slice(0, state.config.topWeaknesses);
          const heldOutScore = state.versions[state.currentHash].scores.heldOut ?? { passed: 0, total: 0 };
          const harness = state.versions[state.currentHash].harness;
          const digests = await heldInFailures(state.currentHash);
          for (const weakness of weaknesses) {
            if (iteration.candidateIds.some((id) => state.candidates.find((candidate) => candidate.id === id)?.weaknessId === weakness.id)) continue;
            if (iteration.rejectedProposals.some((rejected) => rejected.weaknessId === weakness.id && rejected.reason.startsWith('stage failed'))) continue;
            checkInterrupts();
            const evidence = digests.filter((digest) => weakness.evidenceTaskIds.includes(digest.taskId));
            const proposal = await proposeCandidates(proposer, harness, weakness, evidence, {
              count: state.config.candidatesPerWeakness,
              heldOutPassed: { passed: heldOutScore.passed, total: heldOutScore.total },
              earlier: state.candidates,
              idPrefix: `i${state.iteration}-${weakness.id}`,
              signal: context.signal,
              maxAnswerTokens: state.config.proposalMaxAnswerTokens,
            });
            addUsage(state.proposerUsage, proposal.usage);
            if (context.signal?.aborted) throw new Paused('paused');
            if (!proposal.ok) {
              state.stageFailures.push({ iteration: state.iteration, stage: 'propose', error: `${weakness.id}: ${proposal.error}` });
              iteration.rejectedProposals.push({ weaknessId: weakness.id, reason: `stage failed: ${proposal.error}`, raw: null });
              await save();
              continue;
            }
            iteration.rejectedProposals.push(...proposal.rejected);
            for (const candidate of proposal.candidates) {
              const applied = applyEdits(harness, candidate.edits, candidate.weaknessId);
              if (!applied.ok) continue; // proposeCandidates already applied it once; kept for type narrowing
              const hash = await harnessHash(applied.harness);
              state.versions[hash] ??= { hash, parentHash: state.currentHash, harness: applied.harness, kind: 'candidate', iteration: state.iteration, candidateIds: [candidate.id], edits: candidate.edits, weaknessIds: [candidate.weaknessId], scores: {}, status: 'pending' };
              state.candidates.push({ ...candidate, iteration: state.iteration, harnessHash: hash, status: 'pending' });
              iteration.candidateIds.push(candidate.id);
            }
            await save();
          }
          const candidateCount = iteration.candidateIds.length;
          if (!candidateCount) {
            await nextIteration(false, 'no usable candidate was proposed');
            break;
          }
          await setStage('validate');
          break;
        }
        case 'validate': {
          const candidates = iterationCandidates();
          plannedInStage = candidates.reduce((sum, candidate) => sum + (validationTasks(candidate).length * state.config.attempts), 0);
          const parent = await evaluate(state.currentHash, heldInAndOut());
          for (const candidate of candidates) {
            if (candidate.decision) continue;
            const taskIds = validationTasks(candidate);
            const { passes } = await evaluate(candidate.harnessHash, taskIds);
            const decision = decide(state.config.acceptance, splitOf, pick(parent.passes, taskIds), passes, state.config.attempts);
            candidate.decision = decision;
            candidate.status = decision.accepted ? 'accepted' : 'rejected';
            candidate.predictedFlipsHappened = candidate.predictedFlips.filter((taskId) => decision.flips.some((flip) => flip.taskId === taskId && (flip.flip === 'fail→pass' || flip.flip === 'improved')));
            if (!decision.accepted) state.versions[candidate.harnessHash].status = 'abandoned';
            await save();
          }
          await setStage(state.config.reviewBeforeMerge ? 'review' : 'merge');
          break;
        }
        case 'review': {
          const awaiting = iterationCandidates().filter((candidate) => candidate.status === 'accepted' && !state.reviews[candidate.id]);
          if (awaiting.length) {
            state.status = 'awaiting_review';
            await save();
            progress(`waiting for review of ${awaiting.length} candidate(s)`);
            return state;
          }
          for (const candidate of iterationCandidates()) {
            if (candidate.status === 'accepted' && state.reviews[candidate.id] === 'reject') {
              candidate.status = 'human_rejected';
              state.versions[candidate.harnessHash].status = 'abandoned';
            }
          }
          await setStage('merge');
          break;
        }
        case 'merge': {
          await merge(iteration);
          break;
        }
        case 'final_test':
          await finish(state.stopReason ?? 'finished');
          break;
      }
    }
    return state;
  } catch (error) {
    if (error instanceof Paused) {
      state.status = 'paused';
      await save();
      progress('paused');
      return state;
    }
    if (error instanceof BudgetStop) {
      // Leave the decision loop cleanly, then run the final report stage as a fresh resume would.
      state.stopReason = error.message;
      await setStage('final_test');
      return runEvolution(context);
    }
    state.status = 'failed';
    state.stopReason = `crashed: ${(error as Error).message}`;
    await save();
    throw error;
  }

  async function done(reason: string): Promise<EvolutionState> {
    await finish(reason);
    return state;
  }

  function iterationCandidates(): CandidateRecord[] {
    return state.candidates.filter((candidate) => candidate.iteration === state.iteration);
  }

  /** Held-in tasks of the candidate's weakness plus every held-out task. */
  function validationTasks(candidate: CandidateRecord): string[] {
    const weakness = iterationRecord().weaknesses?.find((item) => item.id === candidate.weaknessId);
    const evidence = (weakness?.evidenceTaskIds ?? []).filter((taskId) => splitOf[taskId] === 'heldIn');
    return [...new Set([...evidence, ...state.splits.heldOut])];
  }

  function pick(passes: TaskPasses, taskIds: readonly string[]): TaskPasses {
    return Object.fromEntries(taskIds.map((taskId) => [taskId, passes[taskId] ?? 0]));
  }

  /** Digests of failed held-in attempts only: held-out traces never reach a proposer. */
  async function heldInFailures(hash: string): Promise<TraceDigest[]> {
    const digests: TraceDigest[] = [];
    for (const taskId of state.splits.heldIn) {
      for (let attempt = 1; attempt <= state.config.attempts; attempt++) {
        const record = await context.store.getRollout(rolloutKey({ harnessHash: hash, modelId: context.agentModel.id, suiteHash: state.config.suiteHash, taskId, attempt }));
        if (record && record.outcome !== 'pass') digests.push(digestTrace(taskId, attempt, record.outcome, record.events));
      }
    }
    return digests;
  }

  async function nextIteration(accepted: boolean, note: string) {
    const iteration = iterationRecord();
    iteration.mergeNote = note;
    state.noAcceptStreak = accepted ? 0 : state.noAcceptStreak + 1;
    state.iteration += 1;
    await setStage('evaluate');
  }

  function improvement(decision: GateDecision | undefined): number {
    if (!decision) return 0;
    return Object.values(decision.splitCounts).reduce((sum, counts) => sum + (counts ? counts.candidate - counts.parent : 0), 0);
  }

  async function merge(iteration: IterationRecord) {
    const accepted = iterationCandidates()
      .filter((candidate) => candidate.status === 'accepted')
      .sort((a, b) => improvement(b.decision) - improvement(a.decision) || a.id.localeCompare(b.id));
    if (!accepted.length) {
      await nextIteration(false, 'no candidate passed the gate');
      return;
    }
    const best = accepted[0];
    const group = [best];
    for (const candidate of accepted.slice(1)) {
      if (group.every((member) => editsAreDisjoint(member.edits, candidate.edits))) group.push(candidate);
    }
    let adopted = best.harnessHash;
    let note = `adopted ${best.id}`;
    if (group.length > 1) {
      const parentHarness = state.versions[state.currentHash].harness;
      const applied = applyEdits(parentHarness, group.flatMap((member) => member.edits), group.map((member) => member.weaknessId).join('+'));
      if (applied.ok) {
        const mergedHash = await harnessHash(applied.harness);
        state.versions[mergedHash] ??= {
          hash: mergedHash,
          parentHash: state.currentHash,
          harness: applied.harness,
          kind: 'merge',
          iteration: state.iteration,
          candidateIds: group.map((member) => member.id),
          edits: group.flatMap((member) => member.edits),
          weaknessIds: [...new Set(group.map((member) => member.weaknessId))],
          scores: {},
          status: 'pending',
        };
        const taskIds = [...new Set(group.flatMap((member) => validationTasks(member)))];
        plannedInStage = taskIds.length * state.config.attempts;
        const parent = await evaluate(state.currentHash, taskIds);
        const merged = await evaluate(mergedHash, taskIds);
        const mergedDecision = decide(state.config.acceptance, splitOf, parent.passes, merged.passes, state.config.attempts);
        const bestOnSame = await evaluate(best.harnessHash, taskIds);
        const bestDecision = decide(state.config.acceptance, splitOf, parent.passes, bestOnSame.passes, state.config.attempts);
        if (mergedDecision.accepted && improvement(mergedDecision) >= improvement(bestDecision)) {
          adopted = mergedHash;
          note = `merged ${group.map((member) => member.id).join(' + ')} (${mergedDecision.reason})`;
          for (const member of group) member.status = 'merged';
        } else {
          state.versions[mergedHash].status = 'abandoned';
          note = `merge of ${group.map((member) => member.id).join(' + ')} regressed or did not beat the best single candidate; kept ${best.id}`;
        }
      }
    }
    for (const candidate of accepted) {
      if (candidate.status === 'accepted' && candidate.harnessHash !== adopted) {
        candidate.status = 'not_merged';
        state.versions[candidate.harnessHash].status = 'abandoned';
      }
    }
    if (adopted === best.harnessHash) best.status = 'merged';
    state.versions[adopted].status = 'adopted';
    iteration.adoptedHash = adopted;
    state.currentHash = adopted;
    await nextIteration(true, note);
  }
}

/** End an evolution now, without more rollouts: what was decided stays, the test split is left unreported. */
export async function stopEvolution(store: EvolutionStore): Promise<EvolutionState | undefined> {
  const state = await store.loadState();
  if (!state || state.status === 'done' || state.status === 'failed') return state;
  state.status = 'done';
  state.stage = 'finished';
  state.stopReason = 'stopped by the user';
  await store.saveState(state);
  return state;
}

/** Record a person's accept/reject for a gate-approved candidate while the evolution waits for review. */
export async function reviewCandidate(store: EvolutionStore, candidateId: string, verdict: 'accept' | 'reject'): Promise<EvolutionState> {
  const state = await store.loadState();
  if (!state) throw new Error('no evolution');
  const candidate = state.candidates.find((item) => item.id === candidateId);
  if (!candidate || candidate.status !== 'accepted' || candidate.iteration !== state.iteration) throw new Error(`candidate ${candidateId} is not waiting for review`);
  state.reviews[candidateId] = verdict;
  await store.saveState(state);
  return state;
}
