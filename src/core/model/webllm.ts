import { abortedError } from './errors.js';
import { CallDeadline, type CallTimeouts } from './http.js';
import { ChatCompletionAccumulator } from './chat-completion-accumulator.js';
import { describeCalls, toolResultText } from './prompt-text.js';
import { isWorkerFailedError } from '../worker-failure.js';
import type { ActionProtocol, ChatMessage, ChatModel, ModelError, ModelRequest, ModelStreamPart } from './types.js';

/**
 * The part of WebLLM's `MLCEngineInterface` this provider uses. Declared here so core never loads
 * @mlc-ai/web-llm; the page creates the engine (src/platform/webllm-engine.ts) and passes it in.
 */
export interface WebLLMEngineLike {
  chat: {
    completions: {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      create(request: any): Promise<AsyncIterable<any>>;
    };
  };
  interruptGenerate?: () => void;
  unload?: () => Promise<void>;
}

/** WebLLM 0.2.86 accepts `tools` only for these model families; any other model throws. */
export const WEBLLM_NATIVE_TOOL_FAMILIES = ['Hermes-2-Pro-Llama-3-8B', 'Hermes-2-Pro-Mistral-7B', 'Hermes-3-Llama-3.1-8B'] as const;

export function webllmSupportsNativeTools(modelId: string): boolean {
  return WEBLLM_NATIVE_TOOL_FAMILIES.some((family) => modelId === family || modelId.startsWith(`${family}-`));
}

export interface WebLLMModelOptions {
  /** Ask for json_action on a Hermes model too; native_tools is ignored for models that cannot do it. */
  actionProtocol?: ActionProtocol;
  /** Called by `dispose`, e.g. to terminate the worker hosting the engine. */
  onDispose?: () => void;
  /** Per-call limits; each defaults to `IN_PAGE_CALL_TIMEOUTS`. */
  timeouts?: Partial<CallTimeouts>;
}

/**
 * Limits for a model in this page: reading a long prompt on a small GPU or in WebAssembly on the CPU takes minutes
 * before the first token, so the wait for it is longer than for a server; a stall or a runaway still ends.
 */
export const IN_PAGE_CALL_TIMEOUTS: CallTimeouts = { connectMs: 600_000, idleMs: 180_000, totalMs: 1_800_000 };

/** In-browser model served by a WebLLM engine (usually in a dedicated worker). */
export class WebLLMModel implements ChatModel {
  readonly provider = 'webllm';
  readonly id: string;
  readonly actionProtocol: ActionProtocol;

  constructor(
    private readonly engine: WebLLMEngineLike,
    readonly modelId: string,
    private readonly options: WebLLMModelOptions = {},
  ) {
    this.id = `webllm:${modelId}`;
    const native = webllmSupportsNativeTools(modelId) && (options.actionProtocol ?? 'native_tools') === 'native_tools';
    this.actionProtocol = native ? 'native_tools' : 'json_action';
  }

  /** The request handed to `engine.chat.completions.create`. */
  buildRequest(request: ModelRequest): Record<string, unknown> {
    const withTools = this.actionProtocol === 'native_tools' && request.tools.length > 0;
    const body: Record<string, unknown> = {
      messages: toWebLLMMessages(request.messages, this.actionProtocol, withTools),
      stream: true,
      stream_options: { include_usage: true },
    };
    if (request.temperature !== undefined) body.temperature = request.temperature;
    if (request.maxOutputTokens !== undefined) body.max_tokens = request.maxOutputTokens;
    if (withTools) {
      // WebLLM sets its own response_format for Hermes tool calls and throws if we send one.
      body.tools = request.tools.map((tool) => ({
        type: 'function',
        function: { name: tool.name, description: tool.description, parameters: tool.parameters },
      }));
    } else if (this.actionProtocol === 'json_action' && request.responseSchema) {
      // WebLLM takes the schema as a string.
      body.response_format = { type: 'json_object', schema: JSON.stringify(request.responseSchema) };
    }
    return body;
  }

  async *stream(request: ModelRequest, signal?: AbortSignal): AsyncIterable<ModelStreamPart> {
    if (signal?.aborted) {
      yield { type: 'error', error: abortedError() };
      return;
    }
    const deadline = new CallDeadline({ ...IN_PAGE_CALL_TIMEOUTS, ...this.options.timeouts }, signal);
    const withTools = this.actionProtocol === 'native_tools' && request.tools.length > 0;
    const interrupt = () => {
      try {
        this.engine.interruptGenerate?.();
      } catch {
        // Interrupting an engine that is not generating is harmless.
      }
    };
    deadline.signal.addEventListener('abort', interrupt, { once: true });
    const accumulator = new ChatCompletionAccumulator();
    // With tools, Hermes streams the raw JSON of its calls as text and the parsed calls in the last chunk; the text is held back.
    let heldText = '';
    try {
      let chunks: AsyncIterable<unknown>;
      try {
        chunks = await this.engine.chat.completions.create(this.buildRequest(request));
      } catch (error) {
        yield { type: 'error', error: deadline.stopped ? deadline.stoppedError() : engineError(error, signal) };
        return;
      }
      try {
        for await (const chunk of chunks) {
          deadline.activity();
          for (const part of accumulator.push(chunk)) {
            if (part.type === 'error') {
              yield* accumulator.failure(request, part.error);
              return;
            }
            if (part.type === 'text-delta' && withTools) {
              heldText += part.text;
              continue;
            }
            yield part;
          }
          if (deadline.stopped) break;
        }
      } catch (error) {
        yield* accumulator.failure(request, deadline.stopped ? deadline.stoppedError() : engineError(error, signal));
        return;
      }
      if (deadline.stopped || accumulator.finishReason === 'abort') {
        yield* accumulator.failure(request, deadline.stoppedError());
        return;
      }
      if (heldText !== '' && accumulator.toolCalls().length === 0) yield { type: 'text-delta', text: heldText };
      yield* accumulator.finish(request);
    } finally {
      deadline.signal.removeEventListener('abort', interrupt);
      deadline.dispose();
    }
  }

  /** Unload the weights and let the host drop the worker. */
  async dispose(): Promise<void> {
    try {
      await this.engine.unload?.();
    } finally {
      this.options.onDispose?.();
    }
  }
}

/**
 * WebLLM is stricter than OpenAI: one system message and only first; none at all with Hermes tools
 * (it writes its own); assistant content must be a string (past tool calls are not read); and most
 * conversation templates have no `tool` role.
 */
export function toWebLLMMessages(messages: ChatMessage[], protocol: ActionProtocol, withTools: boolean): Array<Record<string, unknown>> {
  const result: Array<Record<string, unknown>> = [];
  const systemTexts: string[] = [];
  const pushUser = (text: string) => {
    const last = result[result.length - 1];
    if (last && last.role === 'user') last.content = `${last.content}\n\n${text}`;
    else result.push({ role: 'user', content: text });
  };
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        if (result.length === 0) systemTexts.push(message.content);
        else pushUser(message.content);
        break;
      case 'user':
        pushUser(message.content);
        break;
      case 'assistant': {
        const calls = message.toolCalls ?? [];
        result.push({ role: 'assistant', content: message.content !== '' || calls.length === 0 ? message.content : describeCalls(calls) });
        break;
      }
      case 'tool':
        if (protocol === 'native_tools') result.push({ role: 'tool', tool_call_id: message.toolCallId ?? '', content: message.content });
        else pushUser(toolResultText(message));
        break;
    }
  }
  if (systemTexts.length > 0) {
    const systemText = systemTexts.join('\n\n');
    if (!withTools) {
      result.unshift({ role: 'system', content: systemText });
    } else {
      const firstUser = result.find((message) => message.role === 'user');
      if (firstUser) firstUser.content = `${systemText}\n\n${firstUser.content}`;
      else result.unshift({ role: 'user', content: systemText });
    }
  }
  return result;
}

const contextOverflowPattern = /context[ _-]?(window|length|size)|window[ _-]?size|exceeds? (the )?context/i;

function engineError(error: unknown, signal?: AbortSignal): ModelError {
  if (signal?.aborted || (error instanceof Error && error.name === 'AbortError')) return abortedError();
  const message = error instanceof Error ? error.message : String(error);
  if (isWorkerFailedError(error)) return { kind: 'engine_failed', message, retryable: false };
  if (contextOverflowPattern.test(message)) return { kind: 'context_overflow', message, retryable: false };
  return { kind: 'bad_response', message: `WebLLM engine failed: ${message}`, retryable: false };
}

