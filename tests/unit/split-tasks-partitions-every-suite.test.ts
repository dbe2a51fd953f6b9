import { describe, expect, it } from 'vitest';
import { SPLIT_NAMES, type SplitRatios, type Splits, seededRandom, splitSizes, splitTasks } from '../../src/core/evolve/splits.js';
import type { Task } from '../../src/core/tasks/types.js';

/**
 * `splitTasks` crashed with "Cannot read properties of undefined (reading 'id')" on imported suites: a Harbor suite
 * of 8 tasks in 7 categories for every seed, and 138 of its 163 subsets of 4 or more tasks. These tests deal every
 * category shape up to 12 tasks, and random larger ones, with many seeds and ratios.
 */

const task = (id: string, category: string): Task => ({
  id, title: id, instruction: id, initialFiles: {}, verifier: { script: 'true' }, agentTimeoutSec: 1, verifierTimeoutSec: 1, category, difficulty: 'easy', tags: [],
});

/** Every way to write n as a sum of positive parts, largest first: the category sizes of a suite of n tasks. */
function* partitions(n: number, largest = n): Generator<number[]> {
  if (n === 0) {
    yield [];
    return;
  }
  for (let part = Math.min(n, largest); part >= 1; part--) for (const rest of partitions(n - part, part)) yield [part, ...rest];
}

const suiteOfShape = (shape: number[]): Task[] => shape.flatMap((size, category) => Array.from({ length: size }, (_, index) => task(`c${category}-t${index}`, `category-${category}`)));

const RATIOS: SplitRatios[] = [
  { heldIn: 0.5, heldOut: 0.25, test: 0.25 },
  { heldIn: 0.6, heldOut: 0.2, test: 0.2 },
  { heldIn: 1, heldOut: 1, test: 1 },
  { heldIn: 0.7, heldOut: 0.3, test: 0 },
  { heldIn: 0.4, heldOut: 0.3, test: 0.3 },
  { heldIn: 0.8, heldOut: 0.1, test: 0.1 },
  { heldIn: 3, heldOut: 2, test: 1 },
  { heldIn: 0.1, heldOut: 0.45, test: 0.45 },
];

/**
 * What must hold for any suite: an exact partition, split sizes within one of the ratios, each category within one of
 * its share of a split. Returns what is wrong (checked in bulk: tens of thousands of splits).
 */
function problemsOf(tasks: Task[], splits: Splits, ratios: SplitRatios): string[] {
  const problems: string[] = [];
  const dealt = [...splits.heldIn, ...splits.heldOut, ...splits.test].sort();
  if (dealt.join(' ') !== tasks.map((item) => item.id).sort().join(' ')) problems.push(`not a partition: ${dealt.join(' ')}`);
  const total = ratios.heldIn + ratios.heldOut + ratios.test;
  const categoryOf = new Map(tasks.map((item) => [item.id, item.category]));
  const categorySize = new Map<string, number>();
  for (const item of tasks) categorySize.set(item.category, (categorySize.get(item.category) ?? 0) + 1);
  for (const name of SPLIT_NAMES) {
    const share = ratios[name] / total;
    if (Math.abs(splits[name].length - tasks.length * share) >= 1) problems.push(`${name} has ${splits[name].length} of ${tasks.length}`);
    const inSplit = new Map<string, number>();
    for (const id of splits[name]) inSplit.set(categoryOf.get(id)!, (inSplit.get(categoryOf.get(id)!) ?? 0) + 1);
    for (const [category, size] of categorySize) {
      if (Math.abs((inSplit.get(category) ?? 0) - size * share) >= 1) problems.push(`${name} has ${inSplit.get(category) ?? 0} of the ${size} tasks of ${category}`);
    }
  }
  return problems;
}

function expectSound(tasks: Task[], splits: Splits, ratios: SplitRatios) {
  expect(problemsOf(tasks, splits, ratios)).toEqual([]);
}

describe('splitTasks partitions any suite of 4 or more tasks', () => {
  it('for every category shape up to 12 tasks, every ratio and 10 seeds', () => {
    let suites = 0;
    const failures: string[] = [];
    for (let size = 4; size <= 12; size++) {
      for (const shape of partitions(size)) {
        const tasks = suiteOfShape(shape);
        for (const ratios of RATIOS) {
          for (let seed = 0; seed < 10; seed++) {
            const problems = problemsOf(tasks, splitTasks(tasks, ratios, seed), ratios);
            if (problems.length) failures.push(`shape ${shape.join('+')}, ratios ${JSON.stringify(ratios)}, seed ${seed}: ${problems.join('; ')}`);
          }
        }
        suites += 1;
      }
    }
    expect(failures).toEqual([]);
    expect(suites).toBe(265); // p(4) + … + p(12): every shape was dealt
  });

  it('for random larger suites of up to 240 tasks in up to 30 categories', () => {
    const random = seededRandom(2024);
    for (let round = 0; round < 150; round++) {
      const categoryCount = 1 + Math.floor(random() * 30);
      const shape = Array.from({ length: categoryCount }, () => 1 + Math.floor(random() * 8));
      const tasks = suiteOfShape(shape);
      const ratios = RATIOS[round % RATIOS.length];
      expectSound(tasks, splitTasks(tasks, ratios, round), ratios);
    }
  });

  it('a Harbor suite of 8 tasks in 7 categories, and each of its 163 subsets of 4 or more, for every seed', () => {
    const harbor = ['data-processing', 'data-science', 'file-operations', 'software-engineering', 'security', 'system-administration', 'games', 'games'].map((category, index) => task(`harbor-${index}`, category));
    let subsets = 0;
    for (let mask = 0; mask < 1 << harbor.length; mask++) {
      const subset = harbor.filter((_, index) => mask & (1 << index));
      if (subset.length < 4) continue;
      subsets += 1;
      for (let seed = 1; seed <= 5; seed++) expectSound(subset, splitTasks(subset, RATIOS[0], seed), RATIOS[0]);
    }
    expect(subsets).toBe(163);
    const distinct = new Set(Array.from({ length: 20 }, (_, seed) => JSON.stringify(splitTasks(harbor, RATIOS[0], seed))));
    expect(distinct.size).toBeGreaterThan(10);
  });
});

describe('the seed', () => {
  it('changes the split even when every category has one task', () => {
    for (let size = 4; size <= 12; size++) {
      const tasks = suiteOfShape(Array.from({ length: size }, () => 1));
      const bySeed = Array.from({ length: 10 }, (_, seed) => JSON.stringify(splitTasks(tasks, RATIOS[0], seed)));
      expect(new Set(bySeed).size).toBeGreaterThanOrEqual(6);
    }
  });

  it('can give every possible split of four single-task categories', () => {
    // 4 tasks dealt 2/1/1 can be split 12 ways; a seed must be able to reach each of them.
    const tasks = suiteOfShape([1, 1, 1, 1]);
    const seen = new Set(Array.from({ length: 300 }, (_, seed) => JSON.stringify(splitTasks(tasks, RATIOS[0], seed))));
    expect(seen.size).toBe(12);
  });

  it('gives the same split for the same tasks in any order', () => {
    const tasks = suiteOfShape([3, 2, 2, 1, 1]);
    for (let seed = 0; seed < 10; seed++) expect(splitTasks([...tasks].reverse(), RATIOS[0], seed)).toEqual(splitTasks(tasks, RATIOS[0], seed));
  });
});

describe('splitSizes', () => {
  it('is what splitTasks deals, known from the count alone', () => {
    for (let size = 4; size <= 40; size++) {
      const tasks = suiteOfShape([...partitions(size)][size % 5]);
      for (const ratios of RATIOS) {
        const splits = splitTasks(tasks, ratios, size);
        const expected = splitSizes(tasks.length, ratios);
        expect({ heldIn: splits.heldIn.length, heldOut: splits.heldOut.length, test: splits.test.length }).toEqual(expected);
      }
    }
  });

  it('rounds by largest remainder, ties to held-in then held-out', () => {
    expect(splitSizes(4)).toEqual({ heldIn: 2, heldOut: 1, test: 1 });
    expect(splitSizes(5)).toEqual({ heldIn: 3, heldOut: 1, test: 1 });
    expect(splitSizes(6)).toEqual({ heldIn: 3, heldOut: 2, test: 1 });
    expect(splitSizes(7)).toEqual({ heldIn: 3, heldOut: 2, test: 2 });
    expect(splitSizes(4, { heldIn: 0.6, heldOut: 0.2, test: 0.2 })).toEqual({ heldIn: 2, heldOut: 1, test: 1 });
    expect(splitSizes(10, { heldIn: 0.7, heldOut: 0.2, test: 0.1 })).toEqual({ heldIn: 7, heldOut: 2, test: 1 });
  });
});
