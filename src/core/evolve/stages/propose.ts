import { harnessHash } from '../../harness/harness.js';
import { applyEdits } from '../edits.js';
import { CONTINUE, type EvolutionEvent, type StageOutcome } from '../events.js';
import { type ProposalResult, proposeCandidates } from '../proposal.js';
import type { EvolutionRun } from '../run.js';
import { endIteration, heldInFailures, unreachableProposer } from './shared.js';

/** Propose: n typed edits per top weakness, filtered (size, critic, duplicates, must apply) before they cost a rollout. */
export async function* proposeStage(run: EvolutionRun): AsyncGenerator<EvolutionEvent, StageOutcome> {
  const { state } = run;
  const iteration = run.iterationRecord();
  const weaknesses = (iteration.weaknesses ?? []).slice(0, state.config.topWeaknesses);
  const heldOutScore = state.versions[state.currentHash].scores.heldOut ?? { passed: 0, total: 0 };
  const harness = state.versions[state.currentHash].harness;
  const digests = await heldInFailures(run, state.currentHash);
  yield { type: 'stage-start', iteration: state.iteration, stage: 'propose', plannedRollouts: 0 };
  for (const weakness of weaknesses) {
    // On resume, weaknesses already answered (or failed) are not asked again.
    if (iteration.candidateIds.some((id) => state.candidates.find((candidate) => candidate.id === id)?.weaknessId === weakness.id)) continue;
    if (iteration.rejectedProposals.some((rejected) => rejected.weaknessId === weakness.id)) continue;
    const stop = run.interruption() ?? run.decisionBudgetStop();
    if (stop) return { kind: 'stop', stop };
    const evidence = digests.filter((digest) => weakness.evidenceTaskIds.includes(digest.taskId));
    let proposal: ProposalResult;
    try {
      proposal = await proposeCandidates(run.proposer, harness, weakness, evidence, {
        count: state.config.candidatesPerWeakness,
        heldOutPassed: { passed: heldOutScore.passed, total: heldOutScore.total },
        earlier: state.candidates,
        idPrefix: `i${state.iteration}-${weakness.id}`,
        signal: run.signal,
        maxAnswerTokens: state.config.proposalMaxAnswerTokens,
      });
    } catch (error) {
      proposal = { ok: false, error: `crashed: ${(error as Error).message}`, usage: { inputTokens: 0, outputTokens: 0 }, attempts: 1, notices: [] };
    }
    run.addProposerUsage(proposal.usage);
    for (const message of proposal.notices) yield { type: 'notice', message: `proposal for ${weakness.id}: ${message}` };
    const interrupted = run.interruption();
    if (interrupted) return { kind: 'stop', stop: interrupted };
    if (!proposal.ok) {
      const unreachable = unreachableProposer(proposal.modelError, proposal.error);
      if (unreachable) return { kind: 'stop', stop: unreachable };
      state.stageFailures.push({ iteration: state.iteration, stage: 'propose', error: `${weakness.id}: ${proposal.error}` });
      iteration.rejectedProposals.push({ weaknessId: weakness.id, reason: `stage failed: ${proposal.error}`, raw: null });
      yield { type: 'stage-failed', iteration: state.iteration, stage: 'propose', error: `${weakness.id}: ${proposal.error}` };
      continue;
    }
    iteration.rejectedProposals.push(...proposal.rejected);
    const added: string[] = [];
    for (const candidate of proposal.candidates) {
      const applied = applyEdits(harness, candidate.edits, candidate.weaknessId);
      if (!applied.ok) continue; // proposeCandidates already applied it once; kept for type narrowing
      const hash = await harnessHash(applied.harness);
      state.versions[hash] ??= { hash, parentHash: state.currentHash, harness: applied.harness, kind: 'candidate', iteration: state.iteration, candidateIds: [candidate.id], edits: candidate.edits, weaknessIds: [candidate.weaknessId], scores: {}, status: 'pending' };
      state.candidates.push({ ...candidate, iteration: state.iteration, harnessHash: hash, status: 'pending' });
      iteration.candidateIds.push(candidate.id);
      added.push(candidate.id);
    }
    if (!added.length && !proposal.rejected.length) iteration.rejectedProposals.push({ weaknessId: weakness.id, reason: 'the proposer offered no candidate', raw: null });
    yield { type: 'candidates-proposed', iteration: state.iteration, candidateIds: added, rejectedProposals: proposal.rejected.length };
  }
  const stageEnd: EvolutionEvent = { type: 'stage-end', iteration: state.iteration, stage: 'propose' };
  if (!iteration.candidateIds.length) return yield* endIteration(run, undefined, 'no usable candidate was proposed', [stageEnd]);
  state.stage = 'validate';
  yield stageEnd;
  return CONTINUE;
}
