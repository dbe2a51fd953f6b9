import { describe, expect, it } from 'vitest';
import { exampleHarnesses } from '../../src/core/harness/examples.js';
import { createDefaultHarness, parseHarness } from '../../src/core/harness/index.js';
import { describeHarnessChanges } from '../../src/core/share/harness-changes.js';
import { buildMatrix, matrixCsv } from '../../src/core/share/matrix.js';
import { INSTRUCTION_PLACEHOLDER, renderAgentsMarkdown, renderPlainSystemPrompt } from '../../src/core/share/plain-text.js';

describe('what changed between two harness versions, in words', () => {
  it('lists added, changed and removed rules, policies turned on or changed, hooks and tools', () => {
    const before = createDefaultHarness();
    before.rules = [{ id: 'old', text: 'Old rule.', source: { kind: 'human' } }, { id: 'kept', text: 'Kept.', source: { kind: 'human' } }];
    const after = structuredClone(before);
    after.rules = [{ id: 'kept', text: 'Kept, reworded.', source: { kind: 'human' } }, { id: 'new-rule', text: 'Check the output.', source: { kind: 'evolution' } }];
    after.policies.loopBreaker.enabled = true;
    after.policies.maxSteps = 40;
    after.tools.read_file.enabled = false;
    after.hooks = [{ id: 'look', at: 'onStart', processor: 'inject_message', params: { text: 'Look around.' } }];
    const changes = describeHarnessChanges(before, after).map((change) => `${change.area} ${change.name} ${change.change}`);
    expect(changes).toEqual([
      'rule kept changed',
      'rule new-rule added',
      'rule old removed',
      'tool read_file turned off',
      'policy maxSteps changed',
      'policy loopBreaker turned on',
      'hook look added',
    ]);
    expect(describeHarnessChanges(before, before)).toEqual([]);
  });
});

describe('plain-text exports for other agents', () => {
  it('renders the system prompt with the task as a placeholder and the tools spelled out', () => {
    const prompt = renderPlainSystemPrompt(createDefaultHarness());
    expect(prompt).toContain(INSTRUCTION_PLACEHOLDER);
    expect(prompt).toContain('- shell(command)');
    expect(prompt).not.toContain('{{');
  });

  it('writes AGENTS.md with the rules, the enabled policies as habits, the checks and the prompt template', () => {
    const harness = exampleHarnesses().find((example) => example.id === 'verify-before-finish')!.harness;
    harness.hooks = [{ id: 'tests-pass', at: 'beforeFinish', processor: 'run_shell', params: { command: 'test -s out.txt', showOutput: true } }];
    const markdown = renderAgentsMarkdown(harness, { label: 'careful', hash: 'a'.repeat(64) });
    expect(markdown).toMatch(/^# AGENTS\.md — verify-before-finish/);
    expect(markdown).toContain('- Create the requested output file early');
    expect(markdown).toContain('Before you declare the task done, re-check it');
    expect(markdown).toContain('Before you finish, run `test -s out.txt`; it must exit 0.');
    expect(markdown).not.toContain('Every 50 tool calls'); // the loop breaker is off in this harness
    expect(markdown).toContain('```text\n' + harness.systemPrompt);
  });

  it('offers example harnesses that are all valid and all different', () => {
    const examples = exampleHarnesses();
    expect(examples.length).toBeGreaterThanOrEqual(3);
    for (const example of examples) expect(parseHarness(example.harness).ok, example.id).toBe(true);
    expect(new Set(examples.map((example) => JSON.stringify(example.harness))).size).toBe(examples.length);
  });
});

describe('the cross-model matrix', () => {
  it('counts passes per harness × model × task from finished runs and writes a CSV with blanks for cells never run', () => {
    const runs = [
      { harnessHash: 'h1', modelId: 'm1', taskId: 't1', status: 'done' as const, outcome: 'pass' },
      { harnessHash: 'h1', modelId: 'm1', taskId: 't1', status: 'done' as const, outcome: 'fail' },
      { harnessHash: 'h1', modelId: 'm2', taskId: 't1', status: 'done' as const, outcome: 'pass' },
      { harnessHash: 'h2', modelId: 'm1', taskId: 't2', status: 'running' as const },
    ];
    const matrix = buildMatrix({ harnessHashes: ['h1', 'h2'], modelIds: ['m1', 'm2'], taskIds: ['t1', 't2'] }, runs);
    expect(matrix.rows.map((row) => [row.harnessHash, row.modelId, row.passed, row.total])).toEqual([
      ['h1', 'm1', 1, 2],
      ['h1', 'm2', 1, 1],
      ['h2', 'm1', 0, 0],
      ['h2', 'm2', 0, 0],
    ]);
    const csv = matrixCsv(matrix, { harness: (hash) => `v "${hash}"`, model: (id) => id.toUpperCase() });
    expect(csv.split('\n')[0]).toBe('harness,harness_hash,model,model_id,t1,t2,passed,attempts,pass_rate');
    expect(csv.split('\n')[1]).toBe('"v ""h1""",h1,M1,m1,1/2,,1,2,0.500');
    expect(csv.split('\n')[3]).toBe('"v ""h2""",h2,M1,m1,,,0,0,');
  });
});
