import { describe, expect, it } from 'vitest';
import { BROWSER_JUST_BASH_CAPABILITIES } from '../../src/core/sandbox/capabilities.js';
import { JustBashSandbox } from '../../src/core/sandbox/just-bash-sandbox.js';
import { RestartableSandbox, type SandboxWorkerApi } from '../../src/core/sandbox/restartable-sandbox.js';
import { createSandboxWorkerApi } from '../../src/core/sandbox/sandbox-worker-api.js';
import { checkSuite, summarizeChecks } from '../../src/core/tasks/check-suite.js';
import { importSuite } from '../../src/core/tasks/harbor/index.js';
import { HARBOR_ARCHIVE_LOGS } from '../fixtures/harbor-task-folders.js';

/**
 * A Harbor task whose scripts use `tar` passes in Node (the CLI), but just-bash's browser build has no `tar`. The
 * page's suite check used to count it as "1 failed" in red; it is unsupported there, with the reason, exactly as
 * the CLI counts what its sandbox cannot run.
 */

/** The page's sandbox: just-bash's browser capabilities, hosted the way WorkerSandbox hosts it. */
const browserLikeSandbox = async () => new RestartableSandbox(() => ({ api: createSandboxWorkerApi(), terminate: () => undefined }), { kind: 'just-bash-worker', capabilities: BROWSER_JUST_BASH_CAPABILITIES });

describe('a task the browser sandbox cannot run', () => {
  const imported = importSuite(new Map(Object.entries(HARBOR_ARCHIVE_LOGS)));

  it('is imported with tar among what it requires, and a note saying the page lacks it', () => {
    expect(imported.unsupported).toEqual([]);
    expect(imported.suite.tasks[0].requires).toEqual(['bash', 'coreutils', 'tar']);
    expect(imported.notes.map((item) => item.note).join('\n')).toMatch(/uses tar, which the in-browser sandbox lacks/);
  });

  it('passes where tar exists (the CLI in Node)', async () => {
    const { report } = await checkSuite(imported.suite.tasks, async () => new JustBashSandbox());
    expect(report).toEqual({ tasks: 1, ok: 1, defects: [], unsupported: [] });
  });

  it('is counted as unsupported with the reason, not as failed, in the page\'s sandbox', async () => {
    const { report } = await checkSuite(imported.suite.tasks, browserLikeSandbox);
    expect(report).toEqual({
      tasks: 1,
      ok: 0,
      defects: [],
      unsupported: [{ task: 'archive-logs', reason: 'task needs tar; the just-bash-worker sandbox offers bash, coreutils' }],
    });
  });

  it('tasks that could not be loaded at all count as unsupported too, listed first, as the CLI lists them', () => {
    const report = summarizeChecks(2, [{ task: 'a', ok: true, reason: '', durationMs: 1 }], [{ task: 'needs-python', reason: 'RUN pip install: installs Python packages' }]);
    expect(report).toEqual({ tasks: 2, ok: 1, defects: [], unsupported: [{ task: 'needs-python', reason: 'RUN pip install: installs Python packages' }] });
  });
});

describe('a suite check whose sandbox cannot start', () => {
  it('stops at the first task with the sandbox\'s error instead of calling every task broken', async () => {
    const tasks = importSuite(new Map(Object.entries(HARBOR_ARCHIVE_LOGS))).suite.tasks;
    const three = [0, 1, 2].map((index) => ({ ...tasks[0], id: `task-${index}`, requires: ['bash' as const] }));
    const text = "SyntaxError: The requested module '/node_modules/sprintf-js/src/sprintf.js' does not provide an export named 'sprintf'";
    let created = 0;
    const { report, checks } = await checkSuite(three, async () => {
      created += 1;
      // A worker that could not load never answers; it only reports why.
      const silent = new Proxy({} as SandboxWorkerApi, { get: () => () => new Promise(() => {}) });
      return new RestartableSandbox(() => ({ api: silent, terminate: () => undefined, failed: Promise.resolve(text) }), { kind: 'just-bash-worker' });
    });
    expect(checks).toHaveLength(1);
    expect(created).toBe(1);
    expect(report).toEqual({ tasks: 3, ok: 0, defects: [], unsupported: [], sandboxFailure: `the sandbox worker failed: ${text}` });
  });
});
