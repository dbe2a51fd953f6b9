// B4: throughput of 200 scripted episodes through the episode pool the CLI uses (`runEpisodes`, each episode in its
// own episode worker_thread with its sandbox thread inside) at pool size 1, 2 and 4; the speed-up against pool size 1.
import { cpus } from 'node:os';
import { createThreadEpisodeRunner } from '../src/cli/thread-episode-runner.js';
import { createDefaultHarness, harnessHash } from '../src/core/harness/index.js';
import type { ActionProtocol, ChatModel, ModelRequest, ModelStreamPart } from '../src/core/model/types.js';
import { type Episode, runEpisodes } from '../src/core/pool/run-episodes.js';
import { builtinSuite } from '../src/core/tasks/builtin/index.js';
import type { Task } from '../src/core/tasks/types.js';
import { type BenchFigure, type Check, judged, ratio } from './figure.js';

const TARGET = { comparison: 'at-least', value: 1.6 } as const;
const EPISODES = 200;
const POOL_SIZES = [1, 2, 4];

/**
 * A scripted model for many tasks at once: it finds the task by its instruction in the system prompt and plays the
 * task's reference solution as one shell call, then finishes (Harbor's oracle agent, for a whole batch). No latency
 * of its own. A bench instrument, never offered as a model.
 */
export class ReferenceSolutionModel implements ChatModel {
  readonly id = 'bench:reference-solutions';
  readonly provider = 'bench';
  readonly actionProtocol: ActionProtocol = 'native_tools';

  constructor(private readonly tasks: readonly Task[]) {}

  async *stream(request: ModelRequest): AsyncIterable<ModelStreamPart> {
    const system = request.messages.find((message) => message.role === 'system')?.content ?? '';
    const task = this.tasks.filter((candidate) => system.includes(candidate.instruction)).sort((a, b) => b.instruction.length - a.instruction.length)[0];
    const turn = request.messages.filter((message) => message.role === 'assistant').length;
    const call = turn === 0 && task?.solution ? { id: 'solution', name: 'shell', argumentsText: JSON.stringify({ command: task.solution }) } : { id: `finish_${turn}`, name: 'finish', argumentsText: '{"summary":"done"}' };
    yield { type: 'tool-call', call };
    yield { type: 'usage', usage: { inputTokens: 0, outputTokens: 0 } };
    yield { type: 'response-end', finishReason: 'tool_calls' };
  }
}

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
    const baseline = sizes[0];
    const perSecond = (entry: (typeof sizes)[number]) => entry.outcomes.length / entry.seconds;
    const sameOutcomes = (entry: (typeof sizes)[number]) => entry.outcomes.length === baseline.outcomes.length && entry.outcomes.every((outcome, index) => outcome === baseline.outcomes[index]);
    const passes = (entry: (typeof sizes)[number]) => entry.outcomes.filter((outcome) => outcome === 'pass').length;
    const atTwo = sizes.find((entry) => entry.size === 2)!;
    const checks: Check[] = [judged('speed-up at 2 workers vs 1 (episodes per second)', ratio(perSecond(atTwo), perSecond(baseline)), TARGET, '×', { value: perSecond(baseline), label: 'pool size 1, episodes/s' })];
    return {
      id: 'B4',
      title: figure.title,
      checks,
      tables: [
        {
          title: `${count} episodes (${tasks.length} built-in tasks in turn, each played by its reference solution) through \`runEpisodes\` with the CLI's episode threads`,
          columns: ['pool size', 'wall s', 'episodes per second', 'speed-up vs size 1', 'passed', 'same outcomes, in order, as size 1'],
          rows: sizes.map((entry) => [entry.size, entry.seconds, perSecond(entry), ratio(perSecond(entry), perSecond(baseline)), `${passes(entry)} of ${entry.outcomes.length}`, sameOutcomes(entry) ? 'yes' : 'no']),
        },
      ],
      notes: [
        `Each episode is a whole attempt as \`self-harness run --concurrency N\` makes it: an episode worker_thread (reused after a clean end) running the agent loop and the verifier, with a fresh sandbox (a just-bash worker_thread of that thread), the task's files and setup, and a scripted model on the main thread (each call relayed) that plays the task's reference solution as one shell call and then finishes. The same ${count} episodes run at each pool size after a warm-up; throughput is episodes per second of wall time, the baseline pool size 1. The machine has ${cpus().length} cores shared with other work, which bounds what 4 can add. The page's episode Web Workers are not measured here.`,
      ],
    };
  },
};
