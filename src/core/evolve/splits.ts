import type { Task } from '../tasks/types.js';

export type SplitName = 'heldIn' | 'heldOut' | 'test';
export const SPLIT_NAMES: SplitName[] = ['heldIn', 'heldOut', 'test'];

export interface SplitRatios {
  heldIn: number;
  heldOut: number;
  test: number;
}

export const DEFAULT_SPLIT_RATIOS: SplitRatios = { heldIn: 0.5, heldOut: 0.25, test: 0.25 };

export type Splits = Record<SplitName, string[]>;

/** mulberry32: small, seedable, the same sequence in every runtime. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates in place with the given random source. */
function shuffle<T>(items: T[], random: () => number): T[] {
  for (let index = items.length - 1; index > 0; index--) {
    const swap = Math.floor(random() * (index + 1));
    [items[index], items[swap]] = [items[swap], items[index]];
  }
  return items;
}

/** Rounding slack: `count * ratio` in floating point may land a hair below an integer it equals. */
const EPSILON = 1e-9;
const floorOf = (value: number) => Math.floor(value + EPSILON);

function shares(ratios: SplitRatios): Record<SplitName, number> {
  const values = SPLIT_NAMES.map((name) => ratios[name]);
  if (values.some((value) => !Number.isFinite(value) || value < 0)) throw new Error('split ratios must be non-negative numbers');
  const total = values.reduce((sum, value) => sum + value, 0);
  if (!(total > 0)) throw new Error('split ratios must be non-negative and not all zero');
  return { heldIn: ratios.heldIn / total, heldOut: ratios.heldOut / total, test: ratios.test / total };
}

/**
 * How many of `taskCount` tasks each split gets: largest remainder on the (normalised) ratios, ties to the earlier
 * split (held-in, then held-out). Each size is within one of `taskCount × ratio`, and they add up to `taskCount`.
 * Depends only on the count and the ratios, so a form can show it before any task is split.
 */
export function splitSizes(taskCount: number, ratios: SplitRatios = DEFAULT_SPLIT_RATIOS): Record<SplitName, number> {
  const share = shares(ratios);
  const sizes = { heldIn: 0, heldOut: 0, test: 0 };
  let left = taskCount;
  for (const name of SPLIT_NAMES) {
    sizes[name] = floorOf(taskCount * share[name]);
    left -= sizes[name];
  }
  const byRemainder = [...SPLIT_NAMES].sort((a, b) => taskCount * share[b] - sizes[b] - (taskCount * share[a] - sizes[a]));
  for (const name of byRemainder) {
    if (left <= 0) break;
    if (taskCount * share[name] - sizes[name] > EPSILON) {
      sizes[name] += 1;
      left -= 1;
    }
  }
  return sizes;
}

/**
 * How many tasks of each category go to each split. Each category starts with the floor of its share of every split;
 * the tasks left over (a category's rounding remainders) are placed by a max-flow that fills every split to its size
 * from `splitSizes`, giving a category at most one task more than its share (so a category is stratified as closely
 * as the counts allow). Categories and splits are tried in a seeded order, so the seed decides which category rounds
 * up even when every category has one task. If no such placement exists, the flow may go past the rounded share
 * (never below the floor), so the partition is always exact.
 */
function dealCounts(categorySizes: number[], ratios: SplitRatios, random: () => number): number[][] {
  const share = shares(ratios);
  const total = categorySizes.reduce((sum, size) => sum + size, 0);
  const sizes = splitSizes(total, ratios);
  // Rows are categories, columns are splits (in SPLIT_NAMES order).
  const counts = categorySizes.map((size) => SPLIT_NAMES.map((name) => floorOf(size * share[name])));
  const floors = counts.map((row) => [...row]);
  const rowLeft = categorySizes.map((size, row) => size - counts[row].reduce((sum, count) => sum + count, 0));
  const columnLeft = SPLIT_NAMES.map((name, column) => sizes[name] - counts.reduce((sum, row) => sum + row[column], 0));
  // Capacity of the first tier: one more task where the category's share of the split is not a whole number.
  const fractional = categorySizes.map((size, row) => SPLIT_NAMES.map((name, column) => (size * share[name] - counts[row][column] > EPSILON ? 1 : 0)));
  const rowOrder = shuffle(categorySizes.map((_, row) => row), random);
  const columnOrders = categorySizes.map(() => shuffle([0, 1, 2], random));

  /**
   * One augmenting path by breadth-first search: a category with a task left → … → a split with room left.
   * `capacity[row][column]`: how many more of that category the split may still take in the current tier.
   */
  const augment = (capacity: number[][]): boolean => {
    const rowParent = new Map<number, number>(); // row → the column it was reached through (-1: it has tasks left)
    const columnParent = new Map<number, number>(); // column → the row it was reached from
    const queue = rowOrder.filter((row) => rowLeft[row] > 0);
    for (const row of queue) rowParent.set(row, -1);
    for (let head = 0; head < queue.length; head++) {
      const row = queue[head];
      for (const column of columnOrders[row]) {
        if (capacity[row][column] <= 0 || columnParent.has(column)) continue;
        columnParent.set(column, row);
        if (columnLeft[column] > 0) {
          apply(column, capacity, rowParent, columnParent);
          return true;
        }
        // Go on through a category that placed a task in this split beyond its floor: it could place it elsewhere.
        for (const next of rowOrder) {
          if (!rowParent.has(next) && counts[next][column] > floors[next][column]) {
            rowParent.set(next, column);
            queue.push(next);
          }
        }
      }
    }
    return false;
  };
  const apply = (lastColumn: number, capacity: number[][], rowParent: Map<number, number>, columnParent: Map<number, number>) => {
    columnLeft[lastColumn] -= 1;
    let column = lastColumn;
    for (;;) {
      const row = columnParent.get(column)!;
      counts[row][column] += 1;
      capacity[row][column] -= 1;
      const via = rowParent.get(row)!;
      if (via < 0) {
        rowLeft[row] -= 1;
        return;
      }
      // The category moves one task out of `via` to make room on the path.
      counts[row][via] -= 1;
      capacity[row][via] += 1;
      column = via;
    }
  };

  while (augment(fractional));
  if (rowLeft.some((left) => left > 0)) {
    // Rare: no placement keeps every category within one of its share. Allow more, up to the whole category.
    const generous = categorySizes.map((size, row) => SPLIT_NAMES.map((_, column) => size - counts[row][column]));
    while (augment(generous));
  }
  if (rowLeft.some((left) => left > 0) || columnLeft.some((left) => left !== 0)) throw new Error('splitTasks: could not place every task (a bug)');
  return counts;
}

/**
 * Seeded split, stratified by category: every task lands in exactly one split, each split's size is within one of
 * its ratio of the suite, and each category's count in a split is within one of its share where the counts allow.
 * The same tasks, ratios and seed always give the same split, whatever order the tasks come in.
 * held-in: the proposer sees these traces; held-out: the gate, the proposer only learns pass counts; test: reported only.
 */
export function splitTasks(tasks: readonly Task[], ratios: SplitRatios = DEFAULT_SPLIT_RATIOS, seed = 1): Splits {
  const random = seededRandom(seed);
  const byCategory = new Map<string, Task[]>();
  for (const task of [...tasks].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    byCategory.set(task.category, [...(byCategory.get(task.category) ?? []), task]);
  }
  const categories = [...byCategory.keys()].sort();
  const members = categories.map((category) => shuffle(byCategory.get(category)!, random));
  const counts = dealCounts(
    members.map((list) => list.length),
    ratios,
    random,
  );
  const splits: Splits = { heldIn: [], heldOut: [], test: [] };
  members.forEach((list, row) => {
    let cursor = 0;
    SPLIT_NAMES.forEach((name, column) => {
      for (let count = 0; count < counts[row][column]; count++) splits[name].push(list[cursor++].id);
    });
  });
  return splits;
}
