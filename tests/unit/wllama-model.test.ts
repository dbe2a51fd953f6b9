import { describe, expect, it } from 'vitest';
import { JSON_ACTION_SCHEMA } from '../../src/core/agent/action-parser.js';
import { collectResponse, type ModelRequest, type ModelStreamPart } from '../../src/core/model/types.js';
import { WllamaModel, type WllamaEngineLike } from '../../src/core/model/wllama.js';

type Chunk = Record<string, unknown>;
type Options = Record<string, unknown> & { onData: (chunk: Chunk) => void; abortSignal: AbortSignal };
type Script = (emit: (chunk: Chunk) => Promise<void>, options: Options) => Promise<void>;

/** wllama 3.8 rejects with this when `abortSignal` aborts. */
class WllamaAbortError extends Error {
  override name = 'AbortError';
  constructor() {
    super('Operation aborted');
  }
}

/** wllama's typed error: `type` says what failed. */
class WllamaError extends Error {
  constructor(
    message: string,
    readonly type: string,
  ) {
    super(message);
  }
}

/**
 * Stands in for `Wllama`: records each request (as the JSON that crosses into the worker) and plays a
 * script through `onData`, checking the abort signal between chunks the way wllama's result loop does.
 */
class FakeEngine implements WllamaEngineLike {
  readonly requests: Chunk[] = [];
  readonly signals: AbortSignal[] = [];
  exited = 0;

  constructor(private readonly script: Script) {}

  async createChatCompletion(options: Options): Promise<void> {
    this.requests.push(JSON.parse(JSON.stringify({ ...options, abortSignal: undefined })) as Chunk);
    this.signals.push(options.abortSignal);
    const emit = async (chunk: Chunk) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (options.abortSignal.aborted) throw new WllamaAbortError();
      options.onData(chunk);
    };
    await this.script(emit, options);
  }

  async exit(): Promise<void> {
    this.exited += 1;
  }
}

// Shapes recorded from wllama 3.8.1 running SmolLM2-135M-Instruct in Chromium.
const first: Chunk = { choices: [{ finish_reason: null, index: 0, delta: { role: 'assistant', content: null } }], object: 'chat.completion.chunk', system_fingerprint: 'wllama' };
const delta = (content: string): Chunk => ({ choices: [{ finish_reason: null, index: 0, delta: { content } }], object: 'chat.completion.chunk' });
const finish = (reason: string): Chunk => ({ choices: [{ finish_reason: reason, index: 0, delta: {} }], object: 'chat.completion.chunk' });
const timings = { cache_n: 20, prompt_n: 39, prompt_ms: 400, predicted_n: 17, predicted_ms: 900 };
const usageChunk: Chunk = {
  choices: [],
  object: 'chat.completion.chunk',
  usage: { completion_tokens: 17, prompt_tokens: 59, total_tokens: 76, prompt_tokens_details: { cached_tokens: 20 } },
  timings,
};

const replay =
  (chunks: Chunk[]): Script =>
  async (emit) => {
    for (const chunk of chunks) await emit(chunk);
  };

const request: ModelRequest = {
  messages: [
    { role: 'system', content: 'Answer with one JSON action.' },
    { role: 'user', content: 'List the files.' },
    { role: 'assistant', content: '', toolCalls: [{ id: 'json_action', name: 'shell', argumentsText: '{"command":"ls"}' }] },
    { role: 'tool', content: 'a.txt', toolCallId: 'json_action', toolName: 'shell' },
  ],
  tools: [{ name: 'shell', description: 'Run a shell command', parameters: { type: 'object', properties: { command: { type: 'string' } } } }],
  responseSchema: JSON_ACTION_SCHEMA as unknown as Record<string, unknown>,
  temperature: 0,
};

async function parts(model: WllamaModel, signal?: AbortSignal, modelRequest: ModelRequest = request): Promise<ModelStreamPart[]> {
  const result: ModelStreamPart[] = [];
  for await (const part of model.stream(modelRequest, signal)) result.push(part);
  return result;
}

const waitUntil = async (condition: () => boolean) => {
  for (let tries = 0; tries < 200 && !condition(); tries++) await new Promise((resolve) => setTimeout(resolve, 5));
};

describe('WllamaModel', () => {
  const modelName = 'SmolLM2-135M-Instruct.Q4_1.gguf';

  it('asks for a JSON action held to the schema by a grammar, in chat messages the GGUF template can render', async () => {
    const engine = new FakeEngine(replay([first, delta('{}'), finish('stop'), usageChunk]));
    const model = new WllamaModel(engine, modelName);
    expect(model.id).toBe(`wllama:${modelName}`);
    expect(model.provider).toBe('wllama');
    expect(model.actionProtocol).toBe('json_action');
    await parts(model);

    const [sent] = engine.requests;
    expect(sent.stream).toBe(true);
    expect(sent.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'action', schema: JSON_ACTION_SCHEMA } });
    expect(sent.temperature).toBe(0);
    // Without a limit llama.cpp generates until the context is full.
    expect(sent.max_tokens).toBe(1024);
    expect(sent.cache_prompt).toBe(true);
    expect(sent.tools).toBeUndefined();
    // No tool role in small models' templates: the call is replayed as JSON text, the result as user text.
    expect(sent.messages).toEqual([
      { role: 'system', content: 'Answer with one JSON action.' },
      { role: 'user', content: 'List the files.' },
      { role: 'assistant', content: '[{"name":"shell","arguments":{"command":"ls"}}]' },
      { role: 'user', content: 'Tool result (shell):\na.txt' },
    ]);
  });

  it('sends no grammar when told not to constrain, and the request limit when it sets one', async () => {
    const engine = new FakeEngine(replay([delta('hi')]));
    await parts(new WllamaModel(engine, modelName, { constrainOutput: false, maxOutputTokens: 50 }));
    await parts(new WllamaModel(engine, modelName), undefined, { ...request, maxOutputTokens: 7, responseSchema: undefined });
    expect(engine.requests[0].response_format).toBeUndefined();
    expect(engine.requests[0].max_tokens).toBe(50);
    expect(engine.requests[1].response_format).toBeUndefined();
    expect(engine.requests[1].max_tokens).toBe(7);
  });

  it('keeps the profile\'s answer cap as a ceiling when a request asks for more', async () => {
    const engine = new FakeEngine(replay([delta('hi')]));
    await parts(new WllamaModel(engine, modelName, { maxOutputTokens: 300 }), undefined, { ...request, maxOutputTokens: 2048 });
    expect(engine.requests[0].max_tokens).toBe(300);
  });

  it('streams tokens as text deltas and ends with the token counts llama.cpp reports', async () => {
    const engine = new FakeEngine(replay([first, delta('{"tool":'), delta(' "shell"}'), finish('stop'), usageChunk]));
    expect(await parts(new WllamaModel(engine, modelName))).toEqual([
      { type: 'text-delta', text: '{"tool":' },
      { type: 'text-delta', text: ' "shell"}' },
      { type: 'usage', usage: { inputTokens: 59, outputTokens: 17 } },
      { type: 'response-end', finishReason: 'stop' },
    ]);
  });

  it('counts tokens from timings when no usage comes', async () => {
    const { usage: _usage, ...timingsOnly } = usageChunk;
    const response = await collectResponse(new WllamaModel(new FakeEngine(replay([delta('x'), finish('length'), timingsOnly])), modelName), request);
    expect(response).toMatchObject({ ok: true, text: 'x', usage: { inputTokens: 59, outputTokens: 17 }, finishReason: 'length' });
  });

  it.each([
    ['a full KV cache', new WllamaError('KV cache is full', 'kv_cache_full')],
    ['a prompt longer than the context', new WllamaError('request (6031 tokens) exceeds the available context size (4096 tokens), try increasing it', 'inference_error')],
  ])('reports %s as context_overflow', async (_name, error) => {
    const engine = new FakeEngine(async () => {
      throw error;
    });
    const response = await collectResponse(new WllamaModel(engine, modelName), request);
    expect(response).toMatchObject({ ok: false, error: { kind: 'context_overflow', retryable: false } });
  });

  it('reports an engine failure mid-stream as bad_response after the text so far', async () => {
    const engine = new FakeEngine(async (emit) => {
      await emit(delta('par'));
      throw new WllamaError('Model failed to start inference', 'inference_error');
    });
    const streamed = await parts(new WllamaModel(engine, modelName));
    expect(streamed).toEqual([
      { type: 'text-delta', text: 'par' },
      { type: 'usage', usage: { inputTokens: expect.any(Number), outputTokens: 1, estimated: true } },
      { type: 'error', error: { kind: 'bad_response', message: 'wllama inference_error: Model failed to start inference', retryable: false } },
    ]);
  });

  it('stops generation and reports aborted when the signal aborts', async () => {
    const engine = new FakeEngine(async (emit) => {
      for (let index = 0; index < 1000; index++) await emit(delta(`t${index} `));
    });
    const controller = new AbortController();
    const streamed: ModelStreamPart[] = [];
    for await (const part of new WllamaModel(engine, modelName).stream(request, controller.signal)) {
      streamed.push(part);
      if (streamed.length === 2) controller.abort();
    }
    expect(streamed).toEqual([
      { type: 'text-delta', text: 't0 ' },
      { type: 'text-delta', text: 't1 ' },
      { type: 'usage', usage: { inputTokens: expect.any(Number), outputTokens: 2, estimated: true } },
      { type: 'error', error: { kind: 'aborted', message: 'request aborted', retryable: false } },
    ]);
    expect(engine.signals[0].aborted).toBe(true);
  });

  it('ends a stalled generation with a transient timeout and stops the engine', async () => {
    const engine = new FakeEngine(async (emit, options) => {
      await emit(delta('{"thought": "'));
      // Stuck, as a grammar-bound model on a busy CPU can be, until told to stop.
      await new Promise<void>((resolve) => options.abortSignal.addEventListener('abort', () => resolve(), { once: true }));
      throw new WllamaAbortError();
    });
    const response = await collectResponse(new WllamaModel(engine, modelName, { timeouts: { idleMs: 150 } }), request);
    expect(response).toMatchObject({ ok: false, error: { kind: 'timeout', retryable: true }, text: '{"thought": "', usage: { estimated: true } });
    expect(engine.signals[0].aborted).toBe(true);
  });

  it('stops generation when the reader stops early, so the engine is free for the next request', async () => {
    let emitted = 0;
    let ended: 'done' | 'aborted' | undefined;
    const engine = new FakeEngine(async (emit) => {
      try {
        for (let index = 0; index < 1000; index++) {
          await emit(delta('x'));
          emitted += 1;
        }
        ended = 'done';
      } catch (error) {
        ended = 'aborted';
        throw error;
      }
    });
    const model = new WllamaModel(engine, modelName);
    for await (const part of model.stream(request)) if (part.type === 'text-delta') break;
    await waitUntil(() => ended !== undefined);
    expect(ended).toBe('aborted');
    expect(emitted).toBeLessThan(10);
  });

  it('reports an already aborted signal without calling the engine', async () => {
    const engine = new FakeEngine(replay([delta('x')]));
    const controller = new AbortController();
    controller.abort();
    expect(await parts(new WllamaModel(engine, modelName), controller.signal)).toEqual([
      { type: 'error', error: { kind: 'aborted', message: 'request aborted', retryable: false } },
    ]);
    expect(engine.requests).toHaveLength(0);
  });

  it('exits the engine on dispose', async () => {
    const engine = new FakeEngine(replay([]));
    let disposed = 0;
    await new WllamaModel(engine, modelName, { onDispose: () => (disposed += 1) }).dispose();
    expect(engine.exited).toBe(1);
    expect(disposed).toBe(1);
  });
});
