import { describe, expect, it } from 'vitest';
import { critiqueEdits } from '../../src/core/evolve/critic.js';
import { digestTrace } from '../../src/core/evolve/digest.js';
import { applyEdits, areNearDuplicates, editsAreDisjoint, editSizeProblem, type HarnessEdit } from '../../src/core/evolve/edits.js';
import { splitTasks } from '../../src/core/evolve/splits.js';
import { createDefaultHarness } from '../../src/core/harness/index.js';
import type { Task } from '../../src/core/tasks/types.js';
import type { AgentEvent } from '../../src/core/agent/events.js';

const task = (id: string, category: string): Task => ({
  id, title: id, instruction: id, initialFiles: {}, verifier: { script: 'true' }, agentTimeoutSec: 1, verifierTimeoutSec: 1, category, difficulty: 'easy', tags: [],
});

describe('splits', () => {
  const tasks = [...Array.from({ length: 8 }, (_, index) => task(`a${index}`, 'alpha')), ...Array.from({ length: 4 }, (_, index) => task(`b${index}`, 'beta'))];

  it('is 50/25/25 by default, stratified by category, and covers every task exactly once', () => {
    const splits = splitTasks(tasks);
    expect([splits.heldIn.length, splits.heldOut.length, splits.test.length]).toEqual([6, 3, 3]);
    expect(splits.heldIn.filter((id) => id.startsWith('a'))).toHaveLength(4);
    expect(splits.heldIn.filter((id) => id.startsWith('b'))).toHaveLength(2);
    expect([...splits.heldIn, ...splits.heldOut, ...splits.test].sort()).toEqual(tasks.map((item) => item.id).sort());
  });

  it('is the same for the same seed and differs for another', () => {
    expect(splitTasks(tasks, undefined, 5)).toEqual(splitTasks([...tasks].reverse(), undefined, 5));
    expect(splitTasks(tasks, undefined, 5)).not.toEqual(splitTasks(tasks, undefined, 6));
  });

  it('honours other ratios', () => {
    const splits = splitTasks(tasks, { heldIn: 2, heldOut: 1, test: 1 });
    expect(splits.heldIn).toHaveLength(6);
    expect(() => splitTasks(tasks, { heldIn: 0, heldOut: 0, test: 0 })).toThrow(/ratios/);
  });
});

describe('typed edits', () => {
  const harness = createDefaultHarness();

  it('apply to a copy and record where the rule came from', () => {
    const result = applyEdits(harness, [{ op: 'add_rule', ruleId: 'early', text: 'Write the artifact early.' }, { op: 'set_policy', path: 'loopBreaker.enabled', value: true }], 'w1');
    expect(result.ok && result.harness.rules[0]).toEqual({ id: 'early', text: 'Write the artifact early.', source: { kind: 'evolution', note: 'w1' } });
    expect(result.ok && result.harness.policies.loopBreaker.enabled).toBe(true);
    expect(harness.rules).toEqual([]);
  });

  it('that produce an invalid harness are errors, not versions', () => {
    expect(applyEdits(harness, [{ op: 'set_policy', path: 'duplicateCommandGuard.mode', value: 'explode' }], 'w')).toMatchObject({ ok: false });
    expect(applyEdits(harness, [{ op: 'set_policy', path: 'teleport.enabled', value: true }], 'w')).toEqual({ ok: false, error: 'unknown policy "teleport"' });
    expect(applyEdits(harness, [{ op: 'replace_rule', ruleId: 'nope', text: 'x' }], 'w')).toMatchObject({ ok: false });
  });

  it('can reconfigure an existing hook, and say so when there is none', () => {
    const withHook = applyEdits(harness, [{ op: 'add_hook', hook: { id: 'sanity', at: 'beforeFinish', processor: 'run_shell', params: { command: 'test -s out.txt', showOutput: true } } }], 'w');
    expect(withHook.ok).toBe(true);
    if (!withHook.ok) return;
    const replaced = applyEdits(withHook.harness, [{ op: 'replace_hook', hook: { id: 'sanity', at: 'beforeFinish', processor: 'require_file', params: { path: 'out.txt' } } }], 'w');
    expect(replaced.ok && replaced.harness.hooks).toEqual([{ id: 'sanity', at: 'beforeFinish', processor: 'require_file', params: { path: 'out.txt' } }]);
    expect(applyEdits(harness, [{ op: 'replace_hook', hook: { id: 'nope', at: 'onStart', processor: 'inject_message', params: { text: 'x' } } }], 'w')).toEqual({ ok: false, error: 'there is no hook "nope" to replace' });
  });

  it('conflict only when they touch overlapping paths', () => {
    const rule: HarnessEdit = { op: 'add_rule', ruleId: 'a', text: 'x' };
    const policy: HarnessEdit = { op: 'set_policy', path: 'loopBreaker.enabled', value: true };
    const policyWhole: HarnessEdit = { op: 'set_policy', path: 'maxSteps', value: 10 };
    expect(editsAreDisjoint([rule], [policy])).toBe(true);
    expect(editsAreDisjoint([policy], [{ op: 'set_policy', path: 'loopBreaker.enabled', value: false }])).toBe(false);
    expect(editsAreDisjoint([policy], [policyWhole])).toBe(true);
  });

  it('are kept minimal and diverse', () => {
    expect(editSizeProblem({ op: 'add_rule', ruleId: 'long', text: 'x'.repeat(700) })).toMatch(/limit is 600/);
    expect(areNearDuplicates([{ op: 'add_rule', ruleId: 'a', text: 'Never repeat an identical failing command.' }], [{ op: 'add_rule', ruleId: 'b', text: 'never repeat an identical failing command!' }])).toBe(true);
    expect(areNearDuplicates([{ op: 'add_rule', ruleId: 'a', text: 'Never repeat an identical failing command.' }], [{ op: 'add_rule', ruleId: 'b', text: 'Write the artifact early, then refine it.' }])).toBe(false);
  });
});

describe('critic', () => {
  it('rejects edits that point the agent at the grader', () => {
    expect(critiqueEdits([{ op: 'add_rule', ruleId: 'a', text: 'First cat /verifier/verify.sh' }]).ok).toBe(false);
    expect(critiqueEdits([{ op: 'add_hook', hook: { id: 'h', at: 'onStart', processor: 'run_shell', params: { command: 'cat tests/test.sh', showOutput: true } } }]).ok).toBe(false);
    expect(critiqueEdits([{ op: 'add_rule', ruleId: 'a', text: 'Write /logs/verifier/reward.txt with 1' }]).reasons.join()).toMatch(/reward/);
    expect(critiqueEdits([{ op: 'add_rule', ruleId: 'a', text: 'Verify your output with a quick test before finishing.' }]).ok).toBe(true);
  });
});

describe('trace digests', () => {
  it('keep failures and the end, never the verifier', () => {
    const events = [
      { type: 'run-start', seq: 0, timestamp: 0, traceFormat: 1, taskId: 't', harnessHash: 'h', modelId: 'm', systemPrompt: 'p', instruction: 'Do the thing' },
      { type: 'tool-call', seq: 1, timestamp: 0, step: 1, callId: 'c1', tool: 'shell', args: { command: 'cat nope.txt' } },
      { type: 'tool-result', seq: 2, timestamp: 0, step: 1, callId: 'c1', tool: 'shell', ok: false, output: 'exit code: 1\nstderr:\ncat: nope.txt: No such file', exitCode: 1, durationMs: 1 },
      { type: 'run-end', seq: 3, timestamp: 0, reason: 'max_steps', message: 'reached the step limit of 1', steps: 1, toolCalls: 1, formatErrors: 0, usage: { inputTokens: 1, outputTokens: 1 }, durationMs: 1 },
    ] as AgentEvent[];
    const digest = digestTrace('t', 1, 'fail', events);
    expect(digest.instruction).toBe('Do the thing');
    expect(digest.endReason).toMatch(/^max_steps/);
    expect(digest.highlights[0]).toMatch(/shell: cat nope.txt → FAILED \(exit 1\).*No such file/);
  });
});
