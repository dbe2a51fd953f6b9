import { harnessHash } from '../../harness/harness.js';
import { applyEdits, editsAreDisjoint } from '../edits.js';
import type { EvolutionEvent, StageOutcome } from '../events.js';
import { decide, type GateDecision } from '../gate.js';
import { runAttempts } from '../rollouts.js';
import type { EvolutionRun } from '../run.js';
import type { CandidateRecord } from '../state.js';
import { endIteration } from './shared.js';

/** What a candidate gained on held-in over the parent's fresh attempts (a lower bound when validation stopped early). */
export function heldInGain(decision: GateDecision | undefined): number {
  const counts = decision?.splitCounts.heldIn;
  return counts ? counts.candidate - counts.parent : 0;
}

/**
 * Merge: adopt the accepted candidates. Disjoint ones are combined and the combination is validated like a candidate
 * (all held-in and held-out tasks, full); it is adopted when it passes the gate and gains at least as much as the best
 * single candidate, which is adopted otherwise. After a budget stop nothing more runs: the best single one is adopted.
 */
export async function* mergeStage(run: EvolutionRun): AsyncGenerator<EvolutionEvent, StageOutcome> {
  const { state } = run;
  const iteration = run.iterationRecord();
  const accepted = run
    .iterationCandidates()
    .filter((candidate) => candidate.status === 'accepted')
    .sort((a, b) => heldInGain(b.decision) - heldInGain(a.decision) || a.id.localeCompare(b.id));
  const best = accepted[0];
  const group: CandidateRecord[] = best ? [best] : [];
  for (const candidate of accepted.slice(1)) if (group.every((member) => editsAreDisjoint(member.edits, candidate.edits))) group.push(candidate);
  const taskIds = run.heldInAndOut();
  const validateMerge = group.length > 1 && !state.budgetStop;
  yield { type: 'stage-start', iteration: state.iteration, stage: 'merge', plannedRollouts: validateMerge ? 2 * taskIds.length * run.attempts : 0 };
  if (!best) return yield* endIteration(run, undefined, 'no candidate passed the gate', [{ type: 'stage-end', iteration: state.iteration, stage: 'merge' }]);

  let adopted = best.harnessHash;
  let note = `adopted ${best.id}`;
  if (group.length > 1 && state.budgetStop) note = `adopted ${best.id}; the merge with ${group.slice(1).map((member) => member.id).join(', ')} was not validated (${state.budgetStop.reason})`;
  if (validateMerge) {
    const parentHarness = state.versions[state.currentHash].harness;
    const applied = applyEdits(parentHarness, group.flatMap((member) => member.edits), group.map((member) => member.weaknessId).join('+'));
    if (!applied.ok) note = `adopted ${best.id}; the accepted edits do not apply together (${applied.error})`;
    else {
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
      const parent = iteration.freshParent?.passes ?? {};
      const excluded = new Map((iteration.excludedTasks ?? []).map((item) => [item.taskId, item.reason]));
      const merged = yield* runAttempts(run, mergedHash, taskIds, { stage: 'merge', excluded: new Map(excluded) });
      if (merged.kind === 'stop') return merged;
      const single = yield* runAttempts(run, best.harnessHash, taskIds, { stage: 'merge', excluded: new Map(excluded) });
      if (single.kind === 'stop') return single;
      const rule = state.config.acceptance;
      const mergedDecision = decide(rule, run.splitOf, parent, merged.passes, run.attempts);
      const bestDecision = decide(rule, run.splitOf, parent, single.passes, run.attempts);
      const names = group.map((member) => member.id).join(' + ');
      if (mergedDecision.accepted && heldInGain(mergedDecision) >= heldInGain(bestDecision)) {
        adopted = mergedHash;
        note = `merged ${names} (${mergedDecision.reason}; best single ${best.id}: ${bestDecision.reason})`;
      } else {
        state.versions[mergedHash].status = 'abandoned';
        note = `merge of ${names} ${mergedDecision.accepted ? `gained less than ${best.id} alone` : `failed the gate (${mergedDecision.reason})`}; kept ${best.id}`;
      }
    }
  }
  for (const candidate of accepted) {
    const inAdopted = adopted === candidate.harnessHash || (adopted !== best.harnessHash && group.includes(candidate));
    candidate.status = inAdopted ? 'merged' : 'not_merged';
    if (!inAdopted) state.versions[candidate.harnessHash].status = 'abandoned';
  }
  state.versions[adopted].status = 'adopted';
  state.currentHash = adopted;
  return yield* endIteration(run, adopted, note, [
    { type: 'version-adopted', iteration: state.iteration, hash: adopted, note },
    { type: 'stage-end', iteration: state.iteration, stage: 'merge' },
  ]);
}
