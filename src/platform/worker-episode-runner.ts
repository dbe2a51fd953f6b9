import { proxy, wrap } from 'comlink';
import { type EpisodeRunner, runEpisodeInThisThread } from '../core/pool/episode-runner';
import type { EpisodeWorkerApi } from '../core/pool/episode-worker-api';
import { createWorkerEpisodeRunner, type EpisodeWorkerHandle, type RemoteEpisodeWorkerApi, type WorkerEpisodeRunner, type WorkerEpisodeRunnerOptions } from '../core/pool/episode-worker-host';
import type { SandboxFactoryChoice } from './sandbox-choice';
import { watchWorker } from './watch-worker';

/** One episode worker (`workers/episode.worker.ts`) behind comlink, watched for a failure to load or a crash. */
function spawnEpisodeWorker(): EpisodeWorkerHandle {
  const worker = new Worker(new URL('../../workers/episode.worker.ts', import.meta.url), { type: 'module', name: 'episode' });
  const failed = watchWorker(worker, 'episode');
  return { api: wrap<EpisodeWorkerApi>(worker) as unknown as RemoteEpisodeWorkerApi, terminate: () => worker.terminate(), failed };
}

/**
 * The page's episode runner: each episode (agent loop, tools, verifier and its just-bash sandbox) in a Web Worker of
 * its own, its model calls relayed to the page's model, a watchdog on every worker (`episode-worker-host.ts`).
 * Dispose it when no run needs it any more. The WebContainer sandbox (one per page) stays on the page's thread.
 */
export function createPageEpisodeRunner(options: Partial<Omit<WorkerEpisodeRunnerOptions, 'spawn' | 'markCallback'>> = {}): WorkerEpisodeRunner {
  return createWorkerEpisodeRunner({ ...options, spawn: spawnEpisodeWorker, markCallback: proxy });
}

/** Where a batch's or an evolution's episodes run, and how to let go of it afterwards. */
export interface EpisodeRunnerChoice {
  runEpisode: EpisodeRunner;
  /** `episode-worker`: each episode in a Web Worker; `page`: on this thread (the WebContainer). */
  where: 'episode-worker' | 'page';
  dispose(): void;
}

/**
 * One runner per page: a worker that ended its episode cleanly waits, with its emptied sandbox worker, for the next
 * episode — of this batch or of the next one — so a run does not start by loading workers again (bench B2).
 */
let pageRunner: WorkerEpisodeRunner | undefined;

/**
 * The embedded sandbox: every episode in an episode worker (its sandbox a worker of that worker), `poolSize` of them
 * ready at once. A WebContainer is one per page and is driven from the page, so its episodes stay on its thread.
 * `dispose` ends this run's episodes still running, keeps `poolSize` idle workers for the next run and terminates
 * any beyond them.
 */
export function episodeRunnerFor(choice: SandboxFactoryChoice, poolSize = 1): EpisodeRunnerChoice {
  if (choice.kind === 'webcontainer') return { runEpisode: runEpisodeInThisThread(choice.factory), where: 'page', dispose: () => {} };
  const runner = (pageRunner ??= createPageEpisodeRunner());
  // Loaded while the run probes the model, so the first episodes do not wait for a worker's code.
  runner.prestart(poolSize);
  // Episodes this run started and still runs when it lets go (it failed, the page left it) end with it.
  const released = new AbortController();
  return {
    runEpisode: (input) => runner.run({ ...input, signal: AbortSignal.any([input.signal, released.signal]) }),
    where: 'episode-worker',
    dispose: () => {
      released.abort();
      runner.releaseIdle(poolSize);
    },
  };
}
