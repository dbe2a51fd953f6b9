import { CONTINUE, type EvolutionEvent, type StageOutcome } from '../events.js';
import type { EvolutionRun } from '../run.js';

/** Review (optional): wait until a person has accepted or rejected every candidate the gate accepted. */
export async function* reviewStage(run: EvolutionRun): AsyncGenerator<EvolutionEvent, StageOutcome> {
  const { state } = run;
  const candidates = run.iterationCandidates();
  const awaiting = candidates.filter((candidate) => candidate.status === 'accepted' && !state.reviews[candidate.id]);
  if (awaiting.length) return { kind: 'await-review', candidateIds: awaiting.map((candidate) => candidate.id) };
  for (const candidate of candidates) {
    if (candidate.status === 'accepted' && state.reviews[candidate.id] === 'reject') {
      candidate.status = 'human_rejected';
      state.versions[candidate.harnessHash].status = 'abandoned';
    }
  }
  state.stage = 'merge';
  yield { type: 'stage-start', iteration: state.iteration, stage: 'review', plannedRollouts: 0 };
  yield { type: 'stage-end', iteration: state.iteration, stage: 'review' };
  return CONTINUE;
}
