import type { ModelError } from '../../model/types.js';
import { isInfrastructureModelError, isModelRefusal } from '../../tasks/run-task.js';
import { digestTrace, type TraceDigest } from '../digest.js';
import { CONTINUE, type EvolutionEvent, type EvolutionStop, type StageOutcome } from '../events.js';
import type { EvolutionRun } from '../run.js';
import { rolloutKey } from '../state.js';

/** Decisions are over: record why (the first reason wins) and go to the final test. */
export function finishDecisions(run: EvolutionRun, reason: string): StageOutcome {
  // An iteration that had started ends here, and says why.
  const started = run.state.iterations.find((item) => item.iteration === run.state.iteration);
  if (started && started.mergeNote === undefined) started.mergeNote = reason;
  run.state.stopReason ??= reason;
  run.state.stage = 'final_test';
  return CONTINUE;
}

/**
 * Close the current iteration; the next one starts at evaluate, unless a budget stop ended decision making. Every state
 * change happens before the first event (`before`, then `iteration-end`) is yielded, so the checkpoint it causes never
 * saves a half-closed iteration.
 */
export function* endIteration(run: EvolutionRun, adoptedHash: string | undefined, note: string, before: EvolutionEvent[] = []): Generator<EvolutionEvent, StageOutcome> {
  const { state } = run;
  const iteration = run.iterationRecord();
  const number = state.iteration;
  iteration.mergeNote = note;
  if (adoptedHash) iteration.adoptedHash = adoptedHash;
  state.noAcceptStreak = adoptedHash ? 0 : state.noAcceptStreak + 1;
  let outcome: StageOutcome = CONTINUE;
  if (state.budgetStop) outcome = finishDecisions(run, state.budgetStop.reason);
  else {
    state.iteration += 1;
    state.stage = 'evaluate';
  }
  yield* before;
  yield { type: 'iteration-end', iteration: number, note, adoptedHash };
  return outcome;
}

/**
 * A proposer call that failed because the model could not be reached, or because its endpoint refuses the request for
 * good (its settings are wrong), pauses the evolution with the server's message; any other failure does not.
 */
export function unreachableProposer(error: ModelError | undefined, message: string): EvolutionStop | undefined {
  if (!error || !isInfrastructureModelError(error)) return undefined;
  if (isModelRefusal(error)) {
    return {
      kind: 'pause',
      pause: { kind: 'model_refused', reason: `the proposer's endpoint refused the request: ${message}`, resumeHint: 'fix the proposer model\'s settings (model name, base URL, API key, server flags), then resume' },
    };
  }
  return {
    kind: 'pause',
    pause: { kind: 'model_unreachable', reason: `the proposer could not be reached: ${message}`, resumeHint: 'check that the proposer model is up and reachable, then resume' },
  };
}

/** Digests of the failed held-in attempts whose failures are mined (attempts 1…k). Held-out traces never reach a proposer. */
export async function heldInFailures(run: EvolutionRun, harnessHash: string): Promise<TraceDigest[]> {
  const { state } = run;
  const digests: TraceDigest[] = [];
  for (const taskId of state.splits.heldIn) {
    for (let attempt = 1; attempt <= run.attempts; attempt++) {
      const record = await run.context.store.getRollout(rolloutKey({ harnessHash, modelId: state.models.agent.key, suiteHash: state.config.suiteHash, taskId, attempt }));
      if (record && record.outcome !== 'pass' && record.outcome !== 'infra_error') digests.push(digestTrace(taskId, attempt, record.outcome, record.events));
    }
  }
  return digests;
}
