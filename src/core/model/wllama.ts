import { abortedError, isContextOverflowText, isRecord } from './errors.js';
import { CallDeadline, type CallTimeouts } from './http.js';
import { ChatCompletionAccumulator } from './chat-completion-accumulator.js';
import { isWorkerFailedError } from '../worker-failure.js';
import type { ActionProtocol, ChatModel, ModelError, ModelRequest, ModelStreamPart } from './types.js';
import { IN_PAGE_CALL_TIMEOUTS, toWebLLMMessages } from './webllm.js';

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
  /** Ceiling on the tokens of one answer, whatever the request asks for (small CPU models are slow). Default 1024. */
  maxOutputTokens?: number;
  /** Called by `dispose`, after the engine has exited. */
  onDispose?: () => void;
  /** Per-call limits; each defaults to `IN_PAGE_CALL_TIMEOUTS`. */
  timeouts?: Partial<CallTimeouts>;
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
      // The profile's cap is a ceiling: a slow CPU model's setting wins over a caller's larger default.
      max_tokens: Math.min(request.maxOutputTokens ?? Infinity, this.options.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS),
      // Reuse the KV cache of the previous turn: an agent's prompt only grows at the end.
      cache_prompt: true,
    };
    if (request.temperature !== undefined) body.temperature = request.temperature;
    if (request.responseSchema && this.options.constrainOutput !== false) {
      body.response_format = { type: 'json_schema', json_schema: { name: typeof request.responseSchema.title === 'string' ? request.responseSchema.title : 'answer', schema: request.responseSchema } };
    }
    return body;
  }

  async *stream(request: ModelRequest, signal?: AbortSignal): AsyncIterable<ModelStreamPart> {
    if (signal?.aborted) {
      yield { type: 'error', error: abortedError() };
      return;
    }
    // The deadline's signal also stops generation when the consumer stops reading early (dispose aborts nothing, so
    // `controller` does that); otherwise the engine would keep a slot busy generating tokens nobody reads.
    const deadline = new CallDeadline({ ...IN_PAGE_CALL_TIMEOUTS, ...this.options.timeouts }, signal);
    const controller = new AbortController();
    const forwardAbort = () => controller.abort();
    deadline.signal.addEventListener('abort', forwardAbort, { once: true });

    // wllama's own async iterator leaves a rejection nobody handles when its reader stops early, so
    // chunks come through `onData` into this queue and the completion's outcome is always caught here.
    const queue: unknown[] = [];
    let settled = false;
    let failure: { error: unknown } | undefined;
    let wake: (() => void) | undefined;
    const onStop = () => wake?.();
    deadline.signal.addEventListener('abort', onStop);
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
          deadline.activity();
          if (isRecord(chunk) && isRecord(chunk.timings)) timings = chunk.timings;
          for (const part of accumulator.push(chunk)) {
            if (part.type === 'error') {
              yield* accumulator.failure(request, part.error);
              return;
            }
            yield part;
          }
          if (deadline.stopped) break;
        }
        if (settled || deadline.stopped) break;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
      if (!accumulator.usage && timings) accumulator.usage = usageFromTimings(timings);
      if (deadline.stopped) {
        yield* accumulator.failure(request, deadline.stoppedError());
        return;
      }
      if (failure) {
        yield* accumulator.failure(request, engineError(failure.error, signal));
        return;
      }
      // llama.cpp always reports timings; they hold exact token counts when no usage chunk came.
      yield* accumulator.finish(request);
    } finally {
      deadline.signal.removeEventListener('abort', forwardAbort);
      deadline.signal.removeEventListener('abort', onStop);
      deadline.dispose();
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


/** wllama throws `WllamaError` (with a `type`), `WllamaAbortError` (name `AbortError`) and `WllamaRuntimeError` (wasm crash, out of memory). */
function engineError(error: unknown, signal?: AbortSignal): ModelError {
  if (signal?.aborted || (error instanceof Error && error.name === 'AbortError')) return abortedError();
  const message = error instanceof Error ? error.message : String(error);
  if (isWorkerFailedError(error)) return { kind: 'engine_failed', message, retryable: false };
  const type = isRecord(error) && typeof error.type === 'string' ? error.type : undefined;
  // llama.cpp says "the request exceeds the available context size"; wllama's own error type is kv_cache_full.
  if (type === 'kv_cache_full' || isContextOverflowText(message)) return { kind: 'context_overflow', message, retryable: false };
  const prefix = type && type !== 'unknown_error' ? `wllama ${type}` : 'wllama engine failed';
  return { kind: 'bad_response', message: `${prefix}: ${message}`, retryable: false };
}

