import { CONTINUE, type EvolutionEvent, type EvolutionStop, type StageOutcome } from '../events.js';
import { type GateDecision, type ObservedPasses, settle, statisticalFeasibility, type TaskPasses } from '../gate.js';
import { RolloutWindow, type RolloutRequest, runAttempts } from '../rollouts.js';
import type { EvolutionRun } from '../run.js';
import type { CandidateRecord } from '../state.js';
import { adaptiveOrder, fullOrder } from '../validation-order.js';

/**
 * Validate: fresh parent attempts (k+1…2k, not the ones whose failures were mined), then every candidate on all held-in
 * and held-out tasks against them, by the configured rule — adaptively (stopping once the decision is settled) or fully.
 */
export async function* validateStage(run: EvolutionRun): AsyncGenerator<EvolutionEvent, StageOutcome> {
  const { state } = run;
  const iteration = run.iterationRecord();
  const taskIds = run.heldInAndOut();
  const perVersion = taskIds.length * run.attempts;
  const undecided = run.iterationCandidates().filter((candidate) => candidate.status === 'pending');
  yield { type: 'stage-start', iteration: state.iteration, stage: 'validate', plannedRollouts: perVersion * (1 + undecided.length) };

  const excluded = new Map((iteration.excludedTasks ?? []).map((item) => [item.taskId, item.reason]));
  const fresh = yield* runAttempts(run, state.currentHash, taskIds, { stage: 'validate', firstAttempt: run.attempts + 1, excluded });
  if (fresh.kind === 'stop') return fresh;
  iteration.freshParent = { passes: fresh.passes, heldIn: run.score(fresh.passes, state.splits.heldIn), heldOut: run.score(fresh.passes, state.splits.heldOut) };
  if (fresh.excluded.size) iteration.excludedTasks = [...fresh.excluded].map(([taskId, reason]) => ({ taskId, reason }));

  const rule = state.config.acceptance;
  let feasibilityNote: string | undefined;
  if (rule.kind === 'statistical') {
    const heldIn = state.splits.heldIn.filter((taskId) => taskId in fresh.passes);
    const failing = heldIn.reduce((sum, taskId) => sum + run.attempts - fresh.passes[taskId], 0);
    const feasibility = statisticalFeasibility(rule.alpha, heldIn.length, run.attempts, failing);
    if (!feasibility.possible) {
      feasibilityNote = feasibility.message;
      yield { type: 'notice', message: `iteration ${state.iteration}: ${feasibility.message}` };
    }
  }

  for (const candidate of undecided) {
    const outcome = yield* validateCandidate(run, candidate, fresh.passes, perVersion, feasibilityNote);
    if (outcome) return { kind: 'stop', stop: outcome };
  }
  state.stage = state.config.reviewBeforeMerge ? 'review' : 'merge';
  yield { type: 'stage-end', iteration: state.iteration, stage: 'validate' };
  return CONTINUE;
}

/** One candidate against the parent's fresh attempts. A crash fails this candidate with its reason, never the evolution. */
async function* validateCandidate(run: EvolutionRun, candidate: CandidateRecord, parent: TaskPasses, planned: number, feasibilityNote: string | undefined): AsyncGenerator<EvolutionEvent, EvolutionStop | undefined> {
  const { state } = run;
  const rule = state.config.acceptance;
  const attempts = run.attempts;
  let spent = 0;
  try {
    const ordered = [...state.splits.heldIn, ...state.splits.heldOut].filter((taskId) => taskId in parent);
    const order = state.config.adaptiveValidation ? adaptiveOrder(rule, run.splitOf, parent, attempts) : fullOrder(ordered, attempts);
    const observed: Record<string, ObservedPasses> = Object.fromEntries(ordered.map((taskId) => [taskId, { passes: 0, runs: 0 }]));
    const excluded: Array<{ taskId: string; reason: string }> = [];
    let decision: GateDecision | undefined;
    const requests: RolloutRequest[] = order.map(([taskId, index]) => ({ harnessHash: candidate.harnessHash, taskId, attempt: index + 1, stage: 'validate' }));
    // The pool may run ahead of the decision; the gate reads results in this order only, so it settles at the same
    // rollout at any pool size, and what ran ahead of it is dropped uncounted.
    const plannedRollouts = new RolloutWindow(run, requests, (request) => !(request.taskId in observed));
    try {
      for (const request of requests) {
        if (!(request.taskId in observed)) {
          yield* plannedRollouts.skip();
          continue;
        }
        if (state.config.adaptiveValidation) {
          const settled = settle(rule, run.splitOf, parent, observed, attempts);
          if (settled.settled) {
            decision = settled.decision;
            break;
          }
        }
        const taken = yield* plannedRollouts.take();
        if (!taken) break;
        const { result } = taken;
        if (result.kind === 'stop') {
          yield* await plannedRollouts.close('the evolution stopped before it was recorded');
          return result.stop;
        }
        spent += 1;
        if (result.kind === 'unavailable') {
          excluded.push({ taskId: request.taskId, reason: result.reason });
          delete observed[request.taskId];
          continue;
        }
        observed[request.taskId].runs += 1;
        if (result.record.outcome === 'pass') observed[request.taskId].passes += 1;
      }
      yield* await plannedRollouts.close('the gate\'s decision was already settled');
    } finally {
      await plannedRollouts.close('not needed');
    }
    if (!decision) {
      const settled = settle(rule, run.splitOf, parent, observed, attempts);
      if (!settled.settled) throw new Error('every planned rollout ran and the gate is still open');
      decision = settled.decision;
    }
    decision.rollouts = { spent, saved: planned - spent };
    if (excluded.length) decision.excluded = excluded;
    if (!decision.accepted && feasibilityNote && !decision.reason.startsWith('held-out')) decision.reason = `${decision.reason} — ${feasibilityNote}`;
    candidate.decision = decision;
    candidate.status = decision.accepted ? 'accepted' : 'rejected';
    candidate.predictedFlipsHappened = candidate.predictedFlips.filter((taskId) => decision!.flips.some((flip) => flip.taskId === taskId && (flip.flip === 'fail→pass' || flip.flip === 'improved')));
    if (!decision.accepted) state.versions[candidate.harnessHash].status = 'abandoned';
    yield { type: 'candidate-decided', iteration: state.iteration, candidateId: candidate.id, status: candidate.status, reason: decision.reason, decision, rolloutsSpent: spent, rolloutsSaved: planned - spent };
    return undefined;
  } catch (error) {
    candidate.status = 'failed';
    candidate.failure = `validation crashed: ${(error as Error).message}`;
    if (state.versions[candidate.harnessHash]) state.versions[candidate.harnessHash].status = 'abandoned';
    yield { type: 'candidate-decided', iteration: state.iteration, candidateId: candidate.id, status: 'failed', reason: candidate.failure, rolloutsSpent: spent, rolloutsSaved: planned - spent };
    return undefined;
  }
}
