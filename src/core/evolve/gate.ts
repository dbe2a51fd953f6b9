import { z } from 'zod';
import type { SplitName } from './splits.js';

/** Passes per task on one harness: taskId → number of passing attempts out of k. */
export type TaskPasses = Record<string, number>;

export type AcceptanceRule = { kind: 'paper' } | { kind: 'strict' } | { kind: 'statistical'; alpha: number };

/** The acceptance rules as a schema: what each one means is said once, here, for the glossary and imported files. */
export const AcceptanceRuleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('paper') }).describe('paper (Self-Harness): a candidate is accepted when its pass count rises on at least one split it ran (held-in or held-out) and falls on none.'),
  z.object({ kind: z.literal('strict') }).describe('strict (GEPA): a candidate is accepted when its total pass count over the tasks it ran strictly rises.'),
  z
    .object({ kind: z.literal('statistical'), alpha: z.number().gt(0).lt(1).describe('Significance level of the one-sided test.') })
    .describe('statistical: a one-sided paired sign test over the task × attempt pairs that disagree must be significant at α, and no split may fall.'),
]) satisfies z.ZodType<AcceptanceRule>;

export type FlipKind = 'fail→pass' | 'pass→fail' | 'improved' | 'regressed' | 'same';

export interface TaskFlip {
  taskId: string;
  split: SplitName;
  parentPasses: number;
  candidatePasses: number;
  attempts: number;
  flip: FlipKind;
}

export interface GateDecision {
  accepted: boolean;
  reason: string;
  /** Pass counts per split on the tasks the candidate ran: parent vs candidate. */
  splitCounts: Partial<Record<SplitName, { parent: number; candidate: number }>>;
  flips: TaskFlip[];
  /** One-sided p-value of the paired sign test (every rule reports it). */
  pValue: number;
}

function classify(parent: number, candidate: number, attempts: number): FlipKind {
  if (parent === candidate) return 'same';
  if (parent === 0 && candidate === attempts) return 'fail→pass';
  if (parent === attempts && candidate === 0) return 'pass→fail';
  return candidate > parent ? 'improved' : 'regressed';
}

/** Exact one-sided binomial sign test: P(X ≥ wins) with X ~ Bin(wins + losses, 1/2). */
export function signTestPValue(wins: number, losses: number): number {
  const n = wins + losses;
  if (n === 0) return 1;
  let logCoefficient = 0; // log C(n, 0)
  let tail = 0;
  for (let k = 0; k <= n; k++) {
    if (k > 0) logCoefficient += Math.log(n - k + 1) - Math.log(k);
    if (k >= wins) tail += Math.exp(logCoefficient - n * Math.LN2);
  }
  return Math.min(1, tail);
}

/**
 * The validation gate. `paper`: the pass count rises on at least one split and falls on none (Self-Harness).
 * `strict`: the total pass count strictly rises (GEPA). `statistical`: a one-sided paired sign test over the
 * task × attempt pairs that disagree is significant at alpha, and no split falls.
 */
export function decide(
  rule: AcceptanceRule,
  splitsOfTasks: Record<string, SplitName>,
  parent: TaskPasses,
  candidate: TaskPasses,
  attempts: number,
): GateDecision {
  const flips: TaskFlip[] = [];
  const splitCounts: GateDecision['splitCounts'] = {};
  let wins = 0;
  let losses = 0;
  for (const taskId of Object.keys(candidate).sort()) {
    const split = splitsOfTasks[taskId];
    const before = parent[taskId] ?? 0;
    const after = candidate[taskId];
    flips.push({ taskId, split, parentPasses: before, candidatePasses: after, attempts, flip: classify(before, after, attempts) });
    const counts = (splitCounts[split] ??= { parent: 0, candidate: 0 });
    counts.parent += before;
    counts.candidate += after;
    if (after > before) wins += after - before;
    else losses += before - after;
  }
  const pValue = signTestPValue(wins, losses);
  const entries = Object.entries(splitCounts) as Array<[SplitName, { parent: number; candidate: number }]>;
  const rises = entries.filter(([, counts]) => counts.candidate > counts.parent).map(([split]) => split);
  const falls = entries.filter(([, counts]) => counts.candidate < counts.parent).map(([split]) => split);
  const totalParent = entries.reduce((sum, [, counts]) => sum + counts.parent, 0);
  const totalCandidate = entries.reduce((sum, [, counts]) => sum + counts.candidate, 0);
  let accepted: boolean;
  let reason: string;
  switch (rule.kind) {
    case 'paper':
      accepted = rises.length > 0 && falls.length === 0;
      reason = accepted ? `rises on ${rises.join(', ')}, falls on none` : falls.length ? `falls on ${falls.join(', ')}` : 'rises on no split';
      break;
    case 'strict':
      accepted = totalCandidate > totalParent;
      reason = accepted ? `total ${totalParent} → ${totalCandidate}` : `total does not rise (${totalParent} → ${totalCandidate})`;
      break;
    case 'statistical':
      accepted = pValue < rule.alpha && falls.length === 0;
      reason = accepted ? `sign test p=${pValue.toFixed(4)} < α=${rule.alpha}` : falls.length ? `falls on ${falls.join(', ')}` : `sign test p=${pValue.toFixed(4)} ≥ α=${rule.alpha}`;
      break;
  }
  return { accepted, reason, splitCounts, flips, pValue };
}
