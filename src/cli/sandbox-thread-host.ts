import { parentPort } from 'node:worker_threads';
import type { SandboxWorkerApi } from '../core/sandbox/restartable-sandbox.js';
import { createSandboxWorkerApi } from '../core/sandbox/sandbox-worker-api.js';

/**
 * Inside the CLI's sandbox worker_thread: one just-bash sandbox (the Node build, with yq and tar), answering
 * `{id, method, args}` messages with `{id, value}` or `{id, error}`. The CLI kills this thread when a command
 * outlives its timeout, as the page kills its Web Worker; `reset` gives an idle thread a fresh sandbox for the next
 * task attempt.
 */
export type ThreadRequest = { id: number; method: keyof SandboxWorkerApi; args: unknown[] };
export type ThreadReply = { id: number; value: unknown } | { id: number; error: string };

const port = parentPort;
if (!port) throw new Error('sandbox-thread-host.ts runs only inside a worker_thread');
const api = createSandboxWorkerApi();
port.on('message', async ({ id, method, args }: ThreadRequest) => {
  try {
    const value = await (api[method] as (...parameters: unknown[]) => Promise<unknown>)(...args);
    port.postMessage({ id, value } satisfies ThreadReply);
  } catch (error) {
    port.postMessage({ id, error: error instanceof Error ? error.message : String(error) } satisfies ThreadReply);
  }
});
port.postMessage({ id: 0, value: 'ready' } satisfies ThreadReply);
