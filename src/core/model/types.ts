/**
 * One model interface for every provider. A provider streams parts; failures are parts too
 * (`error` with a kind), never thrown, so the agent loop can record them in the trace and go on or stop cleanly.
 */

export type ChatRole = 'system' | 'user' | 'assistant' | 'tool';

export interface ToolCall {
  id: string;
  name: string;
  /** Raw JSON text as the model produced it; parsed by the action parser, which tolerates garbage. */
  argumentsText: string;
}

export interface ChatMessage {
  role: ChatRole;
  content: string;
  /** Assistant messages that called tools. */
  toolCalls?: ToolCall[];
  /** Tool messages answer one call. */
  toolCallId?: string;
  toolName?: string;
}

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
}

/** How actions are expressed: native tool calls, or a JSON object in the text (small local models). */
export type ActionProtocol = 'native_tools' | 'json_action';

export interface ModelRequest {
  messages: ChatMessage[];
  tools: ToolSpec[];
  /**
   * With json_action: the JSON Schema the answer must match. Providers that can constrain decoding send it whole
   * (`response_format: json_schema`, a grammar); the others ask for JSON in the prompt only.
   */
  responseSchema?: Record<string, unknown>;
  temperature?: number;
  /** Cap on the answer's tokens. Every caller sets one: without it a server generates until its context is full. */
  maxOutputTokens?: number;
  /** `required` forces a tool call where the provider can (used by the tool-calling probe); default `auto`. */
  toolChoice?: 'auto' | 'required';
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  /** True when the server reported no counts and these are estimated from the text (4 characters a token). */
  estimated?: boolean;
}

/**
 * What went wrong, by meaning:
 * - `rate_limit` 429 (and Anthropic's 529 overloaded): transient, `retryAfterMs` when the server said how long to wait;
 * - `auth` 401/403, `model_not_found` 404, `invalid_request` 400/422: permanent, the request or the settings are wrong;
 * - `context_overflow` 413 or an overflow message: permanent for this conversation;
 * - `server_error` 5xx: transient (502/503/504, a bare 500) or permanent when the server says why (`tools param requires --jinja flag`);
 * - `network` (connection refused, stream broken off) and `timeout` (no answer, a stall, or the call's time limit): transient;
 * - `bad_response`: the server answered something that is not a completion;
 * - `aborted`: the caller cancelled the call;
 * - `engine_failed`: an in-page model runtime (WebLLM, wllama) lost its worker — it could not load or died. Not an
 *   answer of the model's: a run that meets it ends as an infrastructure error.
 */
export type ModelErrorKind =
  | 'rate_limit'
  | 'auth'
  | 'model_not_found'
  | 'invalid_request'
  | 'context_overflow'
  | 'server_error'
  | 'network'
  | 'timeout'
  | 'bad_response'
  | 'aborted'
  | 'engine_failed';

export interface ModelError {
  kind: ModelErrorKind;
  /** Says what happened in the server's own words where there were any; never contains the API key. */
  message: string;
  /** HTTP status, when there was one. */
  status?: number;
  /**
   * Transient: the same request may succeed when sent again later, so callers retry it with backoff; a transient error
   * that persists after the retries is an infrastructure failure, not something the model did. False for errors that
   * sending again cannot fix (a bad key, a wrong model name, a server setting, an aborted call).
   */
  retryable: boolean;
  /** How long the server asked to wait before retrying (`Retry-After`), in ms. */
  retryAfterMs?: number;
}

/** A transient error is worth retrying; one that persists after the retries is an infrastructure failure. */
export function isTransientModelError(error: ModelError): boolean {
  return error.retryable;
}

export type ModelStreamPart =
  | { type: 'text-delta'; text: string }
  | { type: 'tool-call'; call: ToolCall }
  | { type: 'usage'; usage: TokenUsage }
  /** Something the user should know about how the request was served, e.g. a fallback from a refused schema. */
  | { type: 'notice'; message: string }
  | { type: 'error'; error: ModelError }
  | { type: 'response-end'; finishReason: string };

export interface ChatModel {
  /** Stable id used in traces and caches, e.g. `openai-compatible:gpt-4o-mini@https://api.openai.com/v1`. */
  readonly id: string;
  readonly provider: string;
  readonly actionProtocol: ActionProtocol;
  /**
   * Settings that change what the model answers (temperature, answer token limit …), when the provider has any.
   * With provider, model and protocol they are the model's identity for caches and resumes (`evolve/model-identity.ts`).
   */
  readonly sampling?: Readonly<Record<string, string | number | boolean | undefined>>;
  /**
   * Streams one answer. Never throws and never hangs: failures, timeouts and a cancelled `signal` end the stream with
   * an `error` part, after the text so far and a `usage` part counting it (estimated when the server sent none).
   */
  stream(request: ModelRequest, signal?: AbortSignal): AsyncIterable<ModelStreamPart>;
  /** The same endpoint and settings with another action protocol, for providers that offer both. */
  withActionProtocol?(protocol: ActionProtocol): ChatModel;
}

export type ModelResponse =
  | { ok: true; text: string; toolCalls: ToolCall[]; usage: TokenUsage; finishReason: string; notices: string[] }
  | { ok: false; error: ModelError; text: string; usage: TokenUsage; notices: string[] };

/** `length` (OpenAI-shaped servers) and `max_tokens` (Anthropic): the answer stopped at its token cap, not by itself. */
export function isCutOff(finishReason: string): boolean {
  return finishReason === 'length' || finishReason === 'max_tokens';
}

/** Drain a stream into one response; `onText` sees deltas as they arrive. A failed call keeps its partial text and usage. */
export async function collectResponse(
  model: ChatModel,
  request: ModelRequest,
  signal?: AbortSignal,
  onText?: (delta: string) => void,
): Promise<ModelResponse> {
  const textParts: string[] = [];
  const toolCalls: ToolCall[] = [];
  const notices: string[] = [];
  let usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
  let finishReason = 'unknown';
  const text = () => textParts.join('');
  try {
    for await (const part of model.stream(request, signal)) {
      switch (part.type) {
        case 'text-delta':
          textParts.push(part.text);
          onText?.(part.text);
          break;
        case 'tool-call':
          toolCalls.push(part.call);
          break;
        case 'usage':
          usage = part.usage;
          break;
        case 'notice':
          notices.push(part.message);
          break;
        case 'error':
          return { ok: false, error: part.error, text: text(), usage, notices };
        case 'response-end':
          finishReason = part.finishReason;
          break;
      }
    }
  } catch (error) {
    // A provider should never throw; if one does, it is still an error value here.
    return { ok: false, error: toModelError(error, signal), text: text(), usage, notices };
  }
  return { ok: true, text: text(), toolCalls, usage, finishReason, notices };
}

export function toModelError(error: unknown, signal?: AbortSignal): ModelError {
  if (signal?.aborted || (error instanceof Error && error.name === 'AbortError')) {
    return { kind: 'aborted', message: 'request aborted', retryable: false };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'network', message, retryable: true };
}
