import type { z } from 'zod';
import { DEFAULT_MAX_ANSWER_TOKENS } from '../agent/policies/max-answer-tokens.js';
import { acceptanceRuleSchema } from '../evolve/config.js';
import { HarnessEdit } from '../evolve/edits.js';
import { HarnessDocument, Hook, HOOK_POINT_MEANINGS, type HookPoint, Policies, type PolicyName, type ToolName } from '../harness/schema.js';

/**
 * The glossary, generated from the schemas' own `.describe()` texts: the one source of truth for what a policy, hook,
 * tool, edit type or acceptance rule does. The harness summary, the glossary page, AGENTS.md and the proposer's
 * prompt all read from here, so they cannot disagree with each other or with the schema.
 */

export type GlossaryKind = 'surface' | 'tool' | 'policy' | 'hook-point' | 'hook-processor' | 'edit' | 'acceptance-rule';

export interface GlossaryParameter {
  name: string;
  description: string;
}

export interface GlossaryEntry {
  kind: GlossaryKind;
  /** The name as it appears in the harness JSON (`loopBreaker`, `run_shell`, `add_rule`, `paper`). */
  name: string;
  description: string;
  parameters: GlossaryParameter[];
}

export const GLOSSARY_KIND_TITLES: Record<GlossaryKind, string> = {
  surface: 'Harness surfaces',
  tool: 'Tools',
  policy: 'Policies',
  'hook-point': 'Hook points',
  'hook-processor': 'Hook processors',
  edit: 'Edit types (what evolution may change)',
  'acceptance-rule': 'Acceptance rules (the validation gate)',
};

type AnySchema = z.ZodType & { description?: string };
type ObjectSchema = AnySchema & { shape: Record<string, AnySchema> };

function describedOrFail(schema: AnySchema, what: string): string {
  const text = schema.description;
  // A schema part without a description is a bug the glossary test catches; say which one.
  if (!text) throw new Error(`the schema has no description for ${what}`);
  return text;
}

/** Object fields that carry a description, in declaration order; `skip` drops discriminators like `op`. */
function describedFields(object: ObjectSchema, skip: readonly string[] = []): GlossaryParameter[] {
  return Object.entries(object.shape)
    .filter(([name, field]) => !skip.includes(name) && field.description)
    .map(([name, field]) => ({ name, description: field.description! }));
}

const objectShape = (schema: AnySchema): ObjectSchema | undefined => ('shape' in schema && schema.shape ? (schema as ObjectSchema) : undefined);

const literalOf = (option: ObjectSchema, key: string): string => {
  const value = (option.shape[key] as AnySchema & { value?: unknown }).value;
  return String(value);
};

/** The description of one policy, as the schema states it. */
export function policyDescription(name: PolicyName): string {
  return describedOrFail((Policies.shape as Record<string, AnySchema>)[name], `policies.${name}`);
}

/** A policy's parameters and what each means (none for a bare number such as maxSteps). */
export function policyParameters(name: PolicyName): GlossaryParameter[] {
  const schema = objectShape((Policies.shape as Record<string, AnySchema>)[name]);
  return schema ? describedFields(schema) : [];
}

export function toolDescription(name: ToolName): string {
  return describedOrFail(harnessShape().tools.shape[name], `tools.${name}`);
}

function harnessShape() {
  // HarnessDocument is refined (superRefine) in zod 4 without losing its shape.
  return (HarnessDocument as unknown as { shape: Record<string, AnySchema> & { tools: ObjectSchema } }).shape;
}

const hookOptions = () => (Hook as unknown as { options: ObjectSchema[] }).options;
const editOptions = () => (HarnessEdit as unknown as { options: ObjectSchema[] }).options;
const acceptanceOptions = () => (acceptanceRuleSchema as unknown as { options: ObjectSchema[] }).options;

export function hookProcessorDescription(processor: string): string | undefined {
  return hookOptions().find((option) => literalOf(option, 'processor') === processor)?.description;
}

export function editTypeDescription(op: string): string | undefined {
  return editOptions().find((option) => literalOf(option, 'op') === op)?.description;
}

export function acceptanceRuleDescription(kind: string): string | undefined {
  return acceptanceOptions().find((option) => literalOf(option, 'kind') === kind)?.description;
}

/** Every entry, grouped by kind in a fixed order. */
export function buildGlossary(): GlossaryEntry[] {
  const shape = harnessShape();
  const entries: GlossaryEntry[] = [];
  for (const surface of ['systemPrompt', 'rules', 'planningTemplate', 'tools', 'policies', 'hooks'] as const) {
    entries.push({ kind: 'surface', name: surface, description: describedOrFail(shape[surface], surface), parameters: [] });
  }
  for (const [name, tool] of Object.entries(shape.tools.shape)) {
    entries.push({ kind: 'tool', name, description: describedOrFail(tool, `tools.${name}`), parameters: describedFields(objectShape(tool)!) });
  }
  for (const name of Object.keys(Policies.shape) as PolicyName[]) {
    entries.push({ kind: 'policy', name, description: policyDescription(name), parameters: policyParameters(name) });
  }
  for (const [point, meaning] of Object.entries(HOOK_POINT_MEANINGS) as Array<[HookPoint, string]>) {
    entries.push({ kind: 'hook-point', name: point, description: meaning, parameters: [] });
  }
  for (const option of hookOptions()) {
    const processor = literalOf(option, 'processor');
    const params = objectShape(option.shape.params);
    entries.push({ kind: 'hook-processor', name: processor, description: describedOrFail(option, `hook processor ${processor}`), parameters: params ? describedFields(params) : [] });
  }
  for (const option of editOptions()) {
    const op = literalOf(option, 'op');
    entries.push({ kind: 'edit', name: op, description: describedOrFail(option, `edit ${op}`), parameters: describedFields(option, ['op']) });
  }
  for (const option of acceptanceOptions()) {
    const kind = literalOf(option, 'kind');
    entries.push({ kind: 'acceptance-rule', name: kind, description: describedOrFail(option, `acceptance rule ${kind}`), parameters: describedFields(option, ['kind']) });
  }
  return entries;
}

/** A JSON skeleton of an edit operation, from its schema's fields: `{"op": "add_rule", "ruleId": …, "text": …}`. */
function editSkeleton(option: ObjectSchema): string {
  const op = literalOf(option, 'op');
  const fields = Object.keys(option.shape)
    .filter((key) => key !== 'op')
    .map((key) => `"${key}": …`);
  return `{"op": "${op}"${fields.length ? `, ${fields.join(', ')}` : ''}}`;
}

/**
 * The proposer's guide to edits, generated from the same descriptions: edit operations, every policy parameter a
 * `set_policy` path may name, hook points and processors with their parameters, and the tool names.
 */
export function renderEditGuide(): string {
  const lines: string[] = ['Edit operations (JSON objects):'];
  for (const option of editOptions()) lines.push(`- ${editSkeleton(option)}: ${option.description}`);
  lines.push('', 'Policies (a set_policy "path" is "<policy>" or "<policy>.<parameter>"; "value" is a boolean, number or string):');
  for (const name of Object.keys(Policies.shape) as PolicyName[]) {
    lines.push(`- ${name}: ${policyDescription(name)}`);
    for (const parameter of policyParameters(name)) lines.push(`  - ${name}.${parameter.name}: ${parameter.description}`);
  }
  lines.push('', 'Hooks (the "hook" of add_hook / replace_hook: {"id": "kebab-id", "at": "<point>", "processor": "<processor>", "params": {…}}):');
  for (const [point, meaning] of Object.entries(HOOK_POINT_MEANINGS)) lines.push(`- at ${point}: ${meaning}`);
  for (const option of hookOptions()) {
    const params = objectShape(option.shape.params);
    const parameters = params ? describedFields(params).map((parameter) => `"${parameter.name}" (${parameter.description})`) : [];
    lines.push(`- processor ${option.description}${parameters.length ? ` Params: ${parameters.join('; ')}` : ''}`);
  }
  const toolNames = Object.keys(harnessShape().tools.shape);
  lines.push('', `Tools (for set_tool_description): ${toolNames.join(', ')}.`);
  return lines.join('\n');
}

/** A policy's current settings in words, e.g. `afterToolCalls 50 · message "…"`; limits show their value. */
export function describePolicySettings(name: PolicyName, value: unknown): string {
  // A harness written before the answer cap existed has none; the loop then uses its default.
  if (name === 'maxAnswerTokens' && value === undefined) return `${name} = ${DEFAULT_MAX_ANSWER_TOKENS} (default)`;
  if (typeof value !== 'object' || value === null) return `${name} = ${String(value)}`;
  return Object.entries(value as Record<string, unknown>)
    .filter(([key]) => key !== 'enabled')
    .map(([key, setting]) => `${key} ${typeof setting === 'string' && key !== 'mode' && key !== 'keep' ? JSON.stringify(setting.length > 60 ? `${setting.slice(0, 57)}…` : setting) : String(setting)}`)
    .join(' · ');
}

/** Whether a policy is doing anything: limits are always on; the others by `enabled` or a mode other than off. */
export function isPolicyOn(name: PolicyName, value: unknown): boolean {
  if (name === 'maxSteps' || name === 'commandTimeout' || name === 'maxAnswerTokens') return true;
  if (typeof value !== 'object' || value === null) return Boolean(value);
  const record = value as { enabled?: boolean; mode?: string };
  if (record.mode !== undefined) return record.mode !== 'off';
  return record.enabled === true;
}
