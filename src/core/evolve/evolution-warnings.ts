import type { EvolutionSettings } from './config.js';
import { statisticalFeasibility } from './gate.js';
import { splitSizes } from './splits.js';

export interface EvolutionWarning {
  /**
   * `never_accepts`: the acceptance rule cannot accept any edit on this many tasks; `no_held_in`: nothing to learn from;
   * `no_held_out`: nothing guards against overfitting; `no_test`: the report has no unseen tasks to compare on.
   */
  kind: 'never_accepts' | 'no_held_in' | 'no_held_out' | 'no_test';
  message: string;
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/**
 * What keeps an evolution on `taskCount` tasks from doing its job, said before it starts rather than discovered as a
 * run that silently accepts nothing. Split sizes follow from the count and ratios alone (`splitSizes`).
 *
 * The statistical rule's sign test counts held-in task × attempt pairs only (held-out is guarded per task); its best
 * case is a candidate that wins every held-in pair and loses none. If even that p is not below α, no edit can be
 * accepted. The numbers come from the gate's own `statisticalFeasibility`, and
 * tests/unit/evolution-warnings-before-a-no-op-run.test.ts runs `decide` on the best case, so they cannot drift apart.
 */
export function evolutionWarnings(settings: Pick<EvolutionSettings, 'splitRatios' | 'attempts' | 'acceptance'>, taskCount: number): EvolutionWarning[] {
  const sizes = splitSizes(taskCount, settings.splitRatios);
  const warnings: EvolutionWarning[] = [];
  const split = `${sizes.heldIn} held-in / ${sizes.heldOut} held-out / ${sizes.test} test`;
  if (sizes.heldIn === 0) {
    warnings.push({
      kind: 'no_held_in',
      message: `With ${plural(taskCount, 'task')} split ${split}, no task is held-in: no failed trace ever reaches the proposer, so no edit can be proposed. Use more tasks or a larger held-in share.`,
    });
  } else if (settings.acceptance.kind === 'statistical') {
    const alpha = settings.acceptance.alpha;
    const feasibility = statisticalFeasibility(alpha, sizes.heldIn, settings.attempts);
    if (!feasibility.possible) {
      const pairs = sizes.heldIn * settings.attempts;
      warnings.push({
        kind: 'never_accepts',
        message:
          `The statistical rule at α=${alpha} can never accept an edit here: with ${plural(taskCount, 'task')} (${split}) and ${plural(settings.attempts, 'attempt')} each, ` +
          `a candidate that wins all ${pairs} held-in task × attempt pairs still has p=${feasibility.smallestPValue.toPrecision(3)} ≥ α. ` +
          `Use more tasks, at least ${feasibility.attemptsNeeded} attempts per task, a larger α, or the paper rule.`,
      });
    }
  }
  if (sizes.heldIn > 0 && sizes.heldOut === 0) {
    warnings.push({
      kind: 'no_held_out',
      message: `With ${plural(taskCount, 'task')} split ${split}, no task is held-out: an edit is judged only on the tasks it was written from, and nothing catches overfitting. Use more tasks or a held-out share.`,
    });
  }
  if (sizes.test === 0) {
    warnings.push({
      kind: 'no_test',
      message: `With ${plural(taskCount, 'task')} split ${split}, no task is kept for the test split: the report cannot compare the first and last harness on tasks no decision saw.`,
    });
  }
  return warnings;
}
