import { z } from 'zod';
import { parseHarness } from '../harness/harness.js';
import { Hook, type HarnessDocument, Policies, ToolName } from '../harness/schema.js';

/**
 * A proposed change to the harness, as a typed operation small enough to read in a diff.
 * Edits can only touch the harness's declared surfaces; task instructions and verifiers are not reachable from here.
 */
export const HarnessEdit = z.discriminatedUnion('op', [
  z.object({ op: z.literal('add_rule'), ruleId: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/), text: z.string().min(1) }).strict().describe('Adds a new rule with a new kebab-case id to the Rules list.'),
  z.object({ op: z.literal('replace_rule'), ruleId: z.string().min(1), text: z.string().min(1) }).strict().describe('Rewrites the text of an existing rule, keeping its id.'),
  z
    .object({
      op: z.literal('set_policy'),
      path: z.string().regex(/^[a-zA-Z]+(\.[a-zA-Z]+)?$/).describe('Dotted path inside `policies`, e.g. `loopBreaker.afterToolCalls` or `duplicateCommandGuard.mode`.'),
      value: z.union([z.boolean(), z.number(), z.string()]),
    })
    .strict()
    .describe('Sets one policy parameter, e.g. turns a policy on or changes its limit or message.'),
  z.object({ op: z.literal('add_hook'), hook: Hook }).strict().describe('Adds a hook with a new id: a built-in processor at one point of the loop.'),
  z.object({ op: z.literal('replace_hook'), hook: Hook }).strict().describe('Reconfigures an existing hook (same id): another point, processor or parameters.'),
  z.object({ op: z.literal('set_tool_description'), tool: ToolName, description: z.string().min(1) }).strict().describe('Rewrites what the model is told a tool does.'),
  z.object({ op: z.literal('set_planning_template'), template: z.string() }).strict().describe('Sets the planning text placed where the system prompt has {{plan}} (empty: no planning step).'),
]);
export type HarnessEdit = z.infer<typeof HarnessEdit>;

/** Minimality: how big one edit may be. */
export const EDIT_LIMITS = { maxEditsPerCandidate: 3, maxTextChars: 600, maxTemplateChars: 1500, maxShellChars: 400 } as const;

/** The part of the document an edit writes; two edits conflict when one path is a prefix of the other. */
export function touchedPath(edit: HarnessEdit): string {
  switch (edit.op) {
    case 'add_rule':
    case 'replace_rule':
      return `rules.${edit.ruleId}`;
    case 'set_policy':
      return `policies.${edit.path}`;
    case 'add_hook':
    case 'replace_hook':
      return `hooks.${edit.hook.id}`;
    case 'set_tool_description':
      return `tools.${edit.tool}.description`;
    case 'set_planning_template':
      return 'planningTemplate';
  }
}

export function pathsConflict(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);
}

export function editsAreDisjoint(a: readonly HarnessEdit[], b: readonly HarnessEdit[]): boolean {
  return a.every((left) => b.every((right) => !pathsConflict(touchedPath(left), touchedPath(right))));
}

/** Why an edit is too big, or undefined when it is small enough. */
export function editSizeProblem(edit: HarnessEdit): string | undefined {
  const text = editText(edit);
  const isShellHook = (edit.op === 'add_hook' || edit.op === 'replace_hook') && edit.hook.processor === 'run_shell';
  const limit = edit.op === 'set_planning_template' ? EDIT_LIMITS.maxTemplateChars : isShellHook ? EDIT_LIMITS.maxShellChars : EDIT_LIMITS.maxTextChars;
  return text.length > limit ? `edit ${edit.op} is ${text.length} characters; the limit is ${limit}` : undefined;
}

/** The human text an edit carries, for size limits, duplicate detection and the critic. */
export function editText(edit: HarnessEdit): string {
  switch (edit.op) {
    case 'add_rule':
    case 'replace_rule':
      return edit.text;
    case 'set_policy':
      return `${edit.path}=${String(edit.value)}`;
    case 'add_hook':
    case 'replace_hook':
      return JSON.stringify(edit.hook.params);
    case 'set_tool_description':
      return edit.description;
    case 'set_planning_template':
      return edit.template;
  }
}

/** Apply edits to a copy of the harness; the result is validated like any harness, so a bad edit is an error, not a broken version. */
export function applyEdits(harness: HarnessDocument, edits: readonly HarnessEdit[], note: string): { ok: true; harness: HarnessDocument } | { ok: false; error: string } {
  const next = structuredClone(harness);
  for (const edit of edits) {
    switch (edit.op) {
      case 'add_rule':
        if (next.rules.some((rule) => rule.id === edit.ruleId)) return { ok: false, error: `rule "${edit.ruleId}" already exists; use replace_rule` };
        next.rules.push({ id: edit.ruleId, text: edit.text, source: { kind: 'evolution', note } });
        break;
      case 'replace_rule': {
        const rule = next.rules.find((candidate) => candidate.id === edit.ruleId);
        if (!rule) return { ok: false, error: `there is no rule "${edit.ruleId}" to replace` };
        rule.text = edit.text;
        rule.source = { kind: 'evolution', note };
        break;
      }
      case 'set_policy': {
        const [policy, field] = edit.path.split('.');
        if (!(policy in Policies.shape)) return { ok: false, error: `unknown policy "${policy}"` };
        const policies = next.policies as unknown as Record<string, unknown>;
        if (field === undefined) policies[policy] = edit.value;
        else {
          const current = policies[policy];
          if (typeof current !== 'object' || current === null || !(field in current)) return { ok: false, error: `policy "${policy}" has no parameter "${field}"` };
          (current as Record<string, unknown>)[field] = edit.value;
        }
        break;
      }
      case 'add_hook':
        if (next.hooks.some((hook) => hook.id === edit.hook.id)) return { ok: false, error: `hook "${edit.hook.id}" already exists; use replace_hook` };
        next.hooks.push(edit.hook);
        break;
      case 'replace_hook': {
        const index = next.hooks.findIndex((hook) => hook.id === edit.hook.id);
        if (index < 0) return { ok: false, error: `there is no hook "${edit.hook.id}" to replace` };
        next.hooks[index] = edit.hook;
        break;
      }
      case 'set_tool_description':
        next.tools[edit.tool].description = edit.description;
        break;
      case 'set_planning_template':
        next.planningTemplate = edit.template;
        break;
    }
  }
  const parsed = parseHarness(next);
  return parsed.ok ? { ok: true, harness: parsed.harness } : { ok: false, error: parsed.errors.join('; ') };
}

function tokens(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[a-z0-9]+/g) ?? []);
}

/** Jaccard similarity of word sets, 0..1. */
export function textSimilarity(a: string, b: string): number {
  const left = tokens(a);
  const right = tokens(b);
  if (!left.size && !right.size) return 1;
  let shared = 0;
  for (const token of left) if (right.has(token)) shared++;
  return shared / (left.size + right.size - shared);
}

/** Diversity: two candidates are near-duplicates when their edits touch the same paths with (almost) the same content. */
export function areNearDuplicates(a: readonly HarnessEdit[], b: readonly HarnessEdit[], threshold = 0.75): boolean {
  if (a.length !== b.length) return false;
  const sameKind = (left: HarnessEdit, right: HarnessEdit) =>
    left.op === right.op && (left.op === 'add_rule' || left.op === 'replace_rule' || touchedPath(left) === touchedPath(right));
  return a.every((left) => b.some((right) => sameKind(left, right) && textSimilarity(editText(left), editText(right)) >= threshold));
}
