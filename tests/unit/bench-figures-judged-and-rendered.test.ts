import { describe, expect, it } from 'vitest';
import {
  type BenchResults,
  type FigureResult,
  figureStatus,
  formatValue,
  geometricMean,
  judged,
  median,
  percentile,
  ratio,
  renderCheckLine,
  renderResultsMarkdown,
  skipped,
} from '../../bench/figure.js';
import { modelTime } from '../../bench/model-time.js';
import { comparableOutput } from '../../bench/shell-commands.js';
import { roundOrder, runPoolRounds, summarizeRounds } from '../../bench/pool-rounds.js';

// The pure parts of `npm run bench`: statistics, PASS / MISS / SKIP, and bench/RESULTS.md. No timing is asserted.

describe('bench statistics', () => {
  it('interpolates percentiles between ranks and takes the median of even counts', () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(median([1, 2, 3, 4])).toBe(2.5);
    expect(percentile([10, 20, 30, 40, 50], 95)).toBeCloseTo(48);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('takes the geometric mean, so 2× slower and 2× faster cancel out', () => {
    expect(geometricMean([2, 0.5])).toBeCloseTo(1);
    expect(geometricMean([0.68, 0.68, 0.68])).toBeCloseTo(0.68);
    expect(geometricMean([1, 0])).toBeNaN();
  });

  it('says a ratio against a missing baseline is not a number', () => {
    expect(ratio(3, 6)).toBe(0.5);
    expect(ratio(3, 0)).toBeNaN();
  });
});

describe('bench verdicts', () => {
  const atMostOne = { comparison: 'at-most', value: 1 } as const;

  it('passes a value on the right side of its target, the target itself included, and misses the rest', () => {
    expect(judged('x', 1, atMostOne, '×').status).toBe('PASS');
    expect(judged('x', 1.01, atMostOne, '×').status).toBe('MISS');
    expect(judged('x', 1.6, { comparison: 'at-least', value: 1.6 }, '×').status).toBe('PASS');
    expect(judged('x', 1.5, { comparison: 'at-least', value: 1.6 }, '×').status).toBe('MISS');
    expect(judged('x', Number.NaN, atMostOne, '×').status).toBe('MISS');
  });

  it('never passes a figure that was not measured, and lets one miss decide the figure', () => {
    const pass = judged('a', 0.5, atMostOne, '×');
    const miss = judged('b', 2, atMostOne, '×');
    const skip = skipped('c', atMostOne, '×', 'no pool yet');
    expect(figureStatus([pass])).toBe('PASS');
    expect(figureStatus([pass, skip])).toBe('SKIP');
    expect(figureStatus([pass, skip, miss])).toBe('MISS');
    expect(figureStatus([])).toBe('SKIP');
  });

  it('prints each check with its value, baseline, target and status, and a skip with its reason', () => {
    const line = renderCheckLine('B1', judged('geo-mean ratio, Node', 0.71, atMostOne, '×', { value: 21.7, label: 'native geo-mean ms' }));
    expect(line).toMatch(/^B1 {2}geo-mean ratio, Node +0\.71× {2}\(baseline native geo-mean ms: 21\.7\) {2}target ≤ 1× {2}PASS$/);
    expect(renderCheckLine('B4', skipped('speed-up at 2 workers', { comparison: 'at-least', value: 1.6 }, '×', 'no pool on this branch'))).toContain('not measured: no pool on this branch  target ≥ 1.60×  SKIP');
    expect(formatValue(254.3, 'KB')).toBe('254 KB');
    expect(formatValue(0.08, 'ms')).toBe('0.080 ms');
  });
});

describe('bench/RESULTS.md', () => {
  const figure = (overrides: Partial<FigureResult>): FigureResult => ({
    id: 'B1',
    title: 'Shell tool round trip vs native bash',
    status: 'PASS',
    checks: [],
    tables: [],
    notes: [],
    measuredAt: '2026-11-30T02:00:00.000Z',
    loadAverageAtStart: 3.2,
    durationMs: 12_345,
    ...overrides,
  });
  const results: BenchResults = {
    generatedBy: 'npm run bench',
    date: '2026-11-30T02:30:00.000Z',
    machine: { cpuModel: 'Test CPU @ 2.80GHz', cores: 2, memoryGiB: 23.5, platform: 'linux 6.1', node: 'v20.20.2', chromium: 'Chromium 156.0.8078.108', loadAverage: [3.32, 2.21, 2.09] },
    figures: [
      figure({
        checks: [judged('geo-mean ratio, Node', 0.56, { comparison: 'at-most', value: 1 }, '×', { value: 21.7, label: 'native geo-mean ms' })],
        tables: [{ title: 'Per command', columns: ['command', 'ratio'], rows: [['sort | uniq: `sort words.txt | uniq -c`', 0.42]] }],
        notes: ['How it is measured.'],
      }),
      figure({ id: 'B4', title: 'Pool throughput', status: 'SKIP', checks: [skipped('speed-up at 2 workers', { comparison: 'at-least', value: 1.6 }, '×', 'no pool on this branch')] }),
    ],
  };
  const markdown = renderResultsMarkdown(results);

  it('names the machine it ran on and its load', () => {
    expect(markdown).toContain('Test CPU @ 2.80GHz, 2 cores, 23.5 GiB memory');
    expect(markdown).toContain('Node v20.20.2; Chromium 156.0.8078.108');
    expect(markdown).toContain('Load average when the last run started: 3.32 / 2.21 / 2.09');
    expect(markdown).toContain('Date: 2026-11-30T02:30:00.000Z');
  });

  it('lists every check in the summary with its target and status, a skipped one with its reason', () => {
    expect(markdown).toContain('| B1 Shell tool round trip vs native bash | geo-mean ratio, Node | 0.56× | native geo-mean ms: 21.7 | ≤ 1× | **PASS** |');
    expect(markdown).toContain('| B4 Pool throughput | speed-up at 2 workers | not measured: no pool on this branch | — | ≥ 1.60× | **SKIP** |');
  });

  it('gives each figure its section with its notes and tables, pipes in cells escaped', () => {
    expect(markdown).toContain('## B1 Shell tool round trip vs native bash — PASS');
    expect(markdown).toContain('How it is measured.');
    expect(markdown).toContain('| sort \\| uniq: `sort words.txt \\| uniq -c` | 0.42 |');
    expect(markdown).toContain('## B4 Pool throughput — SKIP');
  });
});

describe('B8 model time from a stored trace', () => {
  const at = (type: string, timestamp: number) => ({ type, timestamp });

  it('counts each call from its request to its answer, not the tools between calls', () => {
    expect(modelTime([at('run-start', 0), at('model-request', 10), at('model-response', 1010), at('tool-call', 1011), at('tool-result', 1050), at('model-request', 1051), at('model-response', 2051), at('run-end', 2060)])).toBe(2000);
  });

  it('counts a call cut off by the time limit, which ends in a model-error, and a retried call up to its last answer', () => {
    expect(modelTime([at('model-request', 0), at('model-error', 120_000), at('run-end', 120_001)])).toBe(120_000);
    expect(modelTime([at('model-request', 0), at('model-error', 100), at('model-error', 900), at('model-response', 1500), at('tool-call', 1501)])).toBe(1500);
  });
});

describe('B1 output comparison between native bash and just-bash', () => {
  it('ignores how counts are padded, but not what they are', () => {
    expect(comparableOutput('sort | uniq', '      2 a\n      1 b\n')).toBe(comparableOutput('sort | uniq', '  2 a\n  1 b\n'));
    expect(comparableOutput('sort | uniq', '      2 a\n')).not.toBe(comparableOutput('sort | uniq', '  3 a\n'));
  });

  it('compares only the names `ls -la` lists', () => {
    const native = 'total 8\ndrwxr-xr-x 2 root root 4096 Nov 30 02:58 .\ndrwxr-xr-x 3 root root 4096 Nov 30 02:58 ..\ndrwxr-xr-x 2 root root 4096 Nov 30 02:58 deep\n-rw-r--r-- 1 root root 4 Nov 30 02:58 f.txt\n';
    const justBash = 'total 11\ndrwxr-xr-x 1 user user     0 Jan  1 00:00 .\ndrwxr-xr-x 1 user user     0 Jan  1 00:00 ..\ndrwxr-xr-x 1 user user     0 Nov 30 02:58 deep/\n-rw-r--r-- 1 user user     4 Nov 30 02:58 f.txt\n';
    expect(comparableOutput('ls', native)).toBe(comparableOutput('ls', justBash));
    expect(comparableOutput('ls', native)).not.toBe(comparableOutput('ls', justBash.replace('f.txt', 'g.txt')));
  });
});

describe('B4 pool rounds', () => {
  it('rotates the sizes each round, so no pool size always runs first', () => {
    expect([0, 1, 2, 3].map((round) => roundOrder([1, 2, 4], round))).toEqual([
      [1, 2, 4],
      [2, 4, 1],
      [4, 1, 2],
      [1, 2, 4],
    ]);
  });

  it('warms up once, runs every size once per round and takes each size its median wall time', async () => {
    const calls: string[] = [];
    const runs = await runPoolRounds([1, 2], 3, async () => calls.push('warm-up'), async (size) => {
      calls.push(`size ${size}`);
      return [`outcome at ${size}`];
    });
    expect(calls).toEqual(['warm-up', 'size 1', 'size 2', 'size 2', 'size 1', 'size 1', 'size 2']);
    expect(runs.map((run) => [run.size, run.round])).toEqual([[1, 0], [2, 0], [2, 1], [1, 1], [1, 2], [2, 2]]);
    // Wall times as a loaded machine gives them: one slow outlier per size, which the median leaves out.
    const timed = runs.map((run, index) => ({ ...run, seconds: [9, 2, 8, 3, 5, 4][index] }));
    expect(summarizeRounds([1, 2], timed)).toEqual([
      { size: 1, medianSeconds: 5, seconds: [9, 3, 5], outcomes: [['outcome at 1'], ['outcome at 1'], ['outcome at 1']] },
      { size: 2, medianSeconds: 4, seconds: [2, 8, 4], outcomes: [['outcome at 2'], ['outcome at 2'], ['outcome at 2']] },
    ]);
  });
});
