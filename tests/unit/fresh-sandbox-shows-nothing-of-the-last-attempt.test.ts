import { afterAll, describe, expect, it } from 'vitest';
import { createThreadSandbox, stopIdleSandboxThreads } from '../../src/cli/thread-sandbox.js';
import { RestartableSandbox, type SandboxWorkerApi } from '../../src/core/sandbox/restartable-sandbox.js';
import { createSandboxWorkerApi } from '../../src/core/sandbox/sandbox-worker-api.js';
import { createSandboxWorkerPool, type StartedSandboxWorker } from '../../src/core/sandbox/sandbox-worker-pool.js';
import type { Sandbox } from '../../src/core/sandbox/types.js';

/**
 * The page keeps sandbox workers for reuse (a new Web Worker costs ~100 ms per attempt): a worker comes back emptied.
 * These stand-ins run the real worker code (just-bash behind `createSandboxWorkerApi`) in-process; `spin` never
 * returns, like a tight loop only killing the worker stops.
 */
function inProcessWorkers() {
  const started: string[] = [];
  const terminated: string[] = [];
  const start = (): StartedSandboxWorker => {
    const name = `worker ${started.length + 1}`;
    started.push(name);
    const api = createSandboxWorkerApi();
    const spinning: SandboxWorkerApi = { ...api, exec: (command, options) => (command === 'spin' ? new Promise(() => {}) : api.exec(command, options)) };
    return { api: spinning, terminate: () => terminated.push(name) };
  };
  return { started, terminated, spawn: createSandboxWorkerPool(start, { spares: 1 }) };
}

/** What one attempt leaves behind: files in the workdir, /tmp, /app and on PATH, a cwd, exported env, a function. */
async function leaveTraces(sandbox: Sandbox): Promise<void> {
  await sandbox.writeFile('/work/secret.txt', 'attempt one\n');
  await sandbox.writeFile('/app/data.csv', 'a,1\n');
  await sandbox.writeFile('/usr/local/bin/helper', '#!/bin/bash\necho helped\n');
  const result = await sandbox.exec(
    'chmod +x /usr/local/bin/helper; mkdir -p /tmp/cache && echo cached > /tmp/cache/x; export LEFT_BEHIND=yes; leftover() { echo still here; }; alias ll="ls -l"; cd /tmp; echo done',
    { env: { TOKEN: 'attempt-one' } },
  );
  expect(result.stdout).toBe('done\n');
}

/** Asks a sandbox for every trace `leaveTraces` could have left; a fresh one shows none. */
async function tracesSeen(sandbox: Sandbox): Promise<string> {
  const result = await sandbox.exec(
    'pwd; ls -A /work /app /tmp 2>&1; ls /usr/local/bin 2>&1; command -v helper leftover ll; echo "LEFT_BEHIND=${LEFT_BEHIND:-} TOKEN=${TOKEN:-}"; env | grep -c -E "LEFT_BEHIND|TOKEN"',
  );
  return result.stdout;
}

describe('a sandbox worker reused for the next attempt', () => {
  it('shows nothing of the previous attempt: no files, cwd, env, function or alias', async () => {
    const workers = inProcessWorkers();
    const first = new RestartableSandbox(workers.spawn, { kind: 'test' });
    await leaveTraces(first);
    await first.dispose();

    const second = new RestartableSandbox(workers.spawn, { kind: 'test' });
    const seen = await tracesSeen(second);
    // The second attempt ran on the first one's worker, not on a new one.
    expect(workers.started).toEqual(['worker 1', 'worker 2']);
    expect(workers.terminated).toEqual([]);
    expect(seen).not.toMatch(/secret|data\.csv|cache|helper|leftover|still here|attempt-one|yes/);
    expect(seen).toMatch(/^\/work\n/);
    expect(seen).toMatch(/LEFT_BEHIND= TOKEN=\n0\n$/);
    // What a never-used worker (the spare) shows is exactly the same.
    const spare = new RestartableSandbox(workers.spawn, { kind: 'test' });
    expect(await tracesSeen(spare)).toBe(seen);
    await second.dispose();
    await spare.dispose();
  });

  it('a worker killed for a runaway command is never handed to another attempt', async () => {
    const workers = inProcessWorkers();
    const runaway = new RestartableSandbox(workers.spawn, { kind: 'test', killGraceMs: 20 });
    await runaway.writeFile('/work/kept.txt', 'kept\n');
    expect((await runaway.exec('spin', { timeoutMs: 30 })).timedOut).toBe(true);
    expect(workers.terminated).toEqual(['worker 1']);
    // Its replacement (the spare) took over the files; once disposed cleanly, it is the one reused.
    expect((await runaway.exec('cat /work/kept.txt')).stdout).toBe('kept\n');
    await runaway.dispose();
    const next = new RestartableSandbox(workers.spawn, { kind: 'test' });
    expect((await next.exec('ls -A /work')).stdout).toBe('');
    expect(workers.terminated).toEqual(['worker 1']);
    await next.dispose();
  });

  it('a sandbox disposed while its command still runs, or right after one that timed out, kills its worker', async () => {
    const workers = inProcessWorkers();
    const busy = new RestartableSandbox(workers.spawn, { kind: 'test' });
    const running = busy.exec('spin', { timeoutMs: 60_000 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await busy.dispose();
    await expect(running).rejects.toThrow(/closed/);
    expect(workers.terminated).toEqual(['worker 1']);

    const timedOut = new RestartableSandbox(workers.spawn, { kind: 'test' });
    // just-bash ends a sleep at its own timeout; the command's work may still be pending in that worker.
    expect((await timedOut.exec('sleep 5', { timeoutMs: 50 })).timedOut).toBe(true);
    await timedOut.dispose();
    expect(workers.terminated).toEqual(['worker 1', 'worker 2']);
  });

  it('a disposed sandbox can no longer reach the worker it gave back', async () => {
    const workers = inProcessWorkers();
    const first = new RestartableSandbox(workers.spawn, { kind: 'test' });
    await first.writeFile('/work/a.txt', 'a\n');
    await first.dispose();
    const second = new RestartableSandbox(workers.spawn, { kind: 'test' });
    await expect(first.writeFile('/work/late.txt', 'too late\n')).rejects.toThrow(/closed/);
    expect((await second.exec('ls -A /work')).stdout).toBe('');
    await second.dispose();
  });
});

describe("the CLI's sandbox threads, reused the same way", () => {
  afterAll(stopIdleSandboxThreads);

  it('a new sandbox after a disposed one shows nothing of it', async () => {
    const first = await createThreadSandbox();
    await leaveTraces(first);
    await first.dispose();
    const seen: string[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const next = await createThreadSandbox();
      seen.push(await tracesSeen(next));
      await next.dispose();
    }
    for (const output of seen) {
      expect(output).not.toMatch(/secret|data\.csv|cache|helper|leftover|still here|attempt-one|yes/);
      expect(output).toMatch(/LEFT_BEHIND= TOKEN=\n0\n$/);
    }
  }, 60_000);
});
