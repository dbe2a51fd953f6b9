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
  const rule = state.config.acceptance;
  const parent = iteration.freshParent?.passes ?? {};
  const excluded = new Map((iteration.excludedTasks ?? []).map((item) => [item.taskId, item.reason]));
  const taskIds = run.heldInAndOut();
  const perVersion = taskIds.length * run.attempts;
  let accepted = run.iterationCandidates().filter((candidate) => candidate.status === 'accepted');
  const compare = !state.budgetStop && accepted.length > 1;
  yield { type: 'stage-start', iteration: state.iteration, stage: 'merge', plannedRollouts: compare ? accepted.length * perVersion : 0 };
  if (!accepted.length) return yield* endIteration(run, undefined, 'no candidate passed the gate', [{ type: 'stage-end', iteration: state.iteration, stage: 'merge' }]);

  // With several accepted, each is measured whole before they are ranked: adaptive validation only showed that each
  // passes the gate, not by how much, and the ranking must not depend on where validation stopped.
  const gains = new Map<string, number>();
  if (compare) {
    for (const candidate of accepted) {
      const whole = yield* runAttempts(run, candidate.harnessHash, taskIds, { stage: 'merge', excluded: new Map(excluded) });
      if (whole.kind === 'stop') return whole;
      gains.set(candidate.id, heldInGain(decide(rule, run.splitOf, parent, whole.passes, run.attempts)));
    }
  } else for (const candidate of accepted) gains.set(candidate.id, heldInGain(candidate.decision));
  accepted = [...accepted].sort((a, b) => gains.get(b.id)! - gains.get(a.id)! || a.id.localeCompare(b.id));
  const best = accepted[0];
  const group: CandidateRecord[] = [best];
  for (const candidate of accepted.slice(1)) if (group.every((member) => editsAreDisjoint(member.edits, candidate.edits))) group.push(candidate);

  let adopted = best.harnessHash;
  let note = `adopted ${best.id}`;
  if (group.length > 1 && state.budgetStop) note = `adopted ${best.id}; the merge with ${group.slice(1).map((member) => member.id).join(', ')} was not validated (${state.budgetStop.reason})`;
  if (group.length > 1 && !state.budgetStop) {
    const parentHarness = state.versions[state.currentHash].harness;
    const applied = applyEdits(parentHarness, group.flatMap((member) => member.edits), group.map((member) => member.weaknessId).join('+'));
    const names = group.map((member) => member.id).join(' + ');
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
      yield { type: 'rollouts-planned', iteration: state.iteration, stage: 'merge', more: perVersion };
      const merged = yield* runAttempts(run, mergedHash, taskIds, { stage: 'merge', excluded: new Map(excluded) });
      if (merged.kind === 'stop') return merged;
      const mergedDecision = decide(rule, run.splitOf, parent, merged.passes, run.attempts);
      if (mergedDecision.accepted && heldInGain(mergedDecision) >= gains.get(best.id)!) {
        adopted = mergedHash;
        note = `merged ${names} (${mergedDecision.reason}; ${best.id} alone gained ${gains.get(best.id)})`;
      } else {
        state.versions[mergedHash].status = 'abandoned';
        note = `merge of ${names} ${mergedDecision.accepted ? `gained less than ${best.id} alone` : `failed the gate (${mergedDecision.reason})`}; kept ${best.id}`;
      }
    }
  }
  for (const candidate of accepted) {
    const inAdopted = adopted === candidate.harnessHash || (adopted !== best.harnessHash && group.includes(candidate));
    candidate.status = inAdopted ? 'merged' : 'not_merged';
    // Versions other than the adopted one stay in the tree as abandoned branches (a merged candidate lives on in the merge).
    if (candidate.harnessHash !== adopted) state.versions[candidate.harnessHash].status = 'abandoned';
  }
  state.versions[adopted].status = 'adopted';
  state.currentHash = adopted;
  return yield* endIteration(run, adopted, note, [
    { type: 'version-adopted', iteration: state.iteration, hash: adopted, note },
    { type: 'stage-end', iteration: state.iteration, stage: 'merge' },
  ]);
}
