import { describe, expect, it } from 'vitest';
import type { TraceDigest } from '../../src/core/evolve/digest.js';
import { mineWeaknesses, miningDecodingSchema, type Weakness } from '../../src/core/evolve/mining.js';
import { proposeCandidates } from '../../src/core/evolve/proposal.js';
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
});
