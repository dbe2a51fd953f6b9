import { z } from 'zod';
import type { ChatModel, ModelError, TokenUsage } from '../model/types.js';
import { renderDigest, type TraceDigest } from './digest.js';
import { DEFAULT_MINING_ANSWER_TOKENS } from './config.js';
import { callForJson } from './structured-call.js';

export { DEFAULT_MINING_ANSWER_TOKENS };

export const WEAKNESS_CATEGORIES = [
  'tool_misuse',
  'missing_verification',
  'retry_loop',
  'lost_state',
  'endless_exploration',
  'environment_persistence',
  'other',
] as const;

const MinedWeakness = z.object({
  id: z.string().min(1).max(64),
  category: z.enum(WEAKNESS_CATEGORIES).catch('other'),
  title: z.string().min(1).max(200),
  description: z.string().max(1200).default(''),
  evidenceTaskIds: z.array(z.string()).min(1),
  frequency: z.number().int().min(1).optional(),
  impact: z.number().min(1).max(5).default(3),
});

const MiningAnswer = z.object({ weaknesses: z.array(MinedWeakness).min(1).max(12) });

/** A recurring failure pattern the model found in its own failed held-in traces. */
export interface Weakness {
  id: string;
  category: (typeof WEAKNESS_CATEGORIES)[number];
  title: string;
  description: string;
  evidenceTaskIds: string[];
  frequency: number;
  impact: number;
  /** frequency × impact; weaknesses are ranked by it. */
  score: number;
}

export type MiningResult =
  | { ok: true; weaknesses: Weakness[]; usage: TokenUsage; attempts: number; notices: string[] }
  /** `modelError` when the endpoint failed (transient when it kept failing through the retries), not the answer. */
  | { ok: false; error: string; usage: TokenUsage; attempts: number; notices: string[]; modelError?: ModelError };

export function miningPrompt(digests: readonly TraceDigest[]): { system: string; user: string } {
  return {
    system: [
      'You analyse the execution traces of an AI agent that works in a terminal sandbox, in order to find its recurring failure patterns.',
      'Group the failed attempts below into a few weaknesses. Each weakness is a pattern of the agent\'s behaviour, not a property of one task.',
      `Categories: ${WEAKNESS_CATEGORIES.join(', ')}.`,
      'tool_misuse = wrong tool or wrong arguments; missing_verification = finished without checking the result; retry_loop = repeating failing actions or poor error recovery;',
      'lost_state = forgot cwd/variables/PATH between commands; endless_exploration = kept exploring without producing the artifact; environment_persistence = assumed the environment keeps changes it does not keep.',
      'Answer with only a JSON object: {"weaknesses": [{"id": "short-kebab-id", "category": "...", "title": "...", "description": "...", "evidenceTaskIds": ["task-id", ...], "frequency": <number of attempts showing it>, "impact": <1-5>}]}',
    ].join('\n'),
    user: `Failed attempts (${digests.length}):\n\n${digests.map(renderDigest).join('\n\n')}`,
  };
}

/**
 * The schema a provider that constrains decoding (wllama's grammar, WebLLM's JSON schema) holds the answer to. Tighter
 * than what is accepted: evidence can only name the failed tasks shown (no more of them than there are), numbers are
 * listed values, texts are short, and there are at most 4 weaknesses — a small model otherwise copies the example's "task-id", or repeats ids or
 * words until it runs out of tokens in the middle of the object.
 */
export function miningDecodingSchema(failedTaskIds: readonly string[], failedAttempts = failedTaskIds.length): Record<string, unknown> {
  const { $schema: _dialect, ...generated } = z.toJSONSchema(MiningAnswer, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const schema = { title: 'weaknesses', ...generated } as unknown as Record<string, unknown> & {
    properties: { weaknesses: { maxItems?: number; items: { properties: Record<string, Record<string, unknown>> } } };
  };
  const list = schema.properties.weaknesses;
  list.maxItems = 4;
  const fields = list.items.properties;
  fields.title = { ...fields.title, maxLength: 80 };
  fields.description = { ...fields.description, maxLength: 240 };
  // Grammars do not enforce numeric bounds; listing the values does.
  fields.impact = { enum: [1, 2, 3, 4, 5] };
  fields.frequency = { enum: Array.from({ length: Math.max(1, failedAttempts) }, (_, index) => index + 1) };
  if (failedTaskIds.length) fields.evidenceTaskIds = { ...fields.evidenceTaskIds, maxItems: failedTaskIds.length, items: { type: 'string', enum: [...failedTaskIds] } };
  return schema;
}

/** Weakness mining: the model reads digests of its failed held-in traces and names its recurring failure patterns. */
export async function mineWeaknesses(
  model: ChatModel,
  digests: readonly TraceDigest[],
  options: { signal?: AbortSignal; retries?: number; maxAnswerTokens?: number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<MiningResult> {
  const failedTaskIds = new Set(digests.map((digest) => digest.taskId));
  const answer = await callForJson(model, miningPrompt(digests), MiningAnswer, {
    signal: options.signal,
    retries: options.retries,
    sleep: options.sleep,
    jsonSchema: miningDecodingSchema([...failedTaskIds], digests.length),
    maxOutputTokens: options.maxAnswerTokens ?? DEFAULT_MINING_ANSWER_TOKENS,
  });
  const failed = (error: string): MiningResult => ({ ok: false, error, usage: answer.usage, attempts: answer.attempts, notices: answer.notices, ...(answer.modelError ? { modelError: answer.modelError } : {}) });
  if (!answer.ok || !answer.value) return failed(answer.error ?? 'mining failed');
  const seen = new Set<string>();
  const weaknesses: Weakness[] = [];
  for (const mined of answer.value.weaknesses) {
    // Evidence must be tasks the model was actually shown; an invented id is dropped, not trusted.
    const evidence = [...new Set(mined.evidenceTaskIds.filter((taskId) => failedTaskIds.has(taskId)))];
    const id = mined.id.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'weakness';
    if (!evidence.length || seen.has(id)) continue;
    seen.add(id);
    const frequency = Math.max(evidence.length, Math.min(mined.frequency ?? evidence.length, digests.length));
    weaknesses.push({ id, category: mined.category, title: mined.title, description: mined.description, evidenceTaskIds: evidence, frequency, impact: mined.impact, score: frequency * mined.impact });
  }
  if (!weaknesses.length) return failed('the model named no weakness backed by a failed task it was shown');
  weaknesses.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
  return { ok: true, weaknesses, usage: answer.usage, attempts: answer.attempts, notices: answer.notices };
}
