import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../src/core/agent/events.js';
import { runAgentToEnd } from '../../src/core/agent/loop.js';
import { createDefaultHarness, type HarnessDocument } from '../../src/core/harness/index.js';
import { ScriptedModel, type ScriptedStep } from '../../src/core/model/scripted.js';
import type { ChatModel, ModelRequest, ModelStreamPart } from '../../src/core/model/types.js';
import { JustBashSandbox } from '../../src/core/sandbox/just-bash-sandbox.js';

/**
 * Issue 13: agent turns sent no max_tokens (7 requests ran until the task timeout killed them), and a request cut off
 * by the timeout disappeared: 0 tokens recorded, no event, the partial text thrown away.
 */
const task = { id: 't1', instruction: 'Write hello into out.txt', agentTimeoutSec: 60 };

async function run(model: ChatModel, edit: (harness: HarnessDocument) => void = () => {}, agentTimeoutSec = 60) {
  const harness = createDefaultHarness();
  edit(harness);
  const events: AgentEvent[] = [];
  const end = await runAgentToEnd({ harness, harnessHash: 'h', model, sandbox: new JustBashSandbox(5000), task: { ...task, agentTimeoutSec }, sleep: async () => {} }, (event) => {
    events.push(event);
  });
  return { end, events };
}

const scripted = (steps: ScriptedStep[], protocol: 'native_tools' | 'json_action' = 'json_action') => new ScriptedModel(steps, 'scripted:test', protocol);
const finishAction = { text: '{"thought": "done", "tool": "finish", "args": {"summary": "ok"}}' };

describe('every agent answer is bounded', () => {
  it('caps each turn at the harness\'s maxAnswerTokens, 2048 by default', async () => {
    const byDefault = scripted([finishAction]);
    await run(byDefault);
    expect(byDefault.calls[0].maxOutputTokens).toBe(2048);

    const lowered = scripted([finishAction]);
    await run(lowered, (harness) => (harness.policies.maxAnswerTokens = 256));
    expect(lowered.calls[0].maxOutputTokens).toBe(256);

    // A harness written before the policy existed still sends a cap.
    const older = scripted([finishAction]);
    await run(older, (harness) => delete harness.policies.maxAnswerTokens);
    expect(older.calls[0].maxOutputTokens).toBe(2048);
  });

  it('holds json_action answers to a schema with one shape per enabled tool', async () => {
    const model = scripted([finishAction]);
    await run(model, (harness) => (harness.tools.write_file.enabled = false));
    const schema = model.calls[0].responseSchema as { anyOf: Array<{ properties: { tool: { enum: string[] }; args: { required: string[] } } }> };
    expect(schema.anyOf.map((variant) => variant.properties.tool.enum[0])).toEqual(['shell', 'read_file', 'finish']);
    expect(schema.anyOf[0].properties.args.required).toEqual(['command']);
  });

  it('feeds an answer cut off at the cap back as a format error that says so, and the run goes on', async () => {
    const model = scripted([{ text: '{"thought": "I will now write a very long explanation of', usage: { inputTokens: 50, outputTokens: 256 }, finishReason: 'length' }, finishAction]);
    const { end, events } = await run(model, (harness) => (harness.policies.maxAnswerTokens = 256));
    expect(end.reason).toBe('finished');
    const formatError = events.find((event) => event.type === 'format-error');
    expect(formatError).toMatchObject({ message: expect.stringContaining('cut off at the limit of 256 tokens') });
    expect(model.calls[1].messages.at(-1)?.content).toContain('cut off at the limit of 256 tokens');
    expect(events.find((event) => event.type === 'model-response')).toMatchObject({ finishReason: 'length' });
  });

  it('still runs a complete action that came before the cap', async () => {
    const model = scripted([{ text: '{"thought": "done", "tool": "finish", "args": {"summary": "ok"}} and then some more', finishReason: 'length' }]);
    expect((await run(model)).end.reason).toBe('finished');
  });
});

describe('a cancelled call is recorded, not lost', () => {
  /** Streams some text, then keeps generating until cancelled, as a server does; reports its partial usage like a provider. */
  const runaway: ChatModel = {
    id: 'runaway',
    provider: 'test',
    actionProtocol: 'json_action',
    async *stream(_request: ModelRequest, signal?: AbortSignal): AsyncIterable<ModelStreamPart> {
      yield { type: 'text-delta', text: '{"thought": "let me think about this at great length' };
      await new Promise<void>((resolve) => signal?.addEventListener('abort', () => resolve(), { once: true }));
      yield { type: 'usage', usage: { inputTokens: 300, outputTokens: 900, estimated: true } };
      yield { type: 'error', error: { kind: 'aborted', message: 'request aborted', retryable: false } };
    },
  };

  it('records the partial text and tokens of the call the task time limit cut off, and counts them', async () => {
    const { end, events } = await run(runaway, () => {}, 0.3);
    expect(end.reason).toBe('timeout');
    const cut = events.find((event) => event.type === 'model-error');
    expect(cut).toMatchObject({
      type: 'model-error',
      error: { kind: 'timeout', retryable: false },
      partialText: '{"thought": "let me think about this at great length',
      usage: { inputTokens: 300, outputTokens: 900 },
    });
    expect(end.usage).toEqual({ inputTokens: 300, outputTokens: 900 });
  });
});

describe('retries of a transient error', () => {
  const rateLimited = { error: { kind: 'rate_limit' as const, message: 'rate limited (429)', retryable: true, retryAfterMs: 7000, status: 429 } };

  it('wait as long as Retry-After says', async () => {
    const waits: number[] = [];
    const model = scripted([rateLimited, finishAction]);
    const events: AgentEvent[] = [];
    const end = await runAgentToEnd({ harness: createDefaultHarness(), harnessHash: 'h', model, sandbox: new JustBashSandbox(), task, sleep: async (ms) => void waits.push(ms) }, (event) => void events.push(event));
    expect(end.reason).toBe('finished');
    expect(waits).toEqual([7000]);
    expect(events.find((event) => event.type === 'model-error')).toMatchObject({ error: { kind: 'rate_limit', retryable: true } });
  });

  it('end at once when the user stops during the wait', async () => {
    const controller = new AbortController();
    const model = scripted([rateLimited, finishAction]);
    setTimeout(() => controller.abort(), 100);
    // A wait that never ends by itself: only the Stop can end this run.
    const never = () => new Promise<void>(() => {});
    const end = await runAgentToEnd({ harness: createDefaultHarness(), harnessHash: 'h', model, sandbox: new JustBashSandbox(), task, signal: controller.signal, sleep: never }, () => {});
    expect(end.reason).toBe('aborted');
    expect(model.calls).toHaveLength(1);
  });
});

