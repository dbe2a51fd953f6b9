import type { SandboxWorkerApi, SandboxWorkerHandle } from './restartable-sandbox.js';

/** A started sandbox worker, as the pool gets it from its `start` function. */
export interface StartedSandboxWorker {
  api: SandboxWorkerApi;
  terminate(): void;
  /** Resolves with the worker's error text once it has failed; never settles while it is fine. */
  failed?: Promise<string>;
}

export interface SandboxWorkerPoolOptions {
  /** Workers started ahead, so a new sandbox does not wait for one to load. */
  spares?: number;
  /** Released workers kept (emptied) for the next sandboxes; more would only hold memory. */
  maxIdle?: number;
}

/**
 * Spawns sandbox workers for `RestartableSandbox` from a pool: a new sandbox takes an idle worker (the most recently
 * emptied first: its code is loaded and warm) or a spare started ahead, and a spare is started for the next one. A
 * sandbox that is disposed cleanly releases its worker, which is emptied (`reset`: a new just-bash with an empty file
 * system) and kept; a worker killed for a runaway command, or one that failed, is never reused.
 */
export function createSandboxWorkerPool(start: () => StartedSandboxWorker, options: SandboxWorkerPoolOptions = {}): () => SandboxWorkerHandle {
  const spares = options.spares ?? 1;
  const maxIdle = Math.max(spares, options.maxIdle ?? 4);
  const idle: StartedSandboxWorker[] = [];
  const failed = new WeakSet<StartedSandboxWorker>();

  const startWatched = (): StartedSandboxWorker => {
    const worker = start();
    void worker.failed?.then(() => {
      failed.add(worker);
      const index = idle.indexOf(worker);
      if (index >= 0) idle.splice(index, 1);
    });
    return worker;
  };

  const kill = (worker: StartedSandboxWorker) => {
    const index = idle.indexOf(worker);
    if (index >= 0) idle.splice(index, 1);
    worker.terminate();
  };

  return () => {
    let worker = idle.pop();
    while (worker && failed.has(worker)) worker = idle.pop();
    worker ??= startWatched();
    while (idle.length < spares) idle.unshift(startWatched());
    const taken = worker;
    let handedBack = false;
    return {
      api: taken.api,
      failed: taken.failed,
      terminate: () => {
        // Once released, the worker may already serve another sandbox.
        if (handedBack) return;
        handedBack = true;
        kill(taken);
      },
      release: () => {
        if (handedBack) return;
        handedBack = true;
        if (failed.has(taken) || idle.length >= maxIdle) {
          kill(taken);
          return;
        }
        // Messages reach a worker in order, so the reset runs before the next sandbox's first call.
        taken.api.reset().catch(() => kill(taken));
        idle.push(taken);
      },
    };
  };
}
