// B4: throughput of 200 scripted episodes through the episode pool the CLI uses (`runEpisodes`, each episode in its
// own episode worker_thread with its sandbox thread inside) at pool size 1, 2 and 4; the speed-up against pool size 1.
import { cpus } from 'node:os';
import { createThreadEpisodeRunner } from '../src/cli/thread-episode-runner.js';
import { createDefaultHarness, harnessHash } from '../src/core/harness/index.js';
import { type Episode, runEpisodes } from '../src/core/pool/run-episodes.js';
import { builtinSuite } from '../src/core/tasks/builtin/index.js';
import { type BenchPage, chromiumUnavailable, openBenchPage } from './chromium.js';
import { type BenchFigure, type Check, judged, ratio, skipped } from './figure.js';
import { ReferenceSolutionModel } from './reference-solution-model.js';

export { ReferenceSolutionModel };

const TARGET = { comparison: 'at-least', value: 1.6 } as const;
const EPISODES = 200;
const POOL_SIZES = [1, 2, 4];

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
    await run(Math.max(...POOL_SIZES), episodes.slice(0, 8)); // warm-up: episode and sandbox threads started and their code loaded
    const sizes: Array<{ size: number; seconds: number; outcomes: string[] }> = [];
    try {
      for (const size of POOL_SIZES) {
        const started = performance.now();
        const results = await run(size, episodes);
        const seconds = (performance.now() - started) / 1000;
        sizes.push({ size, seconds, outcomes: results.map(({ result }) => result.outcome) });
        log(`pool size ${size}: ${results.length} episodes in ${seconds.toFixed(1)} s`);
      }
    } finally {
      runner.dispose();
    }
    log('Chromium: the same through the page\'s episode Web Workers');
    let browserSkip = chromiumUnavailable();
    let browser: { taskCount: number; runs: typeof sizes } | undefined;
    if (!browserSkip) {
      let page: BenchPage | undefined;
      try {
        page = await openBenchPage();
        browser = await page.call('poolThroughput', count, POOL_SIZES);
        for (const entry of browser.runs) log(`Chromium pool size ${entry.size}: ${entry.outcomes.length} episodes in ${entry.seconds.toFixed(1)} s`);
      } catch (error) {
        browserSkip = (error as Error).message;
      } finally {
        await page?.close();
      }
    }
    type Run = (typeof sizes)[number];
    const perSecond = (entry: Run) => entry.outcomes.length / entry.seconds;
    const passes = (entry: Run) => entry.outcomes.filter((outcome) => outcome === 'pass').length;
    /** Speed-up and outcomes of each pool size against size 1 of the same side. */
    const rowsOf = (runs: Run[]) => {
      const baseline = runs[0];
      const sameOutcomes = (entry: Run) => entry.outcomes.length === baseline.outcomes.length && entry.outcomes.every((outcome, index) => outcome === baseline.outcomes[index]);
      return runs.map((entry) => [entry.size, entry.seconds, perSecond(entry), ratio(perSecond(entry), perSecond(baseline)), `${passes(entry)} of ${entry.outcomes.length}`, sameOutcomes(entry) ? 'yes' : 'no']);
    };
    const speedUpAtTwo = (label: string, runs: Run[]) =>
      judged(label, ratio(perSecond(runs.find((entry) => entry.size === 2)!), perSecond(runs[0])), TARGET, '×', { value: perSecond(runs[0]), label: 'pool size 1, episodes/s' });
    const checks: Check[] = [
      speedUpAtTwo('speed-up at 2 workers vs 1 (episodes per second)', sizes),
      browser ? speedUpAtTwo('speed-up at 2 episode Web Workers vs 1, Chromium', browser.runs) : skipped('speed-up at 2 episode Web Workers vs 1, Chromium', TARGET, '×', browserSkip ?? 'not measured'),
    ];
    const columns = ['pool size', 'wall s', 'episodes per second', 'speed-up vs size 1', 'passed', 'same outcomes, in order, as size 1'];
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
          ? [{ title: `Chromium: ${count} episodes (${browser.taskCount} built-in tasks the browser's just-bash runs, in turn) through \`runEpisodes\` with the page's episode Web Workers`, columns, rows: rowsOf(browser.runs) }]
          : []),
      ],
      notes: [
        `Each episode is a whole attempt as \`self-harness run --concurrency N\` makes it: an episode worker_thread (reused after a clean end) running the agent loop and the verifier, with a fresh sandbox (a just-bash worker_thread of that thread), the task's files and setup, and a scripted model on the main thread (each call relayed) that plays the task's reference solution as one shell call and then finishes. The same ${count} episodes run at each pool size after a warm-up; throughput is episodes per second of wall time, the baseline pool size 1. The machine has ${cpus().length} cores shared with other work, which bounds what 4 can add. In Chromium the same plan runs through the page's episode Web Workers as the Run panel runs it: each episode's agent loop and verifier in an episode worker (reused after a clean end), its sandbox a nested worker, the model on the page (tasks that need yq or tar, which the browser's just-bash lacks, are left out of that side).`,
      ],
    };
  },
};
