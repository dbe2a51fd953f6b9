import { wrap } from 'comlink';
import { BROWSER_JUST_BASH_CAPABILITIES } from '../core/sandbox/capabilities';
import { RestartableSandbox, type SandboxWorkerApi } from '../core/sandbox/restartable-sandbox';
import { createSandboxWorkerPool, type StartedSandboxWorker } from '../core/sandbox/sandbox-worker-pool';
import { watchWorker } from './watch-worker';

function startSandboxWorker(): StartedSandboxWorker {
  const worker = new Worker(new URL('../../workers/sandbox.worker.ts', import.meta.url), { type: 'module', name: 'sandbox' });
  const failed = watchWorker(worker, 'sandbox');
  return { api: wrap<SandboxWorkerApi>(worker) as unknown as SandboxWorkerApi, terminate: () => worker.terminate(), failed };
}

/**
 * Sandbox workers for the whole page: a new Web Worker takes ~100 ms to load just-bash, so one is kept started ahead
 * and a sandbox disposed cleanly hands its worker back emptied (issue 12, B2).
 */
const spawnSandboxWorker = createSandboxWorkerPool(startSandboxWorker);

/** The embedded sandbox as the page uses it: just-bash in a Web Worker that is killed and rebuilt on a runaway command. */
export class WorkerSandbox extends RestartableSandbox {
  constructor() {
    // The browser build of just-bash: no yq, no tar.
    super(spawnSandboxWorker, { kind: 'just-bash-worker', capabilities: BROWSER_JUST_BASH_CAPABILITIES });
  }
}

export const createWorkerSandbox = async () => new WorkerSandbox();
