import { describe, expect, it } from 'vitest';
import { decide, type ObservedPasses, settle, statisticalFeasibility, type TaskPasses } from '../../src/core/evolve/gate.js';
import type { SplitName } from '../../src/core/evolve/splits.js';
import { pairedMeanInterval, signTestPValue, studentTQuantile, twoSidedSignTestPValue } from '../../src/core/evolve/statistics.js';

/** Hand-built flip matrices: four held-in tasks (a–d, e–h for larger ones) and held-out tasks x, y, z. */
const splitOf: Record<string, SplitName> = { a: 'heldIn', b: 'heldIn', c: 'heldIn', d: 'heldIn', e: 'heldIn', f: 'heldIn', g: 'heldIn', h: 'heldIn', x: 'heldOut', y: 'heldOut', z: 'heldOut' };
const paper = { kind: 'paper' } as const;

describe('the paper rule, per task', () => {
  it('accepts when the held-in pass count rises and no held-out task falls', () => {
    const decision = decide(paper, splitOf, { a: 0, b: 1, x: 2, y: 0 }, { a: 2, b: 1, x: 2, y: 0 }, 2);
    expect(decision.accepted).toBe(true);
    expect(decision.reason).toBe('held-in 1 → 3; no held-out task falls');
    expect(decision.flips.find((flip) => flip.taskId === 'a')?.flip).toBe('fail→pass');
  });

  it('sees held-in regressions: fixing 3 tasks while breaking other held-in tasks is refused when the held-in count falls', () => {
    // The case: the adopted version scored 2/8 held-in against the base's 4/8.
    const parent = { a: 0, b: 0, c: 0, d: 0, e: 1, f: 1, g: 1, h: 1 };
    const candidate = { a: 1, b: 1, c: 0, d: 0, e: 0, f: 0, g: 0, h: 0 };
    const decision = decide(paper, splitOf, parent, candidate, 1);
    expect(decision.accepted).toBe(false);
    expect(decision.reason).toBe('held-in does not rise (4 → 2)');
    expect(decision.flips.filter((flip) => flip.flip === 'pass→fail').map((flip) => flip.taskId)).toEqual(['e', 'f', 'g', 'h']);
  });

  it('refuses a held-out pass→fail even when another held-out task gains as much', () => {
    const decision = decide(paper, splitOf, { a: 0, x: 2, y: 0 }, { a: 2, x: 0, y: 2 }, 2);
    expect(decision.splitCounts.heldOut).toEqual({ parent: 2, candidate: 2 });
    expect(decision.accepted).toBe(false);
    expect(decision.reason).toBe('held-out task falls: x 2→0');
  });

  it('refuses a candidate that only raises held-out', () => {
    const decision = decide(paper, splitOf, { a: 1, x: 0 }, { a: 1, x: 2 }, 2);
    expect(decision.accepted).toBe(false);
    expect(decision.reason).toBe('held-in does not rise (1 → 1)');
  });

  it('lets a held-out task lose up to an explicit tolerance, and says so', () => {
    const parent = { a: 0, x: 2 };
    const candidate = { a: 2, x: 1 };
    expect(decide(paper, splitOf, parent, candidate, 2).accepted).toBe(false);
    const tolerant = decide({ kind: 'paper', heldOutTolerance: 1 }, splitOf, parent, candidate, 2);
    expect(tolerant.accepted).toBe(true);
    expect(tolerant.reason).toBe('held-in 0 → 2; no held-out task falls by more than 1');
    expect(decide({ kind: 'paper', heldOutTolerance: 1 }, splitOf, parent, { a: 2, x: 0 }, 2).accepted).toBe(false);
  });

  it('compares only tasks both sides ran (a task lost to an infrastructure error is left out)', () => {
    const decision = decide(paper, splitOf, { a: 0, x: 2 }, { a: 2 }, 2);
    expect(decision.flips.map((flip) => flip.taskId)).toEqual(['a']);
    expect(decision.accepted).toBe(true);
  });
});

describe('strict and statistical rules', () => {
  it('strict (GEPA): the total must rise; a trade-off that breaks more than it fixes is refused', () => {
    expect(decide({ kind: 'strict' }, splitOf, { a: 0, b: 0, x: 2 }, { a: 2, b: 2, x: 1 }, 2).accepted).toBe(true);
    const tradeOff = decide({ kind: 'strict' }, splitOf, { a: 0, b: 2, c: 2, x: 2 }, { a: 2, b: 0, c: 0, x: 2 }, 2);
    expect(tradeOff).toMatchObject({ accepted: false, reason: 'total does not rise (6 → 4)' });
  });

  it('statistical: a one-sided sign test over held-in, and no held-out fall', () => {
    expect(signTestPValue(0, 0)).toBe(1);
    expect(signTestPValue(5, 0)).toBeCloseTo(1 / 32);
    expect(signTestPValue(3, 1)).toBeCloseTo(5 / 16);
    const rule = { kind: 'statistical', alpha: 0.05 } as const;
    const small = decide(rule, splitOf, { a: 0, b: 0 }, { a: 2, b: 2 }, 2);
    expect(small.pValue).toBeCloseTo(1 / 16);
    expect(small.accepted).toBe(false);
    expect(decide({ kind: 'statistical', alpha: 0.1 }, splitOf, { a: 0, b: 0 }, { a: 2, b: 2 }, 2).accepted).toBe(true);
    const enough = { a: 0, b: 0, c: 0 };
    expect(decide(rule, splitOf, enough, { a: 2, b: 2, c: 2 }, 2).accepted).toBe(true);
    expect(decide(rule, splitOf, { ...enough, x: 1 }, { a: 2, b: 2, c: 2, x: 0 }, 2).reason).toBe('held-out task falls: x 1→0');
  });

  it('statistical: says before the run whether it can ever accept, and which k makes it possible', () => {
    // Two evidence tasks with k=2: the smallest p is 1/16 > 0.05, whatever the candidate does.
    const hopeless = statisticalFeasibility(0.05, 2, 2);
    expect(hopeless.possible).toBe(false);
    expect(hopeless.smallestPValue).toBeCloseTo(0.0625);
    expect(hopeless.attemptsNeeded).toBe(3);
    expect(hopeless.message).toMatch(/can never reach α=0.05.*k=3/);
    expect(statisticalFeasibility(0.05, 2, 3).possible).toBe(true);
    // At a decision only the parent's failing held-in attempts can flip.
    const atDecision = statisticalFeasibility(0.05, 10, 2, 3);
    expect(atDecision.possible).toBe(false);
    expect(atDecision.attemptsNeeded).toBe(4);
  });
});

/** Every candidate attempt's outcome, for adaptive replays: taskId → [pass?, pass?, …]. */
type Outcomes = Record<string, boolean[]>;

function full(outcomes: Outcomes): TaskPasses {
  return Object.fromEntries(Object.entries(outcomes).map(([taskId, runs]) => [taskId, runs.filter(Boolean).length]));
}

/** Reveal attempts one at a time in `order` until `settle` says the outcome cannot change. */
function replay(rule: Parameters<typeof settle>[0], parent: TaskPasses, outcomes: Outcomes, order: Array<[string, number]>, attempts: number) {
  const observed: Record<string, ObservedPasses> = Object.fromEntries(Object.keys(outcomes).map((taskId) => [taskId, { passes: 0, runs: 0 }]));
  let spent = 0;
  for (const [taskId, attempt] of order) {
    const settled = settle(rule, splitOf, parent, observed, attempts);
    if (settled.settled) return { decision: settled.decision, spent };
    observed[taskId].runs += 1;
    if (outcomes[taskId][attempt]) observed[taskId].passes += 1;
    spent += 1;
  }
  const settled = settle(rule, splitOf, parent, observed, attempts);
  if (!settled.settled) throw new Error('every attempt ran and the decision is still open');
  return { decision: settled.decision, spent };
}

describe('adaptive validation (settle)', () => {
  it('rejects at the first held-out regression that no remaining rollout can undo', () => {
    const parent = { a: 0, b: 0, c: 2, x: 2, y: 2 };
    const outcomes = { a: [true, true], b: [true, true], c: [true, true], x: [false, true], y: [true, true] };
    const { decision, spent } = replay(paper, parent, outcomes, [['x', 0], ['a', 0], ['a', 1], ['b', 0], ['b', 1], ['c', 0], ['c', 1], ['x', 1], ['y', 0], ['y', 1]], 2);
    expect(spent).toBe(1);
    expect(decision.accepted).toBe(false);
    expect(decision.reason).toBe('held-out task falls: x 2→1');
    expect(decision.flips.find((flip) => flip.taskId === 'x')).toMatchObject({ flip: 'regressed', candidateAttempts: 1 });
    expect(decision.flips.find((flip) => flip.taskId === 'a')).toMatchObject({ flip: 'not run' });
  });

  it('accepts as soon as the unrun attempts cannot take the gain away, without running held-out tasks that cannot fall', () => {
    const parent = { a: 0, b: 0, c: 2, x: 0, y: 1 };
    const outcomes = { a: [true, true], b: [true, false], c: [true, true], x: [false, false], y: [true, false] };
    const { decision, spent } = replay(paper, parent, outcomes, [['y', 0], ['a', 0], ['a', 1], ['b', 0], ['b', 1], ['c', 0], ['c', 1], ['x', 0], ['x', 1], ['y', 1]], 2);
    expect(decision.accepted).toBe(true);
    // y once (its 1 parent pass is matched); a twice and b once make 3 held-in passes against the parent's 2. Nothing of c or x.
    expect(spent).toBe(4);
    expect(decide(paper, splitOf, parent, full(outcomes), 2).accepted).toBe(true);
  });

  it('always agrees with full evaluation, for every rule, on random flip matrices and orders', () => {
    let seed = 11;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const rules = [paper, { kind: 'paper', heldOutTolerance: 1 }, { kind: 'strict' }, { kind: 'statistical', alpha: 0.05 }] as const;
    let savedSomewhere = 0;
    for (let trial = 0; trial < 400; trial++) {
      const attempts = 1 + Math.floor(random() * 3);
      const taskIds = Object.keys(splitOf).filter(() => random() < 0.8);
      const parent: TaskPasses = {};
      const outcomes: Outcomes = {};
      for (const taskId of taskIds) {
        parent[taskId] = Math.floor(random() * (attempts + 1));
        outcomes[taskId] = Array.from({ length: attempts }, () => random() < 0.5);
      }
      const order = taskIds.flatMap((taskId) => Array.from({ length: attempts }, (_, attempt) => [taskId, attempt] as [string, number])).sort(() => random() - 0.5);
      for (const rule of rules) {
        const adaptive = replay(rule, parent, outcomes, order, attempts);
        expect(adaptive.decision.accepted).toBe(decide(rule, splitOf, parent, full(outcomes), attempts).accepted);
        if (adaptive.spent < order.length) savedSomewhere++;
      }
    }
    expect(savedSomewhere).toBeGreaterThan(400);
  });
});

describe('report statistics', () => {
  it('McNemar exact test and a t interval', () => {
    expect(twoSidedSignTestPValue(0, 0)).toBe(1);
    expect(twoSidedSignTestPValue(5, 0)).toBeCloseTo(2 / 32);
    expect(twoSidedSignTestPValue(3, 3)).toBe(1);
    expect(studentTQuantile(0.975, 9)).toBeCloseTo(2.262, 3);
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706, 2);
    const interval = pairedMeanInterval([1, 0, 1, 0, 1, 1, 0, 1, 0, 1]);
    expect(interval.mean).toBeCloseTo(0.6);
    expect(interval.low).toBeCloseTo(0.6 - 2.262 * Math.sqrt(0.2667 / 10), 2);
    expect(pairedMeanInterval([1])).toEqual({ mean: 1 });
  });
});
