import type { EvolutionEvent, StageOutcome } from '../events.js';
import type { TaskPasses } from '../gate.js';
import { RolloutWindow } from '../rollouts.js';
import type { EvolutionRun } from '../run.js';

/**
 * Final test: the first and the last version on the test split, which no decision ever saw (and the last version's
 * held-in score when validation did not measure it whole). It has its own budget, reported; decision budgets do not
 * bound it, the wall clock and a pause do. Task by task, both versions in turn, so a short budget still leaves pairs.
 */
export async function* finalTestStage(run: EvolutionRun): AsyncGenerator<EvolutionEvent, StageOutcome> {
  const { state } = run;
  const versions = [...new Set([state.baseHash, state.currentHash])];
  const plan: Array<{ harnessHash: string; taskId: string; attempt: number }> = [];
  for (const taskId of state.splits.test) for (let attempt = 1; attempt <= run.attempts; attempt++) for (const harnessHash of versions) plan.push({ harnessHash, taskId, attempt });
  const last = state.versions[state.currentHash];
  const measureHeldIn = state.currentHash !== state.baseHash && last.scores.heldIn === undefined;
  if (measureHeldIn) for (const taskId of state.splits.heldIn) for (let attempt = 1; attempt <= run.attempts; attempt++) plan.push({ harnessHash: state.currentHash, taskId, attempt });
  const budget = state.config.budget.maxFinalTestRollouts ?? plan.length;
  const planned = Math.min(budget, plan.length);
  state.finalTest = { budget, planned, used: 0, passes: {} };
  // After the last iteration: events name it, not the next one that never ran.
  const iteration = state.iterations.at(-1)?.iteration ?? state.iteration;
  yield { type: 'stage-start', iteration, stage: 'final_test', plannedRollouts: planned };

  const passes: Record<string, TaskPasses> = Object.fromEntries(versions.map((hash) => [hash, {}]));
  const runs: Record<string, Record<string, number>> = Object.fromEntries(versions.map((hash) => [hash, {}]));
  const unavailable = new Set<string>();
  const plannedRollouts = new RolloutWindow(run, plan.slice(0, planned).map((item) => ({ ...item, stage: 'final_test' as const, finalTest: true })));
  try {
    for (const item of plan.slice(0, planned)) {
      const taken = yield* plannedRollouts.take();
      if (!taken) break;
      const { result } = taken;
      if (result.kind === 'stop') {
        yield* await plannedRollouts.close('the evolution stopped before it was recorded');
        return result;
      }
      state.finalTest.used += 1;
      if (result.kind === 'unavailable') {
        unavailable.add(`${item.harnessHash}|${item.taskId}`);
        continue;
      }
      runs[item.harnessHash][item.taskId] = (runs[item.harnessHash][item.taskId] ?? 0) + 1;
      passes[item.harnessHash][item.taskId] = (passes[item.harnessHash][item.taskId] ?? 0) + (result.record.outcome === 'pass' ? 1 : 0);
    }
  } finally {
    await plannedRollouts.close('not needed');
  }
  // Only whole, paired tasks count: every attempt of both versions ran.
  const complete = (hash: string, taskId: string) => runs[hash][taskId] === run.attempts && !unavailable.has(`${hash}|${taskId}`);
  const paired = state.splits.test.filter((taskId) => versions.every((hash) => complete(hash, taskId)));
  for (const hash of versions) {
    const tested = Object.fromEntries(paired.map((taskId) => [taskId, passes[hash][taskId]]));
    state.finalTest.passes[hash] = tested;
    state.versions[hash].scores.test = run.score(tested, paired);
  }
  if (measureHeldIn) {
    const heldIn = state.splits.heldIn.filter((taskId) => complete(state.currentHash, taskId));
    if (heldIn.length === state.splits.heldIn.length) last.scores.heldIn = run.score(passes[state.currentHash], heldIn);
  }
  state.status = 'done';
  state.stage = 'finished';
  state.stopReason ??= 'finished';
  yield { type: 'stage-end', iteration, stage: 'final_test' };
  yield { type: 'evolution-end', status: 'done', reason: state.stopReason };
  return { kind: 'continue' };
}
