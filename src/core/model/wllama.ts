import { ChatCompletionAccumulator } from './openai-compatible.js';
import { abortedError, isRecord } from './http.js';
import { isWorkerFailedError } from '../worker-failure.js';
import type { ActionProtocol, ChatModel, ModelError, ModelRequest, ModelStreamPart } from './types.js';
import { toWebLLMMessages } from './webllm.js';

/**
 * The part of `Wllama` (@wllama/wllama 3.8) this provider uses. Declared here so core never loads the
 * package; the page creates the engine (src/platform/wllama-engine.ts) and passes it in.
 *
 * `createChatCompletion` runs llama.cpp's server code inside wllama's worker: it applies the GGUF's own chat
 * template, turns a `response_format` JSON schema into a grammar, and with `stream: true` hands each
 * OpenAI-shaped chunk to `onData`. It settles when generation ends; when `abortSignal` aborts it stops and
 * rejects with an error named `AbortError`.
 */
export interface WllamaEngineLike {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  createChatCompletion(options: any): Promise<unknown>;
  exit?: () => Promise<void>;
}

export interface WllamaModelOptions {
  /**
   * Constrain output to `request.responseSchema` with a grammar (default true). Small models rarely
   * produce a valid action without it; turn it off to see what the model writes on its own.
   */
  constrainOutput?: boolean;
  /** Used when the request sets none. llama.cpp otherwise generates until the context is full. Default 1024. */
  maxOutputTokens?: number;
  /** Called by `dispose`, after the engine has exited. */
  onDispose?: () => void;
}

const DEFAULT_MAX_OUTPUT_TOKENS = 1024;

/**
 * GGUF model run on the CPU by llama.cpp in WebAssembly — the in-browser model for machines without WebGPU.
 * Small local models have no reliable tool calling, so actions are JSON objects in the text, held to the
 * action schema by a grammar.
 */
export class WllamaModel implements ChatModel {
  readonly provider = 'wllama';
  readonly id: string;
  readonly actionProtocol: ActionProtocol = 'json_action';

  /** `modelName` names the weights in traces, e.g. the GGUF file name `SmolLM2-135M-Instruct.Q4_1.gguf`. */
  constructor(
    private readonly engine: WllamaEngineLike,
    readonly modelName: string,
    private readonly options: WllamaModelOptions = {},
  ) {
    this.id = `wllama:${modelName}`;
  }

  get sampling() {
    return { maxOutputTokens: this.options.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS, constrainOutput: this.options.constrainOutput ?? true };
  }

  /** The options handed to `engine.createChatCompletion` (without the abort signal). */
  buildRequest(request: ModelRequest): Record<string, unknown> {
    const body: Record<string, unknown> = {
      // Same limits as WebLLM's templates: one leading system message, no tool role, string contents.
      messages: toWebLLMMessages(request.messages, 'json_action', false),
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: request.maxOutputTokens ?? this.options.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
      // Reuse the KV cache of the previous turn: an agent's prompt only grows at the end.
      cache_prompt: true,
    };
    if (request.temperature !== undefined) body.temperature = request.temperature;
    if (request.responseSchema && this.options.constrainOutput !== false) {
      body.response_format = { type: 'json_schema', json_schema: { name: 'action', schema: request.responseSchema } };
    }
    return body;
  }

  async *stream(request: ModelRequest, signal?: AbortSignal): AsyncIterable<ModelStreamPart> {
    if (signal?.aborted) {
      yield { type: 'error', error: abortedError() };
      return;
    }
    // Our own controller also stops generation when the consumer stops reading early; otherwise the
    // engine would keep a slot busy generating tokens nobody reads.
    const controller = new AbortController();
    const forwardAbort = () => controller.abort();
    signal?.addEventListener('abort', forwardAbort, { once: true });

    // wllama's own async iterator leaves a rejection nobody handles when its reader stops early, so
    // chunks come through `onData` into this queue and the completion's outcome is always caught here.
    const queue: unknown[] = [];
    let settled = false;
    let failure: { error: unknown } | undefined;
    let wake: (() => void) | undefined;
    const completion = Promise.resolve()
      .then(() =>
        this.engine.createChatCompletion({
          ...this.buildRequest(request),
          abortSignal: controller.signal,
          onData: (chunk: unknown) => {
            queue.push(chunk);
            wake?.();
          },
        }),
      )
      .then(
        () => undefined,
        (error: unknown) => {
          failure = { error };
        },
      )
      .finally(() => {
        settled = true;
        wake?.();
      });

    const accumulator = new ChatCompletionAccumulator();
    let timings: Record<string, unknown> | undefined;
    try {
      while (true) {
        while (queue.length > 0) {
          const chunk = queue.shift();
          if (isRecord(chunk) && isRecord(chunk.timings)) timings = chunk.timings;
          for (const part of accumulator.push(chunk)) {
            yield part;
            if (part.type === 'error') return;
          }
          if (signal?.aborted) break;
        }
        if (settled || signal?.aborted) break;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
      if (signal?.aborted) {
        yield { type: 'error', error: abortedError() };
        return;
      }
      if (failure) {
        yield { type: 'error', error: engineError(failure.error, signal) };
        return;
      }
      // llama.cpp always reports timings; they hold exact token counts when no usage chunk came.
      if (!accumulator.usage && timings) accumulator.usage = usageFromTimings(timings);
      yield* accumulator.finish(request);
    } finally {
      signal?.removeEventListener('abort', forwardAbort);
      controller.abort();
    }
  }

  /** Free the weights and end wllama's worker. */
  async dispose(): Promise<void> {
    try {
      await this.engine.exit?.();
    } finally {
      this.options.onDispose?.();
    }
  }
}

function usageFromTimings(timings: Record<string, unknown>): { inputTokens: number; outputTokens: number } | undefined {
  const processed = timings.prompt_n;
  const cached = timings.cache_n;
  const predicted = timings.predicted_n;
  if (typeof processed !== 'number' && typeof predicted !== 'number') return undefined;
  return {
    inputTokens: (typeof processed === 'number' ? processed : 0) + (typeof cached === 'number' ? cached : 0),
    outputTokens: typeof predicted === 'number' ? predicted : 0,
  };
}

// llama.cpp's server says "the request exceeds the available context size"; wllama's own error type is kv_cache_full.
const contextOverflowPattern = /context[ _-]?(size|window|length)|exceed.*context|kv[ _-]?cache[ _-]?full|n_ctx/i;

/** wllama throws `WllamaError` (with a `type`), `WllamaAbortError` (name `AbortError`) and `WllamaRuntimeError` (wasm crash, out of memory). */
function engineError(error: unknown, signal?: AbortSignal): ModelError {
  if (signal?.aborted || (error instanceof Error && error.name === 'AbortError')) return abortedError();
  const message = error instanceof Error ? error.message : String(error);
  if (isWorkerFailedError(error)) return { kind: 'engine_failed', message, retryable: false };
  const type = isRecord(error) && typeof error.type === 'string' ? error.type : undefined;
  if (type === 'kv_cache_full' || contextOverflowPattern.test(message)) return { kind: 'context_overflow', message, retryable: false };
  const prefix = type && type !== 'unknown_error' ? `wllama ${type}` : 'wllama engine failed';
  return { kind: 'bad_response', message: `${prefix}: ${message}`, retryable: false };
}

