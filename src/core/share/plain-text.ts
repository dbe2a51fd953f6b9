import { renderSystemPrompt } from '../agent/prompt.js';
import type { HarnessDocument, PolicyName, ToolName } from '../harness/schema.js';
import { describePolicySettings, hookProcessorDescription, isPolicyOn, policyDescription, toolDescription } from './glossary.js';

/**
 * A harness as plain text for other agents: the system prompt as this app renders it, and an `AGENTS.md` that a
 * coding agent (Codex, Claude Code, …) reads as its instructions. Policies and hooks are code here; there they become
 * the habits they enforce, in words.
 */

export const INSTRUCTION_PLACEHOLDER = '<the task instruction goes here>';

/** The system prompt the model receives, with the task left as a placeholder and tools described in the prompt. */
export function renderPlainSystemPrompt(harness: HarnessDocument, cwd = '/work'): string {
  return `${renderSystemPrompt(harness, INSTRUCTION_PLACEHOLDER, cwd, 'json_action')}\n`;
}

/** What an enabled policy asks of the agent, as an instruction a person or another agent can follow. */
function policyHabit(name: PolicyName, harness: HarnessDocument): string | undefined {
  const policies = harness.policies;
  switch (name) {
    case 'maxSteps':
      return `Finish within ${policies.maxSteps} turns.`;
    case 'commandTimeout':
      return `Expect any single shell command to be stopped after ${policies.commandTimeout.seconds} seconds; run long jobs in smaller pieces.`;
    case 'loopBreaker':
      return `Every ${policies.loopBreaker.afterToolCalls} tool calls, stop and reconsider: ${policies.loopBreaker.message}`;
    case 'duplicateCommandGuard':
      return 'Never re-run a command that just failed without changing it; change the approach instead.';
    case 'persistShellState':
      return undefined; // a property of the sandbox, not a habit
    case 'outputTruncation':
      return `Long command output is cut to ${policies.outputTruncation.maxChars} characters; filter output (head, grep, wc) rather than printing everything.`;
    case 'finishGuard':
      return `Before you declare the task done, re-check it: ${policies.finishGuard.message}`;
  }
}

function hookInstruction(hook: HarnessDocument['hooks'][number]): string {
  const when = { onStart: 'At the start', beforeTool: 'Before each tool call', afterTool: 'After each tool call', beforeFinish: 'Before you finish' }[hook.at];
  switch (hook.processor) {
    case 'inject_message':
      return `${when}: ${hook.params.text}`;
    case 'run_shell':
      return `${when}, run \`${hook.params.command}\`; it must exit 0${hook.params.failMessage ? ` (otherwise: ${hook.params.failMessage})` : ''}.`;
    case 'require_file':
      return `${when}, make sure \`${hook.params.path}\` exists${hook.params.message ? ` (${hook.params.message})` : ''}.`;
  }
}

export interface AgentsMarkdownOptions {
  label: string;
  hash: string;
}

/** `AGENTS.md`: the harness's rules, habits and checks for another agent, plus the exact system prompt template. */
export function renderAgentsMarkdown(harness: HarnessDocument, { label, hash }: AgentsMarkdownOptions): string {
  const lines: string[] = [`# AGENTS.md — ${harness.name}`, ''];
  lines.push(`Exported from Self-Harness Studio: harness version \`${hash.slice(0, 12)}\` ("${label}").`);
  if (harness.description) lines.push('', harness.description);

  lines.push('', '## Rules', '');
  if (harness.rules.length) for (const rule of harness.rules) lines.push(`- ${rule.text}`);
  else lines.push('No rules.');

  if (harness.planningTemplate.trim()) lines.push('', '## Planning', '', harness.planningTemplate.replaceAll('{{instruction}}', 'the task').trim());

  const habits = (Object.keys(harness.policies) as PolicyName[])
    .filter((name) => isPolicyOn(name, harness.policies[name]))
    .map((name) => policyHabit(name, harness))
    .filter((habit): habit is string => Boolean(habit));
  lines.push('', '## Working habits', '');
  if (habits.length) for (const habit of habits) lines.push(`- ${habit}`);
  else lines.push('None beyond the rules.');

  if (harness.hooks.length) {
    lines.push('', '## Checks', '');
    for (const hook of harness.hooks) lines.push(`- ${hookInstruction(hook)}`);
  }

  lines.push('', '## Tools', '');
  for (const [name, tool] of Object.entries(harness.tools) as Array<[ToolName, HarnessDocument['tools'][ToolName]]>) {
    if (tool.enabled) lines.push(`- \`${name}\`: ${tool.description}`);
  }

  lines.push('', '## What the harness does (reference)', '');
  for (const name of Object.keys(harness.policies) as PolicyName[]) {
    const on = isPolicyOn(name, harness.policies[name]);
    lines.push(`- \`${name}\` (${on ? 'on' : 'off'}; ${describePolicySettings(name, harness.policies[name])}): ${policyDescription(name)}`);
  }
  for (const hook of harness.hooks) lines.push(`- hook \`${hook.id}\` at \`${hook.at}\`: ${hookProcessorDescription(hook.processor)}`);
  for (const name of Object.keys(harness.tools) as ToolName[]) lines.push(`- tool ${toolDescription(name)}`);

  lines.push('', '## System prompt template', '', '```text', harness.systemPrompt, '```', '');
  return lines.join('\n');
}
