import { ChatCompletionAccumulator } from './chat-completion-accumulator.js';
import { badResponse, errorFromHttpStatus, isRecord, urlSecrets } from './errors.js';
import { parseWholeResponse, readJsonEventStream, readJsonInsteadOfStream, runStreamedCall } from './event-stream-call.js';
import { type CallDeadline, type CallTimeouts, DEFAULT_CALL_TIMEOUTS, postModelRequest } from './http.js';
import { describeCalls, toolResultText } from './prompt-text.js';
import type { ActionProtocol, ChatMessage, ChatModel, ModelError, ModelRequest, ModelStreamPart } from './types.js';

export { ServerSentEventParser } from './server-sent-events.js';

/**
 * Chat-completions provider for every OpenAI-shaped server: OpenAI, OpenRouter, Groq, Together,
 * Ollama, LM Studio, llama.cpp server, vLLM. Streams SSE but also accepts a plain JSON completion,
 * because some local servers ignore `stream: true`.
 */
export interface OpenAICompatibleOptions {
  /** e.g. `https://api.openai.com/v1` or `http://localhost:11434/v1`; a trailing slash is ignored. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …` only when non-empty; local servers need none. */
  apiKey?: string;
  model: string;
  /** Default `native_tools`. */
  actionProtocol?: ActionProtocol;
  /** Extra headers (e.g. OpenRouter's `HTTP-Referer`); they override the defaults. */
  headers?: Record<string, string>;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Used when the request does not set one. */
  temperature?: number;
  /** Per-call limits; each defaults to `DEFAULT_CALL_TIMEOUTS`. */
  timeouts?: Partial<CallTimeouts>;
  /** How to send a response schema at first (default `json_schema`); a refusal still steps down from there. */
  structuredOutput?: StructuredOutputMode;
}

/**
 * How a response schema is sent, strongest first. A server that refuses one is asked again with the next, and the
 * model remembers the step down for its later calls.
 */
export type StructuredOutputMode = 'json_schema' | 'json_object' | 'prompt_only';

export class OpenAICompatibleModel implements ChatModel {
  readonly provider = 'openai-compatible';
  readonly id: string;
  readonly actionProtocol: ActionProtocol;
  readonly baseUrl: string;
  readonly model: string;
  private readonly apiKey: string;
  private readonly requestHeaders: Record<string, string>;
  private readonly fetchImpl: typeof fetch;
  private readonly temperature?: number;
  private readonly timeouts: CallTimeouts;
  private readonly secrets: string[];
  private structuredOutput: StructuredOutputMode;

  constructor(private readonly options: OpenAICompatibleOptions) {
    this.baseUrl = options.baseUrl.trim().replace(/\/+$/, '');
    this.model = options.model;
    this.id = `openai-compatible:${options.model}@${this.baseUrl}`;
    this.actionProtocol = options.actionProtocol ?? 'native_tools';
    this.apiKey = options.apiKey?.trim() ?? '';
    this.requestHeaders = {
      'Content-Type': 'application/json',
      Accept: 'text/event-stream, application/json',
      ...(this.apiKey !== '' ? { Authorization: `Bearer ${this.apiKey}` } : {}),
      ...options.headers,
    };
    // Looked up per call and never called as a method of another object: browsers throw "Illegal invocation" otherwise.
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.temperature = options.temperature;
    this.timeouts = { ...DEFAULT_CALL_TIMEOUTS, ...options.timeouts };
    this.secrets = [this.apiKey, ...urlSecrets(this.baseUrl)].filter((secret) => secret !== '');
    this.structuredOutput = options.structuredOutput ?? 'json_schema';
  }

  /** How the next request's schema will be sent (after any step down from a refusal). */
  get structuredOutputMode(): StructuredOutputMode {
    return this.structuredOutput;
  }

  withActionProtocol(protocol: ActionProtocol): OpenAICompatibleModel {
    return new OpenAICompatibleModel({ ...this.options, actionProtocol: protocol });
  }

  get sampling() {
    return { temperature: this.temperature };
  }

  /** The JSON body sent to `/chat/completions`; public so tests and the UI can show it. */
  buildRequestBody(request: ModelRequest, mode: StructuredOutputMode = this.structuredOutput): Record<string, unknown> {
    const native = this.actionProtocol === 'native_tools';
    const body: Record<string, unknown> = {
      model: this.model,
      messages: toOpenAIMessages(request.messages, this.actionProtocol),
      stream: true,
      stream_options: { include_usage: true },
    };
    const temperature = request.temperature ?? this.temperature;
    if (temperature !== undefined) body.temperature = temperature;
    if (request.maxOutputTokens !== undefined) body.max_tokens = request.maxOutputTokens;
    if (native && request.tools.length > 0) {
      body.tools = request.tools.map((tool) => ({
        type: 'function',
        function: { name: tool.name, description: tool.description, parameters: tool.parameters },
      }));
      if (request.toolChoice === 'required') body.tool_choice = 'required';
    }
    if ((!native || request.tools.length === 0) && request.responseSchema) {
      const format = responseFormat(request.responseSchema, mode);
      if (format) body.response_format = format;
    }
    return body;
  }

  stream(request: ModelRequest, signal?: AbortSignal): AsyncIterable<ModelStreamPart> {
    return runStreamedCall({ timeouts: this.timeouts, signal, secrets: this.secrets }, (deadline) => this.call(request, deadline));
  }

  private async *call(request: ModelRequest, deadline: CallDeadline): AsyncGenerator<ModelStreamPart> {
    const sendsSchema = request.responseSchema !== undefined && (this.actionProtocol === 'json_action' || request.tools.length === 0);
    let posted: Awaited<ReturnType<typeof postModelRequest>>;
    while (true) {
      const mode = this.structuredOutput;
      posted = await postModelRequest({
        fetch: this.fetchImpl,
        url: `${this.baseUrl}/chat/completions`,
        headers: this.requestHeaders,
        body: this.buildRequestBody(request, mode),
        deadline,
        endpoint: this.baseUrl,
        classifyHttpError: errorFromHttpStatus,
      });
      if (posted.ok || !sendsSchema || mode === 'prompt_only' || !refusesResponseFormat(posted.error)) break;
      const next: StructuredOutputMode = mode === 'json_schema' ? 'json_object' : 'prompt_only';
      this.structuredOutput = next;
      yield {
        type: 'notice',
        message:
          next === 'json_object'
            ? `the server refused response_format json_schema (${posted.error.message}); asking for a JSON object (json_object) instead, so the answer's shape is held by the prompt alone`
            : `the server refused response_format json_object too (${posted.error.message}); the answer's JSON is asked for in the prompt only`,
      };
    }
    if (!posted.ok) {
      yield { type: 'error', error: posted.error };
      return;
    }
    const accumulator = new ChatCompletionAccumulator();
    const whole = await readJsonInsteadOfStream(posted.response, deadline);
    if (whole === undefined) yield* readEventStream(posted.response, accumulator, request, deadline);
    else if (whole.ok) yield* completionFromJsonText(whole.text, accumulator, request);
    else yield* accumulator.failure(request, whole.error);
  }
}

/** `response_format` for a schema in the given mode; `strict` only when the schema meets OpenAI's strict rules. */
export function responseFormat(schema: Record<string, unknown>, mode: StructuredOutputMode): Record<string, unknown> | undefined {
  if (mode === 'prompt_only') return undefined;
  if (mode === 'json_object') return { type: 'json_object' };
  const name = typeof schema.title === 'string' && /^[a-zA-Z0-9_-]{1,64}$/.test(schema.title) ? schema.title : 'answer';
  return { type: 'json_schema', json_schema: { name, schema, strict: isStrictSchema(schema) } };
}

/**
 * OpenAI's strict structured outputs accept a schema only when every object lists all its properties as required
 * and forbids others, and only a subset of keywords; sending `strict: true` with any other schema is refused, so it is
 * sent only then. Servers that build a grammar (llama.cpp, vLLM) ignore the flag and honour every bound either way.
 */
export function isStrictSchema(schema: Record<string, unknown>): boolean {
  // The root must be one object, not a choice between several.
  return schema.type === 'object' && schema.anyOf === undefined && schema.oneOf === undefined && meetsStrictRules(schema);
}

// Keywords strict mode has refused (length and size bounds, composition other than anyOf).
const NOT_STRICT_KEYWORDS = ['minLength', 'maxLength', 'minItems', 'maxItems', 'oneOf', 'allOf', 'not', 'default'];

function meetsStrictRules(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.every(meetsStrictRules);
  if (!isRecord(schema)) return true;
  if (NOT_STRICT_KEYWORDS.some((keyword) => keyword in schema && !isRecord(schema[keyword]))) return false;
  if (schema.type === 'object' || isRecord(schema.properties)) {
    const properties = isRecord(schema.properties) ? Object.keys(schema.properties) : [];
    const required = Array.isArray(schema.required) ? schema.required : [];
    if (schema.additionalProperties !== false) return false;
    if (!properties.every((key) => required.includes(key))) return false;
  }
  return Object.entries(schema).every(([key, value]) => key === 'enum' || key === 'const' || key === 'default' || key === 'examples' || meetsStrictRules(value));
}

// 4xx and permanent 5xx that name the structured-output request: LM Studio refuses json_object, older servers json_schema.
function refusesResponseFormat(error: ModelError): boolean {
  if (error.kind !== 'invalid_request' && !(error.kind === 'server_error' && !error.retryable)) return false;
  return /response_format|json_schema|json_object|json mode|structured output|grammar|schema/i.test(error.message);
}

async function* readEventStream(response: Response, accumulator: ChatCompletionAccumulator, request: ModelRequest, deadline: CallDeadline): AsyncGenerator<ModelStreamPart> {
  if (!response.body) {
    yield* completionFromJsonText('', accumulator, request);
    return;
  }
  const read = yield* readJsonEventStream(response.body, { request, deadline, accumulator, isEndMarker: (data) => data.trim() === '[DONE]' });
  if (read.outcome === 'failed') return;
  // A server that sent a JSON completion under a wrong content-type.
  if (read.outcome === 'no-events') yield* completionFromJsonText(read.text, accumulator, request);
  else yield* accumulator.finish(request);
}

/** Map the provider-neutral conversation to OpenAI chat messages. */
export function toOpenAIMessages(messages: ChatMessage[], protocol: ActionProtocol): Array<Record<string, unknown>> {
  const result: Array<Record<string, unknown>> = [];
  const native = protocol === 'native_tools';
  // Ids of the calls the last assistant message made: a tool message may only answer one of them.
  let openCallIds = new Set<string>();
  for (const message of messages) {
    if (message.role === 'assistant') {
      const calls = message.toolCalls ?? [];
      openCallIds = new Set(native ? calls.map((call) => call.id) : []);
      if (native && calls.length > 0) {
        result.push({
          role: 'assistant',
          content: message.content === '' ? null : message.content,
          tool_calls: calls.map((call) => ({
            id: call.id,
            type: 'function',
            function: { name: call.name, arguments: wireArguments(call.argumentsText) },
          })),
        });
      } else {
        result.push({ role: 'assistant', content: message.content !== '' || calls.length === 0 ? message.content : describeCalls(calls) });
      }
    } else if (message.role === 'tool') {
      if (native && message.toolCallId && openCallIds.has(message.toolCallId)) {
        result.push({ role: 'tool', tool_call_id: message.toolCallId, content: message.content });
      } else {
        // A tool message that answers no call of the assistant turn before it (no native tools, or an action the model
        // wrote as text) is rejected by strict servers, so it becomes user text.
        pushUserText(result, toolResultText(message));
      }
    } else if (message.role === 'user' && !native) {
      openCallIds = new Set();
      pushUserText(result, message.content);
    } else {
      if (message.role !== 'system') openCallIds = new Set();
      result.push({ role: message.role, content: message.content });
    }
  }
  return result;
}

// Strict chat templates (Mistral, Llama via vLLM/llama.cpp) require alternating roles; merging adjacent user text keeps them valid.
function pushUserText(result: Array<Record<string, unknown>>, text: string): void {
  const last = result[result.length - 1];
  if (last && last.role === 'user' && typeof last.content === 'string') {
    last.content = `${last.content}\n\n${text}`;
  } else {
    result.push({ role: 'user', content: text });
  }
}

// vLLM and several hosted APIs parse the arguments of past calls and reject the whole request if they are not JSON.
function wireArguments(argumentsText: string): string {
  try {
    JSON.parse(argumentsText);
    return argumentsText;
  } catch {
    return '{}';
  }
}

function* completionFromJsonText(text: string, accumulator: ChatCompletionAccumulator, request: ModelRequest): Generator<ModelStreamPart> {
  if (text.trim() === '') {
    // An empty 200 body: treat as an empty answer, which the agent loop handles.
    yield* accumulator.finish(request);
    return;
  }
  const parsed = parseWholeResponse(text);
  if (!parsed.ok) {
    yield { type: 'error', error: parsed.error };
    return;
  }
  const payload = parsed.payload;
  if (isRecord(payload) && payload.error === undefined && !Array.isArray(payload.choices)) {
    yield { type: 'error', error: badResponse(`completion has no choices: ${text.slice(0, 200)}`) };
    return;
  }
  for (const part of accumulator.push(payload)) {
    if (part.type === 'error') {
      yield* accumulator.failure(request, part.error);
      return;
    }
    yield part;
  }
  yield* accumulator.finish(request);
}
