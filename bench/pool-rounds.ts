// B4's plan, shared by the Node side and the bench page: the same episodes at every pool size, in interleaved rounds.
// One run per size after a short warm-up swung the speed-up between 1.34× and 1.82× from one bench run to the next:
// the first size measured paid for the JIT warming up in every worker, and the machine's other work hit one size only.

import { median } from './figure.js';

/** One pool size's run of the whole episode list. */
export interface PoolRun {
  size: number;
  round: number;
  seconds: number;
  outcomes: string[];
}

/** Pool sizes in the order round `round` runs them: rotated each round, so no size always goes first. */
export function roundOrder(sizes: readonly number[], round: number): number[] {
  const shift = round % sizes.length;
  return [...sizes.slice(shift), ...sizes.slice(0, shift)];
}

/**
 * Warm up with `warmUp()` (every task once at the largest size: each worker has loaded and compiled what the episodes
 * run), then run every size once per round, sizes rotated each round.
 */
export async function runPoolRounds(sizes: readonly number[], rounds: number, warmUp: () => Promise<unknown>, runAt: (size: number) => Promise<string[]>): Promise<PoolRun[]> {
  await warmUp();
  const runs: PoolRun[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const size of roundOrder(sizes, round)) {
      const started = performance.now();
      const outcomes = await runAt(size);
      runs.push({ size, round, seconds: (performance.now() - started) / 1000, outcomes });
    }
  }
  return runs;
}

/** Per pool size, in `sizes` order: the median wall time over the rounds, every round's, and every run's outcomes. */
export function summarizeRounds(sizes: readonly number[], runs: readonly PoolRun[]): Array<{ size: number; medianSeconds: number; seconds: number[]; outcomes: string[][] }> {
  return sizes.map((size) => {
    const own = runs.filter((run) => run.size === size).sort((a, b) => a.round - b.round);
    return { size, medianSeconds: median(own.map((run) => run.seconds)), seconds: own.map((run) => run.seconds), outcomes: own.map((run) => run.outcomes) };
  });
}
