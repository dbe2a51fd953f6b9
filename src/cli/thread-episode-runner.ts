import { Worker } from 'node:worker_threads';
import { wrap } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { proxy } from 'comlink';
import type { EpisodeWorkerApi } from '../core/pool/episode-worker-api.js';
import { createWorkerEpisodeRunner, type EpisodeWorkerHandle, type RemoteEpisodeWorkerApi, type WorkerEpisodeRunner } from '../core/pool/episode-worker-host.js';

const ENTRY = new URL('./episode-thread.mjs', import.meta.url);

/** Heap an episode thread may use: a runaway agent loop kills its thread, never the CLI. */
const THREAD_HEAP_MB = 1024;

function spawnEpisodeThread(): EpisodeWorkerHandle {
  const worker = new Worker(ENTRY, { resourceLimits: { maxOldGenerationSizeMb: THREAD_HEAP_MB } });
  let reportGone: (why: string) => void = () => {};
  const failed = new Promise<string>((resolve) => (reportGone = resolve));
  worker.on('error', (error: Error & { code?: string }) => reportGone(error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `it ran out of memory (more than ${THREAD_HEAP_MB} MB)` : `${error.name}: ${error.message}`));
  worker.on('exit', (code) => reportGone(`it stopped (exit code ${code})`));
  return {
    api: wrap<EpisodeWorkerApi>(nodeEndpoint(worker)) as unknown as RemoteEpisodeWorkerApi,
    terminate: () => void worker.terminate(),
    failed,
  };
}

/**
 * The CLI's episode runner: each episode in a worker_thread of its own, with the same episode API, relay and watchdog
 * as the page's episode Web Workers (`src/core/pool/episode-worker-host.ts`). Dispose it when the command ends:
 * it terminates every thread it started.
 */
export function createThreadEpisodeRunner(): WorkerEpisodeRunner {
  return createWorkerEpisodeRunner({ spawn: spawnEpisodeThread, markCallback: proxy });
}
