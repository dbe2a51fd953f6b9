// B4: throughput of 200 scripted episodes through the episode worker pool at pool size 1, 2 and 4 — the speed-up at 2
// workers against 1 (the baseline). The pool (issue 12, item 1) is not on this branch yet, so the figure says so and
// is never a PASS. When the pool lands, this file alone measures it.
import type { BenchFigure } from './figure.js';
import { skipped } from './figure.js';

const TARGET = { comparison: 'at-least', value: 1.6 } as const;
const EPISODES = 200;
const POOL_SIZES = [1, 2, 4];

export const figure: BenchFigure = {
  id: 'B4',
  title: `Throughput of ${EPISODES} scripted episodes at pool size ${POOL_SIZES.join(', ')}`,
  target: TARGET,
  unit: '×',
  async measure() {
    const reason = 'there is no episode worker pool on this branch yet (issue 12 item 1, being built on branch `pool`): episodes still run one at a time on the page thread and in the CLI';
    return {
      id: 'B4',
      title: figure.title,
      checks: [skipped('speed-up at 2 workers vs 1 (episodes per second)', TARGET, '×', reason)],
      tables: [],
      notes: [`Planned measurement: the same ${EPISODES} episodes (built-in tasks, a zero-latency scripted model, fixed seeds) through the pool at sizes ${POOL_SIZES.join(', ')}, in Node (worker_threads) and in Chromium (Web Workers); episodes per second at each size, and the speed-up against pool size 1.`],
    };
  },
};
