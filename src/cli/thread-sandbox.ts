import { Worker } from 'node:worker_threads';
import { RestartableSandbox, type SandboxWorkerApi, type SandboxWorkerHandle } from '../core/sandbox/restartable-sandbox.js';
import type { Sandbox } from '../core/sandbox/types.js';
import type { ThreadReply } from './sandbox-thread-host.js';

/**
 * The CLI's sandbox: just-bash in a Node worker_thread, behind the same `RestartableSandbox` the page puts around its
 * Web Worker. just-bash cannot interrupt a CPU-bound command from inside (`for i in $(seq 1 50000); do sort -c f; done`
 * ran past 120 s with a 5 s timeout in-process), so a command that outlives its timeout, or is stopped by Ctrl-C,
 * terminates the thread and a fresh one continues with the files as they were before that command. The main thread
 * stays free meanwhile, so the CLI answers signals at once.
 *
 * A thread takes about a second to load its code, so threads are reused: a sandbox disposed with no call in flight
 * hands its thread back with an empty file system, and one thread is kept started ahead.
 */

const ENTRY = new URL('./sandbox-thread.mjs', import.meta.url);

/** Heap a sandbox thread may use: a command that builds a huge string kills its thread, never the CLI. */
const THREAD_HEAP_MB = 1024;

/** Idle threads kept for the next sandbox; more would only hold memory. Raised to the pool size (`prestartSandboxThread`). */
let idleThreads = 2;

const METHODS = ['exec', 'readFile', 'writeFile', 'exists', 'listFiles', 'exportTree', 'snapshot', 'restore', 'reset'] as const satisfies ReadonlyArray<keyof SandboxWorkerApi>;

class SandboxThread {
  readonly worker = new Worker(ENTRY, { resourceLimits: { maxOldGenerationSizeMb: THREAD_HEAP_MB } });
  readonly api: SandboxWorkerApi;
  /** Resolves with why the thread is gone (it crashed, ran out of memory, or could not load); never while it lives. */
  readonly failed: Promise<string>;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private nextId = 1;
  private gone: string | undefined;
  private reportGone: (why: string) => void = () => {};

  constructor() {
    this.failed = new Promise<string>((resolve) => (this.reportGone = resolve));
    this.worker.on('message', (reply: ThreadReply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if ('error' in reply) waiting.reject(new Error(reply.error));
      else waiting.resolve(reply.value);
    });
    this.worker.on('error', (error: Error & { code?: string }) =>
      this.fail(error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `the sandbox ran out of memory (a command used more than ${THREAD_HEAP_MB} MB)` : `the sandbox thread failed: ${error.message}`),
    );
    this.worker.on('exit', (code) => this.fail(`the sandbox thread stopped (exit code ${code})`));
    this.api = Object.fromEntries(METHODS.map((method) => [method, (...args: unknown[]) => this.call(method, args)])) as unknown as SandboxWorkerApi;
  }

  get alive(): boolean {
    return this.gone === undefined;
  }

  get busy(): boolean {
    return this.pending.size > 0;
  }

  call(method: (typeof METHODS)[number], args: unknown[]): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      if (this.gone) {
        reject(new Error(this.gone));
        return;
      }
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, method, args });
    });
  }

  kill(): void {
    this.fail('the sandbox thread was terminated');
    void this.worker.terminate();
  }

  private fail(why: string): void {
    if (this.gone) return;
    this.gone = why;
    this.reportGone(why);
    for (const waiting of this.pending.values()) waiting.reject(new Error(why));
    this.pending.clear();
  }
}

/** Started threads nobody uses; idle ones do not keep the process alive. */
const idle: SandboxThread[] = [];
/** Every thread handed to a sandbox and not yet given back. */
const inUse = new Set<SandboxThread>();

function park(thread: SandboxThread): void {
  thread.worker.unref();
  idle.push(thread);
}

function takeThread(): SandboxThread {
  let thread: SandboxThread | undefined;
  // The most recently parked thread first: a reset one has its code loaded already, a spare may still be loading.
  while ((thread = idle.pop()) && !thread.alive);
  thread ??= new SandboxThread();
  thread.worker.ref();
  inUse.add(thread);
  if (!idle.length) park(new SandboxThread());
  return thread;
}

/**
 * The handle `RestartableSandbox` drives. It terminates a handle to kill a runaway command, and releases it when the
 * sandbox is disposed with nothing in flight after a command that ended by itself: then the thread is reset and reused.
 */
function spawnSandboxThread(): SandboxWorkerHandle {
  const thread = takeThread();
  let handedBack = false;
  return {
    api: thread.api,
    failed: thread.failed,
    terminate: () => {
      // Once released, the thread may already serve another sandbox.
      if (handedBack) return;
      handedBack = true;
      inUse.delete(thread);
      if (thread.alive) thread.kill();
    },
    release: () => {
      if (handedBack) return;
      handedBack = true;
      inUse.delete(thread);
      if (!thread.alive) return;
      if (thread.busy || idle.length >= idleThreads) {
        thread.kill();
        return;
      }
      // Messages reach the thread in order: the reset runs before the next sandbox's first call.
      void thread.call('reset', []).catch(() => undefined);
      park(thread);
    },
  };
}

/**
 * Starts threads ahead (a command calls this once its flags are read), so the first tasks do not wait for one: one per
 * episode that will run at once. Also keeps that many idle threads for reuse, so a pool never waits for a fresh one.
 */
export function prestartSandboxThread(concurrency = 1): void {
  idleThreads = Math.max(idleThreads, concurrency + 1);
  let alive = idle.filter((thread) => thread.alive).length;
  while (alive++ < concurrency) park(new SandboxThread());
}

/** A fresh sandbox for one task attempt, in its own thread; the CLI's `SandboxFactory`. */
export async function createThreadSandbox(): Promise<Sandbox> {
  // The Node build of just-bash: the defaults (kind, capabilities with yq and tar) describe it.
  return new RestartableSandbox(spawnSandboxThread);
}

/**
 * Ctrl-C: kill every thread that is running a command now, instead of waiting for its timeout or for a fresh thread
 * to take over its files. The sandboxes' calls fail at once, and the runs they belonged to (already aborted by the
 * caller) end without being counted.
 */
export function killBusySandboxThreads(): void {
  for (const thread of inUse) if (thread.busy) thread.kill();
}

/** Ends every idle thread, so a process (or a test) can finish at once. */
export async function stopIdleSandboxThreads(): Promise<void> {
  const threads = idle.splice(0);
  await Promise.all(threads.map((thread) => thread.worker.terminate()));
}
