import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAgentToEnd } from '../../src/core/agent/loop.js';
import type { AgentEvent } from '../../src/core/agent/events.js';
import { mineWeaknesses } from '../../src/core/evolve/mining.js';
import { createDefaultHarness } from '../../src/core/harness/index.js';
import { AnthropicModel } from '../../src/core/model/anthropic.js';
import { OpenAICompatibleModel } from '../../src/core/model/openai-compatible.js';
import { collectResponse, type ModelRequest } from '../../src/core/model/types.js';
import { JustBashSandbox } from '../../src/core/sandbox/just-bash-sandbox.js';

/**
 * Issue 11: "a proposer endpoint that stalls hangs `evolve` forever" — model calls had no time limit. Every call now
 * has connect, idle and total limits; a stall is a transient `timeout` error value, after the text so far, and the
 * connection is closed so the server stops generating.
 */
const sse = (payload: unknown) => `data: ${JSON.stringify(payload)}\n\n`;
const delta = (content: string) => sse({ choices: [{ index: 0, delta: { content }, finish_reason: null }] });

let server: Server;
let baseUrl: string;
const closedEarly: string[] = [];
let stallOnce = true;

function holdOpen(name: string, response: ServerResponse): Promise<void> {
  return new Promise((resolve) =>
    response.on('close', () => {
      if (!response.writableEnded) closedEarly.push(name);
      resolve();
    }),
  );
}

const scenarios: Record<string, (response: ServerResponse) => Promise<void> | void> = {
  // Headers and one token, then nothing.
  stall: async (response) => {
    response.writeHead(200, { 'Content-Type': 'text/event-stream' });
    response.write(delta('first'));
    await holdOpen('stall', response);
  },
  // Never answers at all.
  silent: (response) => holdOpen('silent', response),
  // A token every 40 ms, forever: never idle, but never done.
  trickle: async (response) => {
    response.writeHead(200, { 'Content-Type': 'text/event-stream' });
    const timer = setInterval(() => response.write(delta('x')), 40);
    await holdOpen('trickle', response);
    clearInterval(timer);
  },
  // Stalls on the first request only, then answers with a finish call.
  'stall-once': async (response) => {
    if (stallOnce) {
      stallOnce = false;
      return scenarios.stall(response);
    }
    response.writeHead(200, { 'Content-Type': 'text/event-stream' });
    response.write(sse({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'finish', arguments: '{"summary":"done"}' } }] }, finish_reason: 'tool_calls' }] }));
    response.end('data: [DONE]\n\n');
  },
  'anthropic-stall': async (response) => {
    response.writeHead(200, { 'Content-Type': 'text/event-stream' });
    response.write(`event: message_start\ndata: ${JSON.stringify({ type: 'message_start', message: { usage: { input_tokens: 12, output_tokens: 1 } } })}\n\n`);
    response.write(`data: ${JSON.stringify({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } })}\n\n`);
    response.write(`data: ${JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'thinking about it' } })}\n\n`);
    await holdOpen('anthropic-stall', response);
  },
};

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const name = (request.url ?? '').split('/')[1] ?? '';
      void scenarios[name]?.(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const request: ModelRequest = { messages: [{ role: 'user', content: 'Say something.' }], tools: [], maxOutputTokens: 64 };
const fast = { connectMs: 400, idleMs: 300, totalMs: 5_000 };
const model = (scenario: string, timeouts: Partial<typeof fast> = fast) => new OpenAICompatibleModel({ baseUrl: `${baseUrl}/${scenario}/v1`, model: 'm', timeouts });

describe('a model call never hangs', () => {
  it('ends a stalled stream with a transient timeout after the text so far, and closes the connection', async () => {
    const response = await collectResponse(model('stall'), request);
    expect(response.ok).toBe(false);
    if (response.ok) return;
    expect(response.error).toMatchObject({ kind: 'timeout', retryable: true });
    expect(response.error.message).toMatch(/sent nothing for 300 ms \(stalled\)/);
    expect(response.text).toBe('first');
    expect(response.usage).toMatchObject({ outputTokens: 2, estimated: true });
    await expect.poll(() => closedEarly.includes('stall')).toBe(true);
  });

  it('ends a call that gets no response at all', async () => {
    const response = await collectResponse(model('silent'), request);
    expect(response).toMatchObject({ ok: false, error: { kind: 'timeout', retryable: true } });
    if (!response.ok) expect(response.error.message).toMatch(/no response within 400 ms/);
  });

  it('ends a steady stream at the call\'s total limit', async () => {
    const response = await collectResponse(model('trickle', { ...fast, totalMs: 600 }), request);
    expect(response).toMatchObject({ ok: false, error: { kind: 'timeout', retryable: true } });
    if (response.ok) return;
    expect(response.error.message).toMatch(/longer than its limit of 600 ms/);
    expect(response.text).toMatch(/^x+$/);
  });

  it('ends a stalled Anthropic stream the same way, with the server\'s input count', async () => {
    const anthropic = new AnthropicModel({ baseUrl: `${baseUrl}/anthropic-stall`, apiKey: 'k', model: 'c', timeouts: fast });
    const response = await collectResponse(anthropic, request);
    expect(response).toMatchObject({ ok: false, error: { kind: 'timeout', retryable: true }, text: 'thinking about it', usage: { inputTokens: 12, estimated: true } });
  });

  it('keeps the caller\'s abort an abort, not a timeout', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const response = await collectResponse(model('stall', { idleMs: 60_000 }), request, controller.signal);
    expect(response).toMatchObject({ ok: false, error: { kind: 'aborted', retryable: false }, text: 'first' });
  });

  it('lets the agent retry a stall and go on, with the stalled call in the trace', async () => {
    const events: AgentEvent[] = [];
    const end = await runAgentToEnd(
      { harness: createDefaultHarness(), harnessHash: 'h', model: model('stall-once'), sandbox: new JustBashSandbox(), task: { id: 't', instruction: 'finish', agentTimeoutSec: 30 }, sleep: async () => {} },
      (event) => void events.push(event),
    );
    expect(end.reason).toBe('finished');
    const stalled = events.find((event) => event.type === 'model-error');
    expect(stalled).toMatchObject({ type: 'model-error', error: { kind: 'timeout', retryable: true }, partialText: 'first' });
    // The stalled call's tokens count in the run's usage.
    expect(end.usage.outputTokens).toBeGreaterThanOrEqual(2);
  });

  it('ends weakness mining against a stalled proposer with a failure value that says the endpoint failed', async () => {
    const digests = [{ taskId: 'a', attempt: 1, outcome: 'fail' as const, instruction: 'do a', endReason: 'max_steps', steps: 3, toolCalls: 2, formatErrors: 0, highlights: [] }];
    const result = await mineWeaknesses(model('stall'), digests, { retries: 1, sleep: async () => {} });
    expect(result).toMatchObject({ ok: false, attempts: 2, modelError: { kind: 'timeout', retryable: true } });
    if (!result.ok) expect(result.error).toMatch(/model error \(timeout\)/);
  });
});
