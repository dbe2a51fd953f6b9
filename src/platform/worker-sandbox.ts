import { wrap } from 'comlink';
import { BROWSER_JUST_BASH_CAPABILITIES } from '../core/sandbox/capabilities';
import { RestartableSandbox, type SandboxWorkerApi, type SandboxWorkerHandle } from '../core/sandbox/restartable-sandbox';
import { watchWorker } from './watch-worker';

function spawnSandboxWorker(): SandboxWorkerHandle {
  const worker = new Worker(new URL('../../workers/sandbox.worker.ts', import.meta.url), { type: 'module', name: 'sandbox' });
  const failed = watchWorker(worker, 'sandbox');
  return { api: wrap<SandboxWorkerApi>(worker) as unknown as SandboxWorkerApi, terminate: () => worker.terminate(), failed };
}

/** The embedded sandbox as the page uses it: just-bash in a Web Worker that is killed and rebuilt on a runaway command. */
export class WorkerSandbox extends RestartableSandbox {
  constructor() {
    // The browser build of just-bash: no yq, no tar.
    super(spawnSandboxWorker, { kind: 'just-bash-worker', capabilities: BROWSER_JUST_BASH_CAPABILITIES });
  }
}

export const createWorkerSandbox = async () => new WorkerSandbox();
