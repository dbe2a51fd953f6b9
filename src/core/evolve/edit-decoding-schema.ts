import { z } from 'zod';
import { Hook, type HarnessDocument, Policies, ToolName } from '../harness/schema.js';
import { EDIT_LIMITS } from './edits.js';

/**
 * Bounds a decoder holds edit strings to: half the size limits the edits are checked against. A small model fills
 * every string to its bound (SmolLM2-135M filled a rule text with 600 characters of digits), and three candidates of three edits
 * at the full limits do not fit a 4k context after the proposal prompt.
 */
export const EDIT_DECODING_LIMITS = {
  textChars: EDIT_LIMITS.maxTextChars / 2,
  templateChars: EDIT_LIMITS.maxTemplateChars / 2,
  shellChars: EDIT_LIMITS.maxShellChars / 2,
} as const;

/**
 * The JSON Schema of one typed harness edit, for providers that constrain decoding: a choice between the edit
 * operations (`op` decides the shape), only paths that exist in this harness, and every string bounded (see
 * `EDIT_DECODING_LIMITS`). Held to "an object" alone, a small model ran on for 1,803 tokens inside one proposal.
 */
export function editDecodingSchema(harness: HarnessDocument): Record<string, unknown> {
  const text = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength });
  const operation = (op: string, properties: Record<string, unknown>) => ({
    type: 'object',
    properties: { op: { type: 'string', enum: [op] }, ...properties },
    required: ['op', ...Object.keys(properties)],
    additionalProperties: false,
  });
  const variants: Record<string, unknown>[] = [operation('add_rule', { ruleId: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,39}$' }, text: text(EDIT_DECODING_LIMITS.textChars) })];
  const ruleIds = harness.rules.map((rule) => rule.id);
  if (ruleIds.length) variants.push(operation('replace_rule', { ruleId: { type: 'string', enum: ruleIds }, text: text(EDIT_DECODING_LIMITS.textChars) }));
  for (const { paths, value } of policySettings()) variants.push(operation('set_policy', { path: { type: 'string', enum: paths }, value }));
  for (const hook of hookSchemas()) variants.push(operation('add_hook', { hook }));
  const hookIds = harness.hooks.map((hook) => hook.id);
  if (hookIds.length) for (const hook of hookSchemas(hookIds)) variants.push(operation('replace_hook', { hook }));
  variants.push(operation('set_tool_description', { tool: { type: 'string', enum: [...ToolName.options] }, description: text(EDIT_DECODING_LIMITS.textChars) }));
  variants.push(operation('set_planning_template', { template: { type: 'string', maxLength: EDIT_DECODING_LIMITS.templateChars } }));
  return { anyOf: variants };
}

/** Every settable policy path with the schema of its value; paths whose values look alike share one entry. */
function policySettings(): Array<{ paths: string[]; value: Record<string, unknown> }> {
  const schema = z.toJSONSchema(Policies, { io: 'input', unrepresentable: 'any' }) as { properties: Record<string, JsonSchema> };
  const groups = new Map<string, { paths: string[]; value: Record<string, unknown> }>();
  const add = (path: string, field: JsonSchema) => {
    const value = valueSchema(field);
    const key = JSON.stringify(value);
    const group = groups.get(key);
    if (group) group.paths.push(path);
    else groups.set(key, { paths: [path], value });
  };
  for (const [policy, field] of Object.entries(schema.properties)) {
    if (field.type === 'object' && field.properties) for (const [name, inner] of Object.entries(field.properties)) add(`${policy}.${name}`, inner);
    else add(policy, field);
  }
  return [...groups.values()];
}

interface JsonSchema {
  type?: string;
  enum?: unknown[];
  maxLength?: number;
  properties?: Record<string, JsonSchema>;
}

// Grammars do not enforce numeric bounds, and the harness is validated after the edit anyway.
function valueSchema(field: JsonSchema): Record<string, unknown> {
  if (field.enum) return { type: 'string', enum: field.enum };
  if (field.type === 'boolean') return { type: 'boolean' };
  if (field.type === 'integer') return { type: 'integer' };
  if (field.type === 'number') return { type: 'number' };
  return { type: 'string', minLength: 1, maxLength: Math.min(field.maxLength ?? EDIT_LIMITS.maxTextChars, EDIT_DECODING_LIMITS.textChars) };
}

/** One schema per hook processor, with strings bounded (a shell check by the shell limit) and `id` new or one of `ids`. */
function hookSchemas(ids?: string[]): Record<string, unknown>[] {
  const union = z.toJSONSchema(Hook, { io: 'input', unrepresentable: 'any' }) as { oneOf?: JsonHook[]; anyOf?: JsonHook[] };
  return (union.oneOf ?? union.anyOf ?? []).map((variant) => {
    const processor = String(variant.properties.processor.const ?? variant.properties.processor.enum?.[0]);
    const limit = processor === 'run_shell' ? EDIT_DECODING_LIMITS.shellChars : EDIT_DECODING_LIMITS.textChars;
    const params = Object.fromEntries(
      Object.entries(variant.properties.params.properties ?? {})
        // A setting with a default the proposer need not choose; leaving it out keeps the grammar small.
        .filter(([, field]) => field.type === 'string')
        .map(([name, field]) => [name, { type: 'string', ...(name === 'command' || name === 'text' || name === 'path' ? { minLength: 1 } : {}), maxLength: Math.min(field.maxLength ?? limit, limit) }]),
    );
    return {
      type: 'object',
      properties: {
        id: ids ? { type: 'string', enum: ids } : { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,39}$' },
        at: variant.properties.at,
        processor: { type: 'string', enum: [processor] },
        params: { type: 'object', properties: params, required: variant.properties.params.required ?? [], additionalProperties: false },
      },
      required: ['id', 'at', 'processor', 'params'],
      additionalProperties: false,
    };
  });
}

interface JsonHook {
  properties: {
    at: Record<string, unknown>;
    processor: { const?: string; enum?: string[] };
    params: { properties?: Record<string, JsonSchema>; required?: string[] };
  };
}
