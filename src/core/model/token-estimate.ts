import type { ModelRequest } from './types.js';

/** Rough token count (4 characters a token) for servers that report no usage. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Rough token count of a whole request: every message, call and tool definition. */
export function estimateRequestTokens(request: ModelRequest): number {
  let characters = 0;
  for (const message of request.messages) {
    characters += message.content.length;
    for (const call of message.toolCalls ?? []) characters += call.name.length + call.argumentsText.length;
  }
  if (request.tools.length > 0) characters += JSON.stringify(request.tools).length;
  return Math.ceil(characters / 4);
}
