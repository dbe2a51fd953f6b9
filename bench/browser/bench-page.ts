// The bench page: built by `npm run bench` with the app's own vite.config.ts (so the sandbox worker, just-bash's
// browser build and Dexie are bundled exactly as in dist/), served with the app's COOP/COEP headers and driven from
// Node through `window.studioBench` (bench/chromium.ts). Not part of the app.
import { createDefaultHarness, harnessHash } from '../../src/core/harness/index';
import { type Episode, runEpisodes } from '../../src/core/pool/run-episodes';
import { builtinSuite } from '../../src/core/tasks/builtin/index';
import { prepareTaskSandbox } from '../../src/core/tasks/task-sandbox';
import { createPageEpisodeRunner } from '../../src/platform/worker-episode-runner';
import { WorkerSandbox } from '../../src/platform/worker-sandbox';
import { StudioDatabase } from '../../src/store/db';
import { type EpisodeTiming, timeEpisode } from '../agent-overhead';
import { type PoolRun, runPoolRounds } from '../pool-rounds';
import { ReferenceSolutionModel } from '../reference-solution-model';
import type { BenchCommand } from '../shell-commands';
import { type TraceStoreOptions, type TraceStoreTiming, timeTraceStore } from '../trace-store-timing';

export interface ShellRound {
  /** Per command, in order: the round trip page → worker → just-bash → page. */
  ms: number[];
  stdout: string[];
  exitCodes: number[];
}

let shell: WorkerSandbox | undefined;

const studioBench = {
  crossOriginIsolated: () => globalThis.crossOriginIsolated,

  /** B1: one sandbox worker with the commands' files in /work. */
  async prepareShell(files: Record<string, string>): Promise<void> {
    await shell?.dispose();
    shell = new WorkerSandbox();
    for (const [path, content] of Object.entries(files)) await shell.writeFile(`/work/${path}`, content);
  },

  async shellRound(commands: BenchCommand[]): Promise<ShellRound> {
    if (!shell) throw new Error('prepareShell first');
    const round: ShellRound = { ms: [], stdout: [], exitCodes: [] };
    for (const { command } of commands) {
      const started = performance.now();
      const result = await shell.exec(command, { cwd: '/work' });
      round.ms.push(performance.now() - started);
      round.stdout.push(result.stdout);
      round.exitCodes.push(result.exitCode);
    }
    return round;
  },

  async disposeShell(): Promise<void> {
    await shell?.dispose();
    shell = undefined;
  },

  /** B2: a fresh worker sandbox per task, its files written, and a first command answered. Disposal is not timed. */
  async freshEnvironments(taskIds: string[]): Promise<number[]> {
    const times: number[] = [];
    for (const id of taskIds) {
      const task = builtinSuite.tasks.find((candidate) => candidate.id === id);
      if (!task) throw new Error(`no built-in task ${id}`);
      const started = performance.now();
      const sandbox = new WorkerSandbox();
      await prepareTaskSandbox(task, sandbox);
      const first = await sandbox.exec('pwd', { cwd: task.workdir ?? '/work' });
      times.push(performance.now() - started);
      await sandbox.dispose();
      if (first.exitCode !== 0) throw new Error(`pwd failed in a fresh sandbox for ${id}: ${first.stderr}`);
    }
    return times;
  },

  /**
   * B3: agent-loop episodes on the bench page's main thread with a worker sandbox: the loop's own overhead per step,
   * which is the same in the app's episode workers (there each episode's loop runs in a worker of its own).
   */
  async agentEpisodes(steps: number, episodes: number): Promise<EpisodeTiming[]> {
    const timings: EpisodeTiming[] = [];
    for (let episode = 0; episode < episodes; episode++) {
      const sandbox = new WorkerSandbox();
      try {
        timings.push(await timeEpisode(sandbox, steps));
      } finally {
        await sandbox.dispose();
      }
    }
    return timings;
  },

  /**
   * B4: `count` episodes through the page's episode workers, as the Run panel runs them (each episode's agent loop and
   * verifier in an episode worker, its sandbox a worker of that worker, the model on this page), at each pool size.
   */
  async poolThroughput(count: number, sizes: number[], rounds: number): Promise<{ taskCount: number; runs: PoolRun[] }> {
    // Tasks the reference solution can play and the browser's just-bash can run (no yq, no tar).
    const tasks = builtinSuite.tasks.filter((task) => task.solution && !task.requires?.length);
    const episodes: Episode[] = Array.from({ length: count }, (_, index) => ({ task: tasks[index % tasks.length], attempt: Math.floor(index / tasks.length) + 1 }));
    const harness = createDefaultHarness();
    const hash = await harnessHash(harness);
    const model = new ReferenceSolutionModel(tasks);
    const runner = createPageEpisodeRunner();
    const most = Math.max(...sizes);
    runner.prestart(most);
    const run = (concurrency: number, list: readonly Episode[]) => runEpisodes(list, { harness, harnessHash: hash, model, runEpisode: runner.run, concurrency });
    try {
      const warmUp = () => run(most, episodes.slice(0, tasks.length));
      const runs = await runPoolRounds(sizes, rounds, warmUp, async (size) => (await run(size, episodes)).map(({ result }) => result.outcome));
      return { taskCount: tasks.length, runs };
    } finally {
      runner.dispose();
    }
  },

  /** B5: the app's store in Chromium's IndexedDB; bytes from the storage estimate before and after. */
  async traceStore(options: TraceStoreOptions): Promise<TraceStoreTiming & { storedBytes: number | null }> {
    const name = `studio-bench-${Date.now()}`;
    const usage = async () => (await navigator.storage?.estimate?.())?.usage ?? null;
    const before = await usage();
    const db = new StudioDatabase(name);
    try {
      const timing = await timeTraceStore(db, options);
      const after = await usage();
      return { ...timing, storedBytes: before === null || after === null ? null : after - before };
    } finally {
      db.close();
      await StudioDatabase.delete(name);
    }
  },
};

export type StudioBench = typeof studioBench;
(globalThis as unknown as { studioBench: StudioBench }).studioBench = studioBench;
document.body.dataset.ready = 'true';
