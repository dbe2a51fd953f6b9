// B4: throughput of 200 scripted episodes through the episode pool the CLI uses (`runEpisodes`, each episode in its
// own episode worker_thread with its sandbox thread inside) at pool size 1, 2 and 4; the speed-up against pool size 1.
import { cpus } from 'node:os';
import { createThreadEpisodeRunner } from '../src/cli/thread-episode-runner.js';
import { createDefaultHarness, harnessHash } from '../src/core/harness/index.js';
import { type Episode, runEpisodes } from '../src/core/pool/run-episodes.js';
import { builtinSuite } from '../src/core/tasks/builtin/index.js';
import { type BenchPage, chromiumUnavailable, openBenchPage } from './chromium.js';
import { type BenchFigure, type Check, judged, ratio, skipped } from './figure.js';
import { type PoolRun, runPoolRounds, summarizeRounds } from './pool-rounds.js';
import { ReferenceSolutionModel } from './reference-solution-model.js';

export { ReferenceSolutionModel };

const TARGET = { comparison: 'at-least', value: 1.6 } as const;
const EPISODES = 200;
const POOL_SIZES = [1, 2, 4];
/** Interleaved rounds (sizes rotated each round); each figure is the median over them. */
const ROUNDS = 3;

export const figure: BenchFigure = {
  id: 'B4',
  title: `Throughput of ${EPISODES} scripted episodes at pool size ${POOL_SIZES.join(', ')}`,
  target: TARGET,
  unit: '×',
  async measure({ log, quick }) {
    const count = quick ? 40 : EPISODES;
    // Tasks the reference solution can play and whose setup needs no more than the CLI's sandbox offers.
    const tasks = builtinSuite.tasks.filter((task) => task.solution);
    const episodes: Episode[] = Array.from({ length: count }, (_, index) => ({ task: tasks[index % tasks.length], attempt: Math.floor(index / tasks.length) + 1 }));
    const harness = createDefaultHarness();
    const hash = await harnessHash(harness);
    const model = new ReferenceSolutionModel(tasks);
    // As `self-harness run` does: each episode in an episode thread (reused after a clean end), the model on this thread.
    const runner = createThreadEpisodeRunner();
    runner.prestart(Math.max(...POOL_SIZES));
    const run = (concurrency: number, list: readonly Episode[]) => runEpisodes(list, { harness, harnessHash: hash, model, runEpisode: runner.run, concurrency });
    const rounds = quick ? 1 : ROUNDS;
    let nodeRuns: PoolRun[];
    try {
      // Warm-up: every task once at the largest size, so each thread has loaded and compiled what the episodes run.
      const warmUp = () => run(Math.max(...POOL_SIZES), episodes.slice(0, tasks.length));
      nodeRuns = await runPoolRounds(POOL_SIZES, rounds, warmUp, async (size) => {
        const started = performance.now();
        const results = await run(size, episodes);
        log(`pool size ${size}: ${results.length} episodes in ${((performance.now() - started) / 1000).toFixed(1)} s`);
        return results.map(({ result }) => result.outcome);
      });
    } finally {
      runner.dispose();
    }
    log('Chromium: the same through the page\'s episode Web Workers');
    let browserSkip = chromiumUnavailable();
    let browser: { taskCount: number; runs: PoolRun[] } | undefined;
    if (!browserSkip) {
      let page: BenchPage | undefined;
      try {
        page = await openBenchPage();
        browser = await page.call('poolThroughput', count, POOL_SIZES, rounds);
        for (const entry of browser.runs) log(`Chromium pool size ${entry.size}: ${entry.outcomes.length} episodes in ${entry.seconds.toFixed(1)} s`);
      } catch (error) {
        browserSkip = (error as Error).message;
      } finally {
        await page?.close();
      }
    }
    type Summary = ReturnType<typeof summarizeRounds>[number];
    const perSecond = (entry: Summary) => count / entry.medianSeconds;
    const passes = (entry: Summary) => entry.outcomes[0].filter((outcome) => outcome === 'pass').length;
    /** Speed-up and outcomes of each pool size against size 1 of the same side. */
    const rowsOf = (summaries: Summary[]) => {
      const baseline = summaries[0].outcomes[0];
      const sameOutcomes = (entry: Summary) => entry.outcomes.every((outcomes) => outcomes.length === baseline.length && outcomes.every((outcome, index) => outcome === baseline[index]));
      return summaries.map((entry) => [entry.size, entry.medianSeconds, entry.seconds.map((seconds) => seconds.toFixed(1)).join(' / '), perSecond(entry), ratio(perSecond(entry), perSecond(summaries[0])), `${passes(entry)} of ${count}`, sameOutcomes(entry) ? 'yes' : 'no']);
    };
    const speedUpAtTwo = (label: string, summaries: Summary[]) =>
      judged(label, ratio(perSecond(summaries.find((entry) => entry.size === 2)!), perSecond(summaries[0])), TARGET, '×', { value: perSecond(summaries[0]), label: 'pool size 1, episodes/s' });
    const sizes = summarizeRounds(POOL_SIZES, nodeRuns);
    const browserSizes = browser ? summarizeRounds(POOL_SIZES, browser.runs) : undefined;
    const checks: Check[] = [
      speedUpAtTwo(`speed-up at 2 workers vs 1 (episodes per second, median of ${rounds})`, sizes),
      browserSizes ? speedUpAtTwo(`speed-up at 2 episode Web Workers vs 1, Chromium (median of ${rounds})`, browserSizes) : skipped('speed-up at 2 episode Web Workers vs 1, Chromium', TARGET, '×', browserSkip ?? 'not measured'),
    ];
    const columns = ['pool size', 'median wall s', 'wall s per round', 'episodes per second', 'speed-up vs size 1', 'passed', 'same outcomes, in order, as size 1 (every round)'];
    return {
      id: 'B4',
      title: figure.title,
      checks,
      tables: [
        {
          title: `${count} episodes (${tasks.length} built-in tasks in turn, each played by its reference solution) through \`runEpisodes\` with the CLI's episode threads`,
          columns,
          rows: rowsOf(sizes),
        },
        ...(browser
          ? [{ title: `Chromium: ${count} episodes (${browser.taskCount} built-in tasks the browser's just-bash runs, in turn) through \`runEpisodes\` with the page's episode Web Workers`, columns, rows: rowsOf(browserSizes!) }]
          : []),
      ],
      notes: [
        `Each episode is a whole attempt as \`self-harness run --concurrency N\` makes it: an episode worker_thread (reused after a clean end) running the agent loop and the verifier, with a fresh sandbox (a just-bash worker_thread of that thread), the task's files and setup, and a scripted model on the main thread (each call relayed) that plays the task's reference solution as one shell call and then finishes. After a warm-up (every task once at the largest size, so each thread has loaded and compiled what the episodes run), the same ${count} episodes run at each pool size in ${rounds} interleaved round(s), the order of the sizes rotated each round so none always goes first; throughput is episodes per second of the median wall time, the baseline pool size 1. (One run per size after a short warm-up swung this figure between 1.34× and 1.82× from one bench run to the next: the size measured first paid for warming up the JIT in every thread.) The machine has ${cpus().length} cores shared with other work, which bounds what 4 can add. In Chromium the same plan runs through the page's episode Web Workers as the Run panel runs it: each episode's agent loop and verifier in an episode worker (reused after a clean end), its sandbox a nested worker, the model on the page (tasks that need yq or tar, which the browser's just-bash lacks, are left out of that side).`,
      ],
    };
  },
};
