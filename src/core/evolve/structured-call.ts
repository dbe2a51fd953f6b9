import type { z } from 'zod';
import { extractJsonObject } from '../agent/action-parser.js';
import { type ChatMessage, type ChatModel, collectResponse, type ModelError, type TokenUsage } from '../model/types.js';

export interface StructuredCallResult<T> {
  ok: boolean;
  value?: T;
  /** Why the last attempt failed, when ok is false. */
  error?: string;
  attempts: number;
  usage: TokenUsage;
  /** When the last try failed because of the model call itself (not its answer): the error, with its kind. */
  modelError?: ModelError;
}

/**
 * Ask a model for one JSON object matching a schema. Malformed output is retried with the parse error fed back;
 * after the last try the result is a failure value — what a model says never crashes the caller.
 */
export async function callForJson<T>(
  model: ChatModel,
  prompt: { system: string; user: string },
  schema: z.ZodType<T>,
  options: { retries?: number; signal?: AbortSignal; jsonSchema?: Record<string, unknown> } = {},
): Promise<StructuredCallResult<T>> {
  const retries = options.retries ?? 2;
  const usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
  const messages: ChatMessage[] = [
    { role: 'system', content: prompt.system },
    { role: 'user', content: prompt.user },
  ];
  let error = 'no answer';
  let modelError: ModelError | undefined;
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    const response = await collectResponse(model, { messages, tools: [], responseSchema: options.jsonSchema ?? { type: 'object' } }, options.signal);
    usage.inputTokens += response.usage.inputTokens;
    usage.outputTokens += response.usage.outputTokens;
    if (!response.ok) {
      error = `model error (${response.error.kind}): ${response.error.message}`;
      modelError = response.error;
      if (!response.error.retryable || options.signal?.aborted) return { ok: false, error, attempts: attempt, usage, modelError };
      continue;
    }
    const json = extractJsonObject(response.text);
    let problem: string;
    if (!json) problem = `no JSON object found in the answer${/^(length|max_tokens)$/.test(response.finishReason) ? ' (it was cut off at the output token limit)' : ''}`;
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
        if (parsed.success) return { ok: true, value: parsed.data, attempts: attempt, usage };
        problem = `JSON does not match the schema: ${parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')}`;
      } else problem ??= 'invalid JSON';
    }
    error = problem;
    modelError = undefined;
    messages.push({ role: 'assistant', content: response.text.slice(0, 4000) });
    messages.push({ role: 'user', content: `Your answer could not be used: ${problem}. Answer again with only the JSON object.` });
  }
  return { ok: false, error, attempts: retries + 1, usage, modelError };
}
