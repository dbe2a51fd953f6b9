import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../src/core/agent/events.js';
import { createDefaultHarness } from '../../src/core/harness/index.js';
import { ScriptedModel, type ScriptedStep } from '../../src/core/model/scripted.js';
import { JustBashSandbox } from '../../src/core/sandbox/just-bash-sandbox.js';
import { runTask } from '../../src/core/tasks/run-task.js';
import type { Task } from '../../src/core/tasks/types.js';

const task: Task = {
  id: 'count-lines',
  title: 'Count lines',
  instruction: 'Write the number of lines of /work/data.txt into /work/count.txt',
  initialFiles: { 'data.txt': 'a\nb\nc\n' },
  verifier: { script: 'test "$(tr -d " \\n" < /work/count.txt)" = "$(cat /verifier/expected)"', files: { expected: '3' } },
  agentTimeoutSec: 30,
  verifierTimeoutSec: 10,
  category: 'text-processing',
  difficulty: 'easy',
  tags: [],
};

async function attempt(steps: ScriptedStep[], overrides: Partial<Task> = {}) {
  const events: AgentEvent[] = [];
  const result = await runTask({
    task: { ...task, ...overrides },
    harness: createDefaultHarness(),
    harnessHash: 'h',
    model: new ScriptedModel(steps),
    createSandbox: async () => new JustBashSandbox(),
    onEvent: (event) => {
      events.push(event);
    },
  });
  return { result, events };
}

const shell = (command: string) => ({ toolCalls: [{ name: 'shell', args: { command } }] });
const finish = { toolCalls: [{ name: 'finish', args: {} }] };

describe('running a task', () => {
  it('an unreachable model (5xx, dropped connection, 429 after retries, bad key) is an infrastructure error, never a fail', async () => {
    const serverError = { error: { kind: 'network' as const, status: 500, message: 'server error (500): upstream down', retryable: true } };
    const { result, events } = await attempt([shell('echo 3 > count.txt'), serverError, serverError, serverError]);
    // The agent had already written the right answer; a run cut off by the server still does not count as a pass.
    expect(result).toMatchObject({ outcome: 'infra_error', infrastructure: 'model', agentEndReason: 'model_error' });
    expect(result.reason).toMatch(/the model could not be reached: model error \(network\): server error \(500\)/);
    expect(result.verifier).toBeUndefined();
    const runEnd = events.at(-1);
    expect(runEnd?.type === 'run-end' && runEnd.modelError?.status).toBe(500);
    const denied = await attempt([{ error: { kind: 'auth', status: 401, message: 'authentication failed (401)', retryable: false } }]);
    expect(denied.result).toMatchObject({ outcome: 'infra_error', infrastructure: 'model' });
  }, 20_000);

  it('a model that answers but cannot be used (context overflow, malformed answers) is the agent\'s error', async () => {
    const overflow = await attempt([{ error: { kind: 'context_overflow', status: 400, message: 'context window exceeded', retryable: false } }]);
    expect(overflow.result).toMatchObject({ outcome: 'agent_error' });
    expect(overflow.result.infrastructure).toBeUndefined();
    const garbage = await attempt([{ text: 'no' }, { text: 'no' }, { text: 'no' }]);
    expect(garbage.result.outcome).toBe('agent_error');
  });

  it('passes when the verifier accepts the agent\'s work', async () => {
    const { result } = await attempt([shell('wc -l < data.txt > count.txt'), finish]);
    expect(result).toMatchObject({ outcome: 'pass', agentEndReason: 'finished', steps: 2 });
  });

  it('fails when the verifier rejects it, and says why', async () => {
    const { result } = await attempt([shell('echo 7 > count.txt'), finish]);
    expect(result.outcome).toBe('fail');
    expect(result.reason).toMatch(/verifier failed with exit code 1/);
  });

  it('the agent cannot see the verifier or its hidden files while it works', async () => {
    const { events } = await attempt([shell('ls -R / | grep -c verif || true; cat /verifier/expected'), finish]);
    const result = events.find((event) => event.type === 'tool-result');
    expect(result && result.type === 'tool-result' && result.output).toMatch(/No such file/);
    expect(result && result.type === 'tool-result' && result.output).toMatch(/stdout:\n0\n/);
  });

  it('the verifier output stays out of the trace', async () => {
    const { events } = await attempt([shell('echo 3 > count.txt'), finish]);
    expect(JSON.stringify(events)).not.toContain('/verifier/expected');
  });

  it('a model that keeps answering garbage is an agent_error, not a crash', async () => {
    const { result } = await attempt([{ text: 'hmm' }, { text: '???' }, { text: '' }]);
    expect(result.outcome).toBe('agent_error');
    expect(result.reason).toMatch(/malformed answers in a row/);
  });

  it('a model that answers nothing at all is an agent_error', async () => {
    const { result } = await attempt([]);
    expect(result.outcome).toBe('agent_error');
    expect(result.reason).toMatch(/model error/);
  });

  it('a task whose verifier is missing is an infra_error with a clear reason, and the model is never called', async () => {
    const model = new ScriptedModel([finish]);
    const result = await runTask({
      task: { ...task, verifier: { script: '' } },
      harness: createDefaultHarness(),
      harnessHash: 'h',
      model,
      createSandbox: async () => new JustBashSandbox(),
    });
    expect(result.outcome).toBe('infra_error');
    expect(result.reason).toMatch(/verifier is missing/);
    expect(model.calls).toHaveLength(0);
  });

  it('a command that never ends is stopped and the run goes on', async () => {
    const harness = createDefaultHarness();
    harness.policies.commandTimeout.seconds = 1;
    const result = await runTask({
      task,
      harness,
      harnessHash: 'h',
      model: new ScriptedModel([shell('sleep 100'), shell('wc -l < data.txt > count.txt'), finish]),
      createSandbox: async () => new JustBashSandbox(),
    });
    expect(result.outcome).toBe('pass');
  });

  it('a sandbox that cannot start is an infra_error', async () => {
    const result = await runTask({
      task,
      harness: createDefaultHarness(),
      harnessHash: 'h',
      model: new ScriptedModel([finish]),
      createSandbox: async () => {
        throw new Error('no workers in this browser');
      },
    });
    expect(result).toMatchObject({ outcome: 'infra_error' });
    expect(result.reason).toMatch(/could not start the sandbox: no workers/);
  });
});
