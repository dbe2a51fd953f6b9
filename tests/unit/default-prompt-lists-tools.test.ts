import { describe, expect, it } from 'vitest';
import { renderSystemPrompt } from '../../src/core/agent/prompt.js';
import { createDefaultHarness } from '../../src/core/harness/index.js';

/**
 * Issue 13: llama-server drops `tools` silently when the chat template has no tool support, and the default prompt had
 * no {{tools}} placeholder, so in native_tools mode the agent never learned the tool names (30 malformed answers in a
 * run). The default prompt lists the tools in both protocols.
 */
describe('the default system prompt', () => {
  it('names every enabled tool with its arguments in native_tools mode', () => {
    const prompt = renderSystemPrompt(createDefaultHarness(), 'Do the task.', '/work', 'native_tools');
    for (const line of ['- shell(command):', '- read_file(path):', '- write_file(path, content):', '- finish(summary):']) expect(prompt).toContain(line);
    expect(prompt).not.toContain('{{tools}}');
  });

  it('names the tools and the JSON answer format once in json_action mode', () => {
    const prompt = renderSystemPrompt(createDefaultHarness(), 'Do the task.', '/work', 'json_action');
    expect(prompt).toContain('- shell(command):');
    expect(prompt.split('Answer every turn with exactly one JSON object').length).toBe(2);
  });
});
