import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnthropicModel, toAnthropicMessages } from '../../src/core/model/anthropic.js';
import { type ChatModel, collectResponse, type ModelRequest } from '../../src/core/model/types.js';
import { expectAbortAfterTheFirstTextEndsTheCall, expectAbortWhileReadingAJsonBodyCountsTheRequest, expectBadResponseAfterTheTextSoFar, type Scenario, type ScenarioServer, shellAndReadFileTools, stalledJsonBody, startScenarioServer, streamedParts, writeStreamSlowly } from '../fixtures/provider-scenario-server.js';

/** One Messages API event as the real server frames it: an `event:` line, then the same type in `data`. */
const event = (payload: { type: string } & Record<string, unknown>) => `event: ${payload.type}\ndata: ${JSON.stringify(payload)}\n\n`;

const writeSlowly = (response: ServerResponse, pieces: string[]) => writeStreamSlowly(response, pieces, { contentType: 'text/event-stream; charset=utf-8', pauseMs: 10 });

const messageStart = event({
  type: 'message_start',
  message: {
    id: 'msg_01',
    type: 'message',
    role: 'assistant',
    model: 'claude-test',
    content: [],
    stop_reason: null,
    usage: { input_tokens: 472, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 2 },
  },
});

// Shaped like a recorded Messages stream: text, then a tool_use whose input arrives as partial_json pieces.
const toolUseStream = (() => {
  const inputDelta = event({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '"cat README' } });
  const splitAt = Math.floor(inputDelta.length / 2);
  return [
    messageStart,
    event({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
    event({ type: 'ping' }),
    event({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Let me ' } }),
    // One event split across two writes, in the middle of its data line.
    ...(() => {
      const piece = event({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'look.' } });
      return [piece.slice(0, 20), piece.slice(20)];
    })(),
    event({ type: 'content_block_stop', index: 0 }),
    event({ type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_01A', name: 'shell', input: {} } }),
    event({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '' } }),
    event({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"command": ' } }),
    inputDelta.slice(0, splitAt),
    inputDelta.slice(splitAt),
    event({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '.md"}' } }).replace(/\n/g, '\r\n'),
    event({ type: 'content_block_stop', index: 1 }),
    event({ type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 89 } }),
    event({ type: 'message_stop' }),
  ];
})();

const errorBody = (type: string, message: string) => JSON.stringify({ type: 'error', error: { type, message } });
const httpError = (status: number, body: string) => (response: ServerResponse) => {
  response.writeHead(status, { 'Content-Type': 'application/json' });
  response.end(body);
};

const scenarios: Record<string, Scenario> = {
  'stalled-json': stalledJsonBody,
  tools: (response) => writeSlowly(response, toolUseStream),
  'tool-without-deltas': (response) =>
    writeSlowly(response, [
      messageStart,
      event({ type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_02', name: 'finish', input: {} } }),
      event({ type: 'content_block_stop', index: 0 }),
      event({ type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 12 } }),
      event({ type: 'message_stop' }),
    ]),
  unauthorized: httpError(401, errorBody('authentication_error', 'invalid x-api-key')),
  'rate-limited': httpError(429, errorBody('rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit')),
  overloaded: httpError(529, errorBody('overloaded_error', 'Overloaded')),
  'prompt-too-long': httpError(400, errorBody('invalid_request_error', 'prompt is too long: 210000 tokens > 200000 maximum')),
  'overloaded-event': (response) =>
    writeSlowly(response, [
      messageStart,
      event({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
      event({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'partial' } }),
      event({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
    ]),
  garbage: (response) =>
    writeSlowly(response, [
      messageStart,
      event({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
      event({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'ok' } }),
      'event: content_block_delta\ndata: {"type": "content_block_delta", garbage\n\n',
      event({ type: 'message_stop' }),
    ]),
  'not-sse': (response) => {
    response.writeHead(200, { 'Content-Type': 'text/html' });
    response.end('<html>proxy login</html>');
  },
  truncated: (response) =>
    writeSlowly(response, [
      messageStart,
      event({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
      event({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'cut' } }),
    ]),
  'json-body': (response) => {
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(
      JSON.stringify({
        id: 'msg_02',
        type: 'message',
        role: 'assistant',
        content: [
          { type: 'text', text: 'Running it.' },
          { type: 'tool_use', id: 'toolu_json', name: 'shell', input: { command: 'pwd' } },
        ],
        stop_reason: 'tool_use',
        usage: { input_tokens: 20, output_tokens: 7 },
      }),
    );
  },
  // Sends some text, then stalls until the client goes away.
  hang: async (response) => {
    response.writeHead(200, { 'Content-Type': 'text/event-stream' });
    response.write(messageStart);
    response.write(event({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }));
    response.write(event({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'first' } }));
    await new Promise<void>((resolve) => response.on('close', () => resolve()));
  },
};

let server: ScenarioServer;
beforeAll(async () => {
  server = await startScenarioServer(scenarios);
});
afterAll(() => server.close());

function modelFor(scenario: string, options: { actionProtocol?: 'native_tools' | 'json_action'; maxTokens?: number; fetch?: typeof fetch } = {}) {
  return new AnthropicModel({ baseUrl: `http://127.0.0.1:${server.port}/${scenario}/`, apiKey: 'sk-ant-test', model: 'claude-test', ...options });
}

const request: ModelRequest = {
  messages: [
    { role: 'system', content: 'You are a coding agent.' },
    { role: 'user', content: 'What is in the repo?' },
    {
      role: 'assistant',
      content: 'Looking.',
      toolCalls: [
        { id: 'toolu_1', name: 'shell', argumentsText: '{"command":"ls"}' },
        { id: 'toolu_2', name: 'read_file', argumentsText: '{"path":"README.md"}' },
      ],
    },
    { role: 'tool', content: 'README.md\nsrc', toolCallId: 'toolu_1', toolName: 'shell' },
    { role: 'tool', content: '# Demo', toolCallId: 'toolu_2', toolName: 'read_file' },
    { role: 'user', content: 'Keep going.' },
  ],
  tools: shellAndReadFileTools('shell'),
  temperature: 0.2,
};

const parts = (model: ChatModel, modelRequest: ModelRequest = request, signal?: AbortSignal) => streamedParts(model, modelRequest, signal);

describe('AnthropicModel against a local Messages API server', () => {
  it('sends the key and version headers the browser needs, to /v1/messages', async () => {
    await parts(modelFor('tools'));
    const sent = server.received.get('tools')!.at(-1)!;
    expect(sent.path).toBe('/tools/v1/messages');
    expect(sent.headers['x-api-key']).toBe('sk-ant-test');
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.headers['anthropic-dangerous-direct-browser-access']).toBe('true');
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.headers.authorization).toBeUndefined();
  });

  it('puts system text on top, sends tools with input_schema and merges tool results into one user turn', async () => {
    await parts(modelFor('tools'));
    const body = server.received.get('tools')!.at(-1)!.body;
    expect(body.model).toBe('claude-test');
    expect(body.stream).toBe(true);
    expect(body.max_tokens).toBe(4096);
    expect(body.temperature).toBe(0.2);
    expect(body.system).toBe('You are a coding agent.');
    expect(body.tools).toEqual([
      { name: 'shell', description: 'Run a shell command', input_schema: request.tools[0].parameters },
      { name: 'read_file', description: 'Read a file', input_schema: request.tools[1].parameters },
    ]);
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'What is in the repo?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Looking.' },
          { type: 'tool_use', id: 'toolu_1', name: 'shell', input: { command: 'ls' } },
          { type: 'tool_use', id: 'toolu_2', name: 'read_file', input: { path: 'README.md' } },
        ],
      },
      // Both results and the user's next words in one user message, results first: the API requires alternation.
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: 'README.md\nsrc' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: '# Demo' },
          { type: 'text', text: 'Keep going.' },
        ],
      },
    ]);
  });

  it('streams text deltas, assembles the tool call from partial_json and reports usage', async () => {
    const model = modelFor('tools');
    expect(model.id).toBe('anthropic:claude-test');
    expect(model.provider).toBe('anthropic');
    expect(await parts(model)).toEqual([
      { type: 'text-delta', text: 'Let me ' },
      { type: 'text-delta', text: 'look.' },
      { type: 'tool-call', call: { id: 'toolu_01A', name: 'shell', argumentsText: '{"command": "cat README.md"}' } },
      { type: 'usage', usage: { inputTokens: 472, outputTokens: 89 } },
      { type: 'response-end', finishReason: 'tool_use' },
    ]);
  });

  it('gives a tool call with no input deltas the arguments {}', async () => {
    const response = await collectResponse(modelFor('tool-without-deltas'), request);
    expect(response.ok).toBe(true);
    if (!response.ok) return;
    expect(response.toolCalls).toEqual([{ id: 'toolu_02', name: 'finish', argumentsText: '{}' }]);
    expect(response.usage).toEqual({ inputTokens: 472, outputTokens: 12 });
  });

  it('with json_action sends no tools and turns past calls and results into text', async () => {
    await parts(modelFor('tool-without-deltas', { actionProtocol: 'json_action', maxTokens: 1000 }), { ...request, maxOutputTokens: 300 });
    const body = server.received.get('tool-without-deltas')!.at(-1)!.body;
    expect(body.tools).toBeUndefined();
    expect(body.max_tokens).toBe(300);
    const messages = body.messages as Array<{ role: string; content: Array<{ type: string; text: string }> }>;
    expect(messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
    expect(messages[1].content).toEqual([{ type: 'text', text: 'Looking.' }]);
    expect(messages[2].content.map((block) => block.type)).toEqual(['text', 'text', 'text']);
    expect(messages[2].content[0].text).toContain('README.md\nsrc');
  });

  it('accepts a whole message sent as JSON', async () => {
    expect(await collectResponse(modelFor('json-body'), request)).toEqual({
      ok: true,
      text: 'Running it.',
      toolCalls: [{ id: 'toolu_json', name: 'shell', argumentsText: '{"command":"pwd"}' }],
      usage: { inputTokens: 20, outputTokens: 7 },
      finishReason: 'tool_use',
      notices: [],
    });
  });

  it.each([
    ['unauthorized', 'auth', 401, false],
    ['rate-limited', 'rate_limit', 429, true],
    ['overloaded', 'rate_limit', 529, true],
    ['prompt-too-long', 'context_overflow', 400, false],
  ])('maps HTTP failure %s to kind %s', async (scenario, kind, status, retryable) => {
    const streamed = await parts(modelFor(scenario));
    expect(streamed).toHaveLength(1);
    expect(streamed[0]).toMatchObject({ type: 'error', error: { kind, status, retryable } });
  });

  it('turns an overloaded error event mid-stream into a retryable rate_limit after the text so far', async () => {
    const response = await collectResponse(modelFor('overloaded-event'), request);
    expect(response.ok).toBe(false);
    if (response.ok) return;
    expect(response.text).toBe('partial');
    expect(response.error).toMatchObject({ kind: 'rate_limit', retryable: true });
    expect(response.error.message).toContain('overloaded_error');
  });

  it('reports unparseable stream data as bad_response after the text that came before it', async () => {
    expectBadResponseAfterTheTextSoFar(await parts(modelFor('garbage')));
  });

  it('reports a body that is no event stream as bad_response', async () => {
    expect(await parts(modelFor('not-sse'))).toEqual([
      { type: 'usage', usage: expect.objectContaining({ outputTokens: 0, estimated: true }) },
      { type: 'error', error: expect.objectContaining({ kind: 'bad_response' }) },
    ]);
  });

  it('reports a stream cut before message_stop as a retryable network error', async () => {
    const streamed = await parts(modelFor('truncated'));
    expect(streamed[0]).toEqual({ type: 'text-delta', text: 'cut' });
    expect(streamed[1]).toMatchObject({ type: 'usage', usage: { estimated: true } });
    expect(streamed[2]).toMatchObject({ type: 'error', error: { kind: 'network', retryable: true } });
  });

  it('ends with kind aborted when the signal aborts mid-stream', async () => {
    await expectAbortAfterTheFirstTextEndsTheCall(modelFor('hang'), request);
  });

  it('counts what the request cost when it is aborted while reading a whole-JSON answer', async () => {
    await expectAbortWhileReadingAJsonBodyCountsTheRequest((fetchImpl) => modelFor('stalled-json', { fetch: fetchImpl }), request);
  });

  it('uses the injected fetch and the default base URL', async () => {
    const calls: string[] = [];
    const fakeFetch: typeof fetch = async (input) => {
      calls.push(String(input));
      return new Response(errorBody('authentication_error', 'no key'), { status: 401 });
    };
    const model = new AnthropicModel({ apiKey: 'k', model: 'claude-test', fetch: fakeFetch });
    expect(await parts(model)).toMatchObject([{ type: 'error', error: { kind: 'auth' } }]);
    expect(calls).toEqual(['https://api.anthropic.com/v1/messages']);
  });
});

describe('toAnthropicMessages', () => {
  it('starts with a user turn, drops empty text and keeps tool ids the API accepts', () => {
    const { system, messages } = toAnthropicMessages(
      [
        { role: 'system', content: 'one' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'call:1/x', name: 'shell', argumentsText: 'not json' }] },
        { role: 'tool', content: 'out', toolCallId: 'call:1/x', toolName: 'shell' },
        { role: 'system', content: 'two' },
        { role: 'user', content: '  ' },
      ],
      'native_tools',
    );
    expect(system).toBe('one\n\ntwo');
    expect(messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: '(continue)' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'call_1_x', name: 'shell', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1_x', content: 'out' }] },
    ]);
  });
});
