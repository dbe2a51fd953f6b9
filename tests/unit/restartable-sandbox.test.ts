import { describe, expect, it } from 'vitest';
import { RestartableSandbox, type SandboxWorkerHandle } from '../../src/core/sandbox/restartable-sandbox.js';
import { createSandboxWorkerApi } from '../../src/core/sandbox/sandbox-worker-api.js';

/**
 * A worker stand-in around a real just-bash sandbox in which the command `spin` never returns,
 * like a tight loop that just-bash's AbortSignal cannot stop.
 */
function spawnSpinningWorker(log: string[]): () => SandboxWorkerHandle {
  let count = 0;
  return () => {
    const id = ++count;
    const api = createSandboxWorkerApi();
    log.push(`spawn ${id}`);
    return {
      api: { ...api, exec: (command, options) => (command === 'spin' ? new Promise(() => {}) : api.exec(command, options)) },
      terminate: () => log.push(`terminate ${id}`),
    };
  };
}

describe('the worker-hosted sandbox', () => {
  it('kills a worker whose command outlives its timeout and restores the files into a fresh one', async () => {
    const log: string[] = [];
    const sandbox = new RestartableSandbox(spawnSpinningWorker(log), 'test', 50);
    await sandbox.writeFile('/work/keep.txt', 'precious\n');
    await sandbox.exec('mkdir -p /work/dir && echo nested > /work/dir/n.txt');
    const stuck = await sandbox.exec('spin', { timeoutMs: 100 });
    expect(stuck.exitCode).toBe(124);
    expect(stuck.timedOut).toBe(true);
    expect(stuck.stderr).toMatch(/did not stop within .*restarted.*restored/);
    expect(log).toEqual(['spawn 1', 'terminate 1', 'spawn 2']);
    expect(sandbox.restarts).toBe(1);
    const after = await sandbox.exec('cat /work/keep.txt /work/dir/n.txt');
    expect(after.stdout).toBe('precious\nnested\n');
  });

  it('restores a task’s own files anywhere, a tool it put on PATH and its /app included, but not the shell’s built-ins', async () => {
    const log: string[] = [];
    const sandbox = new RestartableSandbox(spawnSpinningWorker(log), 'test', 50);
    // What an imported Harbor task's Dockerfile leaves: a tool copied onto PATH, its files in its WORKDIR.
    await sandbox.writeFile('/usr/bin/greet', '#!/bin/bash\necho "greetings from $(pwd)"\n');
    await sandbox.writeFile('/app/data.csv', 'a,1\n');
    await sandbox.exec('chmod +x /usr/bin/greet');
    expect((await sandbox.exec('spin', { timeoutMs: 100 })).timedOut).toBe(true);
    expect(sandbox.restarts).toBe(1);
    expect((await sandbox.exec('greet; cat data.csv; ls | head -1', { cwd: '/app' })).stdout).toBe('greetings from /app\na,1\ndata.csv\n');
  });

  it('an abort kills the running command the same way', async () => {
    const log: string[] = [];
    const sandbox = new RestartableSandbox(spawnSpinningWorker(log), 'test', 50);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const result = await sandbox.exec('spin', { timeoutMs: 60_000, signal: controller.signal });
    expect(result.exitCode).toBe(124);
    expect(result.timedOut).toBe(false);
    expect(log).toContain('terminate 1');
  });

  it('ordinary commands never restart the worker', async () => {
    const log: string[] = [];
    const sandbox = new RestartableSandbox(spawnSpinningWorker(log), 'test', 50);
    expect((await sandbox.exec('echo hi')).stdout).toBe('hi\n');
    expect((await sandbox.exec('false')).exitCode).toBe(1);
    expect(sandbox.restarts).toBe(0);
  });
});
