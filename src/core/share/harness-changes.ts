import { diffLines } from 'diff';
import type { HarnessDocument, PolicyName, ToolName } from '../harness/schema.js';
import { describePolicySettings, isPolicyOn } from './glossary.js';

/** One change between two harness versions, in words a person reads beside the line diff. */
export interface HarnessChange {
  area: 'about' | 'prompt' | 'rule' | 'planning' | 'tool' | 'policy' | 'hook';
  /** What changed: a rule id, a policy name, a hook id, a tool name, or the field. */
  name: string;
  change: 'added' | 'removed' | 'changed' | 'turned on' | 'turned off';
  detail: string;
}

const quote = (text: string, max = 120) => `"${text.length > max ? `${text.slice(0, max - 1)}…` : text}"`;

function lineCounts(before: string, after: string): string {
  let added = 0;
  let removed = 0;
  for (const part of diffLines(before, after)) {
    if (part.added) added += part.count ?? 0;
    if (part.removed) removed += part.count ?? 0;
  }
  return `${added} line${added === 1 ? '' : 's'} added, ${removed} removed`;
}

/** Every changed rule, policy, hook and tool (and the prompt texts) from `before` to `after`, in document order. */
export function describeHarnessChanges(before: HarnessDocument, after: HarnessDocument): HarnessChange[] {
  const changes: HarnessChange[] = [];
  if (before.name !== after.name) changes.push({ area: 'about', name: 'name', change: 'changed', detail: `${quote(before.name)} → ${quote(after.name)}` });
  if (before.description !== after.description) changes.push({ area: 'about', name: 'description', change: 'changed', detail: quote(after.description) });
  if (before.systemPrompt !== after.systemPrompt) changes.push({ area: 'prompt', name: 'systemPrompt', change: 'changed', detail: lineCounts(before.systemPrompt, after.systemPrompt) });

  const oldRules = new Map(before.rules.map((rule) => [rule.id, rule]));
  const newRules = new Map(after.rules.map((rule) => [rule.id, rule]));
  for (const rule of after.rules) {
    const old = oldRules.get(rule.id);
    if (!old) changes.push({ area: 'rule', name: rule.id, change: 'added', detail: quote(rule.text) });
    else if (old.text !== rule.text) changes.push({ area: 'rule', name: rule.id, change: 'changed', detail: `${quote(old.text, 60)} → ${quote(rule.text, 60)}` });
  }
  for (const rule of before.rules) if (!newRules.has(rule.id)) changes.push({ area: 'rule', name: rule.id, change: 'removed', detail: quote(rule.text) });

  if (before.planningTemplate !== after.planningTemplate) {
    const change = !before.planningTemplate.trim() ? 'added' : !after.planningTemplate.trim() ? 'removed' : 'changed';
    changes.push({ area: 'planning', name: 'planningTemplate', change, detail: change === 'removed' ? 'no planning step any more' : quote(after.planningTemplate) });
  }

  for (const name of Object.keys(after.tools) as ToolName[]) {
    const old = before.tools[name];
    const tool = after.tools[name];
    if (old.enabled !== tool.enabled) changes.push({ area: 'tool', name, change: tool.enabled ? 'turned on' : 'turned off', detail: tool.enabled ? 'the model is offered this tool' : 'the model no longer has this tool' });
    if (old.description !== tool.description) changes.push({ area: 'tool', name, change: 'changed', detail: `description now ${quote(tool.description)}` });
  }

  for (const name of Object.keys(after.policies) as PolicyName[]) {
    const old = before.policies[name];
    const policy = after.policies[name];
    if (JSON.stringify(old) === JSON.stringify(policy)) continue;
    const wasOn = isPolicyOn(name, old);
    const isOn = isPolicyOn(name, policy);
    const settings = describePolicySettings(name, policy);
    if (wasOn !== isOn) changes.push({ area: 'policy', name, change: isOn ? 'turned on' : 'turned off', detail: isOn ? settings : 'no longer steps in' });
    else changes.push({ area: 'policy', name, change: 'changed', detail: `${describePolicySettings(name, old)} → ${settings}` });
  }

  const oldHooks = new Map(before.hooks.map((hook) => [hook.id, hook]));
  const newHooks = new Map(after.hooks.map((hook) => [hook.id, hook]));
  const hookText = (hook: HarnessDocument['hooks'][number]) => `${hook.processor} at ${hook.at}: ${JSON.stringify(hook.params)}`;
  for (const hook of after.hooks) {
    const old = oldHooks.get(hook.id);
    if (!old) changes.push({ area: 'hook', name: hook.id, change: 'added', detail: hookText(hook) });
    else if (JSON.stringify(old) !== JSON.stringify(hook)) changes.push({ area: 'hook', name: hook.id, change: 'changed', detail: `${hookText(old)} → ${hookText(hook)}` });
  }
  for (const hook of before.hooks) if (!newHooks.has(hook.id)) changes.push({ area: 'hook', name: hook.id, change: 'removed', detail: hookText(hook) });
  return changes;
}
