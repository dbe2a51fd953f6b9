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
  /** When set with json_action, providers that can constrain output use this schema. */
  responseSchema?: Record<string, unknown>;
  temperature?: number;
  maxOutputTokens?: number;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

/**
 * `engine_failed`: an in-page model runtime (WebLLM, wllama) lost its worker — it could not load or died. Not an
 * answer of the model's: a run that meets it ends as an infrastructure error.
 */
export type ModelErrorKind = 'rate_limit' | 'auth' | 'network' | 'bad_response' | 'context_overflow' | 'aborted' | 'engine_failed';

export interface ModelError {
  kind: ModelErrorKind;
  message: string;
  /** HTTP status, when there was one. */
  status?: number;
  retryable: boolean;
}

export type ModelStreamPart =
  | { type: 'text-delta'; text: string }
  | { type: 'tool-call'; call: ToolCall }
  | { type: 'usage'; usage: TokenUsage }
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
  stream(request: ModelRequest, signal?: AbortSignal): AsyncIterable<ModelStreamPart>;
}

export type ModelResponse =
  | { ok: true; text: string; toolCalls: ToolCall[]; usage: TokenUsage; finishReason: string }
  | { ok: false; error: ModelError; text: string; usage: TokenUsage };

/** Drain a stream into one response; `onText` sees deltas as they arrive. */
export async function collectResponse(
  model: ChatModel,
  request: ModelRequest,
  signal?: AbortSignal,
  onText?: (delta: string) => void,
): Promise<ModelResponse> {
  let text = '';
  const toolCalls: ToolCall[] = [];
  let usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
  let finishReason = 'unknown';
  try {
    for await (const part of model.stream(request, signal)) {
      switch (part.type) {
        case 'text-delta':
          text += part.text;
          onText?.(part.text);
          break;
        case 'tool-call':
          toolCalls.push(part.call);
          break;
        case 'usage':
          usage = part.usage;
          break;
        case 'error':
          return { ok: false, error: part.error, text, usage };
        case 'response-end':
          finishReason = part.finishReason;
          break;
      }
    }
  } catch (error) {
    // A provider should never throw; if one does, it is still an error value here.
    return { ok: false, error: toModelError(error, signal), text, usage };
  }
  return { ok: true, text, toolCalls, usage, finishReason };
}

export function toModelError(error: unknown, signal?: AbortSignal): ModelError {
  if (signal?.aborted || (error instanceof Error && error.name === 'AbortError')) {
    return { kind: 'aborted', message: 'request aborted', retryable: false };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'network', message, retryable: true };
}

/** Classify an HTTP failure the way every OpenAI-shaped server reports it. */
export function errorFromHttpStatus(status: number, body: string): ModelError {
  const snippet = body.slice(0, 500);
  if (status === 401 || status === 403) return { kind: 'auth', status, message: `authentication failed (${status}): ${snippet}`, retryable: false };
  if (status === 429) return { kind: 'rate_limit', status, message: `rate limited (429): ${snippet}`, retryable: true };
  if (/context|maximum.*tokens|too long|context_length/i.test(body) && (status === 400 || status === 413)) {
    return { kind: 'context_overflow', status, message: `context window exceeded (${status}): ${snippet}`, retryable: false };
  }
  if (status >= 500) return { kind: 'network', status, message: `server error (${status}): ${snippet}`, retryable: true };
  return { kind: 'bad_response', status, message: `request rejected (${status}): ${snippet}`, retryable: false };
}
