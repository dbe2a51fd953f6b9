import { badResponse, errorFromHttpStatus, isContextOverflowText, isRecord, parseRetryAfter, serverMessage, urlSecrets } from './errors.js';
import { parseWholeResponse, readJsonEventStream, readJsonInsteadOfStream, runStreamedCall, type StreamAccumulator } from './event-stream-call.js';
import { type CallDeadline, type CallTimeouts, DEFAULT_CALL_TIMEOUTS, postModelRequest } from './http.js';
import { describeCalls, toolResultText } from './prompt-text.js';
import { estimateRequestTokens, estimateTokens } from './token-estimate.js';
import type { ActionProtocol, ChatMessage, ChatModel, ModelError, ModelRequest, ModelStreamPart, TokenUsage, ToolCall } from './types.js';

/**
 * Anthropic Messages API, called straight from the browser (no proxy): the key goes in `x-api-key` and the
 * `anthropic-dangerous-direct-browser-access` header opts in to CORS. Streams SSE; failures are error parts.
 */
export interface AnthropicOptions {
  apiKey: string;
  /** e.g. `claude-sonnet-4-5`, `claude-haiku-4-5`. */
  model: string;
  /** Default `https://api.anthropic.com`; a trailing slash or `/v1` is ignored. */
  baseUrl?: string;
  /** The API requires `max_tokens`; used when the request sets none. Default 4096. */
  maxTokens?: number;
  /** Used when the request does not set one. */
  temperature?: number;
  /** Default `native_tools`. */
  actionProtocol?: ActionProtocol;
  /** Extra headers (e.g. `anthropic-beta`); they override the defaults. */
  headers?: Record<string, string>;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Per-call limits; each defaults to `DEFAULT_CALL_TIMEOUTS`. */
  timeouts?: Partial<CallTimeouts>;
}

export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';
export const ANTHROPIC_API_VERSION = '2023-06-01';
const DEFAULT_MAX_TOKENS = 4096;

type ContentBlock = Record<string, unknown> & { type: string };
interface AnthropicMessage {
  role: 'user' | 'assistant';
  content: ContentBlock[];
}

export class AnthropicModel implements ChatModel {
  readonly provider = 'anthropic';
  readonly id: string;
  readonly actionProtocol: ActionProtocol;
  readonly baseUrl: string;
  readonly model: string;
  private readonly apiKey: string;
  private readonly maxTokens: number;
  private readonly temperature?: number;
  private readonly requestHeaders: Record<string, string>;
  private readonly fetchImpl: typeof fetch;
  private readonly timeouts: CallTimeouts;
  private readonly secrets: string[];

  constructor(private readonly options: AnthropicOptions) {
    this.baseUrl = (options.baseUrl?.trim() || ANTHROPIC_DEFAULT_BASE_URL).replace(/\/+$/, '').replace(/\/v1$/, '');
    this.model = options.model;
    this.id = `anthropic:${options.model}`;
    this.actionProtocol = options.actionProtocol ?? 'native_tools';
    this.apiKey = options.apiKey.trim();
    this.maxTokens = options.maxTokens ?? DEFAULT_MAX_TOKENS;
    this.temperature = options.temperature;
    this.requestHeaders = {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      'x-api-key': this.apiKey,
      'anthropic-version': ANTHROPIC_API_VERSION,
      'anthropic-dangerous-direct-browser-access': 'true',
      ...options.headers,
    };
    // Looked up per call and never called as a method of another object: browsers throw "Illegal invocation" otherwise.
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.timeouts = { ...DEFAULT_CALL_TIMEOUTS, ...options.timeouts };
    this.secrets = [this.apiKey, ...urlSecrets(this.baseUrl)].filter((secret) => secret !== '');
  }

  withActionProtocol(protocol: ActionProtocol): AnthropicModel {
    return new AnthropicModel({ ...this.options, actionProtocol: protocol });
  }

  get sampling() {
    return { temperature: this.temperature, maxTokens: this.maxTokens };
  }

  /** The JSON body sent to `/v1/messages`; public so tests and the UI can show it. */
  buildRequestBody(request: ModelRequest): Record<string, unknown> {
    const native = this.actionProtocol === 'native_tools';
    const { system, messages } = toAnthropicMessages(request.messages, this.actionProtocol);
    const body: Record<string, unknown> = {
      model: this.model,
      max_tokens: request.maxOutputTokens ?? this.maxTokens,
      stream: true,
      messages,
    };
    if (system !== '') body.system = system;
    const temperature = request.temperature ?? this.temperature;
    if (temperature !== undefined) body.temperature = temperature;
    if (native && request.tools.length > 0) {
      body.tools = request.tools.map((tool) => ({ name: tool.name, description: tool.description, input_schema: inputSchema(tool.parameters) }));
      if (request.toolChoice === 'required') body.tool_choice = { type: 'any' };
    }
    // The Messages API has no JSON mode; with json_action the prompt alone asks for the object.
    return body;
  }

  stream(request: ModelRequest, signal?: AbortSignal): AsyncIterable<ModelStreamPart> {
    // The API echoes nothing secret, but a proxy in between may.
    return runStreamedCall({ timeouts: this.timeouts, signal, secrets: this.secrets }, (deadline) => this.call(request, deadline));
  }

  private async *call(request: ModelRequest, deadline: CallDeadline): AsyncGenerator<ModelStreamPart> {
    const posted = await postModelRequest({
      fetch: this.fetchImpl,
      url: `${this.baseUrl}/v1/messages`,
      headers: this.requestHeaders,
      body: this.buildRequestBody(request),
      deadline,
      endpoint: this.baseUrl,
      classifyHttpError: anthropicHttpError,
    });
    if (!posted.ok) {
      yield { type: 'error', error: posted.error };
      return;
    }
    const whole = await readJsonInsteadOfStream(posted.response, deadline);
    if (whole === undefined) yield* readEventStream(posted.response, request, deadline);
    else if (whole.ok) yield* messageFromJsonText(whole.text, request);
    // The request was sent: what it cost still counts against a token budget.
    else yield* new AnthropicStreamAccumulator().failure(request, whole.error);
  }
}

/**
 * Map the provider-neutral conversation to Messages API input. System text goes to the top-level `system`;
 * tool results become `tool_result` blocks in a user message; adjacent messages of one role are merged, since
 * the API requires user and assistant to alternate and the first message to be the user's.
 */
export function toAnthropicMessages(messages: ChatMessage[], protocol: ActionProtocol): { system: string; messages: AnthropicMessage[] } {
  const native = protocol === 'native_tools';
  const systemTexts: string[] = [];
  const result: AnthropicMessage[] = [];
  const push = (role: AnthropicMessage['role'], blocks: ContentBlock[]) => {
    if (blocks.length === 0) return;
    const last = result[result.length - 1];
    if (last && last.role === role) last.content.push(...blocks);
    else result.push({ role, content: [...blocks] });
  };
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        if (message.content.trim() !== '') systemTexts.push(message.content);
        break;
      case 'user':
        push('user', textBlocks(message.content));
        break;
      case 'assistant': {
        const calls = message.toolCalls ?? [];
        if (native) {
          push('assistant', [
            ...textBlocks(message.content),
            ...calls.map((call) => ({ type: 'tool_use', id: wireToolId(call.id), name: call.name, input: inputObject(call.argumentsText) })),
          ]);
        } else {
          push('assistant', textBlocks(message.content !== '' || calls.length === 0 ? message.content : describeCalls(calls)));
        }
        break;
      }
      case 'tool':
        if (native && message.toolCallId) {
          push('user', [{ type: 'tool_result', tool_use_id: wireToolId(message.toolCallId), content: message.content }]);
        } else {
          push('user', textBlocks(toolResultText(message)));
        }
        break;
    }
  }
  for (const message of result) {
    // In a user message that answers tool calls, every tool_result must come before any text.
    if (message.role === 'user') message.content = [...message.content.filter(isToolResult), ...message.content.filter((block) => !isToolResult(block))];
  }
  if (result.length === 0 || result[0].role !== 'user') result.unshift({ role: 'user', content: [{ type: 'text', text: '(continue)' }] });
  return { system: systemTexts.join('\n\n'), messages: result };
}

// The API rejects empty text blocks.
function textBlocks(text: string): ContentBlock[] {
  return text.trim() === '' ? [] : [{ type: 'text', text }];
}

function isToolResult(block: ContentBlock): boolean {
  return block.type === 'tool_result';
}

// Ids from other providers may hold characters the API refuses (`^[a-zA-Z0-9_-]+$`); the same mapping keeps use and result paired.
function wireToolId(id: string): string {
  const cleaned = id.replace(/[^a-zA-Z0-9_-]/g, '_');
  return cleaned === '' ? 'call' : cleaned;
}

// Past calls whose arguments were not a JSON object are replayed as `{}`: the API needs an object.
function inputObject(argumentsText: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(argumentsText);
    return isRecord(value) ? value : {};
  } catch {
    return {};
  }
}

function inputSchema(parameters: Record<string, unknown>): Record<string, unknown> {
  return parameters.type === 'object' ? parameters : { type: 'object', properties: {}, ...parameters };
}

interface OpenBlock {
  type: string;
  id: string;
  name: string;
  json: string;
  initialInput: unknown;
}

/**
 * Folds Messages API stream events into parts. Text passes on at once; a tool call is emitted when its
 * block stops, with the `partial_json` pieces joined; usage and the end come with `message_stop`.
 */
export class AnthropicStreamAccumulator implements StreamAccumulator {
  text = '';
  stopReason?: string;
  ended = false;
  private inputTokens?: number;
  private outputTokens?: number;
  /** message_start carries a placeholder output count; only message_delta's is the answer's. */
  private outputCounted = false;
  private readonly blocks = new Map<number, OpenBlock>();
  private readonly calls: ToolCall[] = [];

  /** Parts for one parsed event; an error part ends the response. */
  push(event: unknown): ModelStreamPart[] {
    if (!isRecord(event) || typeof event.type !== 'string') {
      return [{ type: 'error', error: badResponse(`unexpected stream event: ${JSON.stringify(event).slice(0, 200)}`) }];
    }
    switch (event.type) {
      case 'message_start': {
        const message = isRecord(event.message) ? event.message : {};
        this.readUsage(message.usage);
        return [];
      }
      case 'content_block_start': {
        const block = isRecord(event.content_block) ? event.content_block : {};
        const index = typeof event.index === 'number' ? event.index : this.blocks.size;
        const type = typeof block.type === 'string' ? block.type : 'unknown';
        this.blocks.set(index, {
          type,
          id: typeof block.id === 'string' ? block.id : '',
          name: typeof block.name === 'string' ? block.name : '',
          json: '',
          initialInput: block.input,
        });
        if (type === 'text' && typeof block.text === 'string' && block.text !== '') return [this.textDelta(block.text)];
        return [];
      }
      case 'content_block_delta': {
        const delta = isRecord(event.delta) ? event.delta : {};
        const block = typeof event.index === 'number' ? this.blocks.get(event.index) : undefined;
        if (delta.type === 'text_delta' && typeof delta.text === 'string' && delta.text !== '') return [this.textDelta(delta.text)];
        if (delta.type === 'input_json_delta' && typeof delta.partial_json === 'string' && block) block.json += delta.partial_json;
        // thinking_delta, signature_delta, citations_delta: nothing the harness uses.
        return [];
      }
      case 'content_block_stop': {
        const index = typeof event.index === 'number' ? event.index : -1;
        const block = this.blocks.get(index);
        this.blocks.delete(index);
        if (!block || block.type !== 'tool_use') return [];
        return [{ type: 'tool-call', call: this.finishCall(block) }];
      }
      case 'message_delta': {
        const delta = isRecord(event.delta) ? event.delta : {};
        if (typeof delta.stop_reason === 'string') this.stopReason = delta.stop_reason;
        this.readUsage(event.usage);
        if (isRecord(event.usage) && typeof event.usage.output_tokens === 'number') this.outputCounted = true;
        return [];
      }
      case 'message_stop': {
        this.ended = true;
        // A tool_use block the server never closed still counts.
        const parts: ModelStreamPart[] = [];
        for (const block of this.blocks.values()) if (block.type === 'tool_use') parts.push({ type: 'tool-call', call: this.finishCall(block) });
        this.blocks.clear();
        return parts;
      }
      case 'error':
        return [{ type: 'error', error: errorFromEvent(event.error) }];
      default:
        // `ping`, and event types the API may add later.
        return [];
    }
  }

  /** The closing parts: usage (estimated if the server sent none) and response-end. */
  finish(request: ModelRequest): ModelStreamPart[] {
    return [
      { type: 'usage', usage: this.usageSoFar(request) },
      { type: 'response-end', finishReason: this.stopReason ?? (this.calls.length > 0 ? 'tool_use' : 'end_turn') },
    ];
  }

  /** The parts that end a call that failed after it started: what the answer had cost so far, then the error. */
  failure(request: ModelRequest, error: ModelError): ModelStreamPart[] {
    return [{ type: 'usage', usage: this.usageSoFar(request) }, { type: 'error', error }];
  }

  /** The server's counts where it sent them; the rest estimated from the request and the text so far. */
  usageSoFar(request: ModelRequest): TokenUsage {
    const openJson = [...this.blocks.values()].map((block) => block.name + block.json).join('');
    const outputText = this.text + this.calls.map((call) => call.name + call.argumentsText).join('') + openJson;
    const usage: TokenUsage = {
      inputTokens: this.inputTokens ?? estimateRequestTokens(request),
      // Output counts arrive only with message_delta; before it, the text so far is all there is to count.
      outputTokens: this.outputCounted && this.outputTokens !== undefined ? this.outputTokens : estimateTokens(outputText),
    };
    if (this.inputTokens === undefined || !this.outputCounted) usage.estimated = true;
    return usage;
  }

  private textDelta(text: string): ModelStreamPart {
    this.text += text;
    return { type: 'text-delta', text };
  }

  private finishCall(block: OpenBlock): ToolCall {
    const argumentsText = block.json !== '' ? block.json : JSON.stringify(isRecord(block.initialInput) ? block.initialInput : {});
    const call = { id: block.id || `toolu_generated_${this.calls.length}`, name: block.name, argumentsText };
    this.calls.push(call);
    return call;
  }

  // Input counts arrive in message_start (and again, cumulative, in message_delta); output counts are cumulative.
  private readUsage(value: unknown): void {
    if (!isRecord(value)) return;
    const cached = numberOr(value.cache_creation_input_tokens, 0) + numberOr(value.cache_read_input_tokens, 0);
    if (typeof value.input_tokens === 'number') this.inputTokens = value.input_tokens + cached;
    if (typeof value.output_tokens === 'number') this.outputTokens = value.output_tokens;
  }
}

async function* readEventStream(response: Response, request: ModelRequest, deadline: CallDeadline): AsyncGenerator<ModelStreamPart> {
  const accumulator = new AnthropicStreamAccumulator();
  if (!response.body) {
    yield { type: 'error', error: badResponse('the response has no body') };
    return;
  }
  const read = yield* readJsonEventStream(response.body, { request, deadline, accumulator, answerEnded: () => accumulator.ended });
  if (read.outcome === 'failed') return;
  if (!accumulator.ended) {
    const message = read.outcome === 'events' ? 'the stream ended before message_stop' : 'the response is not a Messages API event stream';
    yield* accumulator.failure(request, read.outcome === 'events' ? { kind: 'network', message, retryable: true } : badResponse(message));
    return;
  }
  yield* accumulator.finish(request);
}

function* messageFromJsonText(text: string, request: ModelRequest): Generator<ModelStreamPart> {
  const parsed = parseWholeResponse(text);
  if (!parsed.ok) {
    yield { type: 'error', error: parsed.error };
    return;
  }
  const payload = parsed.payload;
  if (isRecord(payload) && payload.type === 'error') {
    yield { type: 'error', error: errorFromEvent(payload.error) };
    return;
  }
  if (!isRecord(payload) || !Array.isArray(payload.content)) {
    yield { type: 'error', error: badResponse(`message has no content: ${text.slice(0, 200)}`) };
    return;
  }
  // Replayed as the events a stream would have sent, so both paths share one accumulator.
  const accumulator = new AnthropicStreamAccumulator();
  const events: unknown[] = [{ type: 'message_start', message: { ...payload, content: [] } }];
  payload.content.forEach((block, index) => {
    events.push({ type: 'content_block_start', index, content_block: block });
    events.push({ type: 'content_block_stop', index });
  });
  events.push({ type: 'message_delta', delta: { stop_reason: payload.stop_reason }, usage: payload.usage }, { type: 'message_stop' });
  for (const event of events) {
    for (const part of accumulator.push(event)) yield part;
  }
  yield* accumulator.finish(request);
}

/** HTTP failures: 529 is Anthropic's "overloaded", which clears by itself like a rate limit. */
export function anthropicHttpError(status: number, body: string, retryAfter?: string | null): ModelError {
  if (status === 529) {
    const said = serverMessage(body);
    const retryAfterMs = parseRetryAfter(retryAfter);
    return { kind: 'rate_limit', status, message: `overloaded (529)${said ? `: ${said}` : ''}`, retryable: true, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
  return errorFromHttpStatus(status, body, retryAfter);
}

/** An `error` event inside a 200 stream, e.g. `{type: 'overloaded_error', message: 'Overloaded'}`. */
function errorFromEvent(error: unknown): ModelError {
  const record = isRecord(error) ? error : {};
  const type = typeof record.type === 'string' ? record.type : 'unknown_error';
  const message = `${type}: ${typeof record.message === 'string' ? record.message : JSON.stringify(error)}`;
  switch (type) {
    case 'overloaded_error':
    case 'rate_limit_error':
      return { kind: 'rate_limit', message, retryable: true };
    case 'authentication_error':
    case 'permission_error':
      return { kind: 'auth', message, retryable: false };
    case 'request_too_large':
      return { kind: 'context_overflow', message, retryable: false };
    case 'invalid_request_error':
      if (isContextOverflowText(message)) return { kind: 'context_overflow', message, retryable: false };
      return { kind: 'invalid_request', message, retryable: false };
    case 'not_found_error':
      return { kind: 'model_not_found', message, retryable: false };
    case 'api_error':
      return { kind: 'server_error', message, retryable: true };
    default:
      return { kind: 'bad_response', message, retryable: false };
  }
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}

