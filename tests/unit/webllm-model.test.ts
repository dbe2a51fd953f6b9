import { describe, expect, it } from 'vitest';
import { WebLLMModel, webllmSupportsNativeTools, type WebLLMEngineLike } from '../../src/core/model/webllm.js';
import { collectResponse, type ModelRequest, type ModelStreamPart } from '../../src/core/model/types.js';

type Chunk = Record<string, unknown>;

/** Stands in for WebLLM's MLCEngine: records each request and replays chunks shaped like WebLLM 0.2.86's. */
class FakeEngine implements WebLLMEngineLike {
  readonly requests: Array<Record<string, unknown>> = [];
  interrupted = 0;
  private stopRequested = false;

  constructor(private readonly reply: (engine: FakeEngine) => AsyncIterable<Chunk> | Error) {}

  chat = {
    completions: {
      create: async (request: Record<string, unknown>): Promise<AsyncIterable<Chunk>> => {
        this.requests.push(structuredClone(request));
        const reply = this.reply(this);
        if (reply instanceof Error) throw reply;
        return reply;
      },
    },
  };

  interruptGenerate = () => {
    this.interrupted += 1;
    this.stopRequested = true;
  };

  get stopped(): boolean {
    return this.stopRequested;
  }
}

const delta = (content: string): Chunk => ({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content, role: 'assistant' }, finish_reason: null }] });
const usageChunk = (prompt: number, completion: number): Chunk => ({ object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, extra: {} } });

async function* replay(chunks: Chunk[]): AsyncIterable<Chunk> {
  for (const chunk of chunks) yield chunk;
}

const schema = { type: 'object', properties: { tool: { type: 'string' }, args: { type: 'object' } }, required: ['tool'] };

const request: ModelRequest = {
  messages: [
    { role: 'system', content: 'Answer with one JSON action.' },
    { role: 'user', content: 'List the files.' },
    { role: 'assistant', content: '{"tool":"bash","args":{"command":"ls"}}' },
    { role: 'tool', content: 'a.txt', toolCallId: 'call_1', toolName: 'bash' },
  ],
  tools: [{ name: 'bash', description: 'Run a shell command', parameters: { type: 'object', properties: { command: { type: 'string' } } } }],
  responseSchema: schema,
  temperature: 0,
};

async function parts(model: WebLLMModel, signal?: AbortSignal): Promise<ModelStreamPart[]> {
  const result: ModelStreamPart[] = [];
  for await (const part of model.stream(request, signal)) result.push(part);
  return result;
}

describe('webllmSupportsNativeTools', () => {
  it('is true only for the Hermes models WebLLM does function calling for', () => {
    expect(webllmSupportsNativeTools('Hermes-2-Pro-Llama-3-8B-q4f16_1-MLC')).toBe(true);
    expect(webllmSupportsNativeTools('Hermes-2-Pro-Mistral-7B-q4f16_1-MLC')).toBe(true);
    expect(webllmSupportsNativeTools('Hermes-3-Llama-3.1-8B-q4f32_1-MLC')).toBe(true);
    expect(webllmSupportsNativeTools('Hermes-3-Llama-3.2-3B-q4f16_1-MLC')).toBe(false);
    expect(webllmSupportsNativeTools('Qwen2.5-0.5B-Instruct-q4f16_1-MLC')).toBe(false);
  });
});

describe('WebLLMModel with prompt-level actions', () => {
  const modelId = 'Qwen2.5-0.5B-Instruct-q4f16_1-MLC';

  it('sends the schema as a string in response_format and no tools', async () => {
    const engine = new FakeEngine(() => replay([delta('{}'), usageChunk(1, 1)]));
    const model = new WebLLMModel(engine, modelId);
    expect(model.actionProtocol).toBe('json_action');
    expect(model.id).toBe(`webllm:${modelId}`);
    await parts(model);

    const [sent] = engine.requests;
    expect(sent.tools).toBeUndefined();
    expect(sent.response_format).toEqual({ type: 'json_object', schema: JSON.stringify(schema) });
    expect(sent.stream).toBe(true);
    expect(sent.stream_options).toEqual({ include_usage: true });
    expect(sent.temperature).toBe(0);
    // Most WebLLM chat templates have no tool role, so the result goes back as user text.
    expect(sent.messages).toEqual([
      { role: 'system', content: 'Answer with one JSON action.' },
      { role: 'user', content: 'List the files.' },
      { role: 'assistant', content: '{"tool":"bash","args":{"command":"ls"}}' },
      { role: 'user', content: 'Tool result (bash):\na.txt' },
    ]);
  });

  it('omits response_format when no schema is given', async () => {
    const engine = new FakeEngine(() => replay([delta('hi')]));
    await collectResponse(new WebLLMModel(engine, modelId), { ...request, responseSchema: undefined });
    expect(engine.requests[0].response_format).toBeUndefined();
  });

  it('maps streamed deltas, usage and the finish reason', async () => {
    const engine = new FakeEngine(() =>
      replay([
        delta('{"tool":'),
        delta('"bash"}'),
        { object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
        usageChunk(321, 9),
      ]),
    );
    const streamed = await parts(new WebLLMModel(engine, modelId));
    expect(streamed).toEqual([
      { type: 'text-delta', text: '{"tool":' },
      { type: 'text-delta', text: '"bash"}' },
      { type: 'usage', usage: { inputTokens: 321, outputTokens: 9 } },
      { type: 'response-end', finishReason: 'stop' },
    ]);
  });

  it('turns a context-window exception into context_overflow', async () => {
    const engine = new FakeEngine(
      () =>
        new Error(
          'Prompt tokens exceed context window size: number of prompt tokens: 5000; context window size: 4096\nConsider shortening the prompt.',
        ),
    );
    const response = await collectResponse(new WebLLMModel(engine, modelId), request);
    expect(response.ok).toBe(false);
    if (response.ok) return;
    expect(response.error.kind).toBe('context_overflow');
  });

  it('turns an exception during streaming into bad_response after the text so far', async () => {
    const engine = new FakeEngine(() =>
      (async function* () {
        yield delta('par');
        throw new Error('ToolCallOutputParseError: cannot parse');
      })(),
    );
    const streamed = await parts(new WebLLMModel(engine, modelId));
    expect(streamed[0]).toEqual({ type: 'text-delta', text: 'par' });
    expect(streamed[1]).toMatchObject({ type: 'usage', usage: { outputTokens: 1, estimated: true } });
    expect(streamed[2]).toMatchObject({ type: 'error', error: { kind: 'bad_response' } });
    expect(streamed).toHaveLength(3);
  });

  it('interrupts the engine and reports aborted when the signal aborts', async () => {
    const engine = new FakeEngine((fake) =>
      (async function* () {
        yield delta('one');
        // WebLLM keeps going until interruptGenerate, then ends with finish_reason "abort".
        while (!fake.stopped) await new Promise((resolve) => setTimeout(resolve, 5));
        yield { object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'abort' }] };
      })(),
    );
    const controller = new AbortController();
    const streamed: ModelStreamPart[] = [];
    for await (const part of new WebLLMModel(engine, modelId).stream(request, controller.signal)) {
      streamed.push(part);
      if (part.type === 'text-delta') controller.abort();
    }
    expect(engine.interrupted).toBe(1);
    expect(streamed).toEqual([
      { type: 'text-delta', text: 'one' },
      { type: 'usage', usage: { inputTokens: expect.any(Number), outputTokens: 1, estimated: true } },
      { type: 'error', error: { kind: 'aborted', message: 'request aborted', retryable: false } },
    ]);
  });
});

describe('WebLLMModel with native Hermes tools', () => {
  const modelId = 'Hermes-2-Pro-Llama-3-8B-q4f16_1-MLC';

  it('sends tools without a system message or response_format and emits the calls from the last chunk', async () => {
    const raw = '[{"name": "bash", "arguments": {"command": "cat a.txt"}}]';
    const engine = new FakeEngine(() =>
      replay([
        delta(raw.slice(0, 20)),
        delta(raw.slice(20)),
        {
          object: 'chat.completion.chunk',
          choices: [
            {
              index: 0,
              finish_reason: 'tool_calls',
              // WebLLM's streamed tool calls carry no id.
              delta: { role: 'assistant', tool_calls: [{ index: 0, type: 'function', function: { name: 'bash', arguments: '{"command":"cat a.txt"}' } }] },
            },
          ],
        },
        usageChunk(600, 20),
      ]),
    );
    const model = new WebLLMModel(engine, modelId);
    expect(model.actionProtocol).toBe('native_tools');
    const response = await collectResponse(model, request);

    const [sent] = engine.requests;
    expect(sent.response_format).toBeUndefined();
    expect(sent.tools).toEqual([{ type: 'function', function: request.tools[0] }]);
    const messages = sent.messages as Array<{ role: string; content: string }>;
    // WebLLM throws CustomSystemPromptError if a system message comes with tools.
    expect(messages.some((message) => message.role === 'system')).toBe(false);
    expect(messages[0]).toEqual({ role: 'user', content: 'Answer with one JSON action.\n\nList the files.' });
    expect(messages[messages.length - 1]).toEqual({ role: 'tool', tool_call_id: 'call_1', content: 'a.txt' });

    expect(response.ok).toBe(true);
    if (!response.ok) return;
    // The raw JSON Hermes streamed is the tool call itself, not text for the user.
    expect(response.text).toBe('');
    expect(response.toolCalls).toHaveLength(1);
    expect(response.toolCalls[0]).toMatchObject({ name: 'bash', argumentsText: '{"command":"cat a.txt"}' });
    expect(response.toolCalls[0].id).toMatch(/\S/);
    expect(response.usage).toEqual({ inputTokens: 600, outputTokens: 20 });
    expect(response.finishReason).toBe('tool_calls');
  });

  it('can be asked for json_action instead', () => {
    expect(new WebLLMModel(new FakeEngine(() => replay([])), modelId, { actionProtocol: 'json_action' }).actionProtocol).toBe('json_action');
  });
});
