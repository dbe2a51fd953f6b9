import { parentPort } from 'node:worker_threads';
import { expose, proxy } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { createEpisodeWorkerApi } from '../core/pool/episode-worker-api.js';
import { createThreadSandbox, prestartSandboxThread } from './thread-sandbox.js';

/**
 * Inside one of the CLI's episode worker_threads: the same episode API as the page's episode Web Worker
 * (`src/core/pool/episode-worker-api.ts`) — `runTask` here, the model relayed to the main thread, which keeps the
 * per-endpoint limit and the API key. The sandbox is a worker_thread of this thread's own, killed and rebuilt on a
 * runaway command as before.
 */
if (!parentPort) throw new Error('episode-thread-host.ts runs only inside a worker_thread');
prestartSandboxThread(1);
expose(createEpisodeWorkerApi({ createSandbox: createThreadSandbox, markCallback: proxy }), nodeEndpoint(parentPort));
