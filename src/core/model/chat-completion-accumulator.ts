// The chat-completions chunk format (OpenAI's, and what WebLLM and wllama answer in), folded into stream parts.
import { badResponse, errorFromHttpStatus, isContextOverflowText, isRecord } from './errors.js';
import type { StreamAccumulator } from './event-stream-call.js';
import { estimateRequestTokens, estimateTokens } from './token-estimate.js';
import type { ModelError, ModelRequest, ModelStreamPart, TokenUsage, ToolCall } from './types.js';

interface PartialToolCall {
  id?: string;
  name: string;
  argumentsText: string;
}

/**
 * Folds chat-completion chunks (streamed deltas or one full completion) into stream parts.
 * Text is passed on at once; tool calls are assembled by `index` and emitted by `finish`.
 */
export class ChatCompletionAccumulator implements StreamAccumulator {
  text = '';
  finishReason?: string;
  usage?: TokenUsage;
  private readonly calls: PartialToolCall[] = [];
  private readonly slotByIndex = new Map<number, PartialToolCall>();

  /** Parts for one parsed chunk; an error part ends the response. */
  push(payload: unknown): ModelStreamPart[] {
    if (!isRecord(payload)) return [{ type: 'error', error: badResponse(`unexpected stream data: ${JSON.stringify(payload).slice(0, 200)}`) }];
    if (payload.error !== undefined && payload.error !== null) return [{ type: 'error', error: errorFromPayload(payload.error) }];
    const parts: ModelStreamPart[] = [];
    const usage = readUsage(payload.usage) ?? readUsage(isRecord(payload.x_groq) ? payload.x_groq.usage : undefined);
    if (usage) this.usage = usage;
    const choices = Array.isArray(payload.choices) ? payload.choices.filter(isRecord) : [];
    // Only one completion is ever requested; some servers omit `index`.
    const choice = choices.find((candidate) => (candidate.index ?? 0) === 0) ?? choices[0];
    if (!choice) return parts;
    if (typeof choice.finish_reason === 'string' && choice.finish_reason !== '') this.finishReason = choice.finish_reason;
    const delta = isRecord(choice.delta) ? choice.delta : isRecord(choice.message) ? choice.message : undefined;
    if (!delta) return parts;
    const text = contentText(delta.content);
    if (text !== '') {
      this.text += text;
      parts.push({ type: 'text-delta', text });
    }
    if (Array.isArray(delta.tool_calls)) {
      delta.tool_calls.filter(isRecord).forEach((callDelta) => this.pushToolCallDelta(callDelta));
    }
    return parts;
  }

  /** The closing parts: assembled tool calls, usage (estimated if the server sent none), response-end. */
  finish(request: ModelRequest): ModelStreamPart[] {
    const parts: ModelStreamPart[] = [];
    const toolCalls = this.toolCalls();
    for (const call of toolCalls) parts.push({ type: 'tool-call', call });
    parts.push({ type: 'usage', usage: this.usageSoFar(request) });
    parts.push({ type: 'response-end', finishReason: this.finishReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop') });
    return parts;
  }

  /**
   * The parts that end a call that failed after it started (timeout, abort, broken stream): what the answer had cost
   * so far, then the error. The text so far was already passed on as it came.
   */
  failure(request: ModelRequest, error: ModelError): ModelStreamPart[] {
    return [{ type: 'usage', usage: this.usageSoFar(request) }, { type: 'error', error }];
  }

  /** The server's counts when it sent them, else an estimate from the request and the text so far. */
  usageSoFar(request: ModelRequest): TokenUsage {
    if (this.usage) return this.usage;
    const outputText = this.text + this.calls.map((call) => call.name + call.argumentsText).join('');
    return { inputTokens: estimateRequestTokens(request), outputTokens: estimateTokens(outputText), estimated: true };
  }

  toolCalls(): ToolCall[] {
    return this.calls
      .filter((call) => call.name !== '' || call.argumentsText !== '')
      .map((call, position) => ({ id: call.id || generatedCallId(position), name: call.name, argumentsText: call.argumentsText }));
  }

  private pushToolCallDelta(callDelta: Record<string, unknown>): void {
    const id = typeof callDelta.id === 'string' && callDelta.id !== '' ? callDelta.id : undefined;
    const slot = this.slotFor(typeof callDelta.index === 'number' ? callDelta.index : undefined, id);
    if (id && !slot.id) slot.id = id;
    const fn = isRecord(callDelta.function) ? callDelta.function : {};
    // Some servers repeat the name in every delta, so it is set, never appended.
    if (typeof fn.name === 'string' && fn.name !== '') slot.name = fn.name;
    if (typeof fn.arguments === 'string') slot.argumentsText += fn.arguments;
    else if (fn.arguments !== undefined && fn.arguments !== null) slot.argumentsText += JSON.stringify(fn.arguments);
  }

  private slotFor(index: number | undefined, id: string | undefined): PartialToolCall {
    if (index !== undefined) {
      let slot = this.slotByIndex.get(index);
      if (!slot) {
        slot = { name: '', argumentsText: '' };
        this.slotByIndex.set(index, slot);
        this.calls.push(slot);
      }
      return slot;
    }
    // No index: a new id starts a call, no id continues the last one.
    const last = this.calls[this.calls.length - 1];
    if (last && (id === undefined || last.id === id)) return last;
    const slot: PartialToolCall = { name: '', argumentsText: '' };
    this.calls.push(slot);
    return slot;
  }
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  // Some providers send content as a list of typed parts.
  if (Array.isArray(content)) {
    return content.map((part) => (isRecord(part) && part.type === 'text' && typeof part.text === 'string' ? part.text : '')).join('');
  }
  return '';
}

function readUsage(value: unknown): TokenUsage | undefined {
  if (!isRecord(value)) return undefined;
  const input = value.prompt_tokens;
  const output = value.completion_tokens;
  if (typeof input !== 'number' && typeof output !== 'number') return undefined;
  return { inputTokens: typeof input === 'number' ? input : 0, outputTokens: typeof output === 'number' ? output : 0 };
}

/** An `error` object sent inside a 200 response (OpenRouter, vLLM and llama.cpp do this mid-stream). */
function errorFromPayload(error: unknown): ModelError {
  const detail = typeof error === 'string' ? error : JSON.stringify(error);
  const record = isRecord(error) ? error : {};
  const message = typeof record.message === 'string' ? record.message : detail;
  const status = typeof record.code === 'number' ? record.code : typeof record.status === 'number' ? record.status : undefined;
  if (isContextOverflowText(message)) {
    return { kind: 'context_overflow', status, message: `context window exceeded: ${message}`, retryable: false };
  }
  if (status !== undefined && status >= 400) return errorFromHttpStatus(status, detail);
  if (/rate.?limit|too many requests/i.test(detail)) return { kind: 'rate_limit', message: `rate limited: ${message}`, retryable: true };
  return { kind: 'server_error', message: `server reported an error: ${message}`, retryable: true };
}

let generatedCallCount = 0;
function generatedCallId(position: number): string {
  generatedCallCount += 1;
  return `call_${Date.now().toString(36)}_${generatedCallCount}_${position}`;
}

