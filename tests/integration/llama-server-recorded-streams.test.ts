import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../src/core/agent/events.js';
import { runAgentToEnd } from '../../src/core/agent/loop.js';
import { mineWeaknesses } from '../../src/core/evolve/mining.js';
import { HarnessEdit } from '../../src/core/evolve/edits.js';
import { proposeCandidates } from '../../src/core/evolve/proposal.js';
import { createDefaultHarness } from '../../src/core/harness/index.js';
import { OpenAICompatibleModel, type StructuredOutputMode } from '../../src/core/model/openai-compatible.js';
import { chooseActionProtocol, probeToolCalling } from '../../src/core/model/probe-tool-calling.js';
import { collectResponse, type ActionProtocol, type ModelRequest } from '../../src/core/model/types.js';
import { JustBashSandbox } from '../../src/core/sandbox/just-bash-sandbox.js';
import { SAMPLE_DIGESTS, SAMPLE_WEAKNESS } from '../fixtures/llama-server-sample-prompts.js';
import { loadRecordedExchanges, recordedAnswer, type ReplayServer, startReplayServer } from '../fixtures/recorded-llama-server.js';

/**
 * Every provider path against what a real llama.cpp `llama-server` sent (tests/fixtures/llama-server, recorded with
 * SmolLM2-135M by scripts/record-llama-server-fixtures.ts), replayed over HTTP chunk by chunk. No live server needed.
 */
const exchanges = loadRecordedExchanges();
const exchange = (name: string) => {
  const found = exchanges.get(name);
  if (!found) throw new Error(`missing fixture ${name}`);
  return found;
};
let replay: ReplayServer;

beforeAll(async () => {
  replay = await startReplayServer(exchanges, {
    // A server that refuses this schema but serves the same request without it.
    'refuses-schema': (body) => ((body.response_format as { type?: string } | undefined)?.type === 'json_schema' ? 'invalid-schema' : 'stream-text'),
    // One that refuses any response_format.
    'refuses-any-format': (body) => (body.response_format ? 'invalid-schema' : 'stream-text'),
  });
});
afterAll(() => replay.close());

const modelFor = (name: string, actionProtocol: ActionProtocol = 'native_tools', structuredOutput?: StructuredOutputMode) =>
  new OpenAICompatibleModel({ baseUrl: replay.urlFor(name), model: 'SmolLM2-135M-Instruct.Q4_1.gguf', actionProtocol, structuredOutput, timeouts: { connectMs: 5_000, idleMs: 5_000, totalMs: 20_000 } });
const question: ModelRequest = { messages: [{ role: 'user', content: 'Name three Linux commands that work with files.' }], tools: [], maxOutputTokens: 64 };

async function runAgent(name: string, protocol: ActionProtocol, maxSteps = 30) {
  const harness = createDefaultHarness();
  harness.policies.maxSteps = maxSteps;
  const events: AgentEvent[] = [];
  const end = await runAgentToEnd(
    { harness, harnessHash: 'h', model: modelFor(name, protocol), sandbox: new JustBashSandbox(), task: { id: 't', instruction: 'List the files.', agentTimeoutSec: 60 }, sleep: async () => {} },
    (event) => void events.push(event),
  );
  return { end, events, requests: replay.received.get(name) ?? [] };
}

describe('the fixtures', () => {
  it('hold every stream the issue names, and no request the app sent was unbounded', () => {
    for (const name of ['stream-text', 'non-stream-json', 'tool-call', 'finish-length', 'context-overflow', 'tools-without-jinja', 'json-schema-mining', 'cancelled-stream']) expect(exchanges.has(name), name).toBe(true);
    for (const recorded of exchanges.values()) {
      if (recorded.name === 'invalid-schema' || recorded.name === 'wrong-path') continue;
      expect(recorded.request.body.max_tokens, recorded.name).toEqual(expect.any(Number));
    }
  });
});

describe('text answers', () => {
  it('reads a streamed answer with the server\'s own token counts', async () => {
    const expected = recordedAnswer(exchange('stream-text'));
    const response = await collectResponse(modelFor('stream-text'), question);
    expect(response).toMatchObject({ ok: true, text: expected.text, finishReason: expected.finishReason, usage: { inputTokens: expected.usage!.prompt_tokens, outputTokens: expected.usage!.completion_tokens } });
    expect(response.usage.estimated).toBeUndefined();
    expect(expected.text.length).toBeGreaterThan(0);
  });

  it('reads a non-streamed JSON completion', async () => {
    const expected = recordedAnswer(exchange('non-stream-json'));
    const response = await collectResponse(modelFor('non-stream-json'), question);
    expect(response).toMatchObject({ ok: true, text: expected.text, usage: { inputTokens: expected.usage!.prompt_tokens, outputTokens: expected.usage!.completion_tokens } });
  });

  it('reports an answer cut off at max_tokens as finish_reason length, and the agent is told it was cut off', async () => {
    const recorded = exchange('finish-length');
    const response = await collectResponse(modelFor('finish-length'), question);
    expect(response).toMatchObject({ ok: true, finishReason: 'length', usage: { outputTokens: recorded.request.body.max_tokens } });

    const { end, events, requests } = await runAgent('finish-length', 'json_action');
    expect(end.reason).toBe('format_errors');
    const formatErrors = events.filter((event) => event.type === 'format-error');
    expect(formatErrors).toHaveLength(3);
    expect(formatErrors[0]).toMatchObject({ message: expect.stringContaining('cut off at the limit of 2048 tokens') });
    expect(requests.slice(-3).map((body) => body.max_tokens)).toEqual([2048, 2048, 2048]);
  });
});

describe('errors by meaning, with the server\'s message', () => {
  it('context overflow (400) is context_overflow, not retried', async () => {
    const { end, events, requests } = await runAgent('context-overflow', 'json_action');
    expect(requests).toHaveLength(1);
    expect(end.reason).toBe('model_error');
    expect(events.find((event) => event.type === 'model-error')).toMatchObject({
      error: { kind: 'context_overflow', status: 400, retryable: false, message: expect.stringContaining('exceeds the available context size (4096 tokens)') },
    });
  });

  it('"tools param requires --jinja flag" (500) is a permanent server_error: one request, no retries', async () => {
    const { end, events, requests } = await runAgent('tools-without-jinja', 'native_tools');
    expect(requests).toHaveLength(1);
    expect(end.reason).toBe('model_error');
    expect(events.find((event) => event.type === 'model-error')).toMatchObject({
      error: { kind: 'server_error', status: 500, retryable: false, message: 'server error (500): tools param requires --jinja flag' },
    });
  });

  it('a path the server does not serve (404) is model_not_found with the server\'s words', async () => {
    const response = await collectResponse(modelFor('wrong-path'), question);
    expect(response).toMatchObject({ ok: false, error: { kind: 'model_not_found', status: 404, retryable: false, message: 'not found (404): File Not Found' } });
  });
});

describe('native tool calls and the probe', () => {
  it('assembles a streamed native tool call, and the probe says tools work', async () => {
    const expected = recordedAnswer(exchange('tool-call'));
    expect(expected.toolCalls[0]?.name).toBe('finish');
    const response = await collectResponse(modelFor('tool-call'), { ...question, tools: [{ name: 'finish', description: 'done', parameters: { type: 'object' } }] });
    expect(response.ok && response.toolCalls.map((call) => [call.name, call.argumentsText])).toEqual(expected.toolCalls.map((call) => [call.name, call.arguments]));
    expect(await probeToolCalling(modelFor('tool-call'))).toMatchObject({ status: 'supported' });
    expect(replay.received.get('tool-call')?.at(-1)).toMatchObject({ tool_choice: 'required', tools: [{ function: { name: 'finish' } }] });
  });

  it('finds tools dropped silently by a template without tool support, and switches the run to json_action', async () => {
    const probe = await probeToolCalling(modelFor('tools-dropped'));
    expect(probe).toMatchObject({ status: 'unsupported', recommendedProtocol: 'json_action' });
    const chosen = await chooseActionProtocol(modelFor('tools-dropped'));
    expect(chosen.model.actionProtocol).toBe('json_action');
    expect(chosen.notice).toMatch(/^Switched to json_action: the endpoint returned no native tool call/);
  });

  it('finds a server without --jinja and says how to fix it', async () => {
    const probe = await probeToolCalling(modelFor('tools-without-jinja'));
    expect(probe).toMatchObject({ status: 'unsupported', recommendedProtocol: 'json_action', message: expect.stringContaining('start llama-server with --jinja') });
  });
});

describe('schema-constrained decoding', () => {
  it('sends the action schema as json_schema and runs the action the server produced', async () => {
    const { events, requests } = await runAgent('json-schema-action', 'json_action', 1);
    expect((requests[0].response_format as { type: string }).type).toBe('json_schema');
    const call = events.find((event) => event.type === 'tool-call');
    const expected = JSON.parse(recordedAnswer(exchange('json-schema-action')).text) as { tool: string; args: Record<string, unknown> };
    expect(call).toMatchObject({ tool: expected.tool, args: expected.args });
  });

  it('mines weaknesses from a json_schema answer in one call', async () => {
    const result = await mineWeaknesses(modelFor('json-schema-mining', 'json_action'), SAMPLE_DIGESTS);
    expect(result).toMatchObject({ ok: true, attempts: 1 });
    if (!result.ok) return;
    const shown = new Set(SAMPLE_DIGESTS.map((digest) => digest.taskId));
    for (const weakness of result.weaknesses) for (const taskId of weakness.evidenceTaskIds) expect(shown.has(taskId)).toBe(true);
    expect((replay.received.get('json-schema-mining')?.at(-1)?.response_format as { type: string }).type).toBe('json_schema');
  });

  it('fails mining with json_object alone: the answer runs to the cap every time, and every token is counted', async () => {
    const recorded = recordedAnswer(exchange('json-object-mining'));
    expect(recorded.finishReason).toBe('length');
    const result = await mineWeaknesses(modelFor('json-object-mining', 'json_action', 'json_object'), SAMPLE_DIGESTS, { retries: 2 });
    expect(result).toMatchObject({ ok: false, attempts: 3, usage: { outputTokens: 3 * recorded.usage!.completion_tokens } });
    expect((replay.received.get('json-object-mining')?.at(-1)?.response_format as { type: string }).type).toBe('json_object');
  });

  it('turns a json_schema proposal into typed edits', async () => {
    const harness = createDefaultHarness();
    const evidence = SAMPLE_DIGESTS.filter((digest) => SAMPLE_WEAKNESS.evidenceTaskIds.includes(digest.taskId));
    const result = await proposeCandidates(modelFor('json-schema-proposal', 'json_action'), harness, SAMPLE_WEAKNESS, evidence, { count: 2, heldOutPassed: { passed: 3, total: 6 }, earlier: [], idPrefix: 'i1-w', retries: 0 });
    const recorded = recordedAnswer(exchange('json-schema-proposal'));
    const answer = JSON.parse(recorded.text) as { candidates: Array<{ edits: unknown[] }> };
    // Every edit the constrained decoder produced is a typed edit.
    for (const candidate of answer.candidates) for (const edit of candidate.edits) expect(HarnessEdit.safeParse(edit).success, JSON.stringify(edit)).toBe(true);
    expect(result.ok).toBe(true);
  });

  it('steps down to json_object when the server refuses the schema, and says so', async () => {
    const model = modelFor('refuses-schema', 'json_action');
    const response = await collectResponse(model, { ...question, responseSchema: { type: 'object' } });
    expect(response.ok).toBe(true);
    expect(response.notices).toEqual([expect.stringMatching(/^the server refused response_format json_schema \(request rejected \(400\): .*JSON schema error.*\); asking for a JSON object \(json_object\) instead/)]);
    const sent = replay.received.get('refuses-schema')!.map((body) => (body.response_format as { type: string }).type);
    expect(sent).toEqual(['json_schema', 'json_object']);
    // Remembered: the next call goes straight to json_object.
    await collectResponse(model, { ...question, responseSchema: { type: 'object' } });
    expect((replay.received.get('refuses-schema')!.at(-1)!.response_format as { type: string }).type).toBe('json_object');
  });
});

describe('a server that refuses every response_format', () => {
  it('ends with the JSON asked for in the prompt alone, and says so twice', async () => {
    const response = await collectResponse(modelFor('refuses-any-format', 'json_action'), { ...question, responseSchema: { type: 'object' } });
    expect(response.ok).toBe(true);
    expect(response.notices).toHaveLength(2);
    expect(response.notices[1]).toMatch(/refused response_format json_object too .*the answer's JSON is asked for in the prompt only$/);
    const sent = replay.received.get('refuses-any-format')!.map((body) => (body.response_format as { type: string } | undefined)?.type);
    expect(sent).toEqual(['json_schema', 'json_object', undefined]);
  });
});

describe('a cancelled stream', () => {
  it('ends aborted with the partial text and an estimate of its tokens, and closes the connection', async () => {
    const controller = new AbortController();
    const parts: string[] = [];
    const response = await collectResponse(modelFor('cancelled-stream'), question, controller.signal, (delta) => {
      parts.push(delta);
      if (parts.length === 3) controller.abort();
    });
    expect(response).toMatchObject({ ok: false, error: { kind: 'aborted', retryable: false } });
    expect(response.text).toBe(parts.join(''));
    expect(response.usage).toMatchObject({ estimated: true, outputTokens: Math.ceil(parts.join('').length / 4) });
    await expect.poll(() => replay.closedByClient.includes('cancelled-stream')).toBe(true);
  });

  it('ends as a transient timeout when the recorded stream stalls and nobody cancels', async () => {
    const model = new OpenAICompatibleModel({ baseUrl: replay.urlFor('cancelled-stream'), model: 'm', timeouts: { idleMs: 300 } });
    const response = await collectResponse(model, question);
    expect(response).toMatchObject({ ok: false, error: { kind: 'timeout', retryable: true } });
    expect(response.text).toBe(recordedAnswer(exchange('cancelled-stream')).text);
  });
});
