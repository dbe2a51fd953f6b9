import { describe, expect, it } from 'vitest';
import { createDefaultHarness } from '../../src/core/harness/index.js';
import { ScriptedModel } from '../../src/core/model/scripted.js';
import { RestartableSandbox, type SandboxWorkerApi, type SandboxWorkerHandle } from '../../src/core/sandbox/restartable-sandbox.js';
import { createSandboxWorkerApi } from '../../src/core/sandbox/sandbox-worker-api.js';
import { isSandboxUnavailable, SandboxUnavailableError } from '../../src/core/sandbox/types.js';
import { runTask } from '../../src/core/tasks/run-task.js';
import type { Task } from '../../src/core/tasks/types.js';

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

/** Every file under /work and /tmp with its content, to compare a sandbox's files before and after a restart. */
const EVERY_FILE = 'find /work /tmp -type f | sort | while read -r file; do echo "== $file"; cat "$file"; done';

/** Every call waits for ever, as calls to a worker that could not load its code do. */
const silentApi: SandboxWorkerApi = new Proxy({} as SandboxWorkerApi, { get: () => () => new Promise(() => {}) });

const LOAD_ERROR = "SyntaxError: The requested module '/node_modules/sprintf-js/src/sprintf.js' does not provide an export named 'sprintf'";

/** A worker whose code fails to load: it reports the error (as watchWorker does in the page) and never answers. */
function spawnBrokenWorker(log: string[], report: 'at once' | 'never' = 'at once'): () => SandboxWorkerHandle {
  return () => {
    log.push('spawn');
    return { api: silentApi, terminate: () => log.push('terminate'), failed: report === 'at once' ? Promise.resolve(LOAD_ERROR) : new Promise(() => {}) };
  };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the promise to reject');
}

describe('the worker-hosted sandbox', () => {
  it('kills a worker whose command outlives its timeout and restores the files into a fresh one', async () => {
    const log: string[] = [];
    const sandbox = new RestartableSandbox(spawnSpinningWorker(log), { kind: 'test', killGraceMs: 50 });
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
    const sandbox = new RestartableSandbox(spawnSpinningWorker(log), { kind: 'test', killGraceMs: 50 });
    // What an imported Harbor task's Dockerfile leaves: a tool copied onto PATH, its files in its WORKDIR.
    await sandbox.writeFile('/usr/bin/greet', '#!/bin/bash\necho "greetings from $(pwd)"\n');
    await sandbox.writeFile('/app/data.csv', 'a,1\n');
    await sandbox.exec('chmod +x /usr/bin/greet');
    expect((await sandbox.exec('spin', { timeoutMs: 100 })).timedOut).toBe(true);
    expect(sandbox.restarts).toBe(1);
    expect((await sandbox.exec('greet; cat data.csv; ls | head -1', { cwd: '/app' })).stdout).toBe('greetings from /app\na,1\ndata.csv\n');
  });

  it('restores the files as the last command left them, after removals, moves, overwrites and links', async () => {
    const log: string[] = [];
    const sandbox = new RestartableSandbox(spawnSpinningWorker(log), { kind: 'test', killGraceMs: 20 });
    await sandbox.writeFile('/work/gone.txt', 'delete me\n');
    await sandbox.writeFile('/work/old/a.txt', 'a\n');
    await sandbox.writeFile('/work/old/deep/b.txt', 'b\n');
    await sandbox.writeFile('/work/edit.txt', 'v1\n');
    await sandbox.exec('echo first > /tmp/first.txt');
    await sandbox.exec('rm gone.txt; mv old new; echo v2 >> edit.txt; cp -r new copy; rm copy/a.txt');
    await sandbox.exec('echo unchanged-by-this-one');
    expect((await sandbox.exec('spin', { timeoutMs: 30 })).timedOut).toBe(true);
    expect(sandbox.restarts).toBe(1);
    const listing = await sandbox.exec('find /work /tmp -type f | sort; cat edit.txt');
    expect(listing.stdout).toBe('/tmp/first.txt\n/work/copy/deep/b.txt\n/work/edit.txt\n/work/new/a.txt\n/work/new/deep/b.txt\nv1\nv2\n');

    // Links: a write through one may change a path the command never named, so after a link every snapshot lists
    // every file. Whatever the links did, the restored files are those from before the runaway command.
    await sandbox.exec('ln -s /work/edit.txt /work/link.txt; ln /work/new/a.txt /work/hard.txt; echo v3 >> /work/link.txt');
    await sandbox.exec('echo v4 >> /work/hard.txt; rm -r /work/copy');
    const before = (await sandbox.exec(EVERY_FILE)).stdout;
    expect(before).toContain('v4');
    expect((await sandbox.exec('spin', { timeoutMs: 30 })).timedOut).toBe(true);
    expect(sandbox.restarts).toBe(2);
    expect((await sandbox.exec(EVERY_FILE)).stdout).toBe(before);
  });

  it('a snapshot cut off by Stop is not lost: the next restart still restores every file', async () => {
    let slowSnapshots = false;
    const spawn = spawnSpinningWorker([]);
    const sandbox = new RestartableSandbox(
      () => {
        const handle = spawn();
        const snapshot = handle.api.snapshot;
        // The worker takes its changes at once; its answer arrives late.
        const late = (answer: ReturnType<typeof snapshot>) => new Promise<Awaited<typeof answer>>((resolve) => setTimeout(() => resolve(answer), 40));
        handle.api = { ...handle.api, snapshot: (options) => (slowSnapshots ? late(snapshot(options)) : snapshot(options)) };
        return handle;
      },
      { kind: 'test', killGraceMs: 20 },
    );
    await sandbox.writeFile('/work/one.txt', '1\n');
    slowSnapshots = true;
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 10);
    expect((await sandbox.exec('echo never', { signal: controller.signal })).stderr).toMatch(/aborted before it started/);
    slowSnapshots = false;
    await sandbox.writeFile('/work/two.txt', '2\n');
    expect((await sandbox.exec('spin', { timeoutMs: 30 })).timedOut).toBe(true);
    await sandbox.exec('echo 3 > /work/three.txt');
    expect((await sandbox.exec('spin', { timeoutMs: 30 })).timedOut).toBe(true);
    expect((await sandbox.exec('cat /work/one.txt /work/two.txt /work/three.txt')).stdout).toBe('1\n2\n3\n');
  });

  it('an abort kills the running command the same way', async () => {
    const log: string[] = [];
    const sandbox = new RestartableSandbox(spawnSpinningWorker(log), { kind: 'test', killGraceMs: 50 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const result = await sandbox.exec('spin', { timeoutMs: 60_000, signal: controller.signal });
    expect(result.exitCode).toBe(124);
    expect(result.timedOut).toBe(false);
    expect(log).toContain('terminate 1');
  });

  it('ordinary commands never restart the worker', async () => {
    const log: string[] = [];
    const sandbox = new RestartableSandbox(spawnSpinningWorker(log), { kind: 'test', killGraceMs: 50 });
    expect((await sandbox.exec('echo hi')).stdout).toBe('hi\n');
    expect((await sandbox.exec('false')).exitCode).toBe(1);
    expect(sandbox.restarts).toBe(0);
  });

  it('a missing file is still an ordinary error, not a dead sandbox', async () => {
    const sandbox = new RestartableSandbox(spawnSpinningWorker([]), { kind: 'test' });
    const error = await rejection(sandbox.readFile('/work/nope.txt'));
    expect(isSandboxUnavailable(error)).toBe(false);
    expect((await sandbox.exec('echo still here')).stdout).toBe('still here\n');
  });
});

describe('a sandbox worker that fails to load, dies or never answers', () => {
  it('a worker that cannot load its code: the first command fails with its own error text, and the worker is not restarted', async () => {
    const log: string[] = [];
    const sandbox = new RestartableSandbox(spawnBrokenWorker(log), { kind: 'test', answerDeadlineMs: 60_000 });
    const error = await rejection(sandbox.exec('echo hi', { timeoutMs: 60_000 }));
    expect(error).toBeInstanceOf(SandboxUnavailableError);
    expect(error.message).toBe(`the sandbox worker failed: ${LOAD_ERROR}`);
    // Every later call fails the same way without waiting, and nothing respawns a worker that would fail again.
    expect((await rejection(sandbox.writeFile('/work/a.txt', 'x'))).message).toBe(error.message);
    expect(log).toEqual(['spawn', 'terminate']);
  });

  it('a worker that never answers and never says why: file calls and commands give up after the answer deadline', async () => {
    const log: string[] = [];
    const sandbox = new RestartableSandbox(spawnBrokenWorker(log, 'never'), { kind: 'test', answerDeadlineMs: 40, startupDeadlineMs: 80 });
    const writing = await rejection(sandbox.writeFile('/work/a.txt', 'x'));
    expect(isSandboxUnavailable(writing)).toBe(true);
    expect(writing.message).toMatch(/^the sandbox worker did not answer within 0s \(writing \/work\/a\.txt\)$/);
    expect(log).toEqual(['spawn', 'terminate']);

    const fresh = new RestartableSandbox(spawnBrokenWorker([], 'never'), { kind: 'test', answerDeadlineMs: 40, startupDeadlineMs: 80 });
    const running = await rejection(fresh.exec('echo hi', { timeoutMs: 60_000 }));
    expect(running.message).toMatch(/did not answer .*taking a snapshot/);
  });

  it('a worker that dies in the middle of a command: the command fails with the death, not as a timeout', async () => {
    let die: (text: string) => void = () => {};
    const api = createSandboxWorkerApi();
    const sandbox = new RestartableSandbox(
      () => ({
        api: { ...api, exec: () => new Promise(() => {}) },
        terminate: () => undefined,
        failed: new Promise<string>((resolve) => {
          die = resolve;
        }),
      }),
      { kind: 'test' },
    );
    const running = sandbox.exec('echo hi', { timeoutMs: 60_000 });
    setTimeout(() => die('RangeError: Maximum call stack size exceeded'), 20);
    const error = await rejection(running);
    expect(error.message).toBe('the sandbox worker failed: RangeError: Maximum call stack size exceeded');
    expect(sandbox.restarts).toBe(0);
  });

  it('Stop while the worker is silent returns at once', async () => {
    const sandbox = new RestartableSandbox(spawnBrokenWorker([], 'never'), { kind: 'test', answerDeadlineMs: 60_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const result = await sandbox.exec('echo hi', { timeoutMs: 60_000, signal: controller.signal });
    expect(result.exitCode).toBe(124);
    expect(result.stderr).toMatch(/aborted/);
  });

  it('a replacement worker that cannot load after a runaway command makes the sandbox unavailable', async () => {
    let spawned = 0;
    const api = createSandboxWorkerApi();
    const sandbox = new RestartableSandbox(
      () => {
        spawned += 1;
        if (spawned === 1) return { api: { ...api, exec: () => new Promise(() => {}) }, terminate: () => undefined };
        return { api: silentApi, terminate: () => undefined, failed: Promise.resolve(LOAD_ERROR) };
      },
      { kind: 'test', killGraceMs: 20 },
    );
    const error = await rejection(sandbox.exec('spin', { timeoutMs: 30 }));
    expect(error.message).toBe(`the sandbox worker failed: ${LOAD_ERROR}`);
  });

  it('a run in a sandbox whose worker cannot load ends as infra_error with the worker\'s error text, and the model is never asked twice', async () => {
    const task: Task = {
      id: 'echo',
      title: 'Echo',
      instruction: 'Write hi to /work/out.txt',
      initialFiles: {},
      verifier: { script: 'grep -q hi /work/out.txt' },
      agentTimeoutSec: 600,
      verifierTimeoutSec: 10,
      category: 'files',
      difficulty: 'easy',
      tags: [],
    };
    const model = new ScriptedModel([{ toolCalls: [{ name: 'shell', args: { command: 'echo hi > out.txt' } }] }, { toolCalls: [{ name: 'finish', args: {} }] }]);
    const result = await runTask({
      task,
      harness: createDefaultHarness(),
      harnessHash: 'h',
      model,
      createSandbox: async () => new RestartableSandbox(spawnBrokenWorker([]), { kind: 'test' }),
    });
    expect(result.outcome).toBe('infra_error');
    expect(result.reason).toContain(LOAD_ERROR);
    expect(model.calls).toHaveLength(1);
  });

  it('a task with initial files never reaches the model when the worker cannot load', async () => {
    const task: Task = {
      id: 'count',
      title: 'Count',
      instruction: 'Count the lines of data.txt',
      initialFiles: { 'data.txt': 'a\nb\n' },
      verifier: { script: 'true' },
      agentTimeoutSec: 600,
      verifierTimeoutSec: 10,
      category: 'files',
      difficulty: 'easy',
      tags: [],
    };
    const model = new ScriptedModel([{ toolCalls: [{ name: 'finish', args: {} }] }]);
    const result = await runTask({ task, harness: createDefaultHarness(), harnessHash: 'h', model, createSandbox: async () => new RestartableSandbox(spawnBrokenWorker([]), { kind: 'test' }) });
    expect(result).toMatchObject({ outcome: 'infra_error', steps: 0 });
    expect(result.reason).toBe(`could not prepare the task: the sandbox worker failed: ${LOAD_ERROR}`);
    expect(model.calls).toHaveLength(0);
  });

  it('Stop while a silent worker is being given the task\'s files ends the run at once, before the model is asked', async () => {
    const task: Task = {
      id: 'count',
      title: 'Count',
      instruction: 'Count the lines of data.txt',
      initialFiles: { 'data.txt': 'a\nb\n' },
      verifier: { script: 'true' },
      agentTimeoutSec: 600,
      verifierTimeoutSec: 10,
      category: 'files',
      difficulty: 'easy',
      tags: [],
    };
    const model = new ScriptedModel([{ toolCalls: [{ name: 'finish', args: {} }] }]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    // The sandbox would wait 10 minutes for an answer; the test times out long before, unless Stop ends the run.
    const result = await runTask({
      task,
      harness: createDefaultHarness(),
      harnessHash: 'h',
      model,
      signal: controller.signal,
      createSandbox: async () => new RestartableSandbox(spawnBrokenWorker([], 'never'), { kind: 'test', answerDeadlineMs: 600_000 }),
    });
    expect(result).toMatchObject({ outcome: 'agent_error', reason: 'stopped by the user', steps: 0 });
    expect(model.calls).toHaveLength(0);
  });

  it('a worker that answered once and then goes silent is given the answer deadline, not the start-up one', async () => {
    const api = createSandboxWorkerApi();
    let silent = false;
    const sandbox = new RestartableSandbox(
      () => ({ api: { ...api, readFile: (path) => (silent ? new Promise(() => {}) : api.readFile(path)) }, terminate: () => undefined }),
      { kind: 'test', answerDeadlineMs: 50, startupDeadlineMs: 600_000 },
    );
    await sandbox.writeFile('/work/a.txt', 'a');
    silent = true;
    const error = await rejection(sandbox.readFile('/work/a.txt'));
    expect(error.message).toBe('the sandbox worker did not answer within 0s (reading /work/a.txt)');
  });
});
