import { CONTINUE, type EvolutionEvent, type StageOutcome } from '../events.js';
import { runAttempts } from '../rollouts.js';
import type { EvolutionRun } from '../run.js';
import { finishDecisions } from './shared.js';

/**
 * Evaluate: the current version on every held-in and held-out task, attempts 1…k. Its failed held-in attempts are what
 * mining reads; the gate compares candidates with other, fresh attempts (see validate).
 */
export async function* evaluateStage(run: EvolutionRun): AsyncGenerator<EvolutionEvent, StageOutcome> {
  const { state } = run;
  const { budget } = state.config;
  const started = state.iterations.some((item) => item.iteration === state.iteration);
  if (!started) {
    if (state.iteration > budget.maxIterations) return finishDecisions(run, `reached ${budget.maxIterations} iteration${budget.maxIterations === 1 ? '' : 's'}`);
    if (state.noAcceptStreak >= state.config.convergenceIterations) return finishDecisions(run, `converged: no accepted edit in ${state.noAcceptStreak} iterations`);
    const previous = run.previousIteration();
    if (previous && !previous.adoptedHash && previous.baseHash === state.currentHash) {
      return finishDecisions(run, `converged: iteration ${previous.iteration} left the harness unchanged, so another iteration would see the same failures`);
    }
    const stop = run.decisionBudgetStop();
    if (stop) return { kind: 'stop', stop };
  }
  const iteration = run.iterationRecord();
  const taskIds = run.heldInAndOut();
  yield { type: 'stage-start', iteration: state.iteration, stage: 'evaluate', plannedRollouts: taskIds.length * run.attempts };
  const result = yield* runAttempts(run, state.currentHash, taskIds, { stage: 'evaluate' });
  if (result.kind === 'stop') return result;
  const version = state.versions[state.currentHash];
  version.scores.heldIn = run.score(result.passes, state.splits.heldIn);
  version.scores.heldOut = run.score(result.passes, state.splits.heldOut);
  if (result.excluded.size) iteration.excludedTasks = [...result.excluded].map(([taskId, reason]) => ({ taskId, reason }));
  state.stage = 'mine';
  yield { type: 'stage-end', iteration: state.iteration, stage: 'evaluate' };
  return CONTINUE;
}
