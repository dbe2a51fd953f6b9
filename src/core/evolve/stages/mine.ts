import { CONTINUE, type EvolutionEvent, type StageOutcome } from '../events.js';
import { type MiningResult, mineWeaknesses } from '../mining.js';
import type { EvolutionRun } from '../run.js';
import { endIteration, finishDecisions, heldInFailures, unreachableProposer } from './shared.js';

/** Mine: the proposer reads digests of the failed held-in attempts and names recurring weaknesses. */
export async function* mineStage(run: EvolutionRun): AsyncGenerator<EvolutionEvent, StageOutcome> {
  const { state } = run;
  const digests = await heldInFailures(run, state.currentHash);
  if (!digests.length) return finishDecisions(run, 'converged: every held-in attempt passes');
  const stop = run.interruption() ?? run.decisionBudgetStop();
  if (stop) return { kind: 'stop', stop };
  yield { type: 'stage-start', iteration: state.iteration, stage: 'mine', plannedRollouts: 0 };
  let mined: MiningResult;
  try {
    mined = await mineWeaknesses(run.proposer, digests, { signal: run.signal, maxAnswerTokens: state.config.miningMaxAnswerTokens });
  } catch (error) {
    mined = { ok: false, error: `crashed: ${(error as Error).message}`, usage: { inputTokens: 0, outputTokens: 0 }, attempts: 1, notices: [] };
  }
  run.addProposerUsage(mined.usage);
  // How the proposer's endpoint served the call (a refused schema and its fallback) is worth a line, once per call.
  for (const message of mined.notices) yield { type: 'notice', message: `weakness mining: ${message}` };
  const interrupted = run.interruption();
  if (interrupted) return { kind: 'stop', stop: interrupted };
  if (!mined.ok) {
    const unreachable = unreachableProposer(mined.modelError, mined.error);
    if (unreachable) return { kind: 'stop', stop: unreachable };
    state.stageFailures.push({ iteration: state.iteration, stage: 'mine', error: mined.error });
    return yield* endIteration(run, undefined, `weakness mining failed: ${mined.error}`, [
      { type: 'stage-failed', iteration: state.iteration, stage: 'mine', error: mined.error },
      { type: 'stage-end', iteration: state.iteration, stage: 'mine' },
    ]);
  }
  run.iterationRecord().weaknesses = mined.weaknesses;
  state.stage = 'propose';
  yield { type: 'weaknesses-mined', iteration: state.iteration, weaknesses: mined.weaknesses };
  yield { type: 'stage-end', iteration: state.iteration, stage: 'mine' };
  return CONTINUE;
}
