// How tool traffic is written as plain text for models that get actions through the prompt (no native tools).
import type { ChatMessage, ToolCall } from './types.js';

/** Tool results as user text, for prompt-level actions. */
export function toolResultText(message: ChatMessage): string {
  return `Tool result${message.toolName ? ` (${message.toolName})` : ''}:\n${message.content}`;
}

/** Tool calls written as JSON text, for transcripts sent to models without native tools. */
export function describeCalls(calls: ToolCall[]): string {
  return JSON.stringify(calls.map((call) => ({ name: call.name, arguments: parseOr(call.argumentsText, call.argumentsText) })));
}

function parseOr(text: string, fallback: unknown): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return fallback;
  }
}

