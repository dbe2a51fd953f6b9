/**
 * The WebContainer sandbox, as far as it can be tested here. A real WebContainer cannot boot in this environment:
 * boot() loads its runtime from stackblitz.com, and there is no network. So this file tests the pure pieces (path
 * mapping, boot-failure explanations, terminal-output cleaning), the boot flow with `WebContainer.boot` replaced,
 * and the sandbox class against a stand-in container (Node's fs in a temp directory, `bash -c` for `jsh -c`) — which
 * checks our plumbing, not WebContainer's behaviour.
 */
import { spawn as spawnProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SpawnOptions, WebContainerProcess } from '@webcontainer/api';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDefaultHarness } from '../../src/core/harness/index.js';
import { ScriptedModel } from '../../src/core/model/scripted.js';
import { DEFAULT_MAPPED_ROOTS, normalizeTaskPath, TaskPathMapping } from '../../src/core/sandbox/path-mapping.js';
import { SANDBOX_WORKDIR } from '../../src/core/sandbox/types.js';
import { importSuite } from '../../src/core/tasks/harbor/index.js';
import { runTask } from '../../src/core/tasks/run-task.js';
import { sandboxOptionsFor } from '../../src/core/tasks/task-paths.js';
import { type Task, VERIFIER_DIR } from '../../src/core/tasks/types.js';
import { folderFiles, HARBOR_CSV_TOTALS } from '../fixtures/harbor-task-folders.js';

const boot = vi.hoisted(() => ({ fn: vi.fn() }));
vi.mock('@webcontainer/api', () => ({ WebContainer: { boot: (...args: unknown[]) => boot.fn(...args) } }));

const ROOT = '/home/studio/tasks/3f9a';

describe('mapping task paths into a per-task directory', () => {
  const builtin = new TaskPathMapping();
  const toRootedPath = (root: string, path: string) => builtin.toRooted(root, path);
  const mapPathsInText = (root: string, text: string) => builtin.mapText(root, text);
  const unmapPathsInText = (root: string, text: string) => builtin.unmapText(root, text);

  it('maps /work, /verifier and /tmp under the root, relative paths as relative to /work', () => {
    expect(DEFAULT_MAPPED_ROOTS).toEqual([SANDBOX_WORKDIR, VERIFIER_DIR, '/tmp']);
    expect(builtin.roots).toEqual(['/work', '/tmp', '/verifier']);
    expect(toRootedPath('tasks/3f9a', '/work/data.txt')).toBe('tasks/3f9a/work/data.txt');
    expect(toRootedPath('tasks/3f9a', 'src/main.js')).toBe('tasks/3f9a/work/src/main.js');
    expect(toRootedPath('tasks/3f9a', '/verifier/verify.sh')).toBe('tasks/3f9a/verifier/verify.sh');
    expect(toRootedPath('tasks/3f9a', '/tmp')).toBe('tasks/3f9a/tmp');
    expect(toRootedPath(`${ROOT}/`, '/work/./a//b/../c')).toBe(`${ROOT}/work/a/c`);
  });

  it('refuses paths outside the mapped roots, including ones that climb out', () => {
    expect(() => toRootedPath('tasks/3f9a', '/etc/passwd')).toThrow('/etc/passwd is outside this sandbox: only /work, /tmp, /verifier are available');
    expect(() => toRootedPath('tasks/3f9a', '/work/../../tasks/other/work/x')).toThrow(/outside this sandbox/);
    expect(() => toRootedPath('tasks/3f9a', '../x')).toThrow(/outside this sandbox/);
    expect(() => toRootedPath('tasks/3f9a', '/workspace/x')).toThrow(/outside this sandbox/);
    expect(normalizeTaskPath('/')).toBe('/');
  });

  it('maps back', () => {
    expect(builtin.fromRooted('tasks/3f9a', 'tasks/3f9a/work/x')).toBe('/work/x');
    expect(builtin.fromRooted(ROOT, `${ROOT}/tmp`)).toBe('/tmp');
    expect(builtin.fromRooted(ROOT, '/home/studio/tasks/other/work/x')).toBeUndefined();
    expect(builtin.fromRooted(ROOT, `${ROOT}/etc/x`)).toBeUndefined();
  });

  it('rewrites whole task paths in a command line and nothing else', () => {
    expect(mapPathsInText(ROOT, 'cat /work/a.txt > /tmp/b && bash /verifier/verify.sh')).toBe(
      `cat ${ROOT}/work/a.txt > ${ROOT}/tmp/b && bash ${ROOT}/verifier/verify.sh`,
    );
    expect(mapPathsInText(ROOT, `cd /work; ls "/work" '/tmp/x y' PATH=/work/bin:/tmp <(cat /work/f) $(ls /tmp)`)).toBe(
      `cd ${ROOT}/work; ls "${ROOT}/work" '${ROOT}/tmp/x y' PATH=${ROOT}/work/bin:${ROOT}/tmp <(cat ${ROOT}/work/f) $(ls ${ROOT}/tmp)`,
    );
    const untouched = 'ls ./work ~/tmp $HOME/tmp ${DIR}/work /home/u/work /tmpfile /workspace /tmp.txt https://x.io/tmp/a file:///tmp/a';
    expect(mapPathsInText(ROOT, untouched)).toBe(untouched);
  });

  it('maps output and file contents back exactly, so the agent only sees its own paths', () => {
    const samples = [
      'node /work/sum.js\n',
      'cd /work && cat /verifier/expected | tee /tmp/log\n/work /tmp /verifier',
      'const data = require("/work/data.json"); // writes /tmp/out',
      'no paths here, just /usr/bin and /etc',
    ];
    for (const sample of samples) expect(unmapPathsInText(ROOT, mapPathsInText(ROOT, sample))).toBe(sample);
    expect(unmapPathsInText(ROOT, `Error: ENOENT: no such file or directory, open '${ROOT}/work/missing.json'`)).toBe(
      "Error: ENOENT: no such file or directory, open '/work/missing.json'",
    );
    expect(unmapPathsInText(ROOT, `${ROOT}/package.json ${ROOT}2/work`)).toBe(`${ROOT}/package.json ${ROOT}2/work`);
  });
});

describe('mapping the directories of a task whose WORKDIR is /app', () => {
  const harbor = importSuite(new Map(Object.entries(HARBOR_CSV_TOTALS))).suite.tasks[0];
  const options = sandboxOptionsFor(harbor);
  const mapping = new TaskPathMapping(options);

  it('maps the working directory and every directory the task names (Harbor’s /tests and /logs), not /work', () => {
    expect(options).toEqual({ workdir: '/app', directories: ['/logs', '/solution', '/tests', '/tmp', '/verifier'] });
    expect(mapping.roots).toEqual(['/app', '/logs', '/solution', '/tests', '/tmp', '/verifier']);
    expect(mapping.toRooted('tasks/3f9a', 'out/totals.csv')).toBe('tasks/3f9a/app/out/totals.csv');
    expect(mapping.toRooted('tasks/3f9a', '/logs/verifier/reward.txt')).toBe('tasks/3f9a/logs/verifier/reward.txt');
    expect(() => mapping.toRooted('tasks/3f9a', '/work/x')).toThrow('/work/x is outside this sandbox: only /app, /logs, /solution, /tests, /tmp, /verifier are available');
    expect(mapping.mapText(ROOT, 'cd /app/out && cat /app/data.csv /application ./app')).toBe(`cd ${ROOT}/app/out && cat ${ROOT}/app/data.csv /application ./app`);
  });

  it('keeps a WORKDIR inside /usr to itself, and refuses to map the system’s own directories', () => {
    const nested = new TaskPathMapping({ workdir: '/usr/src/app', directories: ['/data'] });
    expect(nested.roots).toEqual(['/usr/src/app', '/data', '/tmp', '/verifier']);
    expect(nested.mapText(ROOT, 'node /usr/src/app/index.js > /data/out; ls /usr/bin')).toBe(`node ${ROOT}/usr/src/app/index.js > ${ROOT}/data/out; ls /usr/bin`);
    expect(() => new TaskPathMapping({ workdir: '/usr', directories: [] })).toThrow("/usr cannot be a task's own directory: it holds the system's /usr");
    expect(() => new TaskPathMapping({ workdir: '/app', directories: ['/'] })).toThrow("/ cannot be a task's own directory: it is the root");
  });
});

describe('explaining why a WebContainer cannot boot', async () => {
  const { explainBootFailure, WebContainerBootTimeout } = await import('../../src/platform/webcontainer-sandbox.js');
  const fine = { crossOriginIsolated: true, online: true };

  it('names the missing isolation headers', () => {
    expect(explainBootFailure({ crossOriginIsolated: false, online: true })).toBe('the page is not cross-origin isolated (COOP/COEP headers missing)');
  });

  it('says the runtime comes from StackBlitz when the browser is offline, or boot failed to fetch or hung', () => {
    expect(explainBootFailure({ crossOriginIsolated: true, online: false })).toBe('WebContainers load their runtime from StackBlitz and this browser is offline');
    expect(explainBootFailure({ ...fine, error: new TypeError('Failed to fetch') })).toBe(
      'WebContainers load their runtime from StackBlitz and this browser is offline or cannot reach stackblitz.com (Failed to fetch)',
    );
    expect(explainBootFailure({ ...fine, error: new WebContainerBootTimeout(20_000) })).toBe(
      'WebContainers load their runtime from StackBlitz and it did not answer within 20 s: this browser is offline or cannot reach stackblitz.com (reload the page to try again)',
    );
  });

  it('says when the browser cannot run WebContainers at all, before anything else', () => {
    expect(explainBootFailure({ crossOriginIsolated: false, online: false, supported: false })).toMatch(/^this browser cannot run WebContainers/);
  });

  it('explains the one-instance rule and passes other errors through', () => {
    expect(explainBootFailure({ ...fine, error: new Error('Only a single WebContainer instance can be booted') })).toMatch(/already running in this page/);
    expect(explainBootFailure({ ...fine, error: 'boom' })).toBe('the WebContainer did not boot: boom');
  });
});

describe('booting (WebContainer.boot replaced: the real one cannot load offline)', () => {
  beforeEach(() => {
    vi.resetModules();
    boot.fn.mockReset();
  });
  afterEach(() => vi.unstubAllGlobals());

  const page = (overrides: { crossOriginIsolated?: boolean; onLine?: boolean } = {}) => {
    vi.stubGlobal('document', {});
    vi.stubGlobal('Worker', class {});
    vi.stubGlobal('crossOriginIsolated', overrides.crossOriginIsolated ?? true);
    vi.stubGlobal('navigator', { onLine: overrides.onLine ?? true });
  };

  it('outside a browser page (here: Node) it says the browser cannot run WebContainers, without trying', async () => {
    const { bootWebContainer } = await import('../../src/platform/webcontainer-sandbox.js');
    const result = await bootWebContainer();
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/^this browser cannot run WebContainers/);
    expect(boot.fn).not.toHaveBeenCalled();
  });

  it('does not try when the page is not isolated or the browser is offline', async () => {
    const { bootWebContainer } = await import('../../src/platform/webcontainer-sandbox.js');
    page({ crossOriginIsolated: false });
    expect(await bootWebContainer()).toEqual({ ok: false, reason: 'the page is not cross-origin isolated (COOP/COEP headers missing)' });
    page({ onLine: false });
    expect(await bootWebContainer()).toEqual({ ok: false, reason: 'WebContainers load their runtime from StackBlitz and this browser is offline' });
    expect(boot.fn).not.toHaveBeenCalled();
  });

  it('gives up on a boot that hangs, and afterwards fails at once instead of hanging again', async () => {
    const { bootWebContainer } = await import('../../src/platform/webcontainer-sandbox.js');
    page();
    boot.fn.mockReturnValue(new Promise(() => {}));
    const first = await bootWebContainer({ timeoutMs: 50 });
    expect(first).toEqual({ ok: false, reason: expect.stringMatching(/did not answer within 0 s: this browser is offline or cannot reach stackblitz.com/) });
    const started = Date.now();
    expect(await bootWebContainer({ timeoutMs: 5_000 })).toEqual(first);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(boot.fn).toHaveBeenCalledTimes(1);
  });

  it('boots once per page with COEP require-corp, and may retry after a boot that failed', async () => {
    const { bootWebContainer, teardownWebContainer } = await import('../../src/platform/webcontainer-sandbox.js');
    page();
    const teardown = vi.fn();
    boot.fn.mockRejectedValueOnce(new TypeError('Failed to fetch')).mockResolvedValue({ teardown });
    expect(await bootWebContainer()).toEqual({ ok: false, reason: expect.stringMatching(/cannot reach stackblitz.com \(Failed to fetch\)/) });
    expect(await bootWebContainer()).toEqual({ ok: true });
    expect(await bootWebContainer()).toEqual({ ok: true });
    expect(boot.fn).toHaveBeenCalledTimes(2);
    expect(boot.fn).toHaveBeenLastCalledWith({ coep: 'require-corp', workdirName: 'studio' });
    teardownWebContainer();
    teardownWebContainer();
    expect(teardown).toHaveBeenCalledTimes(1);
  });

  it('the factory falls back to the embedded sandbox and says why', async () => {
    const { createSandboxFactory } = await import('../../src/platform/sandbox-choice.js');
    const { createWorkerSandbox } = await import('../../src/platform/worker-sandbox.js');
    page({ crossOriginIsolated: false });
    expect(await createSandboxFactory('webcontainer')).toEqual({
      factory: createWorkerSandbox,
      kind: 'just-bash',
      fallbackReason: 'the page is not cross-origin isolated (COOP/COEP headers missing)',
    });
    expect(await createSandboxFactory('just-bash')).toEqual({ factory: createWorkerSandbox, kind: 'just-bash' });
  });
});

describe('cleaning a terminal stream', async () => {
  const { cleanTerminalOutput } = await import('../../src/platform/webcontainer-sandbox.js');
  it('drops escape sequences and carriage-return redraws, keeps the text', () => {
    expect(cleanTerminalOutput('\u001b[1m\u001b[32mok\u001b[39m\u001b[22m\r\nline 2\r\n')).toBe('ok\nline 2\n');
    expect(cleanTerminalOutput('\u001b]654;interactive\u0007⠋ installing\r⠙ installing\r\u001b[Kadded 3 packages\n')).toBe('added 3 packages\n');
  });
});

/**
 * A stand-in for a booted WebContainer: its fs is Node's, rooted at a temp directory (the workdir), and
 * `jsh -c` is `bash -c`. Good enough to check the sandbox's mapping, timeouts and clean-up — not WebContainer itself.
 */
function standInContainer(workdir: string) {
  const resolve = (path: string) => join(workdir, path);
  return {
    workdir,
    fs: {
      readFile: (path: string, encoding: 'utf-8') => readFile(resolve(path), encoding),
      writeFile: (path: string, data: string) => writeFile(resolve(path), data),
      mkdir: (path: string, options: { recursive: true }) => mkdir(resolve(path), options),
      readdir: (path: string, options: { withFileTypes: true }) => readdir(resolve(path), options),
      rm: (path: string, options: { recursive?: boolean; force?: boolean }) => rm(resolve(path), options),
    },
    async spawn(command: string, args: string[], options: SpawnOptions = {}): Promise<WebContainerProcess> {
      expect(command).toBe('jsh');
      const child = spawnProcess('bash', args, {
        cwd: resolve(options.cwd ?? '.'),
        env: { ...process.env, ...(options.env as Record<string, string>) },
        detached: true,
      });
      const output = new ReadableStream<string>({
        start(controller) {
          let open = 2;
          const close = () => --open === 0 && controller.close();
          for (const stream of [child.stdout, child.stderr]) {
            stream.setEncoding('utf8');
            stream.on('data', (chunk: string) => controller.enqueue(chunk.replace(/\n/g, '\r\n')));
            stream.on('end', close);
          }
        },
      });
      const exit = new Promise<number>((done) => child.on('exit', (code) => done(code ?? 137)));
      return {
        exit,
        output,
        input: new WritableStream<string>(),
        kill: () => {
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch {
            // already gone
          }
        },
        resize: () => undefined,
      };
    },
  };
}

describe('the WebContainer sandbox over a stand-in container', async () => {
  const { WebContainerSandbox } = await import('../../src/platform/webcontainer-sandbox.js');
  const workdir = mkdtempSync(join(tmpdir(), 'webcontainer-stand-in-'));
  afterAll(() => rmSync(workdir, { recursive: true, force: true }));

  it('gives each sandbox its own directory and shows the agent only /work, /tmp, /verifier', async () => {
    const container = standInContainer(workdir);
    const one = await WebContainerSandbox.inside(container);
    const two = await WebContainerSandbox.inside(container);
    expect(one.root).toMatch(/^tasks\/[0-9a-f]{16}$/);
    expect(one.shellRoot).toBe(`${workdir}/${one.root}`);
    await one.writeFile('/work/notes.txt', 'see /tmp/cache\n');
    expect(existsSync(join(workdir, one.root, 'work/notes.txt'))).toBe(true);
    expect(await two.exists('/work/notes.txt')).toBe(false);
    expect(await one.exists('notes.txt')).toBe(true);

    const run = await one.exec('pwd; cat notes.txt; cat /work/missing.txt');
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toBe('/work\nsee /tmp/cache\ncat: /work/missing.txt: No such file or directory\n');
    expect(run.stdout).not.toContain(workdir);
    expect(await one.readFile('/work/notes.txt')).toBe('see /tmp/cache\n');

    await one.exec('mkdir -p /work/src && echo $TMPDIR > /work/src/tmpdir');
    expect(await one.listFiles('/')).toEqual(['/work/notes.txt', '/work/src/tmpdir']);
    expect(await one.exportTree('/work/src')).toEqual([{ path: '/work/src/tmpdir', content: '/tmp\n' }]);
    await expect(one.readFile('/etc/passwd')).rejects.toThrow('/etc/passwd is outside this sandbox');
    await expect(one.readFile('/work/nope')).rejects.toThrow(/'\/work\/nope'/);

    await one.dispose();
    await two.dispose();
    expect(existsSync(join(workdir, one.root))).toBe(false);
  });

  it('kills a command at its timeout (exit 124) and on abort', async () => {
    const sandbox = await WebContainerSandbox.inside(standInContainer(workdir));
    const slow = await sandbox.exec('echo started; sleep 5', { timeoutMs: 300 });
    expect(slow).toMatchObject({ exitCode: 124, timedOut: true, stdout: 'started\n' });
    expect(slow.durationMs).toBeLessThan(2000);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const aborted = await sandbox.exec('sleep 5', { signal: controller.signal });
    expect(aborted).toMatchObject({ exitCode: 124, timedOut: false, stderr: 'command aborted and killed' });
    await sandbox.dispose();
  });

  it('runs a Node task end to end: its verifier script finds /work and /verifier inside the per-task directory', async () => {
    const task: Task = {
      id: 'node-sum',
      title: 'Sum with Node',
      instruction: 'Write /work/sum.js printing the sum of /work/numbers.json',
      initialFiles: { 'numbers.json': '[1, 2, 3]' },
      verifier: {
        script: 'set -e\nexpected=$(cat /verifier/expected)\nactual=$(node /work/sum.js)\ntest "$actual" = "$expected"',
        files: { expected: '6' },
      },
      agentTimeoutSec: 30,
      verifierTimeoutSec: 10,
      category: 'scripting',
      difficulty: 'easy',
      tags: [],
      requires: ['node'],
    };
    const script = 'const n = require("/work/numbers.json"); console.log(n.reduce((a, b) => a + b, 0));';
    const model = new ScriptedModel([
      { toolCalls: [{ name: 'write_file', args: { path: '/work/sum.js', content: script } }] },
      { toolCalls: [{ name: 'shell', args: { command: 'node /work/sum.js' } }] },
      { toolCalls: [{ name: 'finish', args: {} }] },
    ]);
    let root = '';
    const outputs: string[] = [];
    const result = await runTask({
      task,
      harness: createDefaultHarness(),
      harnessHash: 'h',
      model,
      createSandbox: async () => {
        const sandbox = await WebContainerSandbox.inside(standInContainer(workdir));
        root = sandbox.root;
        return sandbox;
      },
      onEvent: (event) => {
        if (event.type === 'tool-result') outputs.push(event.output);
      },
    });
    expect(result).toMatchObject({ outcome: 'pass', steps: 3 });
    expect(outputs[1]).toMatch(/stdout:\n6\n/);
    expect(existsSync(join(workdir, root))).toBe(false);
  });

  it('runs an imported Harbor task at its own /app: its solve.sh as the agent’s command, test.sh writing /logs/verifier/reward.txt', async () => {
    // The stand-in's shell is bash; a real WebContainer's jsh has no awk, so the task's requirement is lifted here.
    const task = { ...importSuite(new Map(Object.entries(HARBOR_CSV_TOTALS))).suite.tasks[0], requires: undefined };
    const solve = folderFiles(HARBOR_CSV_TOTALS, 'csv-totals').get('solution/solve.sh')!;
    const model = new ScriptedModel([
      { toolCalls: [{ name: 'shell', args: { command: 'pwd && ls' } }] },
      { toolCalls: [{ name: 'shell', args: { command: solve } }] },
      { toolCalls: [{ name: 'finish', args: {} }] },
    ]);
    const outputs: string[] = [];
    let sandbox: InstanceType<typeof WebContainerSandbox> | undefined;
    const result = await runTask({
      task,
      harness: createDefaultHarness(),
      harnessHash: 'h',
      model,
      createSandbox: async (options) => (sandbox = await WebContainerSandbox.inside(standInContainer(workdir), undefined, options)),
      onEvent: (event) => {
        if (event.type === 'tool-result') outputs.push(event.output);
      },
    });
    expect(sandbox!.paths.workdir).toBe('/app');
    expect(outputs[0]).toBe('exit code: 0\nstdout:\n/app\ndata.csv\nout\n');
    expect(result.verifier?.stdout).toContain('reward 1');
    expect(result).toMatchObject({ outcome: 'pass', steps: 3 });
    expect(model.calls[0].messages[0].content).toContain('Your working directory is /app.');
  });
});
