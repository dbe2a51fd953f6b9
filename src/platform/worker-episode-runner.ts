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
 * Dispose it when the batch or evolution ends. The WebContainer sandbox (one per page) stays on the page's thread.
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
 * The embedded sandbox: every episode in an episode worker (its sandbox a worker of that worker), `poolSize` of them
 * started at once. A WebContainer is one per page and is driven from the page, so its episodes stay on its thread.
 */
export function episodeRunnerFor(choice: SandboxFactoryChoice, poolSize = 1): EpisodeRunnerChoice {
  if (choice.kind === 'webcontainer') return { runEpisode: runEpisodeInThisThread(choice.factory), where: 'page', dispose: () => {} };
  const runner = createPageEpisodeRunner();
  // Loaded while the run probes the model, so the first episodes do not wait for a worker's code.
  runner.prestart(poolSize);
  return { runEpisode: runner.run, where: 'episode-worker', dispose: () => runner.dispose() };
}
