import { proxy, wrap } from 'comlink';
import type { EpisodeWorkerApi } from '../core/pool/episode-worker-api';
import { createWorkerEpisodeRunner, type EpisodeWorkerHandle, type RemoteEpisodeWorkerApi, type WorkerEpisodeRunner, type WorkerEpisodeRunnerOptions } from '../core/pool/episode-worker-host';
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
