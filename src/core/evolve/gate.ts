import type { SplitName } from './splits.js';
import { signTestPValue } from './statistics.js';

export { signTestPValue } from './statistics.js';

/** Passes per task on one harness: taskId → number of passing attempts out of k. */
export type TaskPasses = Record<string, number>;

/**
 * How the gate decides. `paper` (the default, Self-Harness): the held-in pass count rises and no held-out task's pass
 * count falls by more than `heldOutTolerance` (0 unless set). `strict` (GEPA): the total pass count over held-in and
 * held-out strictly rises. `statistical`: a one-sided paired sign test over held-in tasks is significant at `alpha`,
 * and no held-out task falls by more than the tolerance.
 */
export type AcceptanceRule =
  | { kind: 'paper'; heldOutTolerance?: number }
  | { kind: 'strict' }
  | { kind: 'statistical'; alpha: number; heldOutTolerance?: number };

/** `open`: the candidate's attempts that ran cannot settle this task's direction yet; `not run`: none of them ran. */
export type FlipKind = 'fail→pass' | 'pass→fail' | 'improved' | 'regressed' | 'same' | 'open' | 'not run';

export interface TaskFlip {
  taskId: string;
  split: SplitName;
  parentPasses: number;
  candidatePasses: number;
  attempts: number;
  /** How many of the candidate's attempts ran (fewer than `attempts` when adaptive validation settled early). */
  candidateAttempts?: number;
  flip: FlipKind;
}

export interface GateDecision {
  accepted: boolean;
  reason: string;
  /** Pass counts per split on the tasks compared: parent (fresh attempts) vs candidate (attempts that ran). */
  splitCounts: Partial<Record<SplitName, { parent: number; candidate: number }>>;
  flips: TaskFlip[];
  /** One-sided p-value of the paired sign test over held-in tasks (every rule reports it). */
  pValue: number;
  /** Rollouts the candidate used, and those adaptive validation did not need to run. */
  rollouts?: { spent: number; saved: number };
  /** Tasks left out of the comparison because an attempt could not run (an infrastructure error), with why. */
  excluded?: Array<{ taskId: string; reason: string }>;
}

/** The candidate's attempts on one task so far: passes among `runs` attempts (of `attempts` planned). */
export interface ObservedPasses {
  passes: number;
  runs: number;
}

export function describeRule(rule: AcceptanceRule): string {
  switch (rule.kind) {
    case 'paper':
      return `paper: held-in rises, no held-out task falls${rule.heldOutTolerance ? ` by more than ${rule.heldOutTolerance}` : ''}`;
    case 'strict':
      return 'strict: the total over held-in and held-out strictly rises';
    case 'statistical':
      return `statistical: sign test over held-in at α=${rule.alpha}, no held-out task falls${rule.heldOutTolerance ? ` by more than ${rule.heldOutTolerance}` : ''}`;
  }
}

function classify(parent: number, observed: ObservedPasses, attempts: number): FlipKind {
  const remaining = attempts - observed.runs;
  if (observed.runs === 0 && attempts > 0) return 'not run';
  const low = observed.passes;
  const high = observed.passes + remaining;
  if (low === high) {
    if (parent === low) return 'same';
    if (parent === 0 && low === attempts) return 'fail→pass';
    if (parent === attempts && low === 0) return 'pass→fail';
    return low > parent ? 'improved' : 'regressed';
  }
  // Partly run: only a direction more attempts cannot undo is named.
  if (low > parent) return 'improved';
  if (high < parent) return 'regressed';
  return 'open';
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

/**
 * The validation gate on the candidate's pass counts. Every rule is monotone in the candidate's passes (more passes
 * never turn an accept into a reject), which is what lets adaptive validation stop early (see `settle`).
 * Only tasks present in both `parent` and `candidate` are compared.
 */
export function decide(rule: AcceptanceRule, splitsOfTasks: Record<string, SplitName>, parent: TaskPasses, candidate: TaskPasses, attempts: number): GateDecision {
  const observed: Record<string, ObservedPasses> = {};
  for (const [taskId, passes] of Object.entries(candidate)) observed[taskId] = { passes, runs: attempts };
  return decideObserved(rule, splitsOfTasks, parent, observed, attempts, 'low');
}

/** Decide with the unrun attempts counted as fails (`low`) or as passes (`high`). */
function decideObserved(rule: AcceptanceRule, splitsOfTasks: Record<string, SplitName>, parent: TaskPasses, observed: Record<string, ObservedPasses>, attempts: number, bound: 'low' | 'high'): GateDecision {
  const flips: TaskFlip[] = [];
  const splitCounts: GateDecision['splitCounts'] = {};
  const heldIn: Array<{ taskId: string; before: number; after: number }> = [];
  const heldOut: Array<{ taskId: string; before: number; after: number }> = [];
  for (const taskId of Object.keys(observed).sort()) {
    if (!(taskId in parent)) continue;
    const split = splitsOfTasks[taskId];
    const seen = observed[taskId];
    const before = parent[taskId];
    const after = bound === 'low' ? seen.passes : seen.passes + (attempts - seen.runs);
    flips.push({ taskId, split, parentPasses: before, candidatePasses: seen.passes, attempts, candidateAttempts: seen.runs, flip: classify(before, seen, attempts) });
    const counts = (splitCounts[split] ??= { parent: 0, candidate: 0 });
    counts.parent += before;
    counts.candidate += seen.passes;
    if (split === 'heldIn') heldIn.push({ taskId, before, after });
    if (split === 'heldOut') heldOut.push({ taskId, before, after });
  }
  const wins = sum(heldIn.map((task) => Math.max(0, task.after - task.before)));
  const losses = sum(heldIn.map((task) => Math.max(0, task.before - task.after)));
  const pValue = signTestPValue(wins, losses);
  const heldInBefore = sum(heldIn.map((task) => task.before));
  const heldInAfter = sum(heldIn.map((task) => task.after));
  const tolerance = rule.kind === 'strict' ? 0 : (rule.heldOutTolerance ?? 0);
  const falls = heldOut.filter((task) => task.after < task.before - tolerance);
  const fallText = () => `held-out ${falls.length === 1 ? 'task falls' : 'tasks fall'}: ${falls.map((task) => `${task.taskId} ${task.before}→${task.after}`).join(', ')}`;
  const noFallText = `no held-out task falls${tolerance ? ` by more than ${tolerance}` : ''}`;
  let accepted: boolean;
  let reason: string;
  switch (rule.kind) {
    case 'paper':
      accepted = heldInAfter > heldInBefore && falls.length === 0;
      reason = falls.length ? fallText() : heldInAfter > heldInBefore ? `held-in ${heldInBefore} → ${heldInAfter}; ${noFallText}` : `held-in does not rise (${heldInBefore} → ${heldInAfter})`;
      break;
    case 'strict': {
      const before = heldInBefore + sum(heldOut.map((task) => task.before));
      const after = heldInAfter + sum(heldOut.map((task) => task.after));
      accepted = after > before;
      reason = accepted ? `total ${before} → ${after}` : `total does not rise (${before} → ${after})`;
      break;
    }
    case 'statistical':
      accepted = pValue < rule.alpha && falls.length === 0;
      reason = falls.length ? fallText() : accepted ? `sign test over held-in p=${pValue.toFixed(4)} < α=${rule.alpha}; ${noFallText}` : `sign test over held-in p=${pValue.toFixed(4)} ≥ α=${rule.alpha}`;
      break;
  }
  return { accepted, reason, splitCounts, flips, pValue };
}

export type Settlement = { settled: false } | { settled: true; decision: GateDecision };

/**
 * Adaptive validation's stopping test. With some of the candidate's attempts still unrun, the decision is settled when
 * counting every unrun attempt as a fail still accepts, or counting every one as a pass still rejects; because every rule is
 * monotone in the candidate's passes, no remaining rollout can then change it.
 */
export function settle(rule: AcceptanceRule, splitsOfTasks: Record<string, SplitName>, parent: TaskPasses, observed: Record<string, ObservedPasses>, attempts: number): Settlement {
  const pessimistic = decideObserved(rule, splitsOfTasks, parent, observed, attempts, 'low');
  if (pessimistic.accepted) return { settled: true, decision: pessimistic };
  const optimistic = decideObserved(rule, splitsOfTasks, parent, observed, attempts, 'high');
  if (!optimistic.accepted) {
    // Report what was seen, with the reason that holds whatever the unrun attempts would have shown.
    return { settled: true, decision: { ...pessimistic, accepted: false, reason: optimistic.reason } };
  }
  return { settled: false };
}

export interface StatisticalFeasibility {
  possible: boolean;
  /** The smallest p-value the sign test can reach: every one of the flippable attempts flips to a pass. */
  smallestPValue: number;
  /** The smallest k at which it becomes possible, when it is not. */
  attemptsNeeded?: number;
  message: string;
}

/**
 * Can the statistical rule ever accept? Wins can only come from held-in attempts that fail, so with `flippable` of them the
 * smallest p is 2^-flippable. Before a run every held-in attempt might fail (`heldInTasks × attempts`); at a decision it is
 * the parent's failing fresh attempts.
 */
export function statisticalFeasibility(alpha: number, heldInTasks: number, attempts: number, flippable = heldInTasks * attempts): StatisticalFeasibility {
  const smallestPValue = 0.5 ** flippable;
  if (smallestPValue < alpha) {
    return { possible: true, smallestPValue, message: `the sign test can reach α=${alpha}: ${flippable} held-in attempts could flip (smallest p ${smallestPValue.toPrecision(2)})` };
  }
  const flipsNeeded = Math.floor(Math.log2(1 / alpha)) + 1;
  // The share of held-in attempts that could flip stays about the same as k grows.
  const share = heldInTasks > 0 && attempts > 0 ? flippable / (heldInTasks * attempts) : 0;
  const attemptsNeeded = share > 0 ? Math.max(attempts + 1, Math.ceil(flipsNeeded / (heldInTasks * share))) : undefined;
  return {
    possible: false,
    smallestPValue,
    attemptsNeeded,
    message: `the sign test can never reach α=${alpha} here: with ${flippable} held-in attempts that could flip, the smallest p is ${smallestPValue.toPrecision(2)}; it needs ${flipsNeeded} flips${attemptsNeeded ? ` — k=${attemptsNeeded} attempts per task would make it possible` : ''}`,
  };
}
