// B3: the harness's own time per agent step — the agent loop with a zero-latency model, so what is left of a step
// besides the shell is the loop, its policies, its events and the model plumbing — in Node and on the page in Chromium.
import { createThreadSandbox, stopIdleSandboxThreads } from '../src/cli/thread-sandbox.js';
import { JustBashSandbox } from '../src/core/sandbox/just-bash-sandbox.js';
import type { Sandbox } from '../src/core/sandbox/types.js';
import { type EpisodeTiming, OVERHEAD_COMMAND, timeEpisode } from './agent-overhead.js';
import { type BenchFigure, type Check, judged, percentile, ratio, skipped, type Table } from './figure.js';
import { type BenchPage, chromiumUnavailable, openBenchPage } from './chromium.js';

const TARGET = { comparison: 'at-most', value: 1 } as const;
const STEPS = 100;

function summary(timings: EpisodeTiming[]) {
  const overhead = timings.flatMap((timing) => timing.overheadMs);
  const shell = timings.flatMap((timing) => timing.shellMs);
  const step = timings.flatMap((timing) => timing.stepMs);
  return { overhead, shell, step, episodes: timings.map((timing) => timing.episodeMs), endReasons: [...new Set(timings.map((timing) => timing.endReason))] };
}

export const figure: BenchFigure = {
  id: 'B3',
  title: 'Harness overhead per agent step (zero-latency model)',
  target: TARGET,
  unit: 'ms',
  async measure({ log, quick }) {
    const episodes = quick ? 3 : 20;
    // Node: the CLI's sandbox (a worker_thread), and just-bash in-process beside it. A warm-up episode first on each
    // side (JIT, the thread's or worker's code); not counted.
    const episodesWith = async (create: () => Promise<Sandbox>): Promise<EpisodeTiming[]> => {
      const timings: EpisodeTiming[] = [];
      for (let episode = 0; episode <= episodes; episode++) {
        const sandbox = await create();
        try {
          const timing = await timeEpisode(sandbox, STEPS);
          if (episode > 0) timings.push(timing);
        } finally {
          await sandbox.dispose();
        }
      }
      return timings;
    };
    let node: EpisodeTiming[];
    try {
      node = await episodesWith(createThreadSandbox);
    } finally {
      await stopIdleSandboxThreads();
    }
    const inProcess = await episodesWith(async () => new JustBashSandbox());
    log(`Node: ${episodes} episodes of ${STEPS} steps with each sandbox`);

    let page: BenchPage | undefined;
    let browserSkip = chromiumUnavailable();
    let browser: EpisodeTiming[] = [];
    if (!browserSkip) {
      try {
        page = await openBenchPage();
        await page.call('agentEpisodes', STEPS, 1);
        browser = await page.call('agentEpisodes', STEPS, episodes);
        log(`Chromium: ${episodes} episodes of ${STEPS} steps`);
      } catch (error) {
        browserSkip = (error as Error).message;
      } finally {
        await page?.close();
      }
    }
    const sides = [
      { label: 'Node (the CLI\'s sandbox thread)', timings: node },
      { label: 'Node (in-process just-bash, informative)', timings: inProcess },
      ...(browser.length ? [{ label: 'Chromium (page thread, sandbox worker)', timings: browser }] : []),
    ];
    const table: Table = {
      title: `${episodes} episodes × ${STEPS} steps each side (ms per step; the shell runs \`${OVERHEAD_COMMAND}\` every step but the last)`,
      columns: ['where', 'steps', 'step p50', 'shell p50', 'overhead p50', 'overhead p95', 'overhead ÷ shell (p50)', 'episode p50', 'episodes ended'],
      rows: sides.map(({ label, timings }) => {
        const figures = summary(timings);
        return [label, figures.step.length, percentile(figures.step, 50), percentile(figures.shell, 50), percentile(figures.overhead, 50), percentile(figures.overhead, 95), ratio(percentile(figures.overhead, 50), percentile(figures.shell, 50)), percentile(figures.episodes, 50), figures.endReasons.join(', ')];
      }),
    };
    const check = (label: string, timings: EpisodeTiming[]) => {
      const figures = summary(timings);
      return judged(label, percentile(figures.overhead, 50), TARGET, 'ms', { value: percentile(figures.shell, 50), label: 'shell p50 ms' });
    };
    const checks: Check[] = [
      check('p50 overhead per step, Node (the CLI\'s sandbox thread)', node),
      browser.length ? check('p50 overhead per step, Chromium', browser) : skipped('p50 overhead per step, Chromium', TARGET, 'ms', browserSkip ?? 'not measured'),
    ];
    return {
      id: 'B3',
      title: figure.title,
      checks,
      tables: [table],
      notes: [
        `The real agent loop (\`runAgentToEnd\`, default harness, ${STEPS}-step episodes: a shell call per step, \`finish\` on the last) with a bench model that answers at once and keeps nothing. A step is timed from one \`model-request\` event to the next (the last one to \`run-end\`); the sandbox is wrapped so that the time the loop waits on any sandbox call is added up. Overhead per step = step time − sandbox time in that step: the loop, the policies, event stamping, prompt shaping and the model-stream plumbing. The baseline beside it is the shell's own time per step (in Chromium, the page → worker round trip included). The trace store is not in this figure (B5).`,
        'In Node the sandbox is the CLI\'s (`createThreadSandbox`: just-bash in a worker_thread), so the shell\'s time includes the thread round trip; an in-process just-bash row is beside it for comparison. In Chromium the loop runs on the page thread and the sandbox is the app\'s `WorkerSandbox`.',
      ],
    };
  },
};
