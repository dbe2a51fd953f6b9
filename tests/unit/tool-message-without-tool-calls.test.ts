import { describe, expect, it } from 'vitest';
import { runAgentToEnd } from '../../src/core/agent/loop.js';
import { createDefaultHarness } from '../../src/core/harness/index.js';
import { toOpenAIMessages } from '../../src/core/model/openai-compatible.js';
import { ScriptedModel } from '../../src/core/model/scripted.js';
import { JustBashSandbox } from '../../src/core/sandbox/just-bash-sandbox.js';

/**
 * Issue 13: in native_tools mode, when the model wrote its action as JSON text, the next request carried a `tool`
 * message with `tool_call_id: "json_action"` and no preceding `tool_calls` — llama-server took it, stricter
 * OpenAI-style servers reject the whole request.
 */
type WireMessage = { role: string; tool_call_id?: string; tool_calls?: Array<{ id: string }> };

function everyToolMessageAnswersACall(messages: WireMessage[]): boolean {
  let open = new Set<string>();
  for (const message of messages) {
    if (message.role === 'assistant') open = new Set((message.tool_calls ?? []).map((call) => call.id));
    else if (message.role === 'tool') {
      if (!message.tool_call_id || !open.has(message.tool_call_id)) return false;
    } else open = new Set();
  }
  return true;
}

describe('native-tools conversations never hold a tool message without its tool_calls', () => {
  it('sends the result of an action written as JSON text back as user text', async () => {
    const model = new ScriptedModel(
      [
        { text: '{"tool": "shell", "args": {"command": "echo from-text"}}' },
        { toolCalls: [{ name: 'shell', args: { command: 'echo from-call' } }] },
        { toolCalls: [{ name: 'finish', args: { summary: 'done' } }] },
      ],
      'scripted:test',
      'native_tools',
    );
    const end = await runAgentToEnd({ harness: createDefaultHarness(), harnessHash: 'h', model, sandbox: new JustBashSandbox(), task: { id: 't', instruction: 'x', agentTimeoutSec: 30 } }, () => {});
    expect(end.reason).toBe('finished');

    const second = model.calls[1].messages;
    expect(second.some((message) => message.role === 'tool')).toBe(false);
    expect(second.at(-1)).toMatchObject({ role: 'user', content: expect.stringContaining('from-text') });
    // A real native call is still answered by a tool message.
    const third = model.calls[2].messages;
    expect(third.at(-1)).toMatchObject({ role: 'tool', toolCallId: 'call_1_0' });
    for (const call of model.calls) expect(everyToolMessageAnswersACall(toOpenAIMessages(call.messages, 'native_tools') as WireMessage[])).toBe(true);
  });

  it('turns a stray tool message into user text on the wire', () => {
    const wire = toOpenAIMessages(
      [
        { role: 'system', content: 's' },
        { role: 'user', content: 'u' },
        { role: 'assistant', content: '{"tool": "shell", "args": {"command": "ls"}}' },
        { role: 'tool', toolCallId: 'json_action', toolName: 'shell', content: 'a.txt' },
      ],
      'native_tools',
    ) as WireMessage[];
    expect(everyToolMessageAnswersACall(wire)).toBe(true);
    expect(wire.at(-1)).toEqual({ role: 'user', content: 'Tool result (shell):\na.txt' });
  });
});
