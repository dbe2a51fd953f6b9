import { describe, expect, it } from 'vitest';
import type { TraceDigest } from '../../src/core/evolve/digest.js';
import { mineWeaknesses, miningDecodingSchema, type Weakness } from '../../src/core/evolve/mining.js';
import { proposalDecodingSchema, proposeCandidates } from '../../src/core/evolve/proposal.js';
import { applyEdits, HarnessEdit } from '../../src/core/evolve/edits.js';
import { actionResponseSchema } from '../../src/core/agent/prompt.js';
import { schemaProblem, unboundedStrings } from '../fixtures/json-schema-subset.js';
import { callForJson } from '../../src/core/evolve/structured-call.js';
import { createDefaultHarness } from '../../src/core/harness/index.js';
import { ScriptedModel } from '../../src/core/model/scripted.js';
import type { ChatModel, ModelStreamPart } from '../../src/core/model/types.js';
import { z } from 'zod';

/**
 * Found with SmolLM2-135M under wllama's grammar: held only to "an array of strings", it copied the prompt's example id
 * "task-id" as evidence, or listed one id until it ran out of tokens — so mining never produced a weakness.
 */

const digest = (taskId: string): TraceDigest => ({ taskId, attempt: 1, outcome: 'fail', instruction: `do ${taskId}`, endReason: 'max_steps', steps: 3, toolCalls: 2, formatErrors: 0, highlights: [] });

describe('schemas that hold a small model’s decoding', () => {
  it('lets mining evidence name only the failed tasks shown, numbers only valid values, and at most 4 weaknesses', async () => {
    const schema = miningDecodingSchema(['organize', 'flatten']) as { properties: { weaknesses: { maxItems: number; items: { properties: Record<string, unknown> } } } };
    expect(schema.properties.weaknesses.maxItems).toBe(4);
    expect(schema.properties.weaknesses.items.properties.evidenceTaskIds).toMatchObject({ type: 'array', minItems: 1, maxItems: 2, items: { type: 'string', enum: ['organize', 'flatten'] } });
    // SmolLM2 answered "impact": 7 under a grammar that only said "number".
    expect(schema.properties.weaknesses.items.properties).toMatchObject({ impact: { enum: [1, 2, 3, 4, 5] }, frequency: { enum: [1, 2] } });

    const model = new ScriptedModel([{ text: JSON.stringify({ weaknesses: [{ id: 'w', category: 'other', title: 't', evidenceTaskIds: ['flatten'] }] }) }]);
    await mineWeaknesses(model, [digest('organize'), digest('flatten')]);
    expect(model.calls[0].responseSchema).toEqual(miningDecodingSchema(['organize', 'flatten'], 2));
  });

  it('asks the proposer for exactly as many candidates as wanted, each with at most 3 edits', async () => {
    const weakness: Weakness = { id: 'w', category: 'other', title: 't', description: '', evidenceTaskIds: ['a'], frequency: 1, impact: 3, score: 3 };
    const model = new ScriptedModel([{ text: JSON.stringify({ candidates: [{ edits: [{ op: 'add_rule', ruleId: 'check', text: 'Check your work.' }] }] }) }]);
    await proposeCandidates(model, createDefaultHarness(), weakness, [digest('a')], { count: 2, heldOutPassed: { passed: 0, total: 1 }, earlier: [], idPrefix: 'i1-w' });
    expect(model.calls[0].responseSchema).toMatchObject({ properties: { candidates: { minItems: 1, maxItems: 2, items: { properties: { edits: { minItems: 1, maxItems: 3 } } } } } });
  });

  it('says when an answer without a JSON object was cut off at the token limit', async () => {
    const truncated: ChatModel = {
      id: 'truncating',
      provider: 'test',
      actionProtocol: 'json_action',
      async *stream(): AsyncIterable<ModelStreamPart> {
        yield { type: 'text-delta', text: '{"weaknesses": [{"id": "a", "title": "runs on and on' };
        yield { type: 'usage', usage: { inputTokens: 10, outputTokens: 96 } };
        yield { type: 'response-end', finishReason: 'length' };
      },
    };
    const result = await callForJson(truncated, { system: 's', user: 'u' }, z.object({ weaknesses: z.array(z.unknown()) }), { retries: 0, maxOutputTokens: 96 });
    expect(result.ok).toBe(false);
    expect(result.error).toBe('no JSON object found in the answer (it was cut off at the limit of 96 tokens: answer shorter)');
  });

  describe('the proposal schema: typed edits, not "any object"', () => {
    // Issue 13: with `edits` items unconstrained, a proposal ran away for 1,803 tokens even under the schema.
    const harness = createDefaultHarness();
    harness.rules.push({ id: 'be-careful', text: 'Be careful.', source: { kind: 'human' } });
    harness.hooks.push({ id: 'check-out', at: 'beforeFinish', processor: 'require_file', params: { path: 'out.txt' } });
    const schema = proposalDecodingSchema(harness, 2, ['task-a', 'task-b']);
    const proposal = (edits: unknown[]) => ({ candidates: [{ rationale: 'why', edits, predictedFlips: ['task-a'] }] });

    it('allows each typed edit operation on what this harness has', () => {
      const valid: Array<z.input<typeof HarnessEdit>> = [
        { op: 'add_rule', ruleId: 'verify-output', text: 'Check the output before finishing.' },
        { op: 'replace_rule', ruleId: 'be-careful', text: 'Be very careful.' },
        { op: 'set_policy', path: 'duplicateCommandGuard.mode', value: 'block' },
        { op: 'set_policy', path: 'finishGuard.enabled', value: true },
        { op: 'set_policy', path: 'maxAnswerTokens', value: 1024 },
        { op: 'add_hook', hook: { id: 'run-check', at: 'beforeFinish', processor: 'run_shell', params: { command: 'test -s out.txt' } } },
        { op: 'replace_hook', hook: { id: 'check-out', at: 'beforeFinish', processor: 'require_file', params: { path: 'result.txt' } } },
        { op: 'set_tool_description', tool: 'shell', description: 'Run one command.' },
        { op: 'set_planning_template', template: 'Plan first.' },
      ];
      const ops = new Set(valid.map((edit) => edit.op));
      expect([...ops].sort()).toEqual([...HarnessEdit.options.map((option) => option.shape.op.value)].sort());
      for (const edit of valid) {
        expect(schemaProblem(schema, proposal([edit]))).toBeUndefined();
        expect(applyEdits(harness, [HarnessEdit.parse(edit)], 'w').ok).toBe(true);
      }
    });

    it('refuses unknown operations and paths, rules and hooks that do not exist, and oversized text', () => {
      for (const edit of [
        { op: 'rewrite_everything', text: 'x' },
        { op: 'set_policy', path: 'verifier.disabled', value: true },
        { op: 'set_policy', path: 'duplicateCommandGuard.mode', value: 'sometimes' },
        { op: 'replace_rule', ruleId: 'no-such-rule', text: 'x' },
        { op: 'replace_hook', hook: { id: 'no-such-hook', at: 'onStart', processor: 'inject_message', params: { text: 'x' } } },
        { op: 'add_rule', ruleId: 'long', text: 'x'.repeat(601) },
        { op: 'add_hook', hook: { id: 'big', at: 'beforeFinish', processor: 'run_shell', params: { command: 'x'.repeat(401) } } },
      ]) {
        expect(schemaProblem(schema, proposal([edit])), JSON.stringify(edit).slice(0, 80)).toBeDefined();
      }
      expect(schemaProblem(schema, proposal([]))).toMatch(/fewer than 1/);
      expect(schemaProblem(schema, { candidates: [1, 2, 3].map(() => proposal([{ op: 'set_planning_template', template: '' }]).candidates[0]) })).toMatch(/more than 2/);
    });

    it('bounds every string, so a constrained decoder cannot run on', () => {
      expect(unboundedStrings(schema)).toEqual([]);
      expect(unboundedStrings(miningDecodingSchema(['a']))).toEqual([]);
    });

    it('offers every policy setting the harness has, each one applying to it', () => {
      const setPolicy = ((schema.properties as any).candidates.items.properties.edits.items.anyOf as any[]).filter((variant) => variant.properties.op.enum[0] === 'set_policy');
      const paths = setPolicy.flatMap((variant) => variant.properties.path.enum as string[]);
      expect(paths).toContain('loopBreaker.afterToolCalls');
      expect(paths).toContain('commandTimeout.seconds');
      for (const path of paths) {
        const [policy, field] = path.split('.');
        const current = field ? (harness.policies as any)[policy][field] : (harness.policies as any)[policy];
        expect(applyEdits(harness, [{ op: 'set_policy', path, value: current }], 'w'), path).toMatchObject({ ok: true });
      }
    });
  });

  it('holds a JSON action to the tools this harness enables', () => {
    const schema = actionResponseSchema(createDefaultHarness());
    expect(schemaProblem(schema, { thought: 'look', tool: 'shell', args: { command: 'ls' } })).toBeUndefined();
    expect(schemaProblem(schema, { thought: 'look', tool: 'shell', args: { path: 'a' } })).toBeDefined();
    expect(schemaProblem(schema, { thought: 'done', tool: 'finish', args: {}, extra: 1 })).toBeDefined();
    expect(schemaProblem(schema, { thought: 'hack', tool: 'browse', args: {} })).toBeDefined();
  });
});
