import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAICompatibleModel, ServerSentEventParser } from '../../src/core/model/openai-compatible.js';
import { type ChatModel, collectResponse, type ModelRequest } from '../../src/core/model/types.js';
import { expectAbortAfterTheFirstTextEndsTheCall, expectAbortWhileReadingAJsonBodyCountsTheRequest, expectBadResponseAfterTheTextSoFar, type Scenario, type ScenarioServer, shellAndReadFileTools, stalledJsonBody, startScenarioServer, streamedParts, writeStreamSlowly } from '../fixtures/provider-scenario-server.js';

const sse = (payload: unknown) => `data: ${JSON.stringify(payload)}\n\n`;
const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  choices: [{ index: 0, delta, finish_reason: finishReason }],
});

const writeSlowly = (response: ServerResponse, pieces: string[]) => writeStreamSlowly(response, pieces, { contentType: 'text/event-stream', pauseMs: 15 });

const toolCallStream = (() => {
  const usageLine = sse({ id: 'chatcmpl-1', choices: [], usage: { prompt_tokens: 123, completion_tokens: 45, total_tokens: 168 } });
  const splitLine = sse(chunk({ tool_calls: [{ index: 0, function: { arguments: 'ME.md"}' } }] }));
  const splitAt = Math.floor(splitLine.length / 2);
  return [
    ': keep-alive\n\n',
    sse(chunk({ role: 'assistant', content: '' })),
    sse(chunk({ reasoning_content: 'thinking hard' })),
    sse(chunk({ content: 'Let me ' })),
    sse(chunk({ content: 'look.' })).replace(/\n/g, '\r\n'),
    sse(chunk({ tool_calls: [{ index: 0, id: 'call_abc', type: 'function', function: { name: 'read_file', arguments: '' } }] })),
    sse(chunk({ tool_calls: [{ index: 0, function: { arguments: '{"pa' } }] })),
    sse(chunk({ tool_calls: [{ index: 0, function: { arguments: 'th": "READ' } }] })),
    // One data line split across two TCP writes.
    splitLine.slice(0, splitAt),
    splitLine.slice(splitAt),
    // Second call without an id, as some local servers send it.
    sse(chunk({ tool_calls: [{ index: 1, type: 'function', function: { name: 'bash', arguments: '{"command":' } }] })),
    ': ping\n\n',
    sse(chunk({ tool_calls: [{ index: 1, function: { arguments: ' "ls -la"}' } }] })),
    sse(chunk({}, 'tool_calls')),
    usageLine,
    'data: [DONE]\n\n',
  ];
})();

const scenarios: Record<string, Scenario> = {
  'stalled-json': stalledJsonBody,
  tools: (response) => writeSlowly(response, toolCallStream),
  'text-no-usage': (response) =>
    writeSlowly(response, [
      sse(chunk({ content: 'Hello', reasoning: 'hmm' })),
      sse(chunk({ content: ', world' })),
      sse(chunk({})),
      'data: [DONE]\n\n',
    ]),
  unauthorized: (response) => {
    response.writeHead(401, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify({ error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } }));
  },
  'rate-limited': (response) => {
    response.writeHead(429, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify({ error: { message: 'Rate limit reached for requests' } }));
  },
  'context-overflow': (response) => {
    response.writeHead(400, { 'Content-Type': 'application/json' });
    response.end(
      JSON.stringify({
        error: {
          message: "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.",
          code: 'context_length_exceeded',
        },
      }),
    );
  },
  'server-error': (response) => {
    response.writeHead(500, { 'Content-Type': 'text/plain' });
    response.end('internal error');
  },
  garbage: (response) => writeSlowly(response, [sse(chunk({ content: 'ok' })), 'data: {"choices": [garbage\n\n', 'data: [DONE]\n\n']),
  'stream-error': (response) =>
    writeSlowly(response, [sse(chunk({ content: 'partial' })), sse({ error: { code: 502, message: 'upstream provider failed' } })]),
  'json-body': (response) => {
    response.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
    response.end(
      JSON.stringify({
        id: 'chatcmpl-2',
        object: 'chat.completion',
        choices: [
          {
            index: 0,
            finish_reason: 'tool_calls',
            message: {
              role: 'assistant',
              content: 'Running it.',
              tool_calls: [{ id: 'call_json', type: 'function', function: { name: 'bash', arguments: '{"command":"pwd"}' } }],
            },
          },
        ],
        usage: { prompt_tokens: 20, completion_tokens: 7, total_tokens: 27 },
      }),
    );
  },
  // Sends one delta, then stalls until the client goes away.
  hang: async (response) => {
    response.writeHead(200, { 'Content-Type': 'text/event-stream' });
    response.write(sse(chunk({ content: 'first' })));
    await new Promise<void>((resolve) => response.on('close', () => resolve()));
  },
};

let server: ScenarioServer;
let closedPort: number;

beforeAll(async () => {
  server = await startScenarioServer(scenarios);

  // A port that was just free: connecting to it is refused.
  const probe: Server = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});

afterAll(() => server.close());

function modelFor(scenario: string, options: { apiKey?: string; actionProtocol?: 'native_tools' | 'json_action'; fetch?: typeof fetch } = {}) {
  // Trailing slash on purpose: it must not produce `//chat/completions`.
  return new OpenAICompatibleModel({ baseUrl: `http://127.0.0.1:${server.port}/${scenario}/v1/`, model: 'test-model', ...options });
}

const request: ModelRequest = {
  messages: [
    { role: 'system', content: 'You are a coding agent.' },
    { role: 'user', content: 'What is in README.md?' },
    { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'bash', argumentsText: '{"command":"ls"}' }] },
    { role: 'tool', content: 'README.md\nsrc', toolCallId: 'call_1', toolName: 'bash' },
  ],
  tools: shellAndReadFileTools('bash'),
  temperature: 0.2,
};

const parts = (model: ChatModel, modelRequest: ModelRequest = request, signal?: AbortSignal) => streamedParts(model, modelRequest, signal);

describe('OpenAICompatibleModel against a local chat-completions server', () => {
  it('streams text deltas, assembles split tool calls and reports usage', async () => {
    const model = modelFor('tools', { apiKey: 'sk-test' });
    const streamed = await parts(model);

    const textDeltas = streamed.filter((part) => part.type === 'text-delta').map((part) => part.text);
    expect(textDeltas).toEqual(['Let me ', 'look.']);
    const calls = streamed.flatMap((part) => (part.type === 'tool-call' ? [part.call] : []));
    expect(calls).toHaveLength(2);
    expect(calls[0]).toEqual({ id: 'call_abc', name: 'read_file', argumentsText: '{"path": "README.md"}' });
    expect(calls[1].name).toBe('bash');
    expect(JSON.parse(calls[1].argumentsText)).toEqual({ command: 'ls -la' });
    expect(calls[1].id).toMatch(/\S/);
    expect(streamed).toContainEqual({ type: 'usage', usage: { inputTokens: 123, outputTokens: 45 } });
    expect(streamed[streamed.length - 1]).toEqual({ type: 'response-end', finishReason: 'tool_calls' });
    expect(model.id).toBe(`openai-compatible:test-model@http://127.0.0.1:${server.port}/tools/v1`);
  });

  it('sends OpenAI-shaped messages and tools, and a bearer token only when a key is given', async () => {
    await parts(modelFor('tools', { apiKey: 'sk-test' }));
    await parts(modelFor('tools'));
    await parts(modelFor('tools', { apiKey: '' }));
    const [withKey, withoutKey, emptyKey] = server.received.get('tools')!.slice(-3);

    expect(withKey.path).toBe('/tools/v1/chat/completions');
    expect(withKey.headers.authorization).toBe('Bearer sk-test');
    expect(withoutKey.headers.authorization).toBeUndefined();
    expect(emptyKey.headers.authorization).toBeUndefined();

    const body = withKey.body;
    expect(body.model).toBe('test-model');
    expect(body.stream).toBe(true);
    expect(body.stream_options).toEqual({ include_usage: true });
    expect(body.temperature).toBe(0.2);
    expect(body.response_format).toBeUndefined();
    expect(body.messages).toEqual([
      { role: 'system', content: 'You are a coding agent.' },
      { role: 'user', content: 'What is in README.md?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'bash', arguments: '{"command":"ls"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'README.md\nsrc' },
    ]);
    expect(body.tools).toEqual([
      { type: 'function', function: { name: 'bash', description: 'Run a shell command', parameters: request.tools[0].parameters } },
      { type: 'function', function: { name: 'read_file', description: 'Read a file', parameters: request.tools[1].parameters } },
    ]);
  });

  it('with json_action sends no tools, sends the whole response schema and turns tool results into user text', async () => {
    const model = modelFor('text-no-usage', { actionProtocol: 'json_action' });
    const schema = { type: 'object', properties: { tool: { type: 'string' } } };
    await parts(model, { ...request, responseSchema: schema });
    const body = server.received.get('text-no-usage')!.at(-1)!.body;
    expect(body.tools).toBeUndefined();
    // Not strict: the schema leaves `tool` optional, which OpenAI's strict mode refuses.
    expect(body.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'answer', schema, strict: false } });
    const messages = body.messages as Array<{ role: string; content: string }>;
    expect(messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(JSON.parse(messages[2].content)).toEqual([{ name: 'bash', arguments: { command: 'ls' } }]);
    expect(messages[3].content).toContain('README.md\nsrc');
  });

  it('estimates usage when the server sends none, and ignores reasoning fields', async () => {
    const response = await collectResponse(modelFor('text-no-usage'), request);
    expect(response.ok).toBe(true);
    if (!response.ok) return;
    expect(response.text).toBe('Hello, world');
    expect(response.toolCalls).toEqual([]);
    expect(response.usage.inputTokens).toBeGreaterThan(0);
    expect(response.usage.outputTokens).toBe(Math.ceil('Hello, world'.length / 4));
    expect(response.finishReason).toBe('stop');
  });

  it('accepts a non-streaming JSON completion', async () => {
    const response = await collectResponse(modelFor('json-body'), request);
    expect(response).toEqual({
      ok: true,
      text: 'Running it.',
      toolCalls: [{ id: 'call_json', name: 'bash', argumentsText: '{"command":"pwd"}' }],
      usage: { inputTokens: 20, outputTokens: 7 },
      finishReason: 'tool_calls',
      notices: [],
    });
  });

  it.each([
    ['unauthorized', 'auth', 401],
    ['rate-limited', 'rate_limit', 429],
    ['context-overflow', 'context_overflow', 400],
    ['server-error', 'server_error', 500],
  ])('maps HTTP failure %s to kind %s', async (scenario, kind, status) => {
    const streamed = await parts(modelFor(scenario, { apiKey: 'sk-test' }));
    expect(streamed).toHaveLength(1);
    const [part] = streamed;
    expect(part.type).toBe('error');
    if (part.type !== 'error') return;
    expect(part.error.kind).toBe(kind);
    expect(part.error.status).toBe(status);
  });

  it('reports a refused connection as a network error', async () => {
    const model = new OpenAICompatibleModel({ baseUrl: `http://127.0.0.1:${closedPort}/v1`, model: 'test-model' });
    const streamed = await parts(model);
    expect(streamed).toHaveLength(1);
    expect(streamed[0]).toMatchObject({ type: 'error', error: { kind: 'network', retryable: true } });
  });

  it('reports unparseable stream data as bad_response after the text that came before it', async () => {
    expectBadResponseAfterTheTextSoFar(await parts(modelFor('garbage')));
  });

  it('turns an error object inside the stream into an error part', async () => {
    const response = await collectResponse(modelFor('stream-error'), request);
    expect(response.ok).toBe(false);
    if (response.ok) return;
    expect(response.text).toBe('partial');
    expect(response.error).toMatchObject({ kind: 'server_error', status: 502, retryable: true });
    expect(response.error.message).toContain('upstream provider failed');
    expect(response.usage).toMatchObject({ outputTokens: 2, estimated: true });
  });

  it('ends with kind aborted when the signal aborts mid-stream', async () => {
    await expectAbortAfterTheFirstTextEndsTheCall(modelFor('hang'), request);
  });

  it('counts what the request cost when it is aborted while reading a whole-JSON answer', async () => {
    await expectAbortWhileReadingAJsonBodyCountsTheRequest((fetchImpl) => modelFor('stalled-json', { fetch: fetchImpl }), request);
  });

  it('reports an already aborted signal without calling the server', async () => {
    const controller = new AbortController();
    controller.abort();
    const before = server.received.get('tools')?.length ?? 0;
    const streamed = await parts(modelFor('tools'), request, controller.signal);
    expect(streamed).toEqual([{ type: 'error', error: { kind: 'aborted', message: 'request aborted', retryable: false } }]);
    expect(server.received.get('tools')?.length ?? 0).toBe(before);
  });
});

describe('ServerSentEventParser', () => {
  it('handles CRLF split between chunks, comments, multi-line data and missing blank lines', () => {
    const parser = new ServerSentEventParser();
    const events = [
      ...parser.push(': comment\r'),
      ...parser.push('\ndata: {"a":1}\r'),
      ...parser.push('\n\r\ndata: {"b":\n'),
      ...parser.push('data: 2}\n\ndata: {"c":3}\ndata: {"d":4}\nevent: x\ndata: [DONE]'),
      ...parser.end(),
    ];
    expect(events).toEqual(['{"a":1}', '{"b":\n2}', '{"c":3}', '{"d":4}', '[DONE]']);
  });
});
