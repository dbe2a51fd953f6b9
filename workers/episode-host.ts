// An episode worker, loaded by episode.worker.ts: runTask for one episode at a time, its model relayed to the page
// (src/core/pool/episode-worker-api.ts). The episode's sandbox is just-bash in a worker of this worker's own, so a
// runaway command is killed and the sandbox rebuilt exactly as on the page; the page's watchdog kills this worker
// only when the episode itself outlives its limits.
import '../src/platform/zod-without-eval';
import { expose, proxy } from 'comlink';
import { createEpisodeWorkerApi } from '../src/core/pool/episode-worker-api';
import { createWorkerSandbox } from '../src/platform/worker-sandbox';

expose(createEpisodeWorkerApi({ createSandbox: createWorkerSandbox, markCallback: proxy }));
