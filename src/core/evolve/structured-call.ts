import type { z } from 'zod';
import { extractJsonObject } from '../agent/action-parser.js';
import { retryDelayMs, waitUnlessAborted } from '../model/errors.js';
import { type ChatMessage, type ChatModel, collectResponse, isCutOff, type ModelError, type TokenUsage } from '../model/types.js';

export interface StructuredCallResult<T> {
  ok: boolean;
  value?: T;
  /** Why the last attempt failed, when ok is false. */
  error?: string;
  attempts: number;
  /** Every call's tokens, failed and cancelled ones included. */
  usage: TokenUsage;
  /**
   * The model error that ended the call, when one did. `retryable` (transient) means the endpoint failed, even after
   * the retries, rather than the model answering badly: an infrastructure failure, not an outcome.
   */
  modelError?: ModelError;
  /** How the provider served the calls, when the user should know (e.g. a refused schema and its fallback). */
  notices: string[];
}

export interface CallForJsonOptions {
  /** Calls after the first, for malformed answers and transient errors together. Default 2. */
  retries?: number;
  signal?: AbortSignal;
  /** The JSON Schema sent to providers that constrain decoding; `{type: "object"}` when absent. */
  jsonSchema?: Record<string, unknown>;
  /** Cap on each answer's tokens; without one a small model can generate until the server's context is full. */
  maxOutputTokens: number;
  /** Waits between retries of a transient error; injected by tests. */
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Ask a model for one JSON object matching a schema. Malformed output is retried with the parse error fed back;
 * after the last try the result is a failure value — what a model says never crashes the caller.
 */
export async function callForJson<T>(
  model: ChatModel,
  prompt: { system: string; user: string },
  schema: z.ZodType<T>,
  options: CallForJsonOptions,
): Promise<StructuredCallResult<T>> {
  const retries = options.retries ?? 2;
  const sleep = options.sleep ?? defaultSleep;
  const usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
  const notices: string[] = [];
  const messages: ChatMessage[] = [
    { role: 'system', content: prompt.system },
    { role: 'user', content: prompt.user },
  ];
  let error = 'no answer';
  let transientFailures = 0;
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    const response = await collectResponse(model, { messages, tools: [], responseSchema: options.jsonSchema ?? { type: 'object' }, maxOutputTokens: options.maxOutputTokens }, options.signal);
    usage.inputTokens += response.usage.inputTokens;
    usage.outputTokens += response.usage.outputTokens;
    for (const notice of response.notices) if (!notices.includes(notice)) notices.push(notice);
    if (!response.ok) {
      error = `model error (${response.error.kind}): ${response.error.message}`;
      if (!response.error.retryable || options.signal?.aborted || attempt > retries) return { ok: false, error, attempts: attempt, usage, modelError: response.error, notices };
      await waitUnlessAborted(sleep, retryDelayMs(response.error, transientFailures++), options.signal);
      if (options.signal?.aborted) return { ok: false, error, attempts: attempt, usage, modelError: response.error, notices };
      continue;
    }
    const cutOff = isCutOff(response.finishReason);
    const json = extractJsonObject(response.text);
    let problem: string;
    if (!json) problem = `no JSON object found in the answer${cutOff ? ` (it was cut off at the limit of ${options.maxOutputTokens} tokens: answer shorter)` : ''}`;
    else {
      let value: unknown;
      try {
        value = JSON.parse(json);
      } catch (parseError) {
        value = undefined;
        problem = `invalid JSON: ${(parseError as Error).message}`;
      }
      if (value !== undefined) {
        const parsed = schema.safeParse(value);
        if (parsed.success) return { ok: true, value: parsed.data, attempts: attempt, usage, notices };
        problem = `JSON does not match the schema: ${parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')}`;
      } else problem ??= 'invalid JSON';
    }
    error = problem;
    messages.push({ role: 'assistant', content: response.text.slice(0, 4000) });
    messages.push({ role: 'user', content: `Your answer could not be used: ${problem}. Answer again with only the JSON object.` });
  }
  return { ok: false, error, attempts: retries + 1, usage, notices };
}
