import { describe, expect, it } from 'vitest';
import { createDefaultHarness } from '../../src/core/harness/index.js';
import { ScriptedModel } from '../../src/core/model/scripted.js';
import {
  chooseSandbox,
  JUST_BASH_CAPABILITIES,
  BROWSER_JUST_BASH_CAPABILITIES,
  missingCapabilities,
  unmetRequirements,
  WEBCONTAINER_CAPABILITIES,
} from '../../src/core/sandbox/capabilities.js';
import { JustBashSandbox } from '../../src/core/sandbox/just-bash-sandbox.js';
import { RestartableSandbox } from '../../src/core/sandbox/restartable-sandbox.js';
import { createSandboxWorkerApi } from '../../src/core/sandbox/sandbox-worker-api.js';
import type { Sandbox } from '../../src/core/sandbox/types.js';
import { runTask } from '../../src/core/tasks/run-task.js';
import type { Task } from '../../src/core/tasks/types.js';

const nodeTask: Task = {
  id: 'node-script',
  title: 'Write a Node script',
  instruction: 'Write /work/sum.js that prints the sum of the numbers in /work/numbers.json',
  initialFiles: { 'numbers.json': '[1, 2, 3]' },
  verifier: { script: 'test "$(node /work/sum.js)" = 6' },
  agentTimeoutSec: 30,
  verifierTimeoutSec: 10,
  category: 'scripting',
  difficulty: 'easy',
  tags: [],
  requires: ['node', 'npm'],
};

const finish = { toolCalls: [{ name: 'finish', args: {} }] };

describe('what a sandbox offers', () => {
  it('just-bash in Node has yq, tar and xan; its browser build, hosted in a worker, lacks them', () => {
    expect(new JustBashSandbox().capabilities).toEqual(['bash', 'coreutils', 'yq', 'tar', 'xan']);
    expect(BROWSER_JUST_BASH_CAPABILITIES).toEqual(['bash', 'coreutils']);
    const worker = new RestartableSandbox(() => ({ api: createSandboxWorkerApi(), terminate: () => undefined }));
    expect(worker.capabilities).toEqual(JUST_BASH_CAPABILITIES);
  });

  it('a WebContainer offers node and npm but not bash or the usual text tools (jsh is not bash)', () => {
    expect(WEBCONTAINER_CAPABILITIES).toEqual(['node', 'npm']);
  });

  it('lists what is missing, in the order required, once', () => {
    expect(missingCapabilities(['node', 'bash', 'npm', 'node'], ['bash', 'coreutils'])).toEqual(['node', 'npm']);
    expect(missingCapabilities(undefined, [])).toEqual([]);
    expect(missingCapabilities(['bash'], JUST_BASH_CAPABILITIES)).toEqual([]);
  });

  it('a sandbox that declares nothing is not refused', () => {
    expect(unmetRequirements(['python'], { kind: 'mystery' })).toBeUndefined();
    expect(unmetRequirements(['python'], { kind: 'just-bash', capabilities: JUST_BASH_CAPABILITIES })).toBe(
      'task needs python; the just-bash sandbox offers bash, coreutils, yq, tar, xan',
    );
  });
});

describe('choosing a sandbox for a task', () => {
  const justBash = { kind: 'just-bash' as const, capabilities: JUST_BASH_CAPABILITIES, available: true };
  const webContainer = { kind: 'webcontainer' as const, capabilities: WEBCONTAINER_CAPABILITIES, available: true };
  const offline = { ...webContainer, available: false, unavailableReason: 'WebContainers load their runtime from StackBlitz and this browser is offline' };

  it('takes the first available candidate that has everything', () => {
    expect(chooseSandbox([], [justBash, webContainer])).toEqual({ kind: 'just-bash' });
    expect(chooseSandbox(undefined, [webContainer, justBash])).toEqual({ kind: 'webcontainer' });
    expect(chooseSandbox(['node'], [justBash, webContainer])).toEqual({ kind: 'webcontainer' });
    expect(chooseSandbox(['coreutils'], [webContainer, justBash])).toEqual({ kind: 'just-bash' });
  });

  it('says what is missing and why the candidate that has it cannot start', () => {
    const choice = chooseSandbox(['node', 'npm'], [justBash, offline]);
    expect(choice).toEqual({
      error:
        'task needs node, npm; the just-bash sandbox offers bash, coreutils, yq, tar, xan; the webcontainer sandbox, which has them, is unavailable: ' +
        'WebContainers load their runtime from StackBlitz and this browser is offline',
    });
  });

  it('says so when no sandbox has everything', () => {
    const choice = chooseSandbox(['bash', 'node', 'python'], [justBash, webContainer]);
    expect('error' in choice && choice.error).toBe(
      'task needs python; no sandbox offers all of bash, node, python (just-bash: bash, coreutils, yq, tar, xan; webcontainer: node, npm)',
    );
  });

  it('a task with no requirements still needs one sandbox that starts', () => {
    expect(chooseSandbox([], [offline])).toEqual({
      error: 'no sandbox can start; the webcontainer sandbox is unavailable: WebContainers load their runtime from StackBlitz and this browser is offline',
    });
  });
});

describe('running a task the sandbox cannot serve', () => {
  it('ends as infra_error with the reason, before the model is asked anything, and disposes the sandbox', async () => {
    const model = new ScriptedModel([finish]);
    let disposed = false;
    const result = await runTask({
      task: nodeTask,
      harness: createDefaultHarness(),
      harnessHash: 'h',
      model,
      createSandbox: async () => {
        const sandbox = new JustBashSandbox();
        const dispose = sandbox.dispose.bind(sandbox);
        sandbox.dispose = async () => {
          disposed = true;
          await dispose();
        };
        return sandbox;
      },
    });
    expect(result).toMatchObject({ outcome: 'infra_error', reason: 'task needs node, npm; the just-bash sandbox offers bash, coreutils, yq, tar, xan', steps: 0 });
    expect(model.calls).toHaveLength(0);
    expect(disposed).toBe(true);
  });

  it('runs as before when the sandbox offers what the task requires', async () => {
    const model = new ScriptedModel([{ toolCalls: [{ name: 'shell', args: { command: 'echo 6 > /work/answer' } }] }, finish]);
    const result = await runTask({
      task: { ...nodeTask, requires: ['bash'], verifier: { script: 'test "$(cat /work/answer)" = 6' } },
      harness: createDefaultHarness(),
      harnessHash: 'h',
      model,
      createSandbox: async () => new JustBashSandbox(),
    });
    expect(result.outcome).toBe('pass');
    expect(model.calls).toHaveLength(2);
  });

  it('does not refuse a task when the sandbox declares no capabilities', async () => {
    const model = new ScriptedModel([{ toolCalls: [{ name: 'shell', args: { command: 'echo 6 > /work/answer' } }] }, finish]);
    const result = await runTask({
      task: { ...nodeTask, verifier: { script: 'test "$(cat /work/answer)" = 6' } },
      harness: createDefaultHarness(),
      harnessHash: 'h',
      model,
      createSandbox: async () => {
        const inner = new JustBashSandbox();
        const undeclared: Sandbox = {
          kind: 'undeclared',
          exec: (command, options) => inner.exec(command, options),
          readFile: (path) => inner.readFile(path),
          writeFile: (path, content) => inner.writeFile(path, content),
          exists: (path) => inner.exists(path),
          listFiles: (dir) => inner.listFiles(dir),
          exportTree: (dir) => inner.exportTree(dir),
          dispose: () => inner.dispose(),
        };
        return undeclared;
      },
    });
    expect(result.outcome).toBe('pass');
  });
});
