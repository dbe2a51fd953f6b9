import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockOutDirectory } from '../../src/cli/out-lock.js';
import { type ScriptedOpenAIServer, startScriptedOpenAIServer } from '../fixtures/scripted-openai-server.js';
import { startCli } from '../fixtures/self-harness-cli.js';
import { tasks, tinyWorldReply } from '../fixtures/tiny-world.js';

/**
 * Two `self-harness` processes writing one --out would interleave an evolution's state or a run's results. The first
 * holds <out>/.lock with its pid; a second is refused with a message naming the lock and the pid; a lock left by a
 * dead process is taken over.
 */

let slowServer: ScriptedOpenAIServer;
let stuckServer: ScriptedOpenAIServer;
let suiteDir: string;

beforeAll(async () => {
  slowServer = await startScriptedOpenAIServer((request) => ({ ...tinyWorldReply(request), delayMs: 300 }));
  // A model that takes its time keeps the first process busy, holding --out, while others try it.
  stuckServer = await startScriptedOpenAIServer((request) => ({ ...tinyWorldReply(request), delayMs: 60_000 }));
  suiteDir = await mkdtemp(join(tmpdir(), 'suite-'));
  await writeFile(join(suiteDir, 'suite.json'), JSON.stringify({ id: 'tiny', name: 'tiny', tasks }));
});
afterAll(async () => {
  await slowServer.close();
  await stuckServer.close();
});

const runArgs = (out: string, server = slowServer) => ['run', '--suite', suiteDir, '--base-url', server.baseUrl, '--model', 'tiny-model', '--tasks', 'task-01,task-03', '--out', out];

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 60_000) {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The pid of a process that has ended: nothing runs under it now. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

describe('one --out, one process', () => {
  it('refuses a second run and a second evolve while a run holds the directory, naming the lock file and the pid', async () => {
    const out = await mkdtemp(join(tmpdir(), 'locked-'));
    const lockPath = join(out, '.lock');
    const first = startCli(runArgs(out, stuckServer));
    await waitFor(() => stuckServer.requests.length > 0); // it holds the lock and waits on its model
    expect(JSON.parse(await readFile(lockPath, 'utf8')).pid).toBe(first.child.pid);

    const second = await startCli(runArgs(out)).done;
    expect(second.code).toBe(1);
    expect(second.stderr).toBe(
      `self-harness: ${out} is in use by another self-harness process (pid ${first.child.pid}, run): its lock file is ${lockPath}. ` +
        `Wait for it to end, use another --out, or delete ${lockPath} if that process is gone.\n`,
    );
    expect(second.stdout).toBe('');
    const evolve = await startCli(['evolve', '--suite', suiteDir, '--base-url', slowServer.baseUrl, '--model', 'tiny-model', '--out', out]).done;
    expect(evolve.code).toBe(1);
    expect(evolve.stderr).toContain(`(pid ${first.child.pid}, run): its lock file is ${lockPath}`);
    expect(existsSync(join(out, 'state.json'))).toBe(false); // the refused evolve wrote nothing
    expect(slowServer.requests).toHaveLength(0); // and neither refused process called its model

    // Ctrl-C: the first stops, keeps what it finished (nothing yet), and frees the directory.
    first.child.kill('SIGINT');
    const stopped = await first.done;
    expect(stopped.code).toBe(130);
    expect(stopped.stdout.trimEnd().split('\n').at(-1)).toBe('0 passed, 0 failed');
    expect(JSON.parse(await readFile(join(out, 'results.json'), 'utf8'))).toMatchObject({ interrupted: true, results: [] });
    expect(existsSync(lockPath)).toBe(false);
    const after = await startCli(runArgs(out)).done;
    expect(after.code).toBe(0);
    expect(after.stderr).toBe('');
  }, 120_000);

  it('takes over a lock whose process is dead, says so, and releases it at the end', async () => {
    const out = await mkdtemp(join(tmpdir(), 'stale-'));
    const lockPath = join(out, '.lock');
    const pid = await deadPid();
    await writeFile(lockPath, JSON.stringify({ pid, host: hostname(), command: 'evolve', startedAt: '2026-01-01T00:00:00.000Z', token: 'old' }));
    const { code, stdout, stderr } = await startCli(runArgs(out)).done;
    expect(stderr).toBe(`note: took over ${lockPath} from pid ${pid}, which is no longer running\n`);
    expect(code).toBe(0);
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('2 passed, 0 failed');
    expect(existsSync(lockPath)).toBe(false);
  }, 120_000);
});

describe('lockOutDirectory', () => {
  it('lets one holder in at a time and frees the directory on release', async () => {
    const out = await mkdtemp(join(tmpdir(), 'lock-'));
    const first = await lockOutDirectory(out, 'run');
    expect(first).toMatchObject({ ok: true, tookOverFrom: undefined });
    expect(JSON.parse(await readFile(join(out, '.lock'), 'utf8'))).toMatchObject({ pid: process.pid, host: hostname(), command: 'run' });
    if (!first.ok) return;
    await first.lock.release();
    expect(existsSync(join(out, '.lock'))).toBe(false);
    // Another live process on this host holds it (our parent stands in for one: it surely runs).
    await writeFile(join(out, '.lock'), JSON.stringify({ pid: process.ppid, host: hostname(), command: 'evolve', token: 't' }));
    const refused = await lockOutDirectory(out, 'run');
    expect(refused).toMatchObject({ ok: false, holder: { pid: process.ppid } });
    expect(JSON.parse(await readFile(join(out, '.lock'), 'utf8')).pid).toBe(process.ppid); // left as it was
  });

  it('counts a lock from another host as held (its pid cannot be checked), and takes over an unreadable one or one with its own pid', async () => {
    const out = await mkdtemp(join(tmpdir(), 'lock-'));
    const lockPath = join(out, '.lock');
    await writeFile(lockPath, JSON.stringify({ pid: await deadPid(), host: 'elsewhere.example', command: 'run', token: 't' }));
    const other = await lockOutDirectory(out, 'run');
    expect(other.ok).toBe(false);
    expect(!other.ok && other.message).toMatch(/ on elsewhere\.example, run\)/);

    await writeFile(lockPath, '{"pid": 12');
    const unreadable = await lockOutDirectory(out, 'run');
    expect(unreadable.ok).toBe(true);
    if (unreadable.ok) await unreadable.lock.release();

    // Left by an earlier process that had the pid we have now (a container restarted): not held by anyone.
    await writeFile(lockPath, JSON.stringify({ pid: process.pid, host: hostname(), command: 'run', token: 'earlier' }));
    const reused = await lockOutDirectory(out, 'run');
    expect(reused).toMatchObject({ ok: true, tookOverFrom: process.pid });
    if (reused.ok) await reused.lock.release();
    expect(existsSync(lockPath)).toBe(false);
  });
});
