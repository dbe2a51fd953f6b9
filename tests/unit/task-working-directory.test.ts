import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../src/core/agent/events.js';
import { createDefaultHarness } from '../../src/core/harness/index.js';
import { ScriptedModel } from '../../src/core/model/scripted.js';
import { JustBashSandbox } from '../../src/core/sandbox/just-bash-sandbox.js';
import type { SandboxOptions } from '../../src/core/sandbox/types.js';
import { checkTask } from '../../src/core/tasks/check-suite.js';
import { runTask } from '../../src/core/tasks/run-task.js';
import { sandboxOptionsFor } from '../../src/core/tasks/task-paths.js';
import type { Task } from '../../src/core/tasks/types.js';
import { validateTask } from '../../src/core/tasks/validate-task.js';

/** A task that works in /app with a variable, as an imported Harbor task does. */
const task: Task = {
  id: 'app-task',
  title: 'Works in /app',
  instruction: 'Write "done" to sub/result.txt.',
  workdir: '/app',
  env: { GREETING: 'hi' },
  initialFiles: { 'notes.txt': 'notes\n', '/data/input.txt': 'input\n' },
  setupScript: 'pwd > setup-ran-in.txt; echo "$GREETING" >> setup-ran-in.txt',
  verifier: { script: 'test "$(pwd)" = /app && test "$GREETING" = hi && grep -qx done /app/sub/result.txt' },
  solution: 'mkdir -p sub && echo done > sub/result.txt',
  agentTimeoutSec: 60,
  verifierTimeoutSec: 10,
  category: 'test',
  difficulty: 'easy',
  tags: [],
};

describe('a task’s working directory and environment', () => {
  it('reach the prompt, every tool, hooks, the setup script and the verifier', async () => {
    const harness = createDefaultHarness();
    harness.policies.persistShellState.enabled = true;
    harness.hooks.push(
      { id: 'where', at: 'onStart', processor: 'run_shell', params: { command: 'pwd; echo "$GREETING"', showOutput: true } },
      { id: 'artifact', at: 'beforeFinish', processor: 'require_file', params: { path: 'result.txt', message: '' } },
    );
    const model = new ScriptedModel([
      { toolCalls: [{ name: 'read_file', args: { path: 'notes.txt' } }] },
      { toolCalls: [{ name: 'shell', args: { command: 'pwd; echo "$GREETING"; cat setup-ran-in.txt; cat /data/input.txt; mkdir sub && cd sub' } }] },
      { toolCalls: [{ name: 'shell', args: { command: 'pwd' } }] },
      { toolCalls: [{ name: 'finish', args: {} }] },
      { toolCalls: [{ name: 'write_file', args: { path: 'result.txt', content: 'done\n' } }] },
      { toolCalls: [{ name: 'finish', args: {} }] },
    ]);
    const events: AgentEvent[] = [];
    const requested: Array<SandboxOptions | undefined> = [];
    const result = await runTask({
      task,
      harness,
      harnessHash: 'h',
      model,
      createSandbox: async (options) => {
        requested.push(options);
        return new JustBashSandbox();
      },
      onEvent: (event) => void events.push(event),
    });
    const outputs = events.flatMap((event) => (event.type === 'tool-result' || event.type === 'hook-result' ? [event.type === 'tool-result' ? event.output : event.message] : []));

    expect(requested).toEqual([{ workdir: '/app', directories: ['/data', '/tmp', '/verifier'] }]);
    expect(model.calls[0].messages[0].content).toContain('Your working directory is /app.');
    expect(outputs[0]).toContain('stdout:\n/app\nhi\n'); // the onStart hook
    expect(outputs[1]).toBe('notes\n'); // read_file of a relative path
    expect(outputs[2]).toBe('exit code: 0\nstdout:\n/app\nhi\n/app\nhi\ninput\n');
    expect(outputs[3]).toBe('exit code: 0\nstdout:\n/app/sub\n'); // persistShellState starts from /app
    expect(outputs.slice(4, 6).join('\n')).toMatch(/The file \/app\/sub\/result\.txt does not exist yet/); // require_file follows the shell's cwd
    expect(outputs[6]).toBe('wrote 5 characters to /app/sub/result.txt'); // write_file follows it too
    expect(result).toMatchObject({ outcome: 'pass', agentEndReason: 'finished' });
  });

  it('is where the soundness check plays the reference solution, and a solution written for /work fails there', async () => {
    const createSandbox = async () => new JustBashSandbox();
    expect(await checkTask(task, createSandbox)).toMatchObject({ ok: true, reason: '' });
    const movedSolution = { ...task, solution: 'mkdir -p /work/sub && echo done > /work/sub/result.txt' };
    expect((await checkTask(movedSolution, createSandbox)).reason).toMatch(/^the verifier fails on the reference solution \(exit \d\)/);
  });

  it('is validated: absolute, plain, and never the verifier’s directory; variable names must be shell names', () => {
    expect(validateTask(task)).toEqual([]);
    expect(validateTask({ ...task, workdir: 'app' })).toEqual(['task "app-task": workdir must be an absolute directory such as /app (got "app")']);
    expect(validateTask({ ...task, workdir: '/app/../etc' })).toHaveLength(1);
    expect(validateTask({ ...task, workdir: '/' })).toHaveLength(1);
    expect(validateTask({ ...task, workdir: '/verifier/x' })).toEqual(['task "app-task": workdir /verifier/x is where the verifier\'s files go; choose another directory']);
    expect(validateTask({ ...task, env: { 'NOT-A-NAME': 'x' } })).toEqual(['task "app-task": env name "NOT-A-NAME" is not a shell variable name']);
  });

  it('tells the sandbox which directories the task names, leaving out the system’s own', () => {
    const harbor: Task = {
      ...task,
      instruction: 'Read /data/in.csv and /usr/share/dict/words, write /output/x (see https://example.com/docs/x and ./rel/y).',
      initialFiles: { '/usr/bin/tool': '#!/bin/bash\n', 'a.txt': '' },
      verifier: { script: 'cat /tests/expected', files: { 'tests/test.sh': 'echo 1 > /logs/verifier/reward.txt', 'tests/expected.txt': '/not/a/script/path' } },
    };
    expect(sandboxOptionsFor(harbor)).toEqual({ workdir: '/app', directories: ['/data', '/logs', '/output', '/tests', '/tmp', '/verifier'] });
    expect(sandboxOptionsFor({ ...harbor, workdir: undefined }).workdir).toBe('/work');
  });
});
