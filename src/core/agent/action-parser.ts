import type { ToolName } from '../harness/schema.js';
import type { ToolCall } from '../model/types.js';

/** One thing the model asked the harness to do. */
export interface Action {
  callId: string;
  tool: ToolName;
  args: Record<string, unknown>;
}

export type ParseActionsResult = { ok: true; actions: Action[]; thought: string } | { ok: false; message: string };

/** The prompt-level protocol for models without native tool calls. */
export const JSON_ACTION_SCHEMA = {
  title: 'action',
  type: 'object',
  properties: {
    thought: { type: 'string' },
    tool: { type: 'string', enum: ['shell', 'read_file', 'write_file', 'finish'] },
    args: {
      type: 'object',
      properties: {
        command: { type: 'string' },
        path: { type: 'string' },
        content: { type: 'string' },
        summary: { type: 'string' },
      },
    },
  },
  required: ['tool', 'args'],
} as const;

const REQUIRED_ARGS: Record<ToolName, string[]> = {
  shell: ['command'],
  read_file: ['path'],
  write_file: ['path', 'content'],
  finish: [],
};

/**
 * Turn whatever the model produced into actions, or into a message that tells the model what was wrong.
 * Never throws: malformed output is a format error the loop feeds back and counts.
 */
export function parseActions(text: string, toolCalls: ToolCall[], enabledTools: readonly ToolName[], protocol: 'native_tools' | 'json_action' = 'json_action'): ParseActionsResult {
  if (toolCalls.length > 0) {
    const actions: Action[] = [];
    for (const call of toolCalls) {
      const args = parseJsonObject(call.argumentsText || '{}');
      if (!args.ok) return { ok: false, message: `arguments of tool call "${call.name}" are not a JSON object: ${args.message}` };
      const checked = checkAction(call.name, args.value, enabledTools);
      if (typeof checked === 'string') return { ok: false, message: checked };
      actions.push({ callId: call.id, ...checked });
    }
    return { ok: true, actions, thought: text };
  }
  const howTo =
    protocol === 'native_tools'
      ? `Call one of the tools (${enabledTools.join(', ')}); call finish when the task is done.`
      : 'Respond with one JSON object like {"thought": "...", "tool": "shell", "args": {"command": "ls"}}.';
  if (!text.trim()) return { ok: false, message: `your answer was empty. ${howTo}` };
  // Some servers put a native tool call into the text; accept it, whatever the protocol.
  const found = extractJsonObject(text);
  if (!found) return { ok: false, message: `no action found in your answer. ${howTo}` };
  const parsed = parseJsonObject(found);
  if (!parsed.ok) return { ok: false, message: `your JSON action could not be parsed: ${parsed.message}` };
  const value = parsed.value;
  const tool = value.tool ?? value.name ?? value.action;
  const args = value.args ?? value.arguments ?? value.parameters ?? {};
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return { ok: false, message: '"args" must be a JSON object.' };
  const checked = checkAction(tool, args as Record<string, unknown>, enabledTools);
  if (typeof checked === 'string') return { ok: false, message: checked };
  const thought = typeof value.thought === 'string' ? value.thought : '';
  return { ok: true, actions: [{ callId: 'json_action', ...checked }], thought };
}

function checkAction(tool: unknown, args: Record<string, unknown>, enabledTools: readonly ToolName[]): { tool: ToolName; args: Record<string, unknown> } | string {
  if (typeof tool !== 'string' || !enabledTools.includes(tool as ToolName)) {
    return `unknown tool ${JSON.stringify(tool)}. Available tools: ${enabledTools.join(', ')}.`;
  }
  const name = tool as ToolName;
  for (const key of REQUIRED_ARGS[name]) {
    if (typeof args[key] !== 'string') return `tool "${name}" needs a string argument "${key}".`;
  }
  return { tool: name, args };
}

function parseJsonObject(text: string): { ok: true; value: Record<string, unknown> } | { ok: false; message: string } {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, message: 'expected an object' };
    return { ok: true, value: value as Record<string, unknown> };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

/** First balanced {...} in the text, ignoring code fences and prose around it; braces inside strings are skipped. */
export function extractJsonObject(text: string): string | undefined {
  const start = text.indexOf('{');
  if (start < 0) return undefined;
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let index = start; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (escaped) escaped = false;
      else if (char === '\\') escaped = true;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    else if (char === '{') depth++;
    else if (char === '}') {
      depth--;
      if (depth === 0) return text.slice(start, index + 1);
    }
  }
  return undefined;
}
